using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Tests.Freezing;

public sealed class FrozenVerificationTests
{
    private static Sequential Model() => new(new Dense(3, 4, new Rng(1), name: "fc"), new Relu(), new Dense(4, 2, new Rng(2), name: "out"));

    [Fact]
    public void A_variable_frozen_after_the_plan_is_checked_from_the_moment_it_was_frozen()
    {
        var m = Model();
        var plan = new FreezePlan(m).Freeze(Selector.Glob("fc/**"));
        plan.Apply();
        m["out"].Freeze(); // frozen by another path, later
        var outWeight = ((Dense)m["out"]).Weight;
        Assert.True(plan.VerifyFrozen().FrozenIntact);

        outWeight.Value.AsSpan()[0] += 1f;
        var check = plan.VerifyFrozen();
        Assert.Equal(["out/weight"], check.Moved);
        Assert.Equal(4, check.Checked);
        Assert.Equal(["out/weight"], FrozenVerification.Check(m).Moved);
    }

    [Fact]
    public void Unfreezing_forgets_the_fingerprint_and_freezing_again_takes_a_new_one()
    {
        var m = Model();
        var w = ((Dense)m["fc"]).Weight;
        w.Freeze();
        w.Unfreeze();
        w.Value.AsSpan()[0] = 42f; // legitimate while trainable
        w.Freeze();
        Assert.True(FrozenVerification.Check(m).FrozenIntact);
        Assert.Equal(1, FrozenVerification.Check(m).Checked);
    }

    [Fact]
    public void Masked_elements_keep_their_values_and_their_optimizer_state()
    {
        var m = Model();
        var w = ((Dense)m["fc"]).Weight;
        w.FreezeRows(0, 2);
        var opt = new Adam(0.05f, weightDecay: 0.1f); // L2 decay feeds the moments
        var x = Tensor.Normal(new Shape(5, 3), 0, 1, new Rng(3));
        for (int i = 0; i < 3; i++)
        {
            opt.Minimize(() => Ops.CrossEntropy(m.Call(x), [0, 1, 0, 1, 1]));
        }

        Assert.True(FrozenVerification.Check(m).FrozenIntact);
        var state = opt.State[w];
        foreach (string slot in state.SlotNames)
        {
            var s = state.Slot(slot).ToArray();
            Assert.All(s.Take(3).Concat(s.Skip(6).Take(3)), v => Assert.Equal(0f, v)); // rows 0 and 2 untouched
            Assert.Contains(s.Skip(3).Take(3), v => v != 0f); // row 1 trains
        }
    }
}
