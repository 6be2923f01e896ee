using System.CommandLine;
using System.Globalization;
using Frost.Training;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary><c>frost eval</c>: accuracy of a checkpoint, per-class precision and recall, and the confusion matrix with class names.</summary>
internal static class EvalCommand
{
    /// <summary>Most classes printed as a full matrix; beyond, the largest confusions are listed.</summary>
    private const int MaxMatrixClasses = 20;

    private const int BatchSize = 128;

    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A checkpoint written by 'frost demo' or 'frost finetune'." };
        var data = new Option<string?>("--data")
        {
            Description = "IDX folder (its test split) or image folder (its val/ or test/ folder; else every image, or the --val-split part); default: the shipped subset.",
        };
        var count = new Option<int>("--count") { Description = "Images to use (default: all; image folders: a sample drawn with --seed).", DefaultValueFactory = _ => int.MaxValue };
        var valSplit = new Option<double>("--val-split") { Description = "Image folders without val/ or test/: evaluate the part held out with this fraction and --seed (as finetune did)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the --val-split draw (finetune's --seed).", DefaultValueFactory = _ => 1 };
        var badImages = new Option<string>("--bad-images") { Description = "'fail' on the first unreadable image (default) or 'skip' such files.", DefaultValueFactory = _ => "fail" };
        var plot = new Option<string?>("--plot") { Description = "PNG file for the confusion matrix (default: confusion.png beside the checkpoint)." };
        var cmd = new Command("eval", "Evaluate a checkpoint: accuracy, per-class precision and recall, confusion matrix (also as a PNG).")
        {
            checkpoint, data, count, valSplit, seed, badImages, plot,
        };
        cmd.SetAction(p => CliErrors.Guard(() => Run(
            p.GetValue(checkpoint)!, p.GetValue(data), p.GetValue(count), p.GetValue(valSplit), p.GetValue(seed), ImageData.ParseBadImages(p.GetValue(badImages)!), p.GetValue(plot))));
        return cmd;
    }

    private static int Run(string path, string? data, int count, double valSplit, ulong seed, Frost.Vision.BadImagePolicy badImages, string? plot)
    {
        string plotPath = plot ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", "confusion.png");
        OptionRules.Range("--count", count, 1, int.MaxValue);
        OptionRules.Fraction("--val-split", valSplit);
        OptionRules.DataFolder("--data", data);
        if (plotPath.Length == 0 || Directory.Exists(plotPath))
        {
            throw new UsageException($"--plot '{plotPath}' is a folder or empty; expected the PNG file to write.");
        }

        var (model, recipe, report) = CheckpointModel.Load(path, BatchSize);
        AnsiConsole.MarkupLine(Markup.Escape($"{path}: {report}"));
        var set = ImageData.ForEvaluation(data ?? DataPaths.FashionMnistSmall, recipe.ClassNames, recipe.InputSize, count, valSplit, seed, badImages);
        AnsiConsole.MarkupLine($"Data: {Markup.Escape(set.Folder)}: {Markup.Escape(set.Description)}");
        var test = set.Test;
        ClassificationMetrics? metrics = null;
        using (CliErrors.Doing($"evaluating {test.Count} images at {recipe.InputSize}x{recipe.InputSize}"))
        {
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("evaluating", maxValue: test.Count);
                metrics = Evaluation.Run(model, test, batchSize: BatchSize, topK: Math.Min(5, recipe.Classes), progress: (done, _) => task.Value = done);
            });
        }

        foreach (string w in set.Warnings)
        {
            AnsiConsole.MarkupLine($"[yellow]Left out:[/] {Markup.Escape(w)}");
        }

        var m = metrics!;
        var table = new Table().AddColumns("class", "images", "precision", "recall", "F1");
        for (int c = 0; c < m.ClassNames.Count; c++)
        {
            table.AddRow(Markup.Escape(m.ClassNames[c]), $"{m.Support(c)}", Percent(m.Precision(c)), Percent(m.Recall(c)), Percent(m.F1(c)));
        }

        AnsiConsole.Write(table);
        PrintConfusion(m);
        AnsiConsole.MarkupLine($"[bold]Accuracy: {m.Accuracy:P2}[/] on {m.Count} images (top-{m.TopK} {m.TopKAccuracy:P1}, macro F1 {m.MacroF1:P1}, loss {m.Loss:F4})");
        try
        {
            ConfusionPlot.Save(plotPath, m, $"{Path.GetFileName(path)}: accuracy {m.Accuracy.ToString("P1", CultureInfo.InvariantCulture)} on {m.Count} images");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"writing {plotPath} failed: {e.Message}", e);
        }

        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(plotPath)} (confusion matrix).");
        return 0;
    }

    /// <summary>The matrix with names (actual down, predicted across), or for many classes the largest confusions.</summary>
    private static void PrintConfusion(ClassificationMetrics m)
    {
        int n = m.ClassNames.Count;
        if (n <= MaxMatrixClasses)
        {
            var table = new Table { Title = new TableTitle("confusion matrix: actual (rows) × predicted (columns)") };
            table.AddColumn("actual \\ predicted");
            foreach (var name in m.ClassNames)
            {
                table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
            }

            for (int a = 0; a < n; a++)
            {
                var cells = new List<string> { Markup.Escape(m.ClassNames[a]) };
                for (int p = 0; p < n; p++)
                {
                    long v = m.Confusion(a, p);
                    cells.Add(a == p ? $"[bold]{v}[/]" : v == 0 ? "[grey]0[/]" : $"{v}");
                }

                table.AddRow([.. cells]);
            }

            AnsiConsole.Write(table);
            return;
        }

        var worst = Enumerable.Range(0, n * n).Select(i => (A: i / n, P: i % n)).Where(c => c.A != c.P && m.Confusion(c.A, c.P) > 0)
            .OrderByDescending(c => m.Confusion(c.A, c.P)).Take(MaxMatrixClasses).ToList();
        var list = new Table { Title = new TableTitle($"largest confusions (of {n} classes)") }.AddColumns("actual", "predicted as", "images");
        foreach (var (a, p) in worst)
        {
            list.AddRow(Markup.Escape(m.ClassNames[a]), Markup.Escape(m.ClassNames[p]), $"{m.Confusion(a, p)}");
        }

        AnsiConsole.Write(list);
    }

    private static string Percent(double x) => double.IsNaN(x) ? "-" : x.ToString("P1", CultureInfo.InvariantCulture);
}
