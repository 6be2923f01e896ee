using Frost.Layers;
using Frost.Onnx.Import;
using Microsoft.ML.OnnxRuntime;

namespace Frost.Onnx.Tests;

public sealed class TextClassifierExportTests(MiniLmFixture fx) : IClassFixture<MiniLmFixture>
{
    /// <summary>Rows of 3, 6 and 1 tokens (then padding), ids below the vocabulary size.</summary>
    private static (long[] Ids, long[] Mask, int Rows, int Length) Batch(int vocabulary, ulong seed)
    {
        int[] lengths = [3, 6, 1];
        const int T = 6;
        var rng = new Rng(seed);
        var ids = new long[lengths.Length * T];
        var mask = new long[ids.Length];
        for (int r = 0; r < lengths.Length; r++)
        {
            for (int t = 0; t < lengths[r]; t++)
            {
                ids[(r * T) + t] = 1 + rng.NextInt(vocabulary - 1);
                mask[(r * T) + t] = 1;
            }
        }

        return (ids, mask, lengths.Length, T);
    }

    private static float[] Ours(BertClassifier model, (long[] Ids, long[] Mask, int Rows, int Length) b)
    {
        using var noRecording = GradientTape.NoRecording();
        var ids = Tensor.FromArray([.. b.Ids.Select(i => (float)i)], b.Rows, b.Length);
        var mask = Tensor.FromArray([.. b.Mask.Select(i => (float)i)], b.Rows, b.Length);
        return model.Call(ids, mask).ToArray();
    }

    private static float[] Theirs(byte[] onnx, (long[] Ids, long[] Mask, int Rows, int Length) b, out long[] shape)
    {
        using var session = new InferenceSession(onnx);
        long[] dims = [b.Rows, b.Length];
        using var ids = OrtValue.CreateTensorValueFromMemory(b.Ids, dims);
        using var mask = OrtValue.CreateTensorValueFromMemory(b.Mask, dims);
        using var options = new RunOptions();
        using var results = session.Run(options, ["input_ids", "attention_mask"], [ids, mask], ["logits"]);
        shape = results[0].GetTensorTypeAndShape().Shape;
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static void Close(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= tolerance, $"logits differ from ONNX Runtime by up to {worst:E2}");
    }

    [Fact]
    public void A_small_text_classifier_exports_with_padded_batches_matching_OnnxRuntime_and_its_metadata()
    {
        var config = new BertConfig(50, 16, 2, 4, 32, MaxPositions: 10, LayerNormEpsilon: 1e-5f, InitializerRange: 0.3f);
        var model = new BertClassifier(config, 3, new Rng(1));
        var batch = Batch(50, 2);
        var onnx = OnnxExporter.ExportTextClassifier(model, new Dictionary<string, string> { ["class_names"] = "[\"a\",\"b\",\"c\"]" });
        var bytes = onnx.ToBytes();
        var theirs = Theirs(bytes, batch, out var shape);
        Assert.Equal([3L, 3L], shape);
        Close(Ours(model, batch), theirs, 1e-5);
        Assert.Equal("[\"a\",\"b\",\"c\"]", OnnxModel.Parse(bytes, "export").Metadata["class_names"]);
        using var session = new InferenceSession(bytes);
        Assert.Equal("[\"a\",\"b\",\"c\"]", session.ModelMetadata.CustomMetadataMap["class_names"]);
    }

    [Fact]
    public void A_MiniLM_classifier_exports_matching_OnnxRuntime()
    {
        var model = BertClassifier.FromEncoder(fx.Encoder, 2, new Rng(3));
        var batch = Batch(30522, 4);
        var theirs = Theirs(OnnxExporter.ExportTextClassifier(model).ToBytes(), batch, out _);
        Close(Ours(model, batch), theirs, 1e-4);
    }

    [Fact]
    public void A_small_exported_text_classifier_imports_back_as_a_BertClassifier_with_its_logits_and_OnnxRuntime_s()
    {
        var config = new BertConfig(50, 16, 2, 4, 32, MaxPositions: 10, LayerNormEpsilon: 1e-5f, InitializerRange: 0.3f);
        var model = new BertClassifier(config, 3, new Rng(5));
        var batch = Batch(50, 6);
        var bytes = OnnxExporter.ExportTextClassifier(model).ToBytes();
        var imported = BertImport.ClassifierFromOnnx(OnnxModel.Parse(bytes, "export"));
        Assert.Equal(config with { InitializerRange = imported.Config.InitializerRange }, imported.Config);
        Assert.Equal(3, imported.Classes);
        Assert.Equal(model.Variables.Select(v => (v.Name, v.Shape)), imported.Variables.Select(v => (v.Name, v.Shape)));
        foreach (var (a, b) in model.Variables.Zip(imported.Variables))
        {
            Assert.True(a.Value.ToArray().AsSpan().SequenceEqual(b.Value.ToArray()), $"{a.Name} differs after the round trip");
        }

        var ours = Ours(imported, batch);
        Assert.Equal(Ours(model, batch), ours);
        Close(Theirs(bytes, batch, out _), ours, 1e-5);
    }

    [Fact]
    public void A_MiniLM_classifier_export_imports_back_matching_OnnxRuntime_and_the_encoder_importer_refuses_it_in_one_line()
    {
        var model = BertClassifier.FromEncoder(fx.Encoder, 2, new Rng(7));
        var bytes = OnnxExporter.ExportTextClassifier(model).ToBytes();
        var onnx = OnnxModel.Parse(bytes, "classifier.onnx");
        var imported = BertImport.ClassifierFromOnnx(onnx);
        Assert.Equal(BertConfig.MiniLmL6, imported.Config);
        var batch = Batch(30522, 8);
        Close(Theirs(bytes, batch, out _), Ours(imported, batch), 1e-4);
        var e = Assert.Throws<NotSupportedException>(() => BertImport.FromOnnx(onnx));
        Assert.Contains("classifier.onnx: a text classifier", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<NotSupportedException>(() => BertImport.ClassifierFromOnnx(fx.Model));
        Assert.Contains("not a text classifier graph", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
