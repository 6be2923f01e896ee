using System.Globalization;
using System.Text;

namespace Frost.Onnx;

/// <summary>What an ONNX model contains: operator sets, real inputs and outputs with shapes, an op-type histogram, parameter counts.</summary>
public sealed class OnnxGraphSummary
{
    private readonly OnnxModel _model;

    internal OnnxGraphSummary(OnnxModel model)
    {
        _model = model;
        var graph = model.Graph;
        var initializerNames = new HashSet<string>(graph.Initializer.Select(t => t.Name), StringComparer.Ordinal);
        Inputs = [.. graph.Input.Where(v => !initializerNames.Contains(v.Name)).Select(v => new OnnxValueInfo(v))];
        Outputs = [.. graph.Output.Select(v => new OnnxValueInfo(v))];
        Opsets = [.. model.Proto.OpsetImport.Select(o => new KeyValuePair<string, long>(o.Domain.Length == 0 ? "ai.onnx" : o.Domain, o.Version))];
        var histogram = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            string op = node.Domain.Length == 0 ? node.OpType : $"{node.Domain}.{node.OpType}";
            histogram[op] = histogram.GetValueOrDefault(op) + 1;
        }

        OpHistogram = [.. histogram.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)];
        foreach (var t in graph.Initializer)
        {
            // A damaged file may claim absurd sizes: the total saturates instead of wrapping.
            long n = Math.Max(t.ElementCount, 0);
            ParameterCount = n > long.MaxValue - ParameterCount ? long.MaxValue : ParameterCount + n;
        }
    }

    /// <summary>The ONNX IR version.</summary>
    public long IrVersion => _model.Proto.IrVersion;

    /// <summary>The imported operator sets: domain ("ai.onnx" for the default one) and version.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Opsets { get; }

    /// <summary>The version of the default ONNX operator set, 0 when none is imported.</summary>
    public long OpsetVersion => _model.Proto.DefaultOpsetVersion;

    /// <summary>The graph inputs that are not initializers (the values a caller must feed).</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    /// <summary>The graph outputs.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    /// <summary>How many nodes use each operator ("domain.Op" outside the default domain), most frequent first.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> OpHistogram { get; }

    /// <summary>The number of nodes.</summary>
    public int NodeCount => _model.Graph.Node.Count;

    /// <summary>The number of initializers.</summary>
    public int InitializerCount => _model.Graph.Initializer.Count;

    /// <summary>The total element count of all initializers.</summary>
    public long ParameterCount { get; }

    /// <summary>A multi-line report: header, inputs, outputs, op histogram.</summary>
    public override string ToString() => Format(includeNodes: false);

    /// <summary>The report of <see cref="ToString"/>, optionally followed by every node in order.</summary>
    public string Format(bool includeNodes)
    {
        var p = _model.Proto;
        var g = _model.Graph;
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(ci, $"ONNX model {_model.Source}").AppendLine();
        string producer = (p.ProducerName + " " + p.ProducerVersion).Trim();
        sb.Append(ci, $"  ir_version {p.IrVersion}, opset {string.Join(", ", Opsets.Select(o => $"{o.Key} v{o.Value}"))}, producer {(producer.Length == 0 ? "(none)" : producer)}").AppendLine();
        sb.Append(ci, $"  graph '{g.Name}': {NodeCount} nodes, {InitializerCount} initializers, {ParameterCount:N0} parameters").AppendLine();
        sb.AppendLine("  inputs:");
        foreach (var v in Inputs)
        {
            sb.Append(ci, $"    {v}").AppendLine();
        }

        sb.AppendLine("  outputs:");
        foreach (var v in Outputs)
        {
            sb.Append(ci, $"    {v}").AppendLine();
        }

        sb.AppendLine("  ops:");
        int width = OpHistogram.Count == 0 ? 0 : OpHistogram.Max(kv => kv.Key.Length);
        foreach (var (op, count) in OpHistogram)
        {
            sb.Append(ci, $"    {op.PadRight(width)} {count,5}").AppendLine();
        }

        if (includeNodes)
        {
            sb.AppendLine("  nodes:");
            for (int i = 0; i < g.Node.Count; i++)
            {
                sb.Append(ci, $"    {i,4} {g.Node[i]}").AppendLine();
            }
        }

        return sb.ToString();
    }
}
