namespace Frost.Data;

/// <summary>Batches of a fresh random permutation each epoch, derived from a seed and the epoch number.</summary>
/// <param name="seed">The run's seed.</param>
/// <param name="dropLast">Whether a short last batch is dropped.</param>
public sealed class ShuffledBatches(ulong seed, bool dropLast = false) : IBatchSampler
{
    /// <inheritdoc/>
    public IReadOnlyList<int[]> Batches(IDataset data, int batchSize, int epoch)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        var rng = new Rng(seed ^ (0x9E3779B97F4A7C15UL * (ulong)(epoch + 1)));
        return [.. Data.Batches.Indices(data.Count, batchSize, rng, dropLast)];
    }
}
