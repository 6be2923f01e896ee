using Frost.Optimizers;

namespace Frost.IO;

/// <summary>What to do with a name mismatch when restoring.</summary>
public enum MismatchPolicy
{
    /// <summary>Throw, listing every mismatch (default).</summary>
    Error,

    /// <summary>Leave the variable as it is and list it in the report.</summary>
    Skip,
}

/// <summary>How a checkpoint is restored into variables (the freeze state is chosen by a <see cref="FreezeStatePolicy"/>).</summary>
public sealed class RestoreOptions
{
    /// <summary>Model variables with no tensor in the checkpoint.</summary>
    public MismatchPolicy Missing { get; init; } = MismatchPolicy.Error;

    /// <summary>Checkpoint tensors with no model variable.</summary>
    public MismatchPolicy Unexpected { get; init; } = MismatchPolicy.Error;

    /// <summary>Names present in both with different shapes.</summary>
    public MismatchPolicy ShapeMismatch { get; init; } = MismatchPolicy.Error;

    /// <summary>Maps a checkpoint name to a model name (null drops the tensor); identity when not set.</summary>
    public Func<string, string?>? MapName { get; init; }

    /// <summary>
    /// Allows loading a safetensors file that carries no Frost metadata (written by another tool): its values
    /// cannot be verified and it holds no freeze state, so it needs <see cref="FreezeStatePolicy.KeepCurrent"/>.
    /// Off by default: such a file is refused.
    /// </summary>
    public bool AllowUnverified { get; init; }

    /// <summary>Optimizer to restore state into (must be the kind that saved it).</summary>
    public Optimizer? Optimizer { get; init; }

    /// <summary>Random generators to restore by name.</summary>
    public IReadOnlyDictionary<string, Rng>? Rngs { get; init; }
}
