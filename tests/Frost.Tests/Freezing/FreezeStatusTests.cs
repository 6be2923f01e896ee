using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Tests.Freezing;

public sealed class FreezeStatusTests
{
    private static Sequential Model() => new(
        new Frost.Layers.Conv2D(2, 4, 3, new Rng(1), padding: 1, name: "conv"),
        new BatchNorm2D(4, name: "bn"),
        new Relu(name: "relu"),
        new GlobalAvgPool(name: "pool"),
        new Dense(4, 3, new Rng(2), name: "fc"));

    [Fact]
    public void Variables_and_layers_report_one_status_from_the_flags()
    {
        var m = Model();
        var bn = (BatchNorm2D)m["bn"];
        Assert.Equal(LayerStatus.Trainable, m.Status);
        Assert.Equal(LayerStatus.NoParameters, m["relu"].Status);
        Assert.Equal(VariableStatus.State, bn.RunningMean.Status);

        m["bn"].Freeze();
        Assert.Equal(LayerStatus.Frozen, bn.Status);
        Assert.Equal(LayerStatus.Mixed, m.Status);
        Assert.Equal(VariableStatus.Frozen, bn.Weight.Status);
        Assert.Equal(VariableStatus.FixedState, bn.RunningMean.Status);
        Assert.True(FreezeStatus.KeepsValue(bn.RunningVar));
        Assert.False(bn.UsesBatchStatistics);

        // A mask is a separate notion: the variable still trains.
        var fc = (Dense)m["fc"];
        fc.Weight.FreezeRows(0);
        Assert.Equal(VariableStatus.Trainable, fc.Weight.Status);
        var row = new FreezePlan(m).Freeze(Selector.Glob("conv/**")).Apply().Rows.Single(r => r.Name == "fc/weight");
        Assert.True(row.Masked);
        Assert.Equal("trainable, masked", row.Label);
    }

    [Fact]
    public void Batch_norm_can_train_scale_and_shift_while_keeping_its_statistics()
    {
        var m = Model();
        var bn = (BatchNorm2D)m["bn"];
        bn.KeepStatistics = true;
        Assert.Equal(VariableStatus.Trainable, bn.Weight.Status);
        Assert.Equal(VariableStatus.FixedState, bn.RunningMean.Status);
        Assert.False(bn.UsesBatchStatistics);

        var plan = new FreezePlan(m).Freeze(Selector.Glob("conv/**"));
        plan.Apply();
        var opt = new Adam(0.05f);
        var x = Tensor.Normal(new Shape(4, 2, 5, 5), 1, 2, new Rng(3));
        var weight = bn.Weight.Value.ToArray();
        for (int i = 0; i < 3; i++)
        {
            opt.Minimize(() => Ops.CrossEntropy(m.Call(x), [0, 1, 2, 0]));
        }

        var check = plan.VerifyFrozen();
        Assert.True(check.FrozenIntact, check.ToString());
        Assert.Equal(4, check.Checked); // conv weight and bias, and the kept running statistics
        Assert.NotEqual(weight, bn.Weight.Value.ToArray());
        Assert.Equal(new float[4], bn.RunningMean.Value.ToArray());
    }

    [Fact]
    public void The_summary_shows_each_layer_status()
    {
        var m = Model();
        m["conv"].Freeze();
        var rows = LayerSummary.Build(m, new Shape(1, 2, 5, 5)).Rows;
        Assert.Equal(LayerStatus.Frozen, rows.Single(r => r.Path == "conv").Status);
        Assert.Equal(LayerStatus.Mixed, rows.Single(r => r.Path.Length == 0).Status);
        Assert.Contains("mixed", LayerSummary.Build(m, new Shape(1, 2, 5, 5)).ToString(), StringComparison.Ordinal);
    }
}
