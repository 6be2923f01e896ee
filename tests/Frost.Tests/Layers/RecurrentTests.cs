using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Tests.Layers;

public class RecurrentTests
{
    private static (Tensor X, Tensor Y) SumTask(Rng rng, int n, int t)
    {
        var x = Tensor.Uniform(new Shape(n, t, 1), 0, 1, rng);
        var sums = new float[n];
        var xs = x.AsReadOnlySpan();
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < t; j++)
            {
                sums[i] += xs[i * t + j];
            }
        }

        return (x, Tensor.FromArray(sums, n, 1));
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void Learns_to_sum_a_sequence(string kind)
    {
        var rng = new Rng(21);
        Layer cell = kind == "lstm" ? new Lstm(1, 12, rng) : new Gru(1, 12, rng);
        var model = new Sequential(cell, new Dense(12, 1, rng, name: "head"));
        var opt = new Adam(0.02f) { Schedule = new CosineDecay(400, 0.05f) };
        float loss = 0;
        for (int step = 0; step < 400; step++)
        {
            var (x, y) = SumTask(rng, 32, 6);
            loss = opt.Minimize(() => Ops.Mse(model.Call(x), y));
        }

        // The target's variance is 6/12 = 0.5: near-zero means below 1 % of it.
        var (xt, yt) = SumTask(new Rng(99), 256, 6);
        float test;
        using (GradientTape.NoRecording())
        {
            test = Ops.Mse(model.Call(xt), yt).Item();
        }

        Assert.True(test < 5e-3, $"{kind}: test MSE {test}, last train loss {loss}");
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void A_frozen_recurrent_layer_keeps_every_gate_weight_while_the_head_trains(string kind)
    {
        var rng = new Rng(5);
        Layer cell = kind == "lstm" ? new Lstm(1, 8, rng, name: "rnn") : new Gru(1, 8, rng, name: "rnn");
        var model = new Sequential(cell, new Dense(8, 1, rng, name: "head"));
        var opt = new Adam(0.05f);
        var plan = new FreezePlan(model).Freeze(Selector.Layer(cell));
        plan.Apply(opt);
        var before = cell.Variables.Select(v => v.Value.ToArray()).ToList();
        float first = 0, last = 0;
        for (int step = 0; step < 100; step++)
        {
            var (x, y) = SumTask(rng, 32, 5);
            using var tape = new GradientTape();
            var l = Ops.Mse(model.Call(x), y);
            opt.Minimize(l);
            Assert.DoesNotContain(tape.VariablesWithGradients, v => v.Owner == cell);
            last = l.Item();
            if (step == 0)
            {
                first = last;
            }
        }

        Assert.Equal(before, cell.Variables.Select(v => v.Value.ToArray()).ToList());
        Assert.True(last < first / 2, $"head did not train: {first} -> {last}");
        Assert.True(plan.VerifyFrozen().FrozenIntact);
        Assert.Empty(plan.VerifyFrozen().NeverChanged);
        Assert.DoesNotContain(opt.State.Keys, v => v.Owner == cell);
    }
}
