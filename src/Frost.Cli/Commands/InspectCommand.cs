using System.CommandLine;
using System.Text.Json;
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
        var cmd = new Command("inspect", "Show the structure of an ONNX model, or the variables, flags and metadata of a checkpoint.") { file, nodes };
        cmd.SetAction(p => CliErrors.Guard(() => Run(p.GetValue(file)!, p.GetValue(nodes))));
        return cmd;
    }

    private static int Run(string path, bool nodes)
    {
        if (path == "resnet18")
        {
            path = PretrainedModels.FindResNet18();
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist.", path);
        }

        if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            var model = OnnxModel.Load(path);
            var summary = model.Summarize();
            AnsiConsole.WriteLine(summary.Format(nodes));
            try
            {
                var layer = OnnxImporter.Import(model);
                var dims = summary.Inputs[0].Dims?.Select(d => (int)(d ?? 1)).ToArray();
                AnsiConsole.WriteLine($"Imported as {layer.TypeName} with {layer.Variables.Count} variables:");
                AnsiConsole.WriteLine(dims is { Length: 4 } ? layer.Summary(new Shape(dims)) : string.Join(Environment.NewLine, layer.Variables.Select(v => $"  {v}")));
            }
            catch (NotSupportedException e)
            {
                AnsiConsole.MarkupLine($"[yellow]Not importable:[/] {Markup.Escape(e.Message)}");
            }

            return 0;
        }

        var st = Safetensors.Open(path);
        var table = new Table().AddColumns("tensor", "dtype", "shape", "status");
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (st.Metadata.TryGetValue("frost.variables", out var json))
        {
            foreach (var v in JsonDocument.Parse(json).RootElement.EnumerateArray())
            {
                string status = v.GetProperty("kind").GetString() == "state" ? "state"
                    : v.GetProperty("trainable").GetBoolean() ? (v.TryGetProperty("mask", out _) ? "trainable, masked" : "trainable") : "frozen";
                if (v.TryGetProperty("sha256", out var h))
                {
                    status += $" (sha256 {h.GetString()![..12]}…)";
                }

                flags[v.GetProperty("name").GetString()!] = status;
            }
        }

        foreach (var e in st.Entries.Values.OrderBy(e => e.Begin))
        {
            table.AddRow(Markup.Escape(e.Name), e.DType, Markup.Escape($"[{string.Join(", ", e.Shape)}]"), Markup.Escape(flags.GetValueOrDefault(e.Name, "")));
        }

        AnsiConsole.Write(table);
        foreach (var (k, v) in st.Metadata.Where(m => m.Key != "frost.variables"))
        {
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(k)}[/]: {Markup.Escape(v.Length > 300 ? v[..300] + "…" : v)}");
        }

        long parameters = st.Entries.Values.Where(e => !e.Name.StartsWith("__", StringComparison.Ordinal)).Sum(e => e.Count);
        AnsiConsole.MarkupLine($"{st.Entries.Count} tensors, {parameters:N0} variable elements ({LayerSummary.FormatBytes(new FileInfo(path).Length)} on disk)");
        return 0;
    }
}
