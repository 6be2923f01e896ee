using System.CommandLine;
using Frost.Data;
using Frost.Training;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary><c>frost eval</c>: accuracy of a checkpoint on a test split, per class.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A checkpoint written by 'frost demo' or 'frost finetune'." };
        var data = new Option<string?>("--data") { Description = "Folder with test-{images,labels}.idx[.gz] (default: the shipped subset)." };
        var count = new Option<int>("--count") { Description = "Test images to use (default: all).", DefaultValueFactory = _ => int.MaxValue };
        var cmd = new Command("eval", "Evaluate a checkpoint's accuracy on a test split.") { checkpoint, data, count };
        cmd.SetAction(p => CliErrors.Guard(() => Run(p.GetValue(checkpoint)!, p.GetValue(data), p.GetValue(count))));
        return cmd;
    }

    private const int BatchSize = 128;

    private static int Run(string path, string? data, int count)
    {
        OptionRules.Range("--count", count, 1, int.MaxValue);
        OptionRules.DataFolder("--data", data);
        var (model, recipe, report) = CheckpointModel.Load(path, BatchSize);
        AnsiConsole.MarkupLine(Markup.Escape($"{path}: {report}"));
        var test = CliData.Load(data ?? DataPaths.FashionMnistSmall, "test", count, "--count");
        if (recipe.Classes != test.ClassNames.Count)
        {
            throw new FormatException($"{path}: the model has {recipe.Classes} outputs but the test set has {test.ClassNames.Count} classes.");
        }

        ClassificationMetrics? metrics = null;
        using (CliErrors.Doing($"evaluating {test.Count} images at {recipe.InputSize}x{recipe.InputSize}"))
        {
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("evaluating", maxValue: test.Count);
                metrics = Evaluation.Run(model, InMemoryDataset.From(test, ImageInput.For(recipe.InputSize)), batchSize: BatchSize, progress: (done, _) => task.Value = done);
            });
        }

        var m = metrics!;
        var table = new Table().AddColumns("class", "images", "precision", "recall", "F1");
        for (int c = 0; c < m.ClassNames.Count; c++)
        {
            table.AddRow(Markup.Escape(m.ClassNames[c]), $"{m.Support(c)}", Percent(m.Precision(c)), Percent(m.Recall(c)), Percent(m.F1(c)));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[bold]Accuracy: {m.Accuracy:P2}[/] on {m.Count} images (top-{m.TopK} {m.TopKAccuracy:P1}, macro F1 {m.MacroF1:P1}, loss {m.Loss:F4})");
        return 0;
    }

    private static string Percent(double x) => double.IsNaN(x) ? "-" : x.ToString("P1", System.Globalization.CultureInfo.InvariantCulture);
}
