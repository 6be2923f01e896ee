namespace Frost.Onnx.Tests;

public class PretrainedModelsTests
{
    [Fact]
    public void Finds_both_files_in_a_packages_folder()
    {
        // PackageFolder is <root>/microsoft.ml.dnnimagefeaturizer.resnet18/0.23.1.
        string root = Path.GetDirectoryName(Path.GetDirectoryName(TestFiles.PackageFolder))!;
        Assert.Equal(Path.GetFullPath(TestFiles.ResNet18Path), Path.GetFullPath(PretrainedModels.FindResNet18(root)));
        Assert.Equal(Path.GetFullPath(TestFiles.PreprocessPath), Path.GetFullPath(PretrainedModels.FindResNetPreprocess(root)));
    }

    [Fact]
    public void A_missing_package_says_what_to_restore()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => PretrainedModels.FindResNet18("/nonexistent/packages"));
        Assert.Contains("Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1", ex.Message);
        Assert.Contains("/nonexistent/packages", ex.Message);
    }
}
