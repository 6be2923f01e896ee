namespace Frost.Vision.Tests;

/// <summary>A temporary folder removed at dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateTempSubdirectory("frost-vision-").FullName;

    public string Path { get; }

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="relative"/>, creating folders; returns the full path.</summary>
    public string Write(string relative, byte[] bytes)
    {
        string p = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(p)!);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    public string Dir(string relative)
    {
        string p = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(p);
        return p;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
