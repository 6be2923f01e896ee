namespace Frost.Data;

/// <summary>Splits a dataset's indices into mini-batches.</summary>
public static class Batches
{
    /// <summary>
    /// Index batches covering 0..<paramref name="count"/>-1, shuffled when <paramref name="rng"/> is given;
    /// the last batch may be short unless <paramref name="dropLast"/>.
    /// </summary>
    public static IEnumerable<int[]> Indices(int count, int batchSize, Rng? rng = null, bool dropLast = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var order = rng?.Permutation(count) ?? Enumerable.Range(0, count).ToArray();
        for (int start = 0; start < count; start += batchSize)
        {
            int n = Math.Min(batchSize, count - start);
            if (n < batchSize && dropLast)
            {
                yield break;
            }

            yield return order[start..(start + n)];
        }
    }

    /// <summary>Number of batches <see cref="Indices"/> yields.</summary>
    public static int Count(int count, int batchSize, bool dropLast = false)
        => dropLast ? count / batchSize : (count + batchSize - 1) / batchSize;

    /// <summary>
    /// Batches covering every example once for inference (evaluation, feature caching): in index order, or, for a
    /// <see cref="IVariableLengthDataset"/>, longest first so that each batch is padded little.
    /// </summary>
    public static IEnumerable<int[]> ForInference(IDataset data, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data is not IVariableLengthDataset v)
        {
            return Indices(data.Count, batchSize);
        }

        // Stable: equal lengths keep index order.
        int[] order = [.. Enumerable.Range(0, v.Count).OrderByDescending(v.LengthOf)];
        return Indices(order.Length, batchSize).Select(b => Array.ConvertAll(b, i => order[i]));
    }
}
