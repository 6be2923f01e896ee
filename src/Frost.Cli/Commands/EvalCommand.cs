using System.CommandLine;
using Frost.Data;
using Frost.Memory;
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

        model.Training = false;
        using var evaluating = CliErrors.Doing($"evaluating {test.Count} images at {recipe.InputSize}x{recipe.InputSize}");
        var toInput = ImageInput.For(recipe.InputSize);
        var predictions = new int[test.Count];
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask("evaluating", maxValue: test.Count);
            using var noRecord = GradientTape.NoRecording();
            foreach (var ix in Batches.Indices(test.Count, BatchSize))
            {
                using var scope = new TensorScope();
                var logits = model.Call(toInput(Ops.Slice(test.Images, 0, ix[0], ix.Length)));
                Ops.ArgMax(logits).CopyTo(predictions, ix[0]);
                task.Increment(ix.Length);
            }
        });

        var table = new Table().AddColumns("class", "images", "accuracy");
        for (int c = 0; c < test.ClassNames.Count; c++)
        {
            var idx = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == c).ToList();
            double acc = idx.Count == 0 ? 0 : idx.Count(i => predictions[i] == c) / (double)idx.Count;
            table.AddRow(Markup.Escape(test.ClassNames[c]), $"{idx.Count}", $"{acc:P1}");
        }

        AnsiConsole.Write(table);
        double overall = Enumerable.Range(0, test.Count).Count(i => predictions[i] == test.Labels[i]) / (double)test.Count;
        AnsiConsole.MarkupLine($"[bold]Accuracy: {overall:P2}[/] on {test.Count} images");
        return 0;
    }
}
