using Frost.Data;

namespace Frost.Text.Data;

/// <summary>
/// The batches of a <see cref="LengthBucketSampler"/> for a learner: examples of similar length together, reshuffled
/// every epoch from the seed, over any <see cref="IVariableLengthDataset"/>.
/// </summary>
/// <param name="seed">The run's seed.</param>
/// <param name="poolBatches">Batches per pool sorted by length.</param>
/// <param name="dropLast">Whether a short batch is dropped.</param>
public sealed class LengthBucketBatches(ulong seed, int poolBatches = 50, bool dropLast = false) : IBatchSampler
{
    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="data"/> has no lengths (it is not an <see cref="IVariableLengthDataset"/>).</exception>
    public IReadOnlyList<int[]> Batches(IDataset data, int batchSize, int epoch)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data is not IVariableLengthDataset v)
        {
            throw new ArgumentException($"LengthBucketBatches: the dataset ({data.GetType().Name}) has no example lengths; it must be an IVariableLengthDataset.", nameof(data));
        }

        int[] lengths = [.. Enumerable.Range(0, v.Count).Select(v.LengthOf)];
        return new LengthBucketSampler(lengths, batchSize, seed, poolBatches, dropLast).Batches(epoch);
    }
}
