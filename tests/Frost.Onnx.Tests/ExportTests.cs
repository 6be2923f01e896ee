using Frost.Layers;

namespace Frost.Onnx.Tests;

public class ExportTests
{
    private static void AssertMatchesOrt(Layer model, Tensor x, double tolerance = 1e-4)
    {
        model.Training = false;
        Tensor expected;
        using (GradientTape.NoRecording())
        {
            expected = model.Call(x).Clone();
        }

        var onnx = OnnxExporter.Export(model, x.Shape);
        var bytes = onnx.ToBytes();
        var actual = Ort.Run(bytes, x.ToArray(), x.Shape.ToArray().Select(d => (long)d).ToArray(), out var shape);
        Assert.Equal(expected.Shape.ToArray().Select(d => (long)d), shape);
        var e = expected.ToArray();
        double maxDiff = e.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff <= tolerance * Math.Max(1, e.Max(Math.Abs)), $"max abs difference {maxDiff}");

        // A second export of the reloaded bytes is identical: names and order are deterministic.
        Assert.Equal(bytes, OnnxExporter.Export(model, x.Shape).ToBytes());
    }

    [Fact]
    public void Convolutional_layers_export_and_match()
    {
        var rng = new Rng(1);
        var model = new Sequential(
            new Layers.Conv2D(3, 8, 3, 3, rng, new Conv2DSettings(2, 2, 1, 1, 0, 0)),
            new BatchNorm2D(8),
            new Relu(),
            new Layers.Conv2D(8, 8, 3, rng, padding: 1, groups: 8),
            new MaxPool2D(3, 2, 1),
            new BasicBlock(8, 16, 2, rng),
            new AvgPool2D(2, 2, countIncludePad: true),
            new Gelu(),
            new GlobalAvgPool(),
            new Dropout(0.5f, rng),
            new Dense(16, 5, rng),
            new Layers.Tanh());

        // Non-trivial running statistics, so inference-mode batch norm is really exercised.
        foreach (var bn in model.Descendants().OfType<BatchNorm2D>())
        {
            bn.RunningMean.Value.CopyFrom(Tensor.Normal(bn.RunningMean.Shape, 0, 0.5f, rng));
            bn.RunningVar.Value.CopyFrom(Tensor.Uniform(bn.RunningVar.Shape, 0.5f, 2f, rng));
        }

        AssertMatchesOrt(model, Tensor.Normal(new Shape(2, 3, 17, 16), 0, 1, rng));
    }

    [Fact]
    public void Dense_layer_norm_and_embedding_export_and_match()
    {
        var rng = new Rng(2);
        var model = new Sequential(new Embedding(10, 6, rng), new LayerNorm(6), new Dense(6, 4, rng), new Gelu(approximate: true), new Layers.Sigmoid());
        var ids = Tensor.FromArray([1f, 4f, 9f, 0f, 3f, 3f], 2, 3);
        AssertMatchesOrt(model, ids);
    }

    [Fact]
    public void Pretrained_ResNet18_with_a_new_head_exports_and_matches()
    {
        var model = OnnxImporter.LoadResNet18(64, Path.GetDirectoryName(Path.GetDirectoryName(TestFiles.PackageFolder)));
        ((Sequential)model["head"]).Add(new Dense(512, 10, new Rng(3), name: "fc"));
        var x = Tensor.FromArray(Ort.Image(2, 64), 2, 3, 64, 64);
        AssertMatchesOrt(model, x, tolerance: 1e-4);
        var names = OnnxExporter.Export(model, x.Shape).Graph.Initializer.Select(t => t.Name).ToHashSet();
        Assert.Contains("stage2/block0/downsample/conv/weight", names);
        Assert.Contains("head/fc/weight", names);
        Assert.Contains("preprocess/MeanImage", names);
    }

    [Fact]
    public void Layers_without_an_onnx_form_are_named()
    {
        var ex = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(new Sequential(new Lstm(2, 3, new Rng(0))), new Shape(1, 4, 2)));
        Assert.Contains("Lstm", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Metadata_set_on_an_export_survives_saving_and_a_key_set_twice_keeps_the_last_value()
    {
        var model = new Sequential(new Dense(3, 2, new Rng(1), name: "fc"));
        var onnx = OnnxExporter.Export(model, new Shape(1, 3));
        onnx.SetMetadata("class_names", "[\"old\"]");
        onnx.SetMetadata("class_names", "[\"blåbær\",\"cherry\"]");
        onnx.SetMetadata("frost.recipe", "{}");
        var reloaded = OnnxModel.Parse(onnx.ToBytes(), "m");
        Assert.Equal("[\"blåbær\",\"cherry\"]", reloaded.Metadata["class_names"]);
        Assert.Equal("{}", reloaded.Metadata["frost.recipe"]);
        Assert.Equal(2, reloaded.Metadata.Count);
        Assert.Throws<ArgumentException>(() => onnx.SetMetadata("", "x"));
    }
}
