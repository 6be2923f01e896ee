using Frost.Data;
using Frost.Layers;
using Frost.Optimizers;
using Frost.TestKit;
using Frost.Training;

namespace Frost.Tests.Layers;

public class SmallCnnTests
{
    [Fact]
    public void A_small_cnn_reaches_85_percent_on_the_shipped_subset()
    {
        string folder = Repo.File("data", "fashion-mnist-small");
        var train = LabeledImages.LoadIdx(folder, "train", LabeledImages.FashionMnistClasses);
        var test = LabeledImages.LoadIdx(folder, "test", LabeledImages.FashionMnistClasses);
        var model = SimpleCnn.Build(1, 28, 10, new Rng(1));
        var opt = new AdamW(3e-3f, weightDecay: 1e-4f);
        var learner = new Learner(model, InMemoryDataset.From(train), opt) { BatchSize = 64, Seed = 1 };
        opt.Schedule = new OneCycle(6 * learner.StepsPerEpoch, 0.25f);
        var result = learner.Fit(6);
        var metrics = learner.Evaluate(InMemoryDataset.From(test));
        Assert.True(metrics.Accuracy >= 0.85, $"test accuracy {metrics.Accuracy:P1} (last train loss {result.Epochs[^1].TrainLoss:F3})");
    }
}
