using Frost.Training;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary>The progress display and epoch table shared by the training commands.</summary>
internal static class TrainingOutput
{
    public static Progress Progress() => AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn());

    /// <summary>Trains for <paramref name="epochs"/> epochs with a progress bar per epoch; <paramref name="onStep"/> gets each batch loss.</summary>
    public static List<EpochResult> RunEpochs(ClassifierTrainer trainer, Frost.Data.LabeledImages train, Frost.Data.LabeledImages test, int epochs, Action<float>? onStep = null)
    {
        var results = new List<EpochResult>();
        var recent = new Queue<float>();
        Progress().Start(ctx =>
        {
            int steps = Frost.Data.Batches.Count(train.Count, trainer.BatchSize);
            for (int e = 1; e <= epochs; e++)
            {
                var task = ctx.AddTask($"epoch {e}/{epochs}", maxValue: steps);
                var r = trainer.TrainEpoch(train, e, test, (_, _, loss) =>
                {
                    onStep?.Invoke(loss);
                    recent.Enqueue(loss);
                    if (recent.Count > 10)
                    {
                        recent.Dequeue();
                    }

                    task.Increment(1);
                    task.Description = $"epoch {e}/{epochs} loss {recent.Average():F3}";
                });
                task.Description = $"epoch {e}/{epochs} loss {r.TrainLoss:F3} test {r.TestAccuracy:P1}";
                results.Add(r);
            }
        });
        return results;
    }

    public static void PrintEpochs(IEnumerable<EpochResult> results)
    {
        var table = new Table().AddColumns("epoch", "train loss", "train acc", "test acc", "time");
        foreach (var r in results)
        {
            table.AddRow($"{r.Epoch}", $"{r.TrainLoss:F4}", $"{r.TrainAccuracy:P1}", $"{r.TestAccuracy:P1}", $"{r.Elapsed.TotalSeconds:F1}s");
        }

        AnsiConsole.Write(table);
    }
}
