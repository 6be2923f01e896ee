namespace Frost.Onnx;

/// <summary>
/// Finds the pretrained ONNX models that ship inside NuGet packages: in the local package cache, or copied next to
/// the application (as the <c>frost</c> tool ships them).
/// </summary>
/// <remarks>
/// A project gets the files without referencing the package (which would bring in ML.NET and ONNX Runtime) through
/// <c>&lt;PackageDownload Include="Microsoft.ML.DnnImageFeaturizer.ResNet18" Version="[0.23.1]" /&gt;</c>:
/// restore puts the package in the cache and nothing else.
/// </remarks>
public static class PretrainedModels
{
    /// <summary>The NuGet package that ships ResNet18.onnx and ResNetPreprocess.onnx.</summary>
    public const string ResNet18PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>The version of <see cref="ResNet18PackageId"/> Frost is tested with.</summary>
    public const string ResNet18PackageVersion = "0.23.1";

    /// <summary>
    /// The path of ResNet18.onnx: a CNTK-exported ResNet18 feature extractor (input float[1,3,224,224], output
    /// float[1,512,1,1]).
    /// </summary>
    /// <param name="packagesRoot">The NuGet packages folder to look in; by default the cache NuGet uses
    /// (<c>NUGET_PACKAGES</c> if set, else <c>~/.nuget/packages</c>), then the application folder.</param>
    /// <exception cref="FileNotFoundException">The package is not restored; the message says which one to restore.</exception>
    public static string FindResNet18(string? packagesRoot = null) => Find(Path.Combine("ResNet18Onnx", "ResNet18.onnx"), packagesRoot);

    /// <summary>
    /// The path of ResNetPreprocess.onnx, the preprocessing graph that goes with <see cref="FindResNet18"/>
    /// (RGB to BGR, minus a per-pixel mean image, on a 0..255 scale).
    /// </summary>
    /// <inheritdoc cref="FindResNet18" path="/param"/>
    /// <exception cref="FileNotFoundException">The package is not restored; the message says which one to restore.</exception>
    public static string FindResNetPreprocess(string? packagesRoot = null) =>
        Find(Path.Combine("ResNetPrepOnnx", "ResNetPreprocess.onnx"), packagesRoot);

    /// <summary>The NuGet global packages folder: <c>NUGET_PACKAGES</c> if set, else <c>~/.nuget/packages</c>.</summary>
    public static string DefaultPackagesRoot()
    {
        // NOTE: NUGET_PACKAGES is NuGet's documented override of the cache location; honouring it is the only way
        // to find the same files the build restored.
        string? env = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        return !string.IsNullOrEmpty(env)
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }

    private static string Find(string relative, string? packagesRoot)
    {
        var candidates = new List<string>();
        string PackagePath(string root) => Path.Combine(
            root, ResNet18PackageId.ToLowerInvariant(), ResNet18PackageVersion, "tools", "DnnImageModels", relative);

        if (packagesRoot is not null)
        {
            candidates.Add(PackagePath(packagesRoot));
        }
        else
        {
            candidates.Add(PackagePath(DefaultPackagesRoot()));

            // A project that references the package normally gets the files copied next to its assemblies.
            candidates.Add(Path.Combine(AppContext.BaseDirectory, "DnnImageModels", relative));
        }

        foreach (string c in candidates)
        {
            if (File.Exists(c))
            {
                return c;
            }
        }

        string name = Path.GetFileName(relative);
        throw new FileNotFoundException(
            $"{name} not found; it ships in the NuGet package {ResNet18PackageId} {ResNet18PackageVersion}. Download it into the NuGet cache " +
            $"without referencing it (nor ML.NET or ONNX Runtime, its dependencies) by adding " +
            $"<PackageDownload Include=\"{ResNet18PackageId}\" Version=\"[{ResNet18PackageVersion}]\" /> to an ItemGroup of your project and " +
            $"running dotnet restore, or pass the packages folder. Looked in: {string.Join("; ", candidates)}",
            name);
    }
}
