using System.CommandLine;
using System.Globalization;
using Frost.IO;
using Frost.Onnx;
using Frost.Vision;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary>
/// <c>frost predict</c>: the most probable classes of new images or texts, from a checkpoint or an exported ONNX model
/// alone; the model's recipe says which it takes.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A checkpoint (checkpoint.safetensors) or an ONNX model (model.onnx) written by 'frost finetune', 'frost demo' or 'frost export'." };
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "Image models: image files, or folders searched recursively for images (.jpg, .jpeg, .png, .bmp, .webp, .gif). "
                + "Text models: .txt files, folders searched recursively for .txt files, or JSON lines / CSV files (each record's 'text'; 'label' and 'id' when present).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var text = new Option<string[]>("--text") { Description = "Text models: a text to classify (repeatable)." };
        var top = new Option<int>("--top") { Description = "Classes listed per input (at most the model's classes).", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Write the predictions as JSON to standard output instead of a table." };
        var batch = new Option<int>("--batch-size") { Description = "Inputs per forward pass.", DefaultValueFactory = _ => 32 };
        var badImages = new Option<string>("--bad-images") { Description = "Image models: 'fail' on the first unreadable image (default) or 'skip' such files, listing them on standard error.", DefaultValueFactory = _ => "fail" };
        var cmd = new Command("predict", "Classify images or texts with a fine-tuned model: the top classes with their probabilities, per input (and the accuracy over labelled texts).")
        {
            model, inputs, text, top, json, batch, badImages,
        };
        cmd.SetAction(p => CliErrors.Guard(() => Run(new Request(
            p.GetValue(model)!, p.GetValue(inputs) ?? [], p.GetValue(text) ?? [], p.GetValue(top), p.GetValue(json), p.GetValue(batch),
            ImageData.ParseBadImages(p.GetValue(badImages)!), p.GetResult(badImages) is { Implicit: false }))));
        return cmd;
    }

    private sealed record Request(string Model, string[] Inputs, string[] Texts, int Top, bool Json, int Batch, BadImagePolicy BadImages, bool BadImagesGiven);

    private static int Run(Request r)
    {
        OptionRules.Range("--top", r.Top, 1, Recipe.MaxClasses);
        OptionRules.Range("--batch-size", r.Batch, 1, 4096);
        if (r.Inputs.Length == 0 && r.Texts.Length == 0)
        {
            throw new UsageException("predict: no inputs; pass image files or folders to an image model, .txt, JSON lines or CSV files or --text \"...\" to a text model.");
        }

        if (r.Texts.FirstOrDefault(string.IsNullOrWhiteSpace) is not null)
        {
            throw new UsageException("--text needs a non-empty text.");
        }

        RegularFile.Require(r.Model, "a checkpoint or an ONNX model written by frost");
        if (Classifier.IsCheckpoint(r.Model))
        {
            using var file = Safetensors.Open(r.Model);
            if (file.Metadata.TryGetValue(TextRecipe.MetadataKey, out var recipe) && TextRecipe.IsTextRecipe(recipe))
            {
                return RunText(r, TextClassifier.FromCheckpoint(file, r.Model, r.Batch));
            }
        }
        else
        {
            var onnx = OnnxModel.Load(r.Model);
            if (onnx.Metadata.TryGetValue(TextRecipe.MetadataKey, out var recipe) && TextRecipe.IsTextRecipe(recipe))
            {
                return RunText(r, TextClassifier.FromOnnx(onnx, r.Model, r.Batch));
            }

            return RunImages(r, () => Classifier.FromOnnx(onnx, r.Model, r.Batch));
        }

        return RunImages(r, () => Classifier.FromCheckpoint(r.Model, r.Batch));
    }

    private static int RunText(Request r, TextClassifier classifier)
    {
        if (r.BadImagesGiven)
        {
            throw new UsageException($"--bad-images applies to image models; {r.Model} is a text classifier.");
        }

        var texts = TextInput.List(r.Inputs, r.Texts, classifier.Recipe.ClassNames, r.Model);
        int top = Math.Min(r.Top, classifier.Recipe.ClassNames.Count);
        List<Prediction> predictions;
        using (CliErrors.Doing($"classifying {texts.Count} texts of up to {classifier.Recipe.MaxLength} pieces"))
        {
            predictions = classifier.Classify(texts, top, r.Batch);
        }

        if (r.Json)
        {
            Console.Out.WriteLine(PredictJson.Write(predictions));
            return 0;
        }

        PrintTable("text", predictions.Select(p => p with { Input = Shorten(p.Input) }).ToList(), top);
        AnsiConsole.MarkupLine(Markup.Escape($"{predictions.Count} text{(predictions.Count == 1 ? "" : "s")} classified by {r.Model} ({classifier.Recipe.ClassNames.Count} classes; texts cut to {classifier.Recipe.MaxLength} word pieces, the last {classifier.Recipe.TailPieces} kept)."));
        var labelled = predictions.Where(p => p.Expected is not null).ToList();
        if (labelled.Count > 0)
        {
            int correct = labelled.Count(p => p.Top[0].Class == p.Expected);
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"Accuracy: {(double)correct / labelled.Count:P2} on {labelled.Count} labelled text{(labelled.Count == 1 ? "" : "s")} ({correct} correct).")));
        }

        return 0;
    }

    private static int RunImages(Request r, Func<Classifier> load)
    {
        if (r.Texts.Length > 0)
        {
            throw new UsageException($"--text applies to text models; {r.Model} is an image classifier (expected image files or folders of images).");
        }

        var files = ListImages(r.Inputs, r.Model);
        var classifier = load();
        int top = Math.Min(r.Top, classifier.Recipe.Classes);
        var skipped = new List<string>();
        List<Prediction> predictions;
        using (CliErrors.Doing($"classifying {files.Count} images at {classifier.Recipe.InputSize}x{classifier.Recipe.InputSize}"))
        {
            predictions = [.. classifier.ClassifyImages(files, top, r.Batch, r.BadImages, skipped.Add)];
        }

        foreach (string s in skipped)
        {
            Console.Error.WriteLine($"warning: {s}");
        }

        if (r.Json)
        {
            Console.Out.WriteLine(PredictJson.Write(predictions));
            return 0;
        }

        PrintTable("image", predictions, top);
        AnsiConsole.MarkupLine(Markup.Escape($"{predictions.Count} image{(predictions.Count == 1 ? "" : "s")} classified by {r.Model} ({classifier.Recipe.Classes} classes){(skipped.Count > 0 ? $", {skipped.Count} unreadable left out" : "")}."));
        return 0;
    }

    private static void PrintTable(string inputColumn, List<Prediction> predictions, int top)
    {
        var table = new Table().AddColumn(inputColumn);
        for (int k = 0; k < top; k++)
        {
            table.AddColumn(top == 1 ? "class" : $"#{k + 1}");
        }

        foreach (var p in predictions)
        {
            table.AddRow([Markup.Escape(p.Input), .. p.Top.Select((c, k) => (k == 0 ? "[bold]" : "") + Markup.Escape($"{c.Class} {c.Probability.ToString("P1", CultureInfo.InvariantCulture)}") + (k == 0 ? "[/]" : ""))]);
        }

        AnsiConsole.Write(table);
    }

    /// <summary>A name on one line of at most 60 characters.</summary>
    private static string Shorten(string name)
    {
        string line = string.Join(' ', name.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= 60 ? line : line[..59] + "…";
    }

    /// <summary>The image files named or found under the named folders (sorted per folder), each once.</summary>
    private static List<string> ListImages(string[] inputs, string model)
    {
        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false })
                    .Where(f => ImageFolder.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !Path.GetFileName(f).StartsWith('.'))
                    .Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0)
                {
                    bool texts = Directory.EnumerateFiles(input, "*.txt", SearchOption.AllDirectories).Any();
                    throw new UsageException(texts
                        ? $"{input}: a folder of .txt files and no images; {model} is an image classifier (expected image files: {string.Join(", ", ImageFolder.Extensions)})."
                        : $"{input}: no image files ({string.Join(", ", ImageFolder.Extensions)}) in this folder.");
                }

                files.AddRange(found.Where(seen.Add));
            }
            else if (File.Exists(input))
            {
                if (TextInput.IsTextFile(input))
                {
                    throw new UsageException($"{input}: a text file; {model} is an image classifier (expected image files: {string.Join(", ", ImageFolder.Extensions)}).");
                }

                if (seen.Add(input))
                {
                    files.Add(input);
                }
            }
            else
            {
                throw new UsageException($"{input} does not exist; expected an image file or a folder of images.");
            }
        }

        return files;
    }
}
