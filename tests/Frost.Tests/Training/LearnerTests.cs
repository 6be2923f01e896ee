using Frost.Data;
using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;
using Frost.TestKit;
using Frost.Training;

namespace Frost.Tests.Training;

public sealed class LearnerTests : IDisposable
{
    private static readonly string[] Classes = ["a", "b", "c"];
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-learner-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Three classes of 4×6×6 images, told apart by which channel is bright.</summary>
    private static InMemoryDataset Images(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var x = Tensor.Normal(new Shape(count, 4, 6, 6), 0, 1, rng);
        var labels = new int[count];
        var s = x.AsSpan();
        for (int i = 0; i < count; i++)
        {
            labels[i] = rng.NextInt(3);
            s.Slice((i * 4 + labels[i]) * 36, 36).Fill(1.5f);
        }

        return new InMemoryDataset(x, labels, Classes);
    }

    /// <summary>A small conv net: a stem and a body (conv, batch norm, ReLU each) and a head.</summary>
    private static Sequential Model(ulong seed, bool dropout = false)
    {
        var rng = new Rng(seed);
        var stem = new Sequential(new Frost.Layers.Conv2D(4, 8, 3, rng, padding: 1, name: "conv"), new BatchNorm2D(8, name: "bn"), new Relu(name: "relu"));
        var body = new Sequential(new Frost.Layers.Conv2D(8, 8, 3, rng, padding: 1, name: "conv"), new BatchNorm2D(8, name: "bn"), new Relu(name: "relu"));
        var head = new Sequential(new GlobalAvgPool(name: "pool"), new Dense(8, 3, rng, name: "fc"));
        if (dropout)
        {
            head.Insert(1, new Dropout(0.2f, rng, name: "drop"));
        }

        var m = new Sequential();
        m.Add(stem, "stem");
        m.Add(body, "body");
        m.Add(head, "head");
        return m;
    }

    private static List<float[]> Values(Layer m) => [.. m.Variables.Select(v => v.Value.ToArray())];

    [Fact]
    public void Evaluation_runs_in_inference_mode_and_never_changes_the_model()
    {
        var m = Model(1);
        var learner = new Learner(m, Images(48, 2), new Adam(0.01f), Images(32, 3)) { BatchSize = 16 };
        learner.Fit(1);
        var before = Values(m);
        m.Training = true;
        var metrics = learner.Evaluate(Images(40, 4));
        Assert.Equal(before, Values(m));
        Assert.True(m.Training); // modes restored
        Assert.Equal(40, metrics.Count);

        // Evaluating after every epoch changes nothing either: the run equals one without validation.
        var a = Model(5);
        var b = Model(5);
        new Learner(a, Images(48, 2), new Adam(0.01f), Images(32, 3)) { BatchSize = 16 }.Fit(2);
        new Learner(b, Images(48, 2), new Adam(0.01f)) { BatchSize = 16 }.Fit(2);
        Assert.Equal(Values(b), Values(a));
    }

    [Fact]
    public void Validation_metrics_are_the_models_inference_accuracy()
    {
        var m = Model(6);
        var val = Images(40, 7);
        var learner = new Learner(m, Images(64, 8), new Adam(0.01f), val) { BatchSize = 16 };
        var result = learner.Fit(2);
        var again = Evaluation.Run(m, val);
        Assert.Equal(again.Accuracy, result.Epochs[^1].Validation!.Accuracy);
        Assert.Equal(again.Loss, result.Epochs[^1].Validation!.Loss, 6);
    }

    [Fact]
    public void Accumulating_k_micro_batches_equals_one_batch_k_times_larger()
    {
        Sequential Mlp() => new(new Flatten(), new Dense(144, 16, new Rng(9), name: "fc1"), new Relu(), new Dense(16, 3, new Rng(10), name: "fc2"));
        var data = Images(70, 11); // 70 = 2 × 32 + 6: the last group is short
        var big = Mlp();
        var small = Mlp();
        new Learner(big, data, new Sgd(0.1f, momentum: 0.9f)) { BatchSize = 32, Seed = 3 }.Fit(2);
        new Learner(small, data, new Sgd(0.1f, momentum: 0.9f)) { BatchSize = 8, AccumulationSteps = 4, Seed = 3 }.Fit(2);
        var expected = Values(big);
        var actual = Values(small);
        for (int i = 0; i < expected.Count; i++)
        {
            AssertClose.Equal(expected[i], actual[i], atol: 1e-5, rtol: 1e-4);
        }
    }

    [Fact]
    public void A_resumed_run_is_bit_identical_to_an_uninterrupted_one()
    {
        (Learner Learner, Sequential Model, Adam Opt, EarlyStopping Stop) Make()
        {
            var m = Model(12, dropout: true);
            var opt = new Adam(0.02f) { Schedule = new CosineDecay(20) };
            var stop = new EarlyStopping(patience: 10, monitor: "val_accuracy");
            var l = new Learner(m, Images(60, 13), opt, Images(30, 14)) { BatchSize = 16, Seed = 4 };
            l.Callbacks.Add(stop);
            new FreezePlan(m).Freeze(Selector.Glob("stem/**")).Apply(opt);
            return (l, m, opt, stop);
        }

        var whole = Make();
        var wholeResult = whole.Learner.Fit(4);

        var first = Make();
        first.Learner.Fit(2);
        string ckpt = Path.Combine(_dir, "run.safetensors");
        first.Learner.Save(ckpt);

        var second = Make();
        second.Learner.Resume(ckpt);
        Assert.Equal(2, second.Learner.Epoch);
        var resumedResult = second.Learner.Fit(4);

        Assert.Equal(Values(whole.Model), Values(second.Model));
        Assert.Equal(whole.Opt.Iterations, second.Opt.Iterations);
        foreach (var (v, st) in whole.Opt.State)
        {
            var other = second.Opt.State.Single(p => p.Key.Name == v.Name).Value;
            foreach (string slot in st.SlotNames)
            {
                Assert.Equal(st.Slot(slot).ToArray(), other.Slot(slot).ToArray());
            }
        }

        Assert.Equal(wholeResult.Epochs.Select(e => e.TrainLoss), resumedResult.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(whole.Stop.Best, second.Stop.Best);
        Assert.Equal(whole.Stop.BestEpoch, second.Stop.BestEpoch);
        Assert.True(resumedResult.Frozen.FrozenIntact);
    }

    [Fact]
    public void Parameter_groups_and_their_rates_are_saved_and_restored_and_a_different_grouping_is_refused()
    {
        var model = Model(12, dropout: false);
        var opt = new Adam(0.02f);
        var learner = new Learner(model, Images(40, 13), opt) { BatchSize = 16, Seed = 4 };
        var spread = LearningRates.Spread(opt, model, [Selector.Glob("stem/**")], 0.01f, 2.6f);
        spread[0].WeightDecay = 0.05f;
        learner.Fit(1);
        spread[0].LearningRate = 0.004f; // changed during the run: the checkpoint keeps the current value
        string ckpt = Path.Combine(_dir, "groups.safetensors");
        learner.Save(ckpt);

        // A learner without groups gets them back, members and settings.
        var bare = new Adam(0.02f);
        var restored = new Learner(Model(12, dropout: false), Images(40, 13), bare) { BatchSize = 16, Seed = 4 };
        restored.Resume(ckpt);
        var g = Assert.Single(bare.Groups);
        Assert.Equal(spread[0].Name, g.Name);
        Assert.Equal(spread[0].Variables.Select(v => v.Name), g.Variables.Select(v => v.Name));
        Assert.Equal(0.004f, g.LearningRate);
        Assert.Equal(0.05f, g.WeightDecay);

        // One whose group of that name holds other variables is refused, naming the group, and keeps its groups.
        var other = new Adam(0.02f);
        var otherModel = Model(12, dropout: false);
        var wrong = new Learner(otherModel, Images(40, 13), other) { BatchSize = 16, Seed = 4 };
        other.AddGroup(Selector.Glob("head/**").Resolve(otherModel).Where(v => v.Kind == VariableKind.Parameter), name: spread[0].Name);
        var e = Assert.Throws<FormatException>(() => wrong.Resume(ckpt));
        Assert.Contains($"parameter group '{spread[0].Name}'", e.Message, StringComparison.Ordinal);
        Assert.Single(other.Groups);
    }

    [Fact]
    public void The_frozen_prefix_cache_gives_the_same_training_in_memory_or_in_a_file()
    {
        Sequential Train(bool cache, long budget, out Learner learner)
        {
            var m = Model(15);
            var opt = new Adam(0.01f);
            new FreezePlan(m).Freeze(Selector.Glob("stem/**") | Selector.Glob("body/**")).Apply(opt);
            learner = new Learner(m, Images(64, 16), opt, Images(24, 17)) { BatchSize = 16, CacheFrozenPrefix = cache, CacheMemoryBudget = budget };
            return m;
        }

        var plain = Train(cache: false, 1L << 30, out var plainLearner);
        var inMemory = Train(cache: true, 1L << 30, out var memoryLearner);
        var inFile = Train(cache: true, 0, out var fileLearner);
        Assert.Equal(["stem", "body"], memoryLearner.DescribeCache().Layers);
        Assert.False(plainLearner.DescribeCache().Applies);
        var spy = new CacheSpy();
        fileLearner.Callbacks.Add(spy);
        plainLearner.Fit(2);
        memoryLearner.Fit(2);
        fileLearner.Fit(2);
        Assert.Equal(2, spy.Prefix);
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $"frost-features-{Environment.ProcessId}-*"));
        var expected = Values(plain);
        foreach (var other in new[] { Values(inMemory), Values(inFile) })
        {
            for (int i = 0; i < expected.Count; i++)
            {
                AssertClose.Equal(expected[i], other[i], atol: 1e-5, rtol: 1e-4);
            }
        }
    }

    private sealed class CacheSpy : Callback
    {
        public int Prefix { get; private set; }

        public override void OnEpochBegin(Learner learner, int epoch) => Prefix = learner.CachedPrefix;
    }

    private sealed class TrainableSpy : Callback
    {
        public List<string[]> PerEpoch { get; } = [];

        public override void OnEpochBegin(Learner learner, int epoch)
            => PerEpoch.Add([.. learner.Model.TrainableVariables.Select(v => v.Name.Split('/')[0]).Distinct()]);
    }

    [Fact]
    public void Gradual_unfreezing_changes_the_trainable_set_at_the_planned_epochs()
    {
        var m = Model(18);
        var opt = new Adam(0.01f);
        var spy = new TrainableSpy();
        var cacheSpy = new CacheSpy();
        var learner = new Learner(m, Images(48, 19), opt, Images(24, 20))
        {
            BatchSize = 16,
            Unfreezing = UnfreezeSchedule.Gradual([Selector.Glob("head/**"), Selector.Glob("body/**"), Selector.Glob("stem/**")], epochsPerGroup: 2),
        };
        learner.Callbacks.Add(spy);
        learner.Callbacks.Add(cacheSpy);
        var stemBefore = ((Sequential)m["stem"]).Variables.Select(v => v.Value.ToArray()).ToList();
        var result = learner.Fit(4);
        Assert.Equal(["head"], spy.PerEpoch[0]);
        Assert.Equal(["head"], spy.PerEpoch[1]);
        Assert.Equal(["body", "head"], spy.PerEpoch[2].Order());
        Assert.Equal(["body", "head"], spy.PerEpoch[3].Order());
        Assert.Equal(1, cacheSpy.Prefix); // the stem stays cached while it is frozen; the body no longer is
        Assert.True(result.Frozen.FrozenIntact, result.Frozen.ToString());
        Assert.Equal(stemBefore, ((Sequential)m["stem"]).Variables.Select(v => v.Value.ToArray()).ToList());
    }

    [Fact]
    public void Fine_tune_head_first_then_body()
    {
        var m = Model(21);
        var spy = new TrainableSpy();
        var learner = new Learner(m, Images(32, 22), new Adam(0.01f)) { BatchSize = 16, Unfreezing = UnfreezeSchedule.HeadFirst(Selector.Glob("head/**"), Selector.All, 1) };
        learner.Callbacks.Add(spy);
        learner.Fit(2);
        Assert.Equal(["head"], spy.PerEpoch[0]);
        Assert.Equal(["body", "head", "stem"], spy.PerEpoch[1].Order());
    }

    [Fact]
    public void A_non_finite_loss_stops_training_and_keeps_the_last_good_checkpoint()
    {
        var m = Model(23);
        var data = Images(32, 24);
        var opt = new Adam(0.01f);
        string ckpt = Path.Combine(_dir, "last.safetensors");
        var learner = new Learner(m, data, opt) { BatchSize = 16 };
        learner.Callbacks.Add(new CheckpointEvery(ckpt));
        learner.Fit(1);
        var good = File.ReadAllBytes(ckpt);
        var weights = Values(m);

        // Poison the data: every later loss is NaN.
        data.Examples.AsSpan()[0] = float.NaN;
        var result = learner.Fit(3);
        Assert.True(result.Diverged);
        Assert.Contains("loss is NaN", result.StopReason, StringComparison.Ordinal);
        Assert.Equal(weights, Values(m));
        Assert.Equal(good, File.ReadAllBytes(ckpt));
        Assert.Equal(1, learner.Epoch);
    }

    [Fact]
    public void Early_stopping_stops_when_the_metric_stalls()
    {
        var m = Model(25);
        var learner = new Learner(m, Images(32, 26), new Sgd(0f), Images(16, 27)) { BatchSize = 16 };
        learner.Callbacks.Add(new EarlyStopping(patience: 2, monitor: "val_loss"));
        var result = learner.Fit(10);
        Assert.Equal(3, result.Epochs.Count); // no change with a zero rate: epochs 2 and 3 do not improve on 1
        Assert.Contains("early stopping", result.StopReason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_csv_log_has_one_row_per_epoch_with_the_documented_columns()
    {
        var m = Model(28);
        string csv = Path.Combine(_dir, "metrics.csv");
        var learner = new Learner(m, Images(32, 29), new Adam(0.01f), Images(16, 30)) { BatchSize = 16 };
        learner.Callbacks.Add(new CsvMetricsLog(csv));
        learner.Fit(3);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(string.Join(',', CsvMetricsLog.Columns), lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("3,", lines[3], StringComparison.Ordinal);
        Assert.Equal(CsvMetricsLog.Columns.Count, lines[3].Split(',').Length);
    }

    [Fact]
    public void A_learning_rate_spread_gives_lower_groups_lower_rates()
    {
        var m = Model(31);
        var opt = new Adam(0.01f);
        var groups = LearningRates.Spread(opt, m, [Selector.Glob("head/**"), Selector.Glob("body/**"), Selector.All], 1e-2f, 2f);
        Assert.Equal([1e-2f, 5e-3f, 2.5e-3f], groups.Select(g => g.LearningRate!.Value));
        Assert.Equal(["stem/conv/weight", "stem/conv/bias", "stem/bn/weight", "stem/bn/bias"], groups[2].Variables.Select(v => v.Name));
    }

    [Fact]
    public void Metrics_count_precision_recall_and_top_k_from_the_confusion_matrix()
    {
        var m = Model(32);
        var data = Images(30, 33);
        var metrics = Evaluation.Run(m, data, batchSize: 7, topK: 2);
        long total = 0;
        for (int a = 0; a < 3; a++)
        {
            for (int p = 0; p < 3; p++)
            {
                total += metrics.Confusion(a, p);
            }
        }

        Assert.Equal(30, total);
        Assert.Equal(Enumerable.Range(0, 30).Count(i => data.Labels[i] == 1), metrics.Support(1));
        Assert.InRange(metrics.TopKAccuracy, metrics.Accuracy, 1.0);
        Assert.Equal(1.0, Evaluation.Run(m, data, topK: 3).TopKAccuracy);
    }
}
