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
}
