using System.Globalization;
using System.Text;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Freezing;

/// <summary>One variable's line in a <see cref="FreezeReport"/>.</summary>
/// <param name="Name">Name relative to the model.</param>
/// <param name="Shape">Shape.</param>
/// <param name="Status">How the variable takes part in training (<see cref="FreezeStatus.Of(Variable)"/>).</param>
/// <param name="Masked">Whether a freeze mask keeps some of its elements fixed while the rest trains.</param>
/// <param name="Parameters">Elements.</param>
/// <param name="StateBytes">Optimizer state the variable holds or will hold (0 when frozen).</param>
public sealed record FreezeReportRow(string Name, Shape Shape, VariableStatus Status, bool Masked, long Parameters, long StateBytes)
{
    /// <summary>The status as printed: trainable (masked), frozen, state, or state, fixed.</summary>
    public string Label => FreezeStatus.Describe(Status) + (Masked ? ", masked" : "");

    /// <summary>Whether this is a state variable rather than a parameter.</summary>
    public bool IsState => Status is VariableStatus.State or VariableStatus.FixedState;

    /// <summary>Whether the variable belongs to a LoRA adapter rather than to the base model.</summary>
    public bool IsAdapter { get; init; }
}

/// <summary>What a <see cref="FreezePlan"/> did: each step, each variable's status, and totals.</summary>
public sealed class FreezeReport
{
    internal FreezeReport(IReadOnlyList<string> steps, SelectionContext context, Optimizer? optimizer, IReadOnlyList<string> frozen, IReadOnlyList<string> unfrozen)
    {
        Steps = steps;
        NewlyFrozen = frozen;
        NewlyUnfrozen = unfrozen;
        Rows = context.Variables.Select(v => new FreezeReportRow(
            context.NameOf(v),
            v.Shape,
            FreezeStatus.Of(v),
            v.FreezeMask is not null,
            v.Shape.Size,
            v.Trainable && optimizer is not null ? optimizer.StateBytesFor(v.Shape.Size) : 0)
        {
            IsAdapter = v.Owner is Adapters.LoraAdapter,
        }).ToList();
        HasOptimizer = optimizer is not null;
    }

    /// <summary>One line per plan step: what it matched and changed.</summary>
    public IReadOnlyList<string> Steps { get; }

    /// <summary>One row per variable.</summary>
    public IReadOnlyList<FreezeReportRow> Rows { get; }

    /// <summary>Variables this application froze.</summary>
    public IReadOnlyList<string> NewlyFrozen { get; }

    /// <summary>Variables this application unfroze.</summary>
    public IReadOnlyList<string> NewlyUnfrozen { get; }

    /// <summary>Elements that train.</summary>
    public long TrainableParameters => Rows.Where(r => r.Status == VariableStatus.Trainable).Sum(r => r.Parameters);

    /// <summary>Elements of frozen parameters.</summary>
    public long FrozenParameters => Rows.Where(r => r.Status == VariableStatus.Frozen).Sum(r => r.Parameters);

    /// <summary>Elements of LoRA adapters' parameters (trainable or not); the rest is the base model.</summary>
    public long AdapterParameters => Rows.Where(r => r.IsAdapter && !r.IsState).Sum(r => r.Parameters);

    /// <summary>Elements of state variables (running statistics).</summary>
    public long StateElements => Rows.Where(r => r.IsState).Sum(r => r.Parameters);

    /// <summary>Optimizer state the trainable variables need, in bytes.</summary>
    public long OptimizerStateBytes => Rows.Sum(r => r.StateBytes);

    private bool HasOptimizer { get; }

    /// <summary>The steps, a per-variable table and totals.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        foreach (var s in Steps)
        {
            sb.AppendLine(s);
        }

        int w = Math.Max(8, Rows.Count == 0 ? 0 : Rows.Max(r => r.Name.Length));
        int ws = Math.Max(5, Rows.Count == 0 ? 0 : Rows.Max(r => r.Shape.ToString().Length));
        sb.AppendLine(c, $"{"variable".PadRight(w)}  {"shape".PadRight(ws)}  {"status",-17}  {"params",12}{(HasOptimizer ? "  opt. state" : "")}");
        foreach (var r in Rows)
        {
            sb.AppendLine(c, $"{r.Name.PadRight(w)}  {r.Shape.ToString().PadRight(ws)}  {r.Label,-17}  {r.Parameters,12:N0}{(HasOptimizer ? "  " + LayerSummary.FormatBytes(r.StateBytes).PadLeft(10) : "")}");
        }

        sb.AppendLine(FormatTotals());
        return sb.ToString();
    }

    /// <summary>One line of totals: trainable and frozen parameters, state, and optimizer state.</summary>
    public string FormatTotals()
    {
        var c = CultureInfo.InvariantCulture;
        long total = TrainableParameters + FrozenParameters;
        string state = StateElements > 0 ? string.Create(c, $"; state: {StateElements:N0}") : "";
        string opt = HasOptimizer ? $"; optimizer state: {LayerSummary.FormatBytes(OptimizerStateBytes)}" : "";
        double pct = total == 0 ? 0 : 100.0 * TrainableParameters / total;
        string adapters = AdapterParameters > 0 ? string.Create(c, $"; adapters: {AdapterParameters:N0}, base: {total - AdapterParameters:N0}") : "";
        return string.Create(c, $"trainable: {TrainableParameters:N0} of {total:N0} parameters ({pct:F2} %), {LayerSummary.FormatBytes(TrainableParameters * 4)}; frozen: {FrozenParameters:N0} ({LayerSummary.FormatBytes(FrozenParameters * 4)}){adapters}{state}{opt}");
    }
}
