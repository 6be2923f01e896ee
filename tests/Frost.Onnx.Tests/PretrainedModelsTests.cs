namespace Frost.Onnx.Tests;

public class PretrainedModelsTests
{
    [Fact]
    public void FindsBothFilesInAPackagesFolder()
    {
        // PackageFolder is <root>/microsoft.ml.dnnimagefeaturizer.resnet18/0.23.1.
        string root = Path.GetDirectoryName(Path.GetDirectoryName(TestFiles.PackageFolder))!;
        Assert.Equal(Path.GetFullPath(TestFiles.ResNet18Path), Path.GetFullPath(PretrainedModels.FindResNet18(root)));
        Assert.Equal(Path.GetFullPath(TestFiles.PreprocessPath), Path.GetFullPath(PretrainedModels.FindResNetPreprocess(root)));
    }

    [Fact]
    public void AMissingPackageSaysWhatToRestore()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => PretrainedModels.FindResNet18("/nonexistent/packages"));
        Assert.Contains("Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1", ex.Message);
        Assert.Contains("/nonexistent/packages", ex.Message);
    }
}
