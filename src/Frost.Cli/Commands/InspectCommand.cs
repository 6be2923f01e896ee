using System.CommandLine;
using Frost.IO;
using Frost.Layers;
using Frost.Onnx;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary><c>frost inspect</c>: what an ONNX model or a checkpoint holds.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "An .onnx model or a .safetensors checkpoint; 'resnet18' for the pretrained model." };
        var nodes = new Option<bool>("--nodes") { Description = "List every ONNX node." };
        var cmd = new Command("inspect", "Show the structure of an ONNX model, or the variables, flags and metadata of a checkpoint (verifying its frozen values).") { file, nodes };
        cmd.SetAction(p => CliErrors.Guard(() => Run(p.GetValue(file)!, p.GetValue(nodes))));
        return cmd;
    }

    private static int Run(string path, bool nodes)
    {
        if (path == "resnet18")
        {
            path = PretrainedModels.FindResNet18();
        }

        RegularFile.Require(path, "an ONNX model or a safetensors checkpoint");
        return path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? Onnx(path, nodes) : Checkpoint(path);
    }

    private static int Onnx(string path, bool nodes)
    {
        var model = OnnxModel.Load(path);
        var summary = model.Summarize();
        AnsiConsole.WriteLine(summary.Format(nodes));
        try
        {
            var layer = OnnxImporter.Import(model);
            // A traced summary runs one input through the model: only for a 4-D input of a modest declared size.
            var dims = summary.Inputs.Count > 0 ? summary.Inputs[0].Dims?.Select(d => d is long v and > 0 ? v : 1).ToArray() : null;
            bool traced = dims is { Length: 4 } && dims.All(d => d <= 1024);
            AnsiConsole.WriteLine($"Imported as {layer.TypeName} with {layer.Variables.Count} variables:");
            AnsiConsole.WriteLine(traced ? layer.Summary(new Shape([.. dims!.Select(d => (int)d)])) : string.Join(Environment.NewLine, layer.Variables.Select(v => $"  {v}")));
        }
        catch (NotSupportedException e)
        {
            AnsiConsole.MarkupLine($"[yellow]Not importable:[/] {Markup.Escape(e.Message)}");
        }

        return 0;
    }

    private static int Checkpoint(string path)
    {
        using var st = Safetensors.Open(path);
        CheckpointInfo info;
        using (CliErrors.Doing($"verifying {path}"))
        {
            info = Frost.IO.Checkpoint.Verify(st);
        }

        var table = new Table().AddColumns("tensor", "dtype", "shape", "status");
        var flags = info.Variables.ToDictionary(v => v.Name, Status, StringComparer.Ordinal);
        foreach (var e in st.Entries.Values.OrderBy(e => e.Begin))
        {
            table.AddRow(Markup.Escape(e.Name), e.DType, Markup.Escape($"[{string.Join(", ", e.Shape)}]"), Markup.Escape(flags.GetValueOrDefault(e.Name, "")));
        }

        AnsiConsole.Write(table);
        foreach (var (k, v) in st.Metadata.Where(m => m.Key != CheckpointInfo.VariablesKey))
        {
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(k)}[/]: {Markup.Escape(v.Length > 300 ? v[..300] + "…" : v)}");
        }

        long elements = st.Entries.Values.Where(e => !e.Name.StartsWith("__", StringComparison.Ordinal)).Sum(e => e.Count);
        string what = !info.IsFrostCheckpoint ? "not a Frost checkpoint: no flags or fingerprints to verify"
            : $"{info.Variables.Count(v => v.Sha256 is not null)} fingerprinted variables verified{(info.IsPartial ? "; partial checkpoint" : "")}";
        AnsiConsole.MarkupLine(Markup.Escape($"{st.Entries.Count} tensors, {elements:N0} variable elements ({LayerSummary.FormatBytes(st.Length)} on disk); {what}"));
        return 0;
    }

    /// <summary>The saved flags as a label (state, trainable, trainable and masked, frozen) with the verified fingerprint.</summary>
    private static string Status(CheckpointVariable v)
    {
        string status = v.Kind == VariableKind.State ? "state" : !v.Trainable ? "frozen" : v.MaskTensor is not null ? "trainable, masked" : "trainable";
        return v.Sha256 is { } h ? $"{status} (sha256 {h[..12]}…, verified)" : status;
    }
}
