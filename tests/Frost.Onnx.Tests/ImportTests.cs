using Frost.Freezing;
using Frost.Layers;
using Frost.Onnx.Import;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Tests;

public class ImportTests
{
    [Fact]
    public void ResNet18_imports_with_structural_names_and_asymmetric_pads()
    {
        var model = (Sequential)OnnxImporter.Import(TestFiles.ResNet18);
        Assert.Equal(["stem", "stage1", "stage2", "stage3", "stage4", "head"], model.Children.Select(c => c.Name));
        Assert.Equal([2, 2, 2, 3], model.Children.Skip(1).Take(4).Select(s => s.Children.Count));
        var stem = (Layers.Conv2D)model["stem/conv"];
        Assert.Equal(new Conv2DSettings(2, 2, 3, 3, 2, 2), stem.Settings);
        Assert.Equal(new Conv2DSettings(2, 2, 1, 1, 0, 0), ((Layers.Conv2D)model["stage2/block0/conv1"]).Settings);
        Assert.NotNull(model["stage2/block0/downsample/bn"]);
        Assert.Null(((BasicBlock)model["stage1/block0"]).Downsample);

        // 22 convolutions + 22 batch norms: 15,885,504 conv weights, 11,648 BN scales/shifts, 11,648 running statistics.
        Assert.Equal(15_885_504 + 11_648, model.Variables.Where(v => v.Kind == VariableKind.Parameter).Sum(v => (long)v.Shape.Size));
        Assert.Equal(11_648, model.NonTrainableVariables.ElementCount);
        Assert.Equal(7, Selector.Glob("stage4/**/conv*/weight").Resolve(model).Count); // 3 blocks × 2 convs + 1 projection
    }

    [Fact]
    public void ResNet18_forward_matches_OnnxRuntime()
    {
        var image = Ort.Image(1, 224);
        long[] dims = [1, 3, 224, 224];
        var prepared = Ort.Run(File.ReadAllBytes(TestFiles.PreprocessPath), image, dims, out _);
        var expected = Ort.Run(TestFiles.ResNet18Bytes, prepared, dims, out var shape);
        Assert.Equal([1L, 512, 1, 1], shape);

        var model = OnnxImporter.LoadResNet18(224, Path.GetDirectoryName(Path.GetDirectoryName(TestFiles.PackageFolder)));
        model.Training = false;
        Tensor features;
        using (GradientTape.NoRecording())
        {
            features = model.Call(Tensor.FromArray(image, 1, 3, 224, 224));
        }

        Assert.Equal(new Shape(1, 512), features.Shape);
        var actual = features.ToArray();
        double maxDiff = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(maxDiff <= 1e-3, $"max abs difference {maxDiff} over 512 features (largest feature {expected.Max()})");
    }

    [Fact]
    public void Preprocessing_imports_as_a_graph_layer_matching_OnnxRuntime()
    {
        var image = Ort.Image(1, 224, seed: 7);
        var bytes = File.ReadAllBytes(TestFiles.PreprocessPath);
        var expected = Ort.Run(bytes, image, [1, 3, 224, 224], out _);
        var layer = OnnxImporter.Import(OnnxModel.Parse(bytes, "prep"));
        var graph = Assert.IsType<GraphLayer>(layer);
        Assert.Equal(["Split", "Concat", "Sub"], graph.Nodes.Select(n => n.OpType));
        Assert.Equal(expected, layer.Call(Tensor.FromArray(image, 1, 3, 224, 224)).ToArray());
        Assert.Equal(3 * 224 * 224, layer.NonTrainableVariables.ElementCount);
    }

    [Fact]
    public void A_generic_graph_matches_OnnxRuntime_and_trains()
    {
        var proto = SampleModels.ConvRelu();
        var bytes = new OnnxModel(proto).ToBytes();
        var input = proto.Graph!.Input[0].Type!.TensorType!.Shape!.Dims.Select(d => (int)d.DimValue!.Value).ToArray();
        var x = Tensor.Normal(new Shape(input), 0, 1, new Rng(3));
        var expected = Ort.Run(bytes, x.ToArray(), input.Select(d => (long)d).ToArray(), out _);
        var layer = OnnxImporter.Import(OnnxModel.Parse(bytes, "convrelu"));
        var y = layer.Call(x);
        Assert.Equal(expected.Length, y.Size);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], y.AsReadOnlySpan()[i], 4);
        }

        Assert.NotEmpty(layer.TrainableVariables);
    }

    [Fact]
    public void Unsupported_ops_are_listed_with_counts()
    {
        var proto = SampleModels.ConvRelu();
        proto.Graph!.Node.Add(new NodeProto { OpType = "LSTM", Name = "l1" });
        proto.Graph.Node.Add(new NodeProto { OpType = "LSTM", Name = "l2" });
        proto.Graph.Node.Add(new NodeProto { OpType = "Resize", Name = "r" });
        var ex = Assert.Throws<NotSupportedException>(() => OnnxImporter.Import(new OnnxModel(proto, "odd.onnx")));
        Assert.Contains("odd.onnx: unsupported ONNX ops: LSTM (2), Resize (1)", ex.Message, StringComparison.Ordinal);
    }
}

public class LegacySemanticsTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void Softmax_follows_the_models_opset_and_exports_equivalently(long opset)
    {
        var graph = new GraphProto { Name = "sm" };
        graph.Input.Add(new ValueInfoProto("x", OnnxDataType.Float, 2, 3, 4));
        graph.Output.Add(new ValueInfoProto("y", OnnxDataType.Float, 2, 3, 4));
        var node = new NodeProto { OpType = "Softmax", Name = "softmax" };
        node.Input.Add("x");
        node.Output.Add("y");
        node.Attribute.Add(AttributeProto.Int("axis", 1));
        graph.Node.Add(node);
        var proto = new ModelProto { IrVersion = 7, ProducerName = "frost-tests", Graph = graph };
        proto.OpsetImport.Add(new OperatorSetIdProto("", opset));
        var bytes = new OnnxModel(proto).ToBytes();

        var x = Tensor.Normal(new Shape(2, 3, 4), 0, 1, new Rng(4));
        var expected = Ort.Run(bytes, x.ToArray(), [2, 3, 4], out _);
        var layer = OnnxImporter.Import(OnnxModel.Parse(bytes, "sm"));
        var actual = layer.Call(x).ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }

        var exported = OnnxExporter.Export(layer, x.Shape).ToBytes();
        var again = Ort.Run(exported, x.ToArray(), [2, 3, 4], out _);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], again[i], 5);
        }
    }
}
