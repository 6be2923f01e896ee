using Frost.Training;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary>The progress display and epoch table shared by the training commands.</summary>
internal static class TrainingOutput
{
    public static Progress Progress() => AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn());

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
