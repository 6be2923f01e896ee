using Frost.Data;
using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;
using Frost.Training;

namespace Frost.Tests.Docs;

/// <summary>
/// The examples of docs/fine-tuning.md. Each region is copied verbatim into the guide (checked by
/// <see cref="DocsTests"/>), so every example in the guide compiles and runs.
/// </summary>
public sealed class FineTuningGuideExamples : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-guide-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A stand-in for a pretrained network: a backbone of two blocks and a head.</summary>
    private static Sequential Pretrained()
    {
        var rng = new Rng(1);
        var model = new Sequential();
        model.Add(new Sequential(new Frost.Layers.Conv2D(3, 8, 3, rng, padding: 1), new BatchNorm2D(8), new Relu()), "block1");
        model.Add(new Sequential(new Frost.Layers.Conv2D(8, 8, 3, rng, padding: 1), new BatchNorm2D(8), new Relu()), "block2");
        model.Add(new Sequential(new GlobalAvgPool(name: "pool"), new Dense(8, 4, rng, name: "fc")), "head");
        return model;
    }

    private static (InMemoryDataset Train, InMemoryDataset Validation) Data()
    {
        var rng = new Rng(2);
        InMemoryDataset Make(int n)
        {
            var x = Tensor.Normal(new Shape(n, 3, 8, 8), 0, 1, rng);
            var labels = Enumerable.Range(0, n).Select(i => i % 4).ToArray();
            for (int i = 0; i < n; i++)
            {
                x.AsSpan().Slice(i * 192, 64 * (1 + (labels[i] % 3))).Fill(labels[i]);
            }

            return new InMemoryDataset(x, labels, ["cat", "dog", "fox", "owl"]);
        }

        return (Make(64), Make(32));
    }

    [Fact]
    public void Basic()
    {
        var model = Pretrained();
        var (train, validation) = Data();
        #region example: basic
        var optimizer = new AdamW(1e-3f, weightDecay: 1e-4f);
        var learner = new Learner(model, train, optimizer, validation) { BatchSize = 16, Seed = 1 };

        // Freeze the backbone; only the head trains. The plan names what it froze, and every selector must match.
        new FreezePlan(model).TrainOnly(Selector.Glob("head/**")).Apply(optimizer);

        // A schedule counts optimizer steps: warm up, then cosine decay over the whole run.
        optimizer.Schedule = new LinearWarmup(10, new CosineDecay(3 * learner.StepsPerEpoch));
        FitResult result = learner.Fit(epochs: 3);

        var last = result.Epochs[^1];
        Console.WriteLine($"validation accuracy {last.Validation!.Accuracy:P1} (inference mode)");
        result.Frozen.ThrowIfViolated();   // every frozen value is bit-identical to its fingerprint
        #endregion
        Assert.Equal(3, result.Epochs.Count);
        Assert.True(result.Frozen.FrozenIntact);
    }

    [Fact]
    public void Callbacks_and_resume()
    {
        var model = Pretrained();
        var (train, validation) = Data();
        string folder = _dir;
        #region example: callbacks
        var learner = new Learner(model, train, new Adam(1e-3f), validation) { BatchSize = 16 };
        learner.Callbacks.Add(new EarlyStopping(patience: 3, monitor: "val_loss"));
        learner.Callbacks.Add(new KeepBestCheckpoint(Path.Combine(folder, "best.safetensors"), monitor: "val_accuracy"));
        learner.Callbacks.Add(new CheckpointEvery(Path.Combine(folder, "last.safetensors")));
        learner.Callbacks.Add(new CsvMetricsLog(Path.Combine(folder, "metrics.csv")));
        learner.Fit(epochs: 2);

        // Later, or after a crash: the same setup, then resume and continue to 4 epochs.
        var again = new Learner(Pretrained(), train, new Adam(1e-3f), validation) { BatchSize = 16 };
        again.Callbacks.Add(new EarlyStopping(patience: 3, monitor: "val_loss"));
        again.Resume(Path.Combine(folder, "last.safetensors"));
        again.Fit(epochs: 4);   // epochs 3 and 4, bit-identical to an uninterrupted run
        #endregion
        Assert.Equal(4, again.Epoch);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "metrics.csv")).Length);
        Assert.True(File.Exists(Path.Combine(folder, "best.safetensors")));
    }

    [Fact]
    public void Schedules()
    {
        var model = Pretrained();
        var (train, validation) = Data();
        #region example: schedules
        var optimizer = new Adam(1e-3f);
        var learner = new Learner(model, train, optimizer, validation)
        {
            BatchSize = 16,

            // ULMFiT: the head trains first; one more block joins every epoch, from the top.
            Unfreezing = UnfreezeSchedule.Gradual(
                [Selector.Glob("head/**"), Selector.Glob("block2/**"), Selector.Glob("block1/**")], epochsPerGroup: 1),
        };

        // Discriminative rates: 1e-3 for the head, 1e-3 / 2.6 for block2, 1e-3 / 2.6² for block1.
        LearningRates.Spread(optimizer, model, [Selector.Glob("head/**"), Selector.Glob("block2/**"), Selector.Glob("block1/**")], 1e-3f);
        learner.Fit(epochs: 3);
        #endregion
        Assert.Equal(LayerStatus.Trainable, model.Status);
    }

    [Fact]
    public void Head_first()
    {
        var model = Pretrained();
        var (train, _) = Data();
        #region example: head-first
        // fastai's fine_tune: two epochs of the head alone, then everything.
        var learner = new Learner(model, train, new Adam(1e-3f))
        {
            Unfreezing = UnfreezeSchedule.HeadFirst(Selector.Glob("head/**"), Selector.All, freezeEpochs: 2),
        };
        learner.Fit(epochs: 4);
        #endregion
        Assert.Equal(LayerStatus.Trainable, model.Status);
    }

    [Fact]
    public void Accumulation_and_cache()
    {
        var model = Pretrained();
        var (train, validation) = Data();
        #region example: accumulate
        // Four micro-batches of 8 make one update: the same step as a batch of 32, in a quarter of the memory.
        var learner = new Learner(model, train, new Adam(1e-3f), validation) { BatchSize = 8, AccumulationSteps = 4 };
        model["block1"].Freeze();
        model["block2"].Freeze();

        // The frozen blocks are a fixed function: their outputs are computed once per example and reused.
        FeatureCachePlan cache = learner.DescribeCache();
        Console.WriteLine($"{string.Join(", ", cache.Layers)}: {cache.Reason}");   // block1, block2: …
        learner.Fit(epochs: 2);
        #endregion
        Assert.Equal(["block1", "block2"], cache.Layers);
    }

    [Fact]
    public void Metrics()
    {
        var model = Pretrained();
        var (_, validation) = Data();
        #region example: metrics
        ClassificationMetrics m = Evaluation.Run(model, validation, topK: 2);
        Console.WriteLine(m.FormatPerClass());      // support, precision, recall and F1 per class
        long catsSeenAsDogs = m.Confusion(actual: 0, predicted: 1);
        Console.WriteLine($"accuracy {m.Accuracy:P1}, top-2 {m.TopKAccuracy:P1}, macro F1 {m.MacroF1:P1}");
        #endregion
        Assert.InRange(catsSeenAsDogs, 0, m.Support(0));
    }

    #region example: custom-callback
    /// <summary>Stops when the training loss falls below a target.</summary>
    public sealed class StopAtLoss(double target) : Callback
    {
        public override void OnEpochEnd(Learner learner, EpochMetrics metrics)
        {
            if (metrics.TrainLoss < target)
            {
                learner.RequestStop($"training loss {metrics.TrainLoss:F3} is below {target}");
            }
        }
    }
    #endregion

    [Fact]
    public void Custom_callback()
    {
        var (train, _) = Data();
        var learner = new Learner(Pretrained(), train, new Adam(1e-2f));
        learner.Callbacks.Add(new StopAtLoss(10));
        var result = learner.Fit(5);
        Assert.Single(result.Epochs);
    }
}
