using Frost.Adapters;
using Frost.Freezing;
using Frost.Layers;

namespace Frost.Onnx.Tests;

public class LoraExportTests
{
    private static Sequential Trained(out Tensor x)
    {
        var rng = new Rng(5);
        var model = new Sequential(
            new Layers.Conv2D(3, 8, 3, rng, padding: 1, name: "conv1"),
            new BatchNorm2D(8, name: "bn1"),
            new Relu(),
            new BasicBlock(8, 8, 1, rng, name: "block"),
            new GlobalAvgPool(name: "pool"),
            new Dense(8, 4, rng, name: "head"));
        Lora.Inject(model, Selector.Glob("conv1/weight") | Selector.Glob("block/conv*/weight") | Selector.Glob("head/weight"), rank: 2, alpha: 4, rng: rng);
        foreach (var a in Lora.Adapters(model))
        {
            rng.FillNormal(a.B.Value.AsSpan(), 0, 0.3f);
        }

        x = Tensor.Normal(new Shape(2, 3, 9, 9), 0, 1, rng);
        model.Training = false;
        return model;
    }

    [Fact]
    public void A_merged_lora_model_exports_and_onnx_runtime_matches_the_unmerged_model()
    {
        var model = Trained(out var x);
        var unmerged = model.Call(x).ToArray();
        Lora.Merge(model);
        var bytes = OnnxExporter.Export(model, x.Shape).ToBytes();
        var actual = Ort.Run(bytes, x.ToArray(), [.. x.Shape.ToArray().Select(d => (long)d)], out _);
        double maxDiff = unmerged.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff <= 1e-4 * Math.Max(1, unmerged.Max(Math.Abs)), $"max abs difference {maxDiff}");
        Assert.DoesNotContain(OnnxExporter.Export(model, x.Shape).Graph.Initializer, t => t.Name.Contains("lora", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unmerged_adapter_is_refused_by_the_exporter_naming_its_layer()
    {
        var model = Trained(out var x);
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(model, x.Shape));
        Assert.Contains("'conv1' is not merged", e.Message, StringComparison.Ordinal);
        Assert.Contains("Lora.Merge", e.Message, StringComparison.Ordinal);
    }
}
