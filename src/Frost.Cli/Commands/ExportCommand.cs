using System.CommandLine;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary><c>frost export</c>: a checkpoint as an ONNX model.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A checkpoint written by 'frost demo' or 'frost finetune'." };
        var output = new Option<string>("--out") { Description = "ONNX file to write.", DefaultValueFactory = _ => "model.onnx" };
        var cmd = new Command("export", "Export a checkpoint to ONNX (inference form, opset 17).") { checkpoint, output };
        cmd.SetAction(p => CliErrors.Guard(() =>
        {
            string path = p.GetValue(output)!;
            if (path.Length == 0 || Directory.Exists(path))
            {
                throw new UsageException($"--out '{path}' is a folder or empty; expected the ONNX file to write.");
            }

            var (model, recipe, report) = CheckpointModel.Load(p.GetValue(checkpoint)!, 1);
            model.Training = false;
            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            using var outputFolder = OutputFolder.Lock(folder, "--out's folder");
            using (CliErrors.Doing($"exporting to {path}"))
            {
                outputFolder.WriteOnnx(path, model, recipe);
            }

            AnsiConsole.MarkupLine(Markup.Escape($"{report}"));
            AnsiConsole.MarkupLine(Markup.Escape($"Wrote {path}: input RGB 0..255 [N, 3, {recipe.InputSize}, {recipe.InputSize}], output {recipe.Classes} logits; class names in its metadata."));
            return 0;
        }));
        return cmd;
    }
}
