namespace Frost.Data;

/// <summary>Chooses the batches of an epoch: which examples go together, in which order.</summary>
public interface IBatchSampler
{
    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> (0-based) over <paramref name="data"/>; the same arguments
    /// always give the same batches, so a resumed run reads what an uninterrupted one would.
    /// </summary>
    IReadOnlyList<int[]> Batches(IDataset data, int batchSize, int epoch);
}
