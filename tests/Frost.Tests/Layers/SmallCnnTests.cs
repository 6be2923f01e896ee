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
        var rng = new Rng(1);
        var model = SimpleCnn.Build(1, 28, 10, rng);
        const int Epochs = 6;
        var opt = new AdamW(3e-3f, weightDecay: 1e-4f) { Schedule = new OneCycle(Epochs * Batches.Count(train.Count, 64), 0.25f) };
        var trainer = new ClassifierTrainer((x, training) =>
        {
            model.Training = training;
            return model.Call(x);
        }, opt)
        { BatchSize = 64, Rng = rng.Fork() };
        EpochResult? last = null;
        for (int e = 1; e <= Epochs; e++)
        {
            last = trainer.TrainEpoch(train, e);
        }

        float accuracy = trainer.Evaluate(test);
        Assert.True(accuracy >= 0.85f, $"test accuracy {accuracy:P1} (last train loss {last!.TrainLoss:F3})");
    }
}
