using Frost.Training;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary>The progress display and epoch table shared by the training commands.</summary>
internal static class TrainingOutput
{
    public static Progress Progress() => AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn());

    /// <summary>Runs <see cref="Learner.Fit"/> with a progress bar per epoch; returns the result and every batch loss.</summary>
    public static (FitResult Result, List<float> StepLosses) Fit(Learner learner, int epochs)
    {
        FitResult? result = null;
        var losses = new List<float>();
        Progress().Start(ctx =>
        {
            var display = new ProgressDisplay(ctx, epochs, losses);
            learner.Callbacks.Add(display);
            try
            {
                result = learner.Fit(epochs);
            }
            finally
            {
                learner.Callbacks.Remove(display);
            }
        });
        return (result!, losses);
    }

    public static void PrintEpochs(IEnumerable<EpochMetrics> epochs)
    {
        var table = new Table().AddColumns("epoch", "train loss", "train acc", "val loss", "val acc", "lr", "images/s", "time");
        foreach (var m in epochs)
        {
            var v = m.Validation;
            table.AddRow($"{m.Epoch}", $"{m.TrainLoss:F4}", $"{m.TrainAccuracy:P1}", v is null ? "-" : $"{v.Loss:F4}", v is null ? "-" : $"{v.Accuracy:P1}",
                $"{m.LearningRate:G3}", $"{m.TrainExamplesPerSecond:F0}", $"{m.Elapsed.TotalSeconds:F1}s");
        }

        AnsiConsole.Write(table);
    }

    /// <summary>One progress task per epoch (and per feature-caching pass) with the running loss.</summary>
    private sealed class ProgressDisplay(ProgressContext context, int epochs, List<float> losses) : Callback
    {
        private readonly Queue<float> _recent = new();
        private ProgressTask? _epoch;
        private ProgressTask? _cache;

        public override void OnProgress(Learner learner, string task, long done, long total)
        {
            if (_cache is null || _cache.IsFinished)
            {
                _cache = context.AddTask(task, maxValue: total);
            }

            _cache.Value = done;
        }

        public override void OnEpochBegin(Learner learner, int epoch) => _epoch = null;

        public override void OnBatchEnd(Learner learner, BatchResult batch)
        {
            _epoch ??= context.AddTask($"epoch {batch.Epoch}/{epochs}", maxValue: batch.Batches);
            losses.Add((float)batch.Loss);
            _recent.Enqueue((float)batch.Loss);
            if (_recent.Count > 10)
            {
                _recent.Dequeue();
            }

            _epoch.Increment(1);
            _epoch.Description = $"epoch {batch.Epoch}/{epochs} loss {_recent.Average():F3}";
        }

        public override void OnEpochEnd(Learner learner, EpochMetrics metrics)
        {
            if (_epoch is not null)
            {
                _epoch.Description = metrics.Validation is { } v
                    ? $"epoch {metrics.Epoch}/{epochs} loss {metrics.TrainLoss:F3} val {v.Accuracy:P1}"
                    : $"epoch {metrics.Epoch}/{epochs} loss {metrics.TrainLoss:F3}";
                _epoch.StopTask();
            }
        }
    }
}
