using System.Globalization;
using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;
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

    /// <summary>
    /// Fits with the progress display and prints the epoch table; on divergence reports it on one line naming the
    /// last good checkpoint and returns null, after an early stop prints why.
    /// </summary>
    public static (FitResult Result, List<float> StepLosses)? FitAndReport(Learner learner, int epochs, string activity, string checkpoint)
    {
        FitResult result;
        List<float> losses;
        using (CliErrors.Doing(activity))
        {
            (result, losses) = Fit(learner, epochs);
        }

        PrintEpochs(result.Epochs);
        if (result.Diverged)
        {
            CliErrors.Report($"finetune: {result.StopReason}. The last good checkpoint is {checkpoint}.");
            return null;
        }

        if (result.StopReason is not null)
        {
            AnsiConsole.MarkupLine($"[yellow]Stopped early:[/] {Markup.Escape(result.StopReason)}");
        }

        return (result, losses);
    }

    /// <summary>The freeze plan's steps, the variables folded by top-level block, the totals and each group's rate, as a panel.</summary>
    public static void PrintPlan(IReadOnlyList<string> steps, FreezeReport report, Optimizer optimizer)
    {
        var lines = steps.ToList();
        foreach (var g in report.Rows.GroupBy(r => r.Name.Split('/')[0]))
        {
            long p = g.Where(r => !r.IsState).Sum(r => r.Parameters);
            var statuses = g.Where(r => !r.IsState).Select(r => r.Label).Distinct().ToList();
            string status = statuses.Count == 0 ? "constants" : string.Join("/", statuses);
            lines.Add($"  {g.Key,-12} {g.Count(),3} variables  {p,12:N0} params  {status}");
        }

        lines.Add(report.FormatTotals());
        foreach (var group in optimizer.Groups)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  learning rate {group.LearningRate ?? optimizer.LearningRate:G3} for group '{group.Name}' ({group.Variables.Count} variables)"));
        }

        AnsiConsole.Write(new Panel(Markup.Escape(string.Join('\n', lines))).Header("freeze plan").Expand());
    }

    /// <summary>Whether the frozen prefix is cached and why; <paramref name="detail"/> follows the reason when it is.</summary>
    public static void PrintCache(FeatureCachePlan cache, string detail = "")
        => AnsiConsole.MarkupLine(cache.Applies
            ? $"Frozen prefix [bold]{Markup.Escape(string.Join(", ", cache.Layers))}[/]: cached — {Markup.Escape(cache.Reason)}{Markup.Escape(detail)}."
            : $"No feature cache: {Markup.Escape(cache.Reason)}.");

    /// <summary>The frozen check, variables that trained but never changed, and the optimizer's state.</summary>
    public static void PrintFrozenCheck(FrozenVerification check, Optimizer optimizer)
    {
        AnsiConsole.MarkupLine(check.FrozenIntact
            ? $"[green]Frozen check:[/] {check.Checked} frozen variables bit-identical to their SHA-256 fingerprints."
            : $"[red]Frozen check failed:[/] {Markup.Escape(string.Join(", ", check.Moved))}");
        if (check.NeverChanged.Count > 0)
        {
            AnsiConsole.MarkupLine($"[yellow]Trainable but unchanged:[/] {Markup.Escape(string.Join(", ", check.NeverChanged))}");
        }

        AnsiConsole.MarkupLine($"Optimizer state: {LayerSummary.FormatBytes(optimizer.StateBytes)} for {optimizer.State.Count} trainable variables (none for frozen ones).");
    }

    public static void PrintEpochs(IEnumerable<EpochMetrics> epochs)
    {
        var table = new Table().AddColumns("epoch", "train loss", "train acc", "val loss", "val acc", "lr", "examples/s", "time");
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
