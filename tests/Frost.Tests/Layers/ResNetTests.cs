using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Tests.Layers;

public class ResNetTests
{
    [Fact]
    public void ResNet18_summary_matches_torchvision_counts()
    {
        var model = ResNet.ResNet18(1000, new Rng(1));
        var summary = LayerSummary.Build(model, new Shape(1, 3, 64, 64));

        // torchvision.models.resnet18(): 11,689,512 parameters; BN running statistics are state (2 × 4,800).
        Assert.Equal(11_689_512, summary.TotalParameters);
        Assert.Equal(11_689_512, summary.TrainableParameters);
        Assert.Equal(9_600, summary.StateElements);
        var row = summary.Rows.Single(r => r.Path == "stage4/block1/conv2");
        Assert.Equal(new Shape(1, 512, 2, 2), row.OutputShape);
        Assert.Equal(512 * 512 * 9, row.Parameters);
        Assert.Equal(new Shape(1, 1000), summary.Rows.Single(r => r.Path == "head").OutputShape);
        string text = summary.ToString();
        Assert.Contains("Total params: 11,689,512", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_are_structural()
    {
        var model = ResNet.Build([2, 2, 2, 3], 10, new Rng(1));
        var names = model.Variables.Select(v => v.Name).ToHashSet();
        Assert.Contains("stem/conv/weight", names);
        Assert.Contains("stem/bn/running_mean", names);
        Assert.Contains("stage2/block0/conv1/weight", names);
        Assert.Contains("stage2/block0/downsample/bn/weight", names);
        Assert.Contains("stage4/block2/bn2/bias", names);
        Assert.Contains("head/fc/weight", names);
        Assert.DoesNotContain("stage1/block0/downsample/conv/weight", names);
    }

    [Fact]
    public void Frozen_batch_norm_runs_in_inference_mode_unless_kept_training()
    {
        var rng = new Rng(3);
        var model = ResNet.Build([1, 1], 4, rng, width: 8);
        var x = Tensor.Normal(new Shape(4, 3, 32, 32), 0, 1, rng);
        var y = new[] { 0, 1, 2, 3 };
        var stemBn = (BatchNorm2D)model["stem/bn"];
        var headBn = (BatchNorm2D)model["stage2/block0/bn2"];

        // Frozen: running statistics untouched by a training step.
        var opt = new Sgd(0.1f);
        new FreezePlan(model).Freeze(Selector.Glob("stem/**") | Selector.Glob("stage1/**")).Apply(opt);
        var statsBefore = stemBn.RunningMean.Value.ToArray();
        var trainedBefore = headBn.RunningMean.Value.ToArray();
        opt.Minimize(() => Ops.CrossEntropy(model.Call(x), y));
        Assert.False(stemBn.UsesBatchStatistics);
        Assert.Equal(statsBefore, stemBn.RunningMean.Value.ToArray());
        Assert.NotEqual(trainedBefore, headBn.RunningMean.Value.ToArray());

        // fastai's train_bn: batch-norm layers keep training while the convolutions stay frozen.
        var plan = new FreezePlan(model).Freeze(Selector.Glob("stem/**") | Selector.Glob("stage1/**")).TrainBatchNorm();
        plan.Apply(opt);
        Assert.True(stemBn.UsesBatchStatistics);
        Assert.False(((Conv2D)model["stem/conv"]).Weight.Trainable);
        var convBefore = ((Conv2D)model["stem/conv"]).Weight.Value.ToArray();
        opt.Minimize(() => Ops.CrossEntropy(model.Call(x), y));
        Assert.NotEqual(statsBefore, stemBn.RunningMean.Value.ToArray());
        Assert.Equal(convBefore, ((Conv2D)model["stem/conv"]).Weight.Value.ToArray());
        Assert.True(plan.VerifyFrozen().FrozenIntact);
    }

    [Fact]
    public void A_frozen_prefix_records_nothing()
    {
        var rng = new Rng(4);
        var model = ResNet.Build([1, 1, 1], 3, rng, width: 8);
        new FreezePlan(model).TrainOnly(Selector.Glob("head/**")).Apply();
        var x = Tensor.Normal(new Shape(2, 3, 32, 32), 0, 1, rng);
        using var tape = new GradientTape();
        var loss = Ops.CrossEntropy(model.Call(x), [0, 1]);

        // Only the head's dense layer and the loss are recorded.
        Assert.Equal(["Linear", "CrossEntropy"], tape.RecordedOpNames);
        _ = new Sgd(0.1f).Minimize(loss);
        Assert.Equal(2, tape.VariablesWithGradients.Count);
    }

    [Fact]
    public void Fused_inference_matches_the_layer_by_layer_computation()
    {
        var rng = new Rng(8);
        var model = ResNet.Build([1, 1], 5, rng, width: 8);
        foreach (var bn in model.Descendants().OfType<BatchNorm2D>())
        {
            bn.RunningMean.Value.CopyFrom(Tensor.Normal(bn.RunningMean.Shape, 0, 0.3f, rng));
            bn.RunningVar.Value.CopyFrom(Tensor.Uniform(bn.RunningVar.Shape, 0.5f, 2f, rng));
            bn.Weight.Value.CopyFrom(Tensor.Uniform(bn.Weight.Shape, 0.5f, 1.5f, rng));
        }

        model.Training = false;
        var x = Tensor.Normal(new Shape(2, 3, 32, 32), 0, 1, rng);
        Tensor fused;
        using (GradientTape.NoRecording())
        {
            fused = model.Call(x);
        }

        // Under a tape with trainable weights nothing is fused: the plain ops run.
        using var tape = new GradientTape();
        var plain = model.Call(x);
        Assert.True(tape.RecordedOps > 20);
        TestKit.AssertClose.Equal(plain, fused, atol: 1e-4, rtol: 1e-4);
    }
}
