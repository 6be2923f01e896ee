using Frost.Layers;
using Frost.Onnx.Import;
using Frost.Onnx.Proto;
using Frost.Text;
using Frost.Text.Tokenization;
using Xunit.Abstractions;

namespace Frost.Onnx.Tests;

public sealed class BertImportTests(MiniLmFixture fx, ITestOutputHelper output) : IClassFixture<MiniLmFixture>
{
    private static readonly string[] Sentences =
    [
        "The weather is lovely today.",
        "It's so sunny outside!",
        "He drove to the stadium.",
        "Frost freezes what must not train, and proves that nothing frozen ever moved: every variable keeps its bits.",
        "ok",
    ];

    [Fact]
    public void MiniLm_imports_as_named_layers_with_the_model_card_sizes()
    {
        var e = fx.Encoder;
        Assert.Equal(BertConfig.MiniLmL6, e.Config);
        Assert.Equal(22_713_216, e.Variables.ElementCount); // the graph's 22,713,772 less 556 int64 position ids and shape constants
        Assert.Equal(6, e.Layers.Count);
        Assert.Equal(12, e.Layers[5].Attention.Heads);
        Assert.Contains(e.Variables, v => v.Name == "layer5/ffn/down/weight" && v.Shape == new Shape(384, 1536));
        Assert.Equal(["embeddings/word/weight", "embeddings/position/weight", "embeddings/token_type/weight", "embeddings/norm/weight", "embeddings/norm/bias"],
            e.Variables.Take(5).Select(v => v.Name));
        Assert.Equal(["pooler/weight", "pooler/bias"], e.Variables.TakeLast(2).Select(v => v.Name));

        // MatMul weights are [in, out] in the graph; Dense keeps [out, in].
        var graphQuery = fx.Model.Graph.Initializer.Single(t => t.Name == "927").ToTensor();
        Assert.Equal(graphQuery[5, 7], e.Layers[0].Attention.Query.Weight.Value[7, 5]);
        output.WriteLine($"parse + import: {fx.ImportSeconds:F2} s");
    }

    public static TheoryData<string> Batches() => new() { "sentences", "random ids", "one long and three short" };

    [Theory]
    [MemberData(nameof(Batches))]
    public void MiniLm_matches_OnnxRuntime_on_padded_batches(string name)
    {
        var batch = Batch(name);
        Assert.True(batch.Lengths.Distinct().Count() > 1, "the batch must mix lengths");
        var (ortHidden, ortPooler) = fx.RunOrt(batch);
        var ids = batch.IdsTensor();
        var mask = batch.MaskTensor();
        var hidden = fx.Encoder.Call(ids, mask);
        double maxDiff = MaxAbsDiff(ortHidden, hidden.AsReadOnlySpan());
        Assert.True(maxDiff <= 1e-4, $"last_hidden_state differs from ONNX Runtime by up to {maxDiff:E2}");

        // The model's own pooler (tanh on [CLS]).
        int d = 384;
        var first = Ops.Reshape(Ops.Slice(hidden, 1, 0, 1), -1, d);
        var pooler = Ops.Tanh(fx.Encoder.Pooler.Call(first));
        double poolerDiff = MaxAbsDiff(ortPooler, pooler.AsReadOnlySpan());
        Assert.True(poolerDiff <= 1e-4, $"pooler output differs by up to {poolerDiff:E2}");

        // Sentence embeddings: mean over the mask, unit length.
        var ours = SentenceEmbedder.MeanPool(hidden, mask).ToArray();
        var theirs = SentenceEmbedder.MeanPool(Tensor.FromArray(ortHidden, hidden.Shape.ToArray()), mask).ToArray();
        double minCos = Enumerable.Range(0, batch.BatchSize).Min(r => SentenceEmbedder.Cosine(ours.AsSpan(r * d, d), theirs.AsSpan(r * d, d)));
        Assert.True(minCos >= 0.99999, $"sentence embedding cosine {minCos:F7}");
        output.WriteLine($"{name}: [{batch.BatchSize} x {batch.Length}], lengths {string.Join(",", batch.Lengths)}: max |Δ hidden| {maxDiff:E2}, max |Δ pooler| {poolerDiff:E2}, min cosine {minCos:F8}");
    }

    [Fact]
    public void Sentence_embeddings_reproduce_the_model_card_similarities()
    {
        var embedder = new SentenceEmbedder(fx.Encoder, fx.Tokenizer);
        var v = embedder.Embed(Sentences[..3]);
        float weatherSunny = SentenceEmbedder.Cosine(v[0], v[1]);
        float weatherStadium = SentenceEmbedder.Cosine(v[0], v[2]);
        float sunnyStadium = SentenceEmbedder.Cosine(v[1], v[2]);
        output.WriteLine($"cosines: weather/sunny {weatherSunny:F5}, weather/stadium {weatherStadium:F5}, sunny/stadium {sunnyStadium:F5}");
        Assert.Equal(0.6660, weatherSunny, 3);
        Assert.Equal(0.1046, weatherStadium, 3);
        Assert.Equal(0.1411, sunnyStadium, 3);
        Assert.All(v, e => Assert.Equal(1.0, Math.Sqrt(e.Sum(x => (double)x * x)), 5));
    }

    [Fact]
    public void A_graph_that_is_not_BERT_shaped_fails_in_one_line_naming_the_mismatch()
    {
        var ex = Assert.Throws<NotSupportedException>(() => BertImport.FromOnnx(TestFiles.ResNet18));
        AssertOneLine(ex.Message, "not a BERT encoder graph");

        // GELU's erf replaced by something else in one layer.
        var model = Fresh();
        model.Graph.Node.First(n => n.OpType == "Erf").OpType = "Sigmoid";
        ex = Assert.Throws<NotSupportedException>(() => BertImport.FromOnnx(model));
        AssertOneLine(ex.Message, "layer 0 feed-forward activation: expected one Erf");

        // Attention scores scaled by the wrong constant in the third layer.
        model = Fresh();
        var div = model.Graph.Node.Where(n => n.OpType == "Div" && n.Input[0].Length > 0 && Producer(model, n.Input[0])?.OpType == "MatMul").ElementAt(2);
        var constant = Producer(model, div.Input[1])!;
        constant.Attribute.Single(a => a.Name == "value").T = OnnxTensors.FromTensor(Tensor.Scalar(4f), "four");
        ex = Assert.Throws<NotSupportedException>(() => BertImport.FromOnnx(model));
        AssertOneLine(ex.Message, "layer 2: attention scores are scaled by 0.25, not 1/√32");

        // Softmax over the wrong axis.
        model = Fresh();
        model.Graph.Node.First(n => n.OpType == "Softmax").Attribute.Single(a => a.Name == "axis").I = 2;
        ex = Assert.Throws<NotSupportedException>(() => BertImport.FromOnnx(model));
        AssertOneLine(ex.Message, "normalises axis 2");
    }

    private static void AssertOneLine(string message, string expected)
    {
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    private static OnnxModel Fresh() => OnnxModel.Parse(TestFiles.MiniLmBytes, "minilm-edited");

    private static NodeProto? Producer(OnnxModel model, string tensor) => model.Graph.Node.FirstOrDefault(n => n.Output.Contains(tensor));

    private TokenBatch Batch(string name)
    {
        switch (name)
        {
            case "sentences":
                return fx.Tokenizer.EncodeBatch(Sentences, 128);
            case "random ids":
                return RandomIds([5, 17, 64, 2, 40], 11);
            default:
                return RandomIds([128, 3, 9, 4], 12);
        }
    }

    /// <summary>Rows of [CLS] random word ids [SEP], right-padded, with the given lengths.</summary>
    private static TokenBatch RandomIds(int[] lengths, ulong seed)
    {
        var rng = new Rng(seed);
        int t = lengths.Max();
        var ids = new int[lengths.Length * t];
        var mask = new int[ids.Length];
        for (int r = 0; r < lengths.Length; r++)
        {
            for (int j = 0; j < lengths[r]; j++)
            {
                ids[(r * t) + j] = j == 0 ? 101 : j == lengths[r] - 1 ? 102 : 1000 + rng.NextInt(29_000);
                mask[(r * t) + j] = 1;
            }
        }

        return new TokenBatch(ids, mask, lengths.Length, t);
    }

    private static double MaxAbsDiff(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        }

        return max;
    }
}
