namespace Frost.Adapters;

/// <summary>How adapters were injected: enough to inject the same adapters into another copy of the base model.</summary>
/// <param name="Targets">The selector that chose the target layers, as it reads in reports.</param>
/// <param name="Layers">Paths of the layers that carry an adapter, in model order.</param>
/// <param name="Rank">The rank r of every adapter.</param>
/// <param name="Alpha">The scale numerator: updates are multiplied by <c>Alpha / Rank</c>.</param>
/// <param name="Dropout">Dropout rate on the adapters' inputs in training mode.</param>
/// <param name="KeptTrainable">Names of the base variables kept trainable next to the adapters (e.g. a new head).</param>
public sealed record LoraRecipe(string Targets, IReadOnlyList<string> Layers, int Rank, float Alpha, float Dropout, IReadOnlyList<string> KeptTrainable)
{
    /// <summary>Whether two recipes put the same adapters on the same layers and keep the same variables trainable.</summary>
    public bool SameAdapters(LoraRecipe other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Rank == other.Rank && Alpha.Equals(other.Alpha) && Dropout.Equals(other.Dropout)
            && Layers.SequenceEqual(other.Layers, StringComparer.Ordinal) && KeptTrainable.SequenceEqual(other.KeptTrainable, StringComparer.Ordinal);
    }
}
