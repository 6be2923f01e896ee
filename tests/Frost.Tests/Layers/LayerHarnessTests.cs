using Frost.Layers;
using Frost.TestKit;

namespace Frost.Tests.Layers;

public class LayerHarnessTests
{
    public static TheoryData<string> Names() => new(Specs.Keys);

    private static readonly Dictionary<string, LayerSpec> Specs = new()
    {
        ["Dense"] = new(s => new Dense(4, 3, new Rng(s)), [2, 4], [2, 3], 4 * 3 + 3, 0),
        ["Dense_rank3"] = new(s => new Dense(4, 3, new Rng(s), useBias: false), [2, 5, 4], [2, 5, 3], 12, 0),
        ["Dense_given_weights"] = new(s => new Dense(Tensor.Normal(new Shape(3, 4), 0, 1, new Rng(s)), Tensor.FromArray(0.1f, 0.2f, 0.3f)), [2, 4], [2, 3], 15, 0),
        ["Relu"] = new(_ => new Relu(), [2, 5], [2, 5], 0, 0) { MakeInput = AwayFromZero },
        ["Gelu"] = new(_ => new Gelu(), [2, 5], [2, 5], 0, 0),
        ["Tanh"] = new(_ => new Tanh(), [2, 5], [2, 5], 0, 0),
        ["Sigmoid"] = new(_ => new Sigmoid(), [2, 5], [2, 5], 0, 0),
        ["Flatten"] = new(_ => new Flatten(), [2, 3, 2, 2], [2, 12], 0, 0),
        ["Dropout"] = new(s => new Dropout(0.5f, new Rng(s)), [3, 4], [3, 4], 0, 0),
        ["Embedding"] = new(s => new Embedding(7, 3, new Rng(s)), [2, 4], [2, 4, 3], 21, 0)
        {
            MakeInput = r => Tensor.FromArray(Enumerable.Range(0, 8).Select(_ => (float)r.NextInt(7)).ToArray(), 2, 4),
            InputDifferentiable = false,
        },
        ["Embedding_given_table"] = new(s => new Embedding(Tensor.Normal(new Shape(7, 3), 0, 1, new Rng(s))), [2, 4], [2, 4, 3], 21, 0)
        {
            MakeInput = r => Tensor.FromArray(Enumerable.Range(0, 8).Select(_ => (float)r.NextInt(7)).ToArray(), 2, 4),
            InputDifferentiable = false,
        },
        ["Conv2D"] = new(s => new Conv2D(3, 4, 3, new Rng(s), padding: 1), [2, 3, 5, 5], [2, 4, 5, 5], (4 * 3 * 9) + 4, 0),
        ["Conv2D_strided_depthwise"] = new(s => new Conv2D(4, 4, 3, new Rng(s), stride: 2, padding: 1, groups: 4, useBias: false), [2, 4, 6, 6], [2, 4, 3, 3], 36, 0),
        ["BatchNorm2D"] = new(_ => new BatchNorm2D(3), [4, 3, 2, 2], [4, 3, 2, 2], 6, 6) { CheckInTrainingMode = true },
        ["BatchNorm2D_inference"] = new(_ => new BatchNorm2D(3), [4, 3, 2, 2], [4, 3, 2, 2], 6, 6),
        ["MaxPool2D"] = new(_ => new MaxPool2D(3, 2, 1), [2, 2, 5, 5], [2, 2, 3, 3], 0, 0) { MakeInput = r => GradCheck.Draw(r, [2, 2, 5, 5], InputDomain.Distinct) },
        ["AvgPool2D"] = new(_ => new AvgPool2D(2, 2), [2, 2, 4, 4], [2, 2, 2, 2], 0, 0),
        ["GlobalAvgPool"] = new(_ => new GlobalAvgPool(), [2, 3, 3, 3], [2, 3], 0, 0),
        ["BasicBlock"] = new(s => new BasicBlock(4, 4, 1, new Rng(s)), [2, 4, 5, 5], [2, 4, 5, 5], 2 * (4 * 4 * 9) + 16, 16) { GradTolerance = 5e-2 },
        ["BasicBlock_downsample"] = new(s => new BasicBlock(3, 6, 2, new Rng(s)), [2, 3, 6, 6], [2, 6, 3, 3], (6 * 3 * 9) + (6 * 6 * 9) + (6 * 3) + 36, 36) { GradTolerance = 5e-2 },
        ["LayerNorm"] = new(_ => new LayerNorm(5), [3, 5], [3, 5], 10, 0),
        ["Lstm"] = new(s => new Lstm(3, 4, new Rng(s)), [2, 5, 3], [2, 4], (3 * 16) + (4 * 16) + 16, 0),
        ["Lstm_sequences"] = new(s => new Lstm(3, 4, new Rng(s), returnSequences: true), [2, 5, 3], [2, 5, 4], 128, 0),
        ["Gru"] = new(s => new Gru(3, 4, new Rng(s)), [2, 5, 3], [2, 4], (3 * 12) + (4 * 12) + 24, 0),
        ["Gru_sequences"] = new(s => new Gru(3, 4, new Rng(s), returnSequences: true), [2, 5, 3], [2, 5, 4], 108, 0),
        ["Sequential"] = new(s => new Sequential(new Dense(4, 6, new Rng(s)), new Tanh(), new Dense(6, 2, new Rng(s + 1))), [3, 4], [3, 2], 30 + 14, 0),
    };

    private static Tensor AwayFromZero(Rng r) => GradCheck.Draw(r, [2, 5], InputDomain.AwayFromZero);

    [Theory]
    [MemberData(nameof(Names))]
    public void Layer_passes_the_harness(string name) => LayerHarness.Check(Specs[name]);

    [Fact]
    public void StopGradient_layer_passes_values_and_blocks_gradients()
    {
        var layer = new StopGradient();
        var x = Tensor.FromArray(1f, 2f);
        using var tape = new GradientTape();
        tape.Watch(x);
        var y = layer.Call(x);
        Assert.Equal(x.ToArray(), y.ToArray());
        Assert.False(y.RequiresGrad);
        Assert.Equal(0, tape.RecordedOps);
    }
}

public class LayerHarnessCatchesBrokenLayers
{
    /// <summary>x ↦ x² with a backward that drops the factor 2.</summary>
    private sealed class WrongBackward : Layer
    {
        protected override Tensor Forward(Tensor input)
        {
            var y = Tensor.FromArray(input.ToArray().Select(v => v * v).ToArray(), input.Shape.ToArray());
            return Ops.Custom("WrongSquare", y, [input], (g, s) => s.Add(0, Ops.Mul(g, input)));
        }
    }

    /// <summary>A layer that writes its own parameter during forward, bypassing the optimizer.</summary>
    private sealed class SelfWriting : Layer
    {
        private readonly Variable _w;

        public SelfWriting()
        {
            _w = AddParameter("w", Tensor.Ones(3));
        }

        protected override Tensor Forward(Tensor input)
        {
            _w.Value.AsSpan()[0] += 1f;
            return Ops.Mul(input, _w);
        }
    }

    [Fact]
    public void A_wrong_gradient_fails_the_harness()
        => Assert.ThrowsAny<Exception>(() => LayerHarness.Check(new LayerSpec(_ => new WrongBackward(), [2, 3], [2, 3], 0, 0)));

    [Fact]
    public void A_layer_that_moves_frozen_values_fails_the_harness()
    {
        var ex = Assert.ThrowsAny<Exception>(() => LayerHarness.TrainingStep(new LayerSpec(_ => new SelfWriting(), [2, 3], [2, 3], 3, 0)));
        Assert.Contains("changed", ex.Message, StringComparison.Ordinal);
    }
}
