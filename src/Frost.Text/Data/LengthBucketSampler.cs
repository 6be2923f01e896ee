namespace Frost.Text.Data;

/// <summary>
/// Batches of example indices grouped by length, so that each batch holds examples of similar token count and is
/// padded little; the grouping is reshuffled every epoch and is the same for the same seed and epoch.
/// </summary>
/// <remarks>
/// <para>Each epoch: the indices are shuffled; the shuffled order is cut into pools of
/// <c>batchSize × poolBatches</c> examples; each pool is sorted by length (longest first, ties in shuffled order)
/// and cut into batches; finally the order of all batches is shuffled. This is the scheme of Hugging Face's
/// LengthGroupedSampler ("megabatches" of 50 batches) and AllenNLP's bucket iterator: bigger pools give tighter
/// batches but less random ones; <c>poolBatches = 1</c> is plain shuffled batching.</para>
/// <para>Every index appears exactly once per epoch. Only the last pool can leave a short batch, which
/// <c>dropLast</c> drops. Pass the lengths the model will see (for a tokenizer, pieces plus [CLS]/[SEP], capped at
/// the maximum length), so that examples longer than the cap are not told apart.</para>
/// </remarks>
public sealed class LengthBucketSampler
{
    private readonly int[] _lengths;

    /// <summary>Creates the sampler.</summary>
    /// <param name="lengths">The length of each example (e.g. its token count).</param>
    /// <param name="batchSize">Examples per batch.</param>
    /// <param name="seed">Seed of the shuffles; epoch e uses a generator derived from the seed and e.</param>
    /// <param name="poolBatches">Batches per pool sorted by length.</param>
    /// <param name="dropLast">Drop the short batch, if any.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or a length is negative.</exception>
    public LengthBucketSampler(IReadOnlyList<int> lengths, int batchSize, ulong seed, int poolBatches = 50, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(poolBatches, 1);
        _lengths = [.. lengths];
        for (int i = 0; i < _lengths.Length; i++)
        {
            if (_lengths[i] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(lengths), $"LengthBucketSampler: length {_lengths[i]} of example {i} is negative.");
            }
        }

        BatchSize = batchSize;
        Seed = seed;
        PoolBatches = poolBatches;
        DropLast = dropLast;
    }

    /// <summary>Number of examples.</summary>
    public int Count => _lengths.Length;

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>The seed of the shuffles.</summary>
    public ulong Seed { get; }

    /// <summary>Batches per pool sorted by length.</summary>
    public int PoolBatches { get; }

    /// <summary>Whether the short batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>Number of batches in each epoch.</summary>
    public int BatchCount => DropLast ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;

    /// <summary>The batches of epoch <paramref name="epoch"/> (0-based), in training order.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    public IReadOnlyList<int[]> Batches(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);

        // NOTE: a generator per epoch (not one advanced across epochs) makes epoch e reproducible on its own, e.g.
        // when training resumes from a checkpoint.
        var rng = new Rng(Seed ^ (0x9E3779B97F4A7C15UL * (ulong)(epoch + 1)));
        int[] order = rng.Permutation(Count);
        int pool = BatchSize * PoolBatches;
        var batches = new List<int[]>(BatchCount);
        for (int start = 0; start < order.Length; start += pool)
        {
            var members = order.AsSpan(start, Math.Min(pool, order.Length - start)).ToArray();

            // Stable: equal lengths keep their shuffled order.
            int[] sorted = [.. members.OrderByDescending(i => _lengths[i])];
            for (int b = 0; b < sorted.Length; b += BatchSize)
            {
                int n = Math.Min(BatchSize, sorted.Length - b);
                if (n < BatchSize && DropLast)
                {
                    break;
                }

                batches.Add(sorted[b..(b + n)]);
            }
        }

        int[][] result = [.. batches];
        rng.Shuffle(result.AsSpan());
        return result;
    }

    /// <summary>
    /// The fraction of padding when each batch is padded to its longest example: 1 − Σ length / Σ (batch size ×
    /// longest length in the batch).
    /// </summary>
    public static double PaddingFraction(IReadOnlyList<int> lengths, IEnumerable<int[]> batches)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(batches);
        long used = 0, padded = 0;
        foreach (var batch in batches)
        {
            int longest = 0;
            foreach (int i in batch)
            {
                used += lengths[i];
                longest = Math.Max(longest, lengths[i]);
            }

            padded += (long)longest * batch.Length;
        }

        return padded == 0 ? 0 : 1 - ((double)used / padded);
    }
}
