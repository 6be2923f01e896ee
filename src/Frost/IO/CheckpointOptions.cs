using Frost.Freezing;
using Frost.Optimizers;

namespace Frost.IO;

/// <summary>What a checkpoint holds besides the variables.</summary>
public sealed class CheckpointOptions
{
    /// <summary>Optimizer whose state, step count and freeze transitions are saved (for exact resume).</summary>
    public Optimizer? Optimizer { get; init; }

    /// <summary>Freeze plan whose steps are recorded in the metadata.</summary>
    public FreezePlan? Plan { get; init; }

    /// <summary>Random generators to save by name (data order, dropout), for exact resume.</summary>
    public IReadOnlyDictionary<string, Rng>? Rngs { get; init; }

    /// <summary>Extra metadata strings (keys must not start with "frost.").</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The adapter record (<c>frost.adapter</c>) of an adapter file, as JSON.</summary>
    internal string? AdapterRecord { get; init; }
}
