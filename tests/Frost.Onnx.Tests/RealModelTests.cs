namespace Frost.Onnx.Tests;

public class RealModelTests
{
    [Fact]
    public void ResNet18_has_the_expected_structure()
    {
        var model = TestFiles.ResNet18;
        Assert.Equal(3, model.Proto.IrVersion);
        Assert.Equal(8, model.Proto.DefaultOpsetVersion);
        Assert.Equal("CNTK", model.Proto.ProducerName);
        var summary = model.Summarize();
        Assert.Equal("Input247: float[1,3,224,224]", Assert.Single(summary.Inputs).ToString());
        Assert.Equal("Pooling395_Output_0: float[1,512,1,1]", Assert.Single(summary.Outputs).ToString());
        Assert.Equal(74, summary.NodeCount);
        Assert.Equal(110, summary.InitializerCount);
        Assert.Equal(15_908_800, summary.ParameterCount);
        Assert.Equal(
            new Dictionary<string, int> { ["Conv"] = 22, ["BatchNormalization"] = 22, ["Relu"] = 19, ["Add"] = 9, ["MaxPool"] = 1, ["AveragePool"] = 1 },
            summary.OpHistogram.ToDictionary());

        var g = model.Graph;
        var stem = g.Node[0];
        Assert.Equal(["Input247", "Parameter91"], stem.Input);
        Assert.Equal([7L, 7], stem.FindAttribute("kernel_shape")!.Ints);
        Assert.Equal([3L, 3, 2, 2], stem.FindAttribute("pads")!.Ints); // asymmetric: begin 3, end 2
        Assert.Equal([2L, 2], stem.FindAttribute("strides")!.Ints);
        var bn = g.Node[1];
        Assert.Equal(1e-5f, bn.FindAttribute("epsilon")!.F);
        Assert.Equal(1, bn.FindAttribute("spatial")!.I);
        Assert.Equal([1L, 1, 0, 0], g.Node[3].FindAttribute("pads")!.Ints); // MaxPool 3x3/2
        Assert.Equal("MaxPool", g.Node[3].OpType);
        Assert.Equal("AveragePool", g.Node[^1].OpType);
        Assert.Equal("Parameter91: float[64,3,7,7]", g.Initializer.Single(t => t.Name == "Parameter91").ToString());
        Assert.All(g.Initializer, t => Assert.Equal(t.ElementCount, t.FloatData.Count));
        Assert.Equal(73, g.ValueInfo.Count);
    }

    [Fact]
    public void ResNet18_initializer_converts_to_a_tensor()
    {
        var w = TestFiles.ResNet18.Graph.Initializer.Single(t => t.Name == "Parameter91").ToTensor();
        Assert.Equal([64, 3, 7, 7], w.Shape.ToArray());
        Assert.Equal(TestFiles.ResNet18.Graph.Initializer.Single(t => t.Name == "Parameter91").FloatData, w.ToArray());
    }

    [Fact]
    public void ResNetPreprocess_splits_swaps_and_subtracts_the_mean_image()
    {
        var model = OnnxModel.Load(TestFiles.PreprocessPath);
        var g = model.Graph;
        Assert.Equal(["Split", "Concat", "Sub"], g.Node.Select(n => n.OpType));
        Assert.Equal(["BInp", "GInp", "RInp"], g.Node[1].Input);
        var mean = Assert.Single(g.Initializer);
        Assert.Equal("MeanImage", mean.Name);
        Assert.Equal([1, 3, 224, 224], mean.ToTensor().Shape.ToArray());
        Assert.Equal("OriginalInput: float[1,3,224,224]", Assert.Single(g.Input).ToString());
        Assert.Equal("PreprocessedInput: float[1,3,224,224]", Assert.Single(g.Output).ToString());
    }

    [Fact]
    public void Both_real_files_round_trip_byte_for_byte()
    {
        foreach (string path in new[] { TestFiles.ResNet18Path, TestFiles.PreprocessPath })
        {
            byte[] original = path == TestFiles.ResNet18Path ? TestFiles.ResNet18Bytes : File.ReadAllBytes(path);
            var first = path == TestFiles.ResNet18Path ? TestFiles.ResNet18 : OnnxModel.Parse(original, path);
            byte[] saved = first.ToBytes();
            Assert.True(original.AsSpan().SequenceEqual(saved), $"{path}: the re-saved bytes differ from the file");
            var second = OnnxModel.Parse(saved, "resaved");
            ProtoAssert.Equal(first.Proto, second.Proto);
            Assert.True(saved.AsSpan().SequenceEqual(second.ToBytes()));
        }
    }
}
