using System.Globalization;
using System.Text;
using Frost.Execution;
using Frost.Freezing;

namespace Frost.Layers;

/// <summary>One row of a layer summary.</summary>
/// <param name="Path">Path relative to the summarised layer ("" for itself).</param>
/// <param name="Type">Layer type.</param>
/// <param name="OutputShape">Output shape for the traced input, when the layer was called.</param>
/// <param name="Parameters">Elements of the layer's own variables.</param>
/// <param name="Trainable">Elements of its own trainable variables.</param>
/// <param name="Depth">Nesting depth.</param>
/// <param name="Status">How the parameters at or below the layer take part in training.</param>
public sealed record LayerSummaryRow(string Path, string Type, Shape? OutputShape, long Parameters, long Trainable, int Depth, LayerStatus Status);

/// <summary>A summary of a layer tree: rows and totals, like Keras's <c>model.summary()</c>.</summary>
public sealed class LayerSummary
{
    private LayerSummary(IReadOnlyList<LayerSummaryRow> rows, long total, long trainable, long state, long? optimizerBytes)
    {
        Rows = rows;
        TotalParameters = total;
        TrainableParameters = trainable;
        StateElements = state;
        OptimizerStateBytes = optimizerBytes;
    }

    /// <summary>One row per layer, depth-first.</summary>
    public IReadOnlyList<LayerSummaryRow> Rows { get; }

    /// <summary>Elements of all parameters (learnable variables, frozen or not; state excluded, as PyTorch counts).</summary>
    public long TotalParameters { get; }

    /// <summary>Elements of trainable parameters.</summary>
    public long TrainableParameters { get; }

    /// <summary>Elements of frozen parameters.</summary>
    public long FrozenParameters => TotalParameters - TrainableParameters;

    /// <summary>Elements of state variables (running statistics), never trainable.</summary>
    public long StateElements { get; }

    /// <summary>Bytes of all variables, parameters and state.</summary>
    public long VariableBytes => (TotalParameters + StateElements) * sizeof(float);

    /// <summary>Bytes of optimizer state the trainable variables need (when an optimizer was given).</summary>
    public long? OptimizerStateBytes { get; }

    /// <summary>Builds the summary, tracing output shapes with a batch-of-one zero input of <paramref name="inputShape"/>.</summary>
    public static LayerSummary Build(Layer layer, Shape inputShape, Optimizers.Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var shapes = new Dictionary<Layer, Shape>(ReferenceEqualityComparer.Instance);
        var modes = layer.CaptureModes();
        try
        {
            layer.Training = false;
            using var noRecord = GradientTape.NoRecording();
            using var scope = new TensorScope();
            using var trace = new ShapeTrace();
            layer.Call(Tensor.Zeros(inputShape));
            foreach (var (k, v) in trace.Shapes)
            {
                shapes[k] = v;
            }
        }
        finally
        {
            layer.RestoreModes(modes);
        }

        var rows = new List<LayerSummaryRow>();
        int baseDepth = Depth(layer);
        foreach (var l in layer.Descendants())
        {
            long p = l.OwnVariables.Where(v => v.Kind == VariableKind.Parameter).Sum(v => (long)v.Shape.Size);
            long t = l.OwnVariables.Where(v => v.Trainable).Sum(v => (long)v.Shape.Size);
            rows.Add(new LayerSummaryRow(layer.RelativePath(l), l.TypeName, shapes.TryGetValue(l, out var s) ? (Shape?)s : null, p, t, Depth(l) - baseDepth, l.Status));
        }

        long total = layer.Variables.Where(v => v.Kind == VariableKind.Parameter).Sum(v => (long)v.Shape.Size);
        long trainable = layer.TrainableVariables.Sum(v => (long)v.Shape.Size);
        long state = layer.Variables.Where(v => v.Kind == VariableKind.State).Sum(v => (long)v.Shape.Size);
        long? optimizerBytes = optimizer is null ? null : layer.TrainableVariables.Sum(v => optimizer.StateBytesFor(v.Shape.Size));
        return new LayerSummary(rows, total, trainable, state, optimizerBytes);
    }

    /// <summary>The summary as a fixed-width text table.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var table = Rows.Select(r => new[]
        {
            new string(' ', 2 * r.Depth) + (r.Path.Length == 0 ? "(root)" : r.Path.Split('/')[^1]),
            r.Type,
            r.OutputShape?.ToString() ?? "-",
            r.Parameters.ToString("N0", c),
            FreezeStatus.Describe(r.Status),
        }).ToList();
        string[] head = ["layer", "type", "output shape", "params", "status"];
        var widths = head.Select((h, i) => Math.Max(h.Length, table.Count == 0 ? 0 : table.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        void Line(string[] cells) => sb.AppendLine(string.Join("  ", cells.Select((x, i) => i == 3 ? x.PadLeft(widths[i]) : x.PadRight(widths[i]))).TrimEnd());
        Line(head);
        sb.AppendLine(new string('-', widths.Sum() + 2 * (widths.Length - 1)));
        foreach (var r in table)
        {
            Line(r);
        }

        sb.AppendLine(new string('-', widths.Sum() + 2 * (widths.Length - 1)));
        sb.AppendLine(c, $"Total params: {TotalParameters:N0} ({FormatBytes(TotalParameters * sizeof(float))})");
        sb.AppendLine(c, $"Trainable params: {TrainableParameters:N0}");
        sb.AppendLine(c, $"Frozen params: {FrozenParameters:N0}");
        if (StateElements > 0)
        {
            sb.AppendLine(c, $"State (running statistics): {StateElements:N0}");
        }
        if (OptimizerStateBytes is long sbytes)
        {
            sb.AppendLine(c, $"Optimizer state: {FormatBytes(sbytes)}");
        }

        return sb.ToString();
    }

    /// <summary>A byte count as B, KiB, MiB or GiB.</summary>
    public static string FormatBytes(long b) => b switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{b / (double)(1L << 30):F2} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{b / (double)(1L << 20):F2} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{b / 1024.0:F1} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{b} B"),
    };

    private static int Depth(Layer l)
    {
        int d = 0;
        for (var p = l.Parent; p is not null; p = p.Parent)
        {
            d++;
        }

        return d;
    }
}
