using System.Globalization;
using System.Text;
using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Adapters;

/// <summary>
/// What <see cref="Lora"/> or <see cref="Lora.Load"/> did: the adapters, the recipe, the freeze plan that froze
/// the base and its report. Printing it gives the split into adapter, kept and base parameters (as PEFT's
/// <c>print_trainable_parameters</c>) and the optimizer state the trainable part needs.
/// </summary>
public sealed class LoraInjection
{
    internal LoraInjection(Layer model, LoraRecipe recipe, IReadOnlyList<LoraAdapter> adapters, IReadOnlyList<Variable> kept, FreezePlan plan, FreezeReport report, Optimizer? optimizer)
    {
        Model = model;
        Recipe = recipe;
        Adapters = adapters;
        KeptTrainable = kept;
        Plan = plan;
        Report = report;
        Optimizer = optimizer;
    }

    /// <summary>The model the adapters live in.</summary>
    public Layer Model { get; }

    /// <summary>How the adapters were injected (saved with them).</summary>
    public LoraRecipe Recipe { get; }

    /// <summary>The adapters, in model order.</summary>
    public IReadOnlyList<LoraAdapter> Adapters { get; }

    /// <summary>Base variables kept trainable next to the adapters (e.g. a new head).</summary>
    public IReadOnlyList<Variable> KeptTrainable { get; }

    /// <summary>The plan that froze the base; its <see cref="FreezePlan.VerifyFrozen"/> proves the base never moved.</summary>
    public FreezePlan Plan { get; }

    /// <summary>The plan's report: every variable's status, the parameter counts and the optimizer state.</summary>
    public FreezeReport Report { get; }

    /// <summary>Elements of the adapters' A and B.</summary>
    public long AdapterParameters => Adapters.Sum(a => (long)a.A.Shape.Size + a.B.Shape.Size);

    /// <summary>Elements of the variables kept trainable.</summary>
    public long KeptParameters => KeptTrainable.Sum(v => (long)v.Shape.Size);

    /// <summary>Elements of the base model's parameters (everything but the adapters), frozen or kept.</summary>
    public long BaseParameters => Model.Variables.Where(v => v.Kind == VariableKind.Parameter && v.Owner is not LoraAdapter).Sum(v => (long)v.Shape.Size);

    private Optimizer? Optimizer { get; }

    /// <summary>Checks the frozen base against its fingerprints; also lists adapters whose B is still zero.</summary>
    public FrozenVerification VerifyFrozen() => Plan.VerifyFrozen();

    /// <summary>
    /// Writes the adapter file: the adapters' tensors, the variables kept trainable and the state that training changes
    /// (running statistics of batch norms kept training), the recipe, and the SHA-256 of every other variable of the
    /// model (the base), to a temporary file renamed into place.
    /// </summary>
    /// <exception cref="InvalidOperationException">An adapter is merged (the base weights would not be the base's).</exception>
    public void Save(string path) => LoraFile.Save(path, this);

    /// <summary>Several lines: the recipe, the parameter split (PEFT's trainable parameters line) and the optimizer state.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var types = Adapters.GroupBy(a => a.Target.TypeName).Select(g => $"{g.Count()} {g.Key}");
        sb.AppendLine(c, $"LoRA rank {Recipe.Rank}, alpha {Recipe.Alpha:G} (scale {Recipe.Alpha / Recipe.Rank:G4}), dropout {Recipe.Dropout:G} on {Adapters.Count} layers ({string.Join(", ", types)}) selected by {Recipe.Targets}");
        long frozen = BaseParameters - KeptParameters;
        sb.AppendLine(c, $"adapter parameters: {AdapterParameters:N0}; kept trainable: {KeptParameters:N0}; base: {BaseParameters:N0} ({frozen:N0} frozen)");
        long trainable = AdapterParameters + KeptParameters;
        long all = AdapterParameters + BaseParameters;
        sb.Append(c, $"trainable params: {trainable:N0} || all params: {all:N0} || trainable%: {(all == 0 ? 0 : 100.0 * trainable / all):F4}");
        if (Optimizer is not null)
        {
            sb.AppendLine();
            sb.Append(c, $"optimizer state ({Optimizer.Kind}): {LayerSummary.FormatBytes(Report.OptimizerStateBytes)}, for the adapters and kept variables only");
        }

        return sb.ToString();
    }
}
