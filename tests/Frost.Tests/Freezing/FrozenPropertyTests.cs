using CsCheck;
using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Tests.Freezing;

/// <summary>
/// The frozen invariant over random models, freeze sets, masks and optimizer settings: frozen values stay
/// bit-identical, unfrozen ones change, frozen variables get no optimizer state and no gradient, and ops
/// whose inputs are all frozen or constant are not recorded.
/// </summary>
public class FrozenPropertyTests
{
    private sealed record Scenario(int Depth, int Width, uint FreezeBits, uint MaskBits, int OptimizerKind, int Settings, int Steps, ulong Seed)
    {
        public override string ToString() => $"depth {Depth} width {Width} freeze {FreezeBits:X} mask {MaskBits:X} opt {OptimizerKind} settings {Settings} steps {Steps} seed {Seed}";
    }

    private static readonly string[] Kinds = ["sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "rmsprop-momentum"];

    [Fact]
    public void Frozen_means_frozen_for_random_models_and_optimizers()
    {
        var gen = Gen.Select(Gen.Int[1, 4], Gen.Int[3, 6], Gen.UInt, Gen.UInt, Gen.Int[0, Kinds.Length - 1], Gen.Int[0, 15], Gen.Int[1, 4])
            .SelectMany(t => Gen.ULong.Select(seed => new Scenario(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, t.Item7, seed)));
        gen.Sample(Check, iter: 300);
    }

    private static void Check(Scenario s)
    {
        var rng = new Rng(s.Seed);
        var model = new Sequential();
        int inputs = 3;
        for (int d = 0; d < s.Depth; d++)
        {
            model.Add(new Dense(d == 0 ? inputs : s.Width, s.Width, rng, name: $"fc{d}"));
            model.Add(d % 2 == 0 ? new Tanh() : new LayerNorm(s.Width, name: $"norm{d}"));
        }

        model.Add(new Dense(s.Width, 3, rng, name: "head"));
        var vars = model.Variables.ToList();
        for (int i = 0; i < vars.Count; i++)
        {
            if ((s.FreezeBits >> i & 1) == 1)
            {
                vars[i].Freeze();
            }
            else if ((s.MaskBits >> i & 1) == 1 && vars[i].Shape.Rank == 2)
            {
                vars[i].FreezeRows(0);
            }
        }

        // Width >= 3: with two features a LayerNorm output is ±1 and passes no gradient back, a true fixed point.
        // Keep one trainable variable so there is something to train.
        if (model.TrainableVariables.Count == 0)
        {
            vars[^1].Unfreeze();
        }

        var opt = Frost.Tests.Optimizers.OptimizerTests.Make(Kinds[s.OptimizerKind], 0.05f);
        if ((s.Settings & 1) != 0)
        {
            opt.WeightDecay = 0.05f;
        }

        if ((s.Settings & 2) != 0)
        {
            opt.ClipGlobalNorm = 0.1f;
        }

        if ((s.Settings & 4) != 0)
        {
            opt.Schedule = new LinearWarmup(2, new CosineDecay(5));
        }

        if ((s.Settings & 8) != 0)
        {
            opt.AddGroup(model.Variables.Take(2), learningRate: 0.2f, weightDecay: 0.3f);
        }

        var plan = new FreezePlan(model);
        plan.Apply(opt);
        var frozen = model.NonTrainableVariables.ToList();
        var frozenBefore = frozen.Select(v => v.Value.ToArray()).ToList();
        var trainable = model.TrainableVariables.ToList();
        var trainableBefore = trainable.Select(v => v.Value.ToArray()).ToList();
        var x = Tensor.Normal(new Shape(5, inputs), 0, 1, rng);
        int[] y = [0, 1, 2, 1, 0];

        // The recorded ops are exactly those downstream of the first trainable layer.
        int firstTrainable = model.Children.ToList().FindIndex(l => l.Variables.Any(v => v.Trainable));
        int expectedOps = CountOps(model, x, firstTrainable);

        for (int step = 0; step < s.Steps; step++)
        {
            using var tape = new GradientTape();
            var loss = Ops.CrossEntropy(model.Call(x), y);
            Assert.Equal(expectedOps, tape.RecordedOps);
            opt.Minimize(loss);
            foreach (var v in frozen)
            {
                Assert.DoesNotContain(v, tape.VariablesWithGradients);
            }
        }

        for (int i = 0; i < frozen.Count; i++)
        {
            Assert.Equal(frozenBefore[i], frozen[i].Value.ToArray());
            Assert.False(opt.State.ContainsKey(frozen[i]), $"state for frozen {frozen[i].Name}");
        }

        for (int i = 0; i < trainable.Count; i++)
        {
            var now = trainable[i].Value.ToArray();
            if (trainable[i].FreezeMask is { } mask)
            {
                var m = mask.ToArray();
                for (int j = 0; j < now.Length; j++)
                {
                    if (m[j] != 0)
                    {
                        Assert.Equal(trainableBefore[i][j], now[j]);
                    }
                }
            }

            Assert.NotEqual(trainableBefore[i], now);
        }

        Assert.True(plan.VerifyFrozen().FrozenIntact);
    }

    /// <summary>Ops recorded when the prefix before the first trainable layer runs without recording.</summary>
    private static int CountOps(Sequential model, Tensor x, int firstTrainable)
    {
        var h = x;
        using (GradientTape.NoRecording())
        {
            for (int i = 0; i < firstTrainable; i++)
            {
                h = model.Children[i].Call(h);
            }
        }

        using var tape = new GradientTape();
        for (int i = firstTrainable; i < model.Children.Count; i++)
        {
            h = model.Children[i].Call(h);
        }

        _ = Ops.CrossEntropy(h, [0, 1, 2, 1, 0]);
        return tape.RecordedOps;
    }
}
