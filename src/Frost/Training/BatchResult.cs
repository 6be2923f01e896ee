namespace Frost.Training;

/// <summary>What one training batch did.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Batch">0-based batch index within the epoch.</param>
/// <param name="Batches">Batches in the epoch.</param>
/// <param name="Loss">The batch's mean loss.</param>
/// <param name="Examples">Examples in the batch.</param>
/// <param name="Updated">Whether the optimizer applied an update after this batch (every k-th with accumulation over k).</param>
public sealed record BatchResult(int Epoch, int Batch, int Batches, double Loss, int Examples, bool Updated);
