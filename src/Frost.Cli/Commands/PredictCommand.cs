using System.CommandLine;
using System.Globalization;
using Frost.Vision;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary><c>frost predict</c>: the most probable classes of new images, from a checkpoint or an exported ONNX model alone.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A checkpoint (checkpoint.safetensors) or an ONNX model (model.onnx) written by 'frost finetune' or 'frost export'." };
        var inputs = new Argument<string[]>("inputs") { Description = "Image files, or folders searched recursively for images (.jpg, .jpeg, .png, .bmp, .webp, .gif).", Arity = ArgumentArity.OneOrMore };
        var top = new Option<int>("--top") { Description = "Classes listed per image (at most the model's classes).", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Write the predictions as JSON to standard output instead of a table." };
        var batch = new Option<int>("--batch-size") { Description = "Images per forward pass.", DefaultValueFactory = _ => 32 };
        var badImages = new Option<string>("--bad-images") { Description = "'fail' on the first unreadable image (default) or 'skip' such files, listing them on standard error.", DefaultValueFactory = _ => "fail" };
        var cmd = new Command("predict", "Classify images with a fine-tuned model: the top classes with their probabilities, per image.") { model, inputs, top, json, batch, badImages };
        cmd.SetAction(p => CliErrors.Guard(() => Run(
            p.GetValue(model)!, p.GetValue(inputs)!, p.GetValue(top), p.GetValue(json), p.GetValue(batch), ImageData.ParseBadImages(p.GetValue(badImages)!))));
        return cmd;
    }

    private static int Run(string modelPath, string[] inputs, int top, bool json, int batch, BadImagePolicy badImages)
    {
        OptionRules.Range("--top", top, 1, Recipe.MaxClasses);
        OptionRules.Range("--batch-size", batch, 1, 4096);
        var files = ListImages(inputs);
        var classifier = Classifier.Load(modelPath, batch);
        top = Math.Min(top, classifier.Recipe.Classes);
        var skipped = new List<string>();
        List<Prediction> predictions;
        using (CliErrors.Doing($"classifying {files.Count} images at {classifier.Recipe.InputSize}x{classifier.Recipe.InputSize}"))
        {
            predictions = [.. classifier.ClassifyImages(files, top, batch, badImages, skipped.Add)];
        }

        foreach (string s in skipped)
        {
            Console.Error.WriteLine($"warning: {s}");
        }

        if (json)
        {
            Console.Out.WriteLine(PredictJson.Write(predictions));
            return 0;
        }

        var table = new Table().AddColumn("image");
        for (int k = 0; k < top; k++)
        {
            table.AddColumn(top == 1 ? "class" : $"#{k + 1}");
        }

        foreach (var p in predictions)
        {
            table.AddRow([Markup.Escape(p.Input), .. p.Top.Select((c, k) => (k == 0 ? "[bold]" : "") + Markup.Escape($"{c.Class} {c.Probability.ToString("P1", CultureInfo.InvariantCulture)}") + (k == 0 ? "[/]" : ""))]);
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape($"{predictions.Count} image{(predictions.Count == 1 ? "" : "s")} classified by {modelPath} ({classifier.Recipe.Classes} classes){(skipped.Count > 0 ? $", {skipped.Count} unreadable left out" : "")}."));
        return 0;
    }

    /// <summary>The image files named or found under the named folders (sorted per folder), each once.</summary>
    private static List<string> ListImages(string[] inputs)
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
                    throw new UsageException($"{input}: no image files ({string.Join(", ", ImageFolder.Extensions)}) in this folder.");
                }

                files.AddRange(found.Where(seen.Add));
            }
            else if (File.Exists(input))
            {
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
