using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Tests.Freezing;

public class FreezePlanTests
{
    private static Sequential Model()
    {
        var rng = new Rng(9);
        return new Sequential(
            new Dense(4, 8, rng, name: "stem"),
            new Relu(),
            new Sequential("stage1", new Dense(8, 8, rng, name: "fc"), new Relu()),
            new Dense(8, 3, rng, name: "head"));
    }

    private static float Step(Sequential m, Optimizer opt, int seed)
    {
        var rng = new Rng((ulong)seed);
        var x = Tensor.Normal(new Shape(6, 4), 0, 1, rng);
        return opt.Minimize(() => Ops.CrossEntropy(m.Call(x), [0, 1, 2, 0, 1, 2]), m.TrainableVariables);
    }

    [Fact]
    public void Plan_applies_in_order_and_reports()
    {
        var m = Model();
        var opt = new Adam();
        var report = new FreezePlan(m).Freeze(Selector.All).Unfreeze(Selector.Glob("head/**")).Apply(opt);
        Assert.Equal(["head/kernel", "head/bias"], m.TrainableVariables.Select(v => v.Name));
        string text = report.ToString();
        Assert.Contains("freeze all: 6 variable(s)", text, StringComparison.Ordinal);
        Assert.Contains("unfreeze glob 'head/**': 2 variable(s), 27 parameters", text, StringComparison.Ordinal);
        Assert.Contains("stem/kernel", text, StringComparison.Ordinal);
        Assert.Equal(27, report.TrainableParameters);
        Assert.Equal(40 + 72 + 27, report.TrainableParameters + report.FrozenParameters);
        Assert.Equal(27 * 2 * 4, report.OptimizerStateBytes);
    }

    [Fact]
    public void A_failing_step_changes_no_flag()
    {
        var m = Model();
        var plan = new FreezePlan(m).Freeze(Selector.Glob("stem/**")).Freeze(Selector.Glob("stage2/**"));
        Assert.Throws<SelectorMatchException>(() => plan.Apply());
        Assert.True(m.Trainable);
    }

    [Fact]
    public void Changing_the_frozen_set_mid_training_updates_the_optimizer_and_records_it()
    {
        var m = Model();
        var opt = new Sgd(0.1f, momentum: 0.9f);
        new FreezePlan(m).TrainOnly(Selector.Glob("head/**")).Apply(opt);
        Step(m, opt, 1);
        Step(m, opt, 2);
        Assert.Equal(2, opt.State.Count);

        // Unfreeze stage1 and freeze the head: head state goes, stage1 state starts with its first gradient.
        var plan = new FreezePlan(m).Unfreeze(Selector.Glob("stage1/**")).Freeze(Selector.Glob("head/**"));
        plan.Apply(opt);
        Assert.Empty(opt.State);
        var t = opt.Transitions[^1];
        Assert.Equal(2, t.Iteration);
        Assert.Equal(["stage1/fc/kernel", "stage1/fc/bias"], t.Unfrozen);
        Assert.Equal(["head/kernel", "head/bias"], t.Frozen);
        Step(m, opt, 3);
        Assert.Equal(["stage1/fc/bias", "stage1/fc/kernel"], opt.State.Keys.Select(v => v.Name).Order());
        Assert.True(plan.VerifyFrozen().FrozenIntact);
    }

    [Fact]
    public void VerifyFrozen_catches_moved_frozen_values_and_stuck_trainable_ones()
    {
        var m = Model();
        var opt = new Adam(0.01f);
        var plan = new FreezePlan(m).Freeze(Selector.Glob("stem/**"));
        plan.Apply(opt);
        for (int i = 0; i < 3; i++)
        {
            Step(m, opt, i);
        }

        var ok = plan.VerifyFrozen();
        Assert.True(ok.FrozenIntact);
        Assert.Equal(2, ok.Checked);
        Assert.Empty(ok.NeverChanged);

        // A write that bypasses the optimizer is caught.
        m["stem"].OwnVariables[0].Value.AsSpan()[3] += 1e-7f;
        var bad = plan.VerifyFrozen();
        Assert.False(bad.FrozenIntact);
        Assert.Equal(["stem/kernel"], bad.Moved);
        Assert.Throws<InvalidOperationException>(bad.ThrowIfViolated);

        // A trainable head that never receives a gradient is reported.
        var m2 = Model();
        var plan2 = new FreezePlan(m2).Freeze(Selector.Glob("stem/**"));
        plan2.Apply();
        Assert.Contains("head/kernel", plan2.VerifyFrozen().NeverChanged);
    }

    [Fact]
    public void Masked_elements_never_change_under_any_optimizer()
    {
        foreach (var kind in new[] { "sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "rmsprop-momentum" })
        {
            var rng = new Rng(5);
            var emb = new Embedding(6, 4, rng);
            var head = new Dense(4, 3, rng);
            emb.Table.FreezeRows(0, 1, 2);
            var before = emb.Table.Value.ToArray();
            var opt = Optimizers.OptimizerTests.Make(kind, 0.05f);
            opt.WeightDecay = 0.1f;
            opt.ClipGlobalNorm = 0.5f;
            opt.Schedule = new CosineDecay(20);
            var plan = new FreezePlan(SelectionContext.Of(emb.Variables.Concat(head.Variables)));
            plan.Freeze(Selector.Glob("nothing-like-this/**") | Selector.All).Unfreeze(Selector.All);
            Assert.Throws<SelectorMatchException>(() => plan.Apply());
            var plan2 = new FreezePlan(SelectionContext.Of(emb.Variables.Concat(head.Variables))).Unfreeze(Selector.All);
            plan2.Apply(opt);
            var ids = Tensor.FromArray([0f, 1f, 2f, 3f, 4f, 5f], 6);
            for (int i = 0; i < 10; i++)
            {
                opt.Minimize(() => Ops.CrossEntropy(head.Call(emb.Call(ids)), [0, 1, 2, 0, 1, 2]));
            }

            var after = emb.Table.Value.ToArray();
            Assert.Equal(before[..12], after[..12]);
            Assert.NotEqual(before[12..], after[12..]);
            Assert.True(plan2.VerifyFrozen().FrozenIntact, kind);
        }
    }
}
