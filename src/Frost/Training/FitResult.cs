using Frost.Freezing;

namespace Frost.Training;

/// <summary>The outcome of <see cref="Learner.Fit"/>.</summary>
/// <param name="Epochs">Metrics of every epoch of the run so far (a resumed run includes the epochs before it).</param>
/// <param name="StopReason">Why training stopped early (early stopping, a non-finite loss, a callback), or null.</param>
/// <param name="Frozen">The check that every fixed value is bit-identical to its fingerprint, and which trainable variables never changed.</param>
public sealed record FitResult(IReadOnlyList<EpochMetrics> Epochs, string? StopReason, FrozenVerification Frozen)
{
    /// <summary>Whether training stopped because the loss or the gradients were not finite.</summary>
    public bool Diverged { get; init; }
}
