using Frost.Layers;

namespace Frost.Freezing;

/// <summary>
/// The one answer to "does this variable or layer train?". Every report, summary, batch-norm layer, prefix cache and
/// command reads it from here; the stored truth is each variable's <see cref="Variable.Trainable"/> flag.
/// </summary>
public static class FreezeStatus
{
    /// <summary>How <paramref name="variable"/> takes part in training.</summary>
    public static VariableStatus Of(Variable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (variable.Kind == VariableKind.Parameter)
        {
            return variable.Trainable ? VariableStatus.Trainable : VariableStatus.Frozen;
        }

        return variable.Owner is { UpdatesState: true } ? VariableStatus.State : VariableStatus.FixedState;
    }

    /// <summary>How the parameters at or below <paramref name="layer"/> take part in training.</summary>
    public static LayerStatus Of(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        bool anyTrainable = false, anyFrozen = false;
        foreach (var v in layer.Variables)
        {
            if (v.Kind == VariableKind.Parameter)
            {
                anyTrainable |= v.Trainable;
                anyFrozen |= !v.Trainable;
            }
        }

        return (anyTrainable, anyFrozen) switch
        {
            (false, false) => LayerStatus.NoParameters,
            (true, false) => LayerStatus.Trainable,
            (false, true) => LayerStatus.Frozen,
            _ => LayerStatus.Mixed,
        };
    }

    /// <summary>
    /// Whether training must leave <paramref name="variable"/> bit-identical: a frozen parameter, or state its layer
    /// never updates.
    /// </summary>
    public static bool KeepsValue(Variable variable) => Of(variable) is VariableStatus.Frozen or VariableStatus.FixedState;

    /// <summary>The status as a word for tables: trainable, frozen, state, state, fixed.</summary>
    public static string Describe(VariableStatus status) => status switch
    {
        VariableStatus.Trainable => "trainable",
        VariableStatus.Frozen => "frozen",
        VariableStatus.State => "state",
        _ => "state, fixed",
    };

    /// <summary>The status as a word for tables: trainable, frozen, mixed, or empty without parameters.</summary>
    public static string Describe(LayerStatus status) => status switch
    {
        LayerStatus.Trainable => "trainable",
        LayerStatus.Frozen => "frozen",
        LayerStatus.Mixed => "mixed",
        _ => "",
    };
}
