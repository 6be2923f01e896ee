using Frost.Freezing;
using Frost.Layers;
using Frost.TestKit;

namespace Frost.Tests.Layers;

public class BertTests
{
    /// <summary>A small encoder: vocabulary 11, D = 8, 2 layers of 2 heads, FFN 12, 7 positions.</summary>
    private static readonly BertConfig Small = new(11, 8, 2, 2, 12, MaxPositions: 7, LayerNormEpsilon: 1e-5f, InitializerRange: 0.5f);

    private const long EmbeddingCount = (11 * 8) + (7 * 8) + (2 * 8) + 16;
    private const long AttentionCount = (4 * ((8 * 8) + 8)) + 16;
    private const long FfnCount = (8 * 12) + 12 + (12 * 8) + 8 + 16;

    private static Tensor Ids(Rng r) => Tensor.FromArray([.. Enumerable.Range(0, 10).Select(_ => (float)r.NextInt(11))], 2, 5);

    /// <summary>Item 0 has three tokens and two pads; item 1 has five tokens.</summary>
    private static Tensor Mask() => Tensor.FromArray([1, 1, 1, 0, 0, 1, 1, 1, 1, 1], 2, 5);

    public static TheoryData<string> Names() => new(Specs.Keys);

    private static readonly Dictionary<string, LayerSpec> Specs = new()
    {
        ["BertEmbeddings"] = new(s => new BertEmbeddings(Small, new Rng(s)), [2, 5], [2, 5, 8], EmbeddingCount, 0)
        {
            MakeInput = Ids,
            InputDifferentiable = false,
        },
        ["BertEmbeddings_token_types"] = new(s => new BertEmbeddings(Small, new Rng(s), tokenTypeInput: true), [2, 5], [2, 5, 8], EmbeddingCount, 0)
        {
            MakeInput = Ids,
            MoreInputs = _ => [Tensor.FromArray([0, 0, 1, 1, 1, 0, 1, 0, 1, 0], 2, 5)],
            InputDifferentiable = false,
        },
        ["BertSelfAttention"] = new(s => new BertSelfAttention(Small, new Rng(s)), [2, 5, 8], [2, 5, 8], AttentionCount, 0)
        {
            MoreInputs = _ => [Mask()],
            GradTolerance = 5e-2,
        },
        ["BertFeedForward"] = new(s => new BertFeedForward(Small, new Rng(s)), [2, 5, 8], [2, 5, 8], FfnCount, 0) { GradTolerance = 5e-2 },
        ["BertLayer"] = new(s => new BertLayer(Small, new Rng(s)), [2, 5, 8], [2, 5, 8], AttentionCount + FfnCount, 0)
        {
            MoreInputs = _ => [Mask()],
            GradTolerance = 5e-2,
        },
        ["BertEncoder_pooled"] = new(s => new BertEncoder(Small, new Rng(s)) { Output = BertOutput.Pooled }, [2, 5], [2, 8],
            EmbeddingCount + (2 * (AttentionCount + FfnCount)) + 72, 0)
        {
            MakeInput = Ids,
            MoreInputs = _ => [Mask()],
            InputDifferentiable = false,
            GradTolerance = 5e-2,
        },
        ["MaskedMeanPool"] = new(_ => new MaskedMeanPool(), [2, 5, 8], [2, 8], 0, 0) { MoreInputs = _ => [Mask()] },
        ["BertClassifier"] = new(s => new BertClassifier(Small, 3, new Rng(s)), [2, 5], [2, 3],
            EmbeddingCount + (2 * (AttentionCount + FfnCount)) + 27, 0)
        {
            MakeInput = Ids,
            MoreInputs = _ => [Mask()],
            InputDifferentiable = false,
            GradTolerance = 5e-2,
        },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Layer_passes_the_harness(string name) => LayerHarness.Check(Specs[name]);

    [Fact]
    public void Variable_names_follow_the_layer_tree_and_selectors_pick_layers()
    {
        var model = new BertEncoder(Small, new Rng(1));
        var names = model.Variables.Select(v => v.Name).ToList();
        Assert.Equal(
            [
                "embeddings/word/weight", "embeddings/position/weight", "embeddings/token_type/weight", "embeddings/norm/weight", "embeddings/norm/bias",
                "layer0/attention/query/weight", "layer0/attention/query/bias", "layer0/attention/key/weight", "layer0/attention/key/bias",
                "layer0/attention/value/weight", "layer0/attention/value/bias", "layer0/attention/output/weight", "layer0/attention/output/bias",
                "layer0/attention/norm/weight", "layer0/attention/norm/bias",
                "layer0/ffn/up/weight", "layer0/ffn/up/bias", "layer0/ffn/down/weight", "layer0/ffn/down/bias", "layer0/ffn/norm/weight", "layer0/ffn/norm/bias",
            ],
            names.Take(21));
        Assert.Equal(["pooler/weight", "pooler/bias"], names.TakeLast(2));
        Assert.Equal(32, Selector.Glob("layer[0-3]/**").Resolve(model).Count);
        Assert.Equal(16, Selector.Glob("layer[1-9]/**").Resolve(model).Count);
        Assert.Equal(5, Selector.Glob("embeddings/**").Resolve(model).Count);
        Assert.Equal([12, 8], model["layer1/ffn/up"].Variables[0].Shape.ToArray()); // [out, in]
    }

    [Fact]
    public void Without_a_generator_weights_are_zero_and_norms_are_identities()
    {
        var model = new BertEncoder(Small, null);
        foreach (var v in model.Variables)
        {
            float expected = v.Name.EndsWith("norm/weight", StringComparison.Ordinal) ? 1f : 0f;
            Assert.All(v.Value.ToArray(), x => Assert.Equal(expected, x));
        }
    }

    [Fact]
    public void Real_tokens_do_not_depend_on_padding()
    {
        var model = new BertEncoder(Small, new Rng(2));
        float[] ids = [3, 7, 2];
        var alone = model.Call(Tensor.FromArray(ids, 1, 3), Tensor.Ones(1, 3)).ToArray();
        var padded = model.Call(Tensor.FromArray([.. ids, 0, 0, 5, 5, 5, 5, 5], 2, 5), Mask()).ToArray();
        for (int t = 0; t < 3; t++)
        {
            for (int c = 0; c < 8; c++)
            {
                Assert.Equal(alone[(t * 8) + c], padded[(t * 8) + c], 5);
            }
        }
    }

    [Fact]
    public void The_pooled_output_is_tanh_of_the_pooler_on_the_first_token()
    {
        var model = new BertEncoder(Small, new Rng(3));
        var ids = Ids(new Rng(4));
        var hidden = model.Call(ids, Mask());
        model.Output = BertOutput.Pooled;
        var pooled = model.Call(ids, Mask());
        var first = Ops.Reshape(Ops.Slice(hidden, 1, 0, 1), 2, 8);
        var expected = Ops.Tanh(Ops.Add(Ops.MatMul(first, model.Pooler.Weight, transposeB: true), model.Pooler.Bias!));
        AssertClose.Equal(expected, pooled, 1e-6);
    }

    [Fact]
    public void Bad_inputs_get_clear_errors()
    {
        var model = new BertEncoder(Small, new Rng(5));
        var ex = Assert.Throws<ArgumentException>(() => model.Call(Tensor.Zeros(1, 8), Tensor.Ones(1, 8)));
        Assert.Contains("8 tokens exceed the 7 positions", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => model.Call(Tensor.Zeros(2, 3), Tensor.Ones(2, 4)));
        Assert.Contains("key mask must be [2, 3]", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => model.Call(Tensor.Zeros(2, 3)));
        Assert.Contains("takes 2 input(s)", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new BertEncoder(Small with { Heads = 3 }, new Rng(1)));
    }

    [Fact]
    public void A_frozen_lower_stack_records_nothing_and_gets_no_gradient()
    {
        var model = new BertEncoder(Small, new Rng(6)) { Output = BertOutput.Pooled };
        new FreezePlan(model).Freeze(Selector.Glob("embeddings/**") | Selector.Glob("layer[0]/**")).Apply();
        using var tape = new GradientTape();
        var loss = Ops.Sum(model.Call(Ids(new Rng(7)), Mask()));
        var grads = tape.Gradient(loss, [.. model.TrainableVariables.Select(v => v.Value)]);
        Assert.All(grads, g => Assert.NotNull(g));
        Assert.DoesNotContain(tape.VariablesWithGradients, v => v.Name.StartsWith("embeddings/", StringComparison.Ordinal) || v.Name.StartsWith("layer0/", StringComparison.Ordinal));
        Assert.Contains(tape.VariablesWithGradients, v => v.Name == "layer1/attention/query/weight");
    }
}
