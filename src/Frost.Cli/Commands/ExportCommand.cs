using System.CommandLine;
using Frost.Onnx;
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
            var (model, recipe, report) = CheckpointModel.Load(p.GetValue(checkpoint)!);
            model.Training = false;
            string path = p.GetValue(output)!;
            OnnxExporter.Save(model, new Shape(1, 3, recipe.InputSize, recipe.InputSize), path);
            AnsiConsole.MarkupLine(Markup.Escape($"{report}"));
            AnsiConsole.MarkupLine(Markup.Escape($"Wrote {path}: input RGB 0..255 [N, 3, {recipe.InputSize}, {recipe.InputSize}], output {recipe.Classes} logits."));
            return 0;
        }));
        return cmd;
    }
}
