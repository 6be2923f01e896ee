namespace Frost.TestKit;

/// <summary>Locates files of the repository and of the shared data folder from a test's output folder.</summary>
public static class Repo
{
    /// <summary>The repository root (the folder holding Frost.slnx).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path inside the repository.</summary>
    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The shared data folder beside the repository, or null when absent.</summary>
    public static string? SharedData
    {
        get
        {
            string p = Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));
            return Directory.Exists(p) ? p : null;
        }
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(d.FullName, "Frost.slnx")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("Frost.slnx not found above " + AppContext.BaseDirectory);
    }
}
