namespace Frost.Training;

/// <summary>Figures for one training epoch.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches.</param>
/// <param name="TrainAccuracy">Fraction of training examples classified correctly during the epoch.</param>
/// <param name="TestAccuracy">Accuracy on held-out data after the epoch, when evaluated.</param>
/// <param name="Elapsed">Wall time of the epoch (training and evaluation).</param>
public sealed record EpochResult(int Epoch, float TrainLoss, float TrainAccuracy, float? TestAccuracy, TimeSpan Elapsed);
