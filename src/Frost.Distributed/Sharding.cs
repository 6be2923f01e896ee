namespace Frost.Distributed;

/// <summary>Splits a dataset's sample indices among the ranks of a data-parallel job.</summary>
public static class Sharding
{
    /// <summary>
    /// The sample indices rank <paramref name="rank"/> of <paramref name="size"/> visits in epoch
    /// <paramref name="epoch"/>: one seeded permutation of 0..<paramref name="count"/>-1 per (seed, epoch), the
    /// same on every rank, dealt out round-robin (rank r takes positions r, r + size, r + 2·size, …). Shards are
    /// disjoint and all have <see cref="ShardLength"/> indices, so every rank runs the same number of steps:
    /// when <paramref name="count"/> is not a multiple of <paramref name="size"/>, the permutation is padded
    /// with its own first indices (a few samples are seen twice that epoch), or with
    /// <paramref name="dropRemainder"/> its last count mod size indices are left out (a different few each epoch).
    /// </summary>
    /// <remarks>
    /// Batch k of every rank's shard together holds exactly the samples of batch k of a single process that
    /// visits <c>ShardedOrder(count, 0, 1, seed, epoch)</c> with a batch size <paramref name="size"/> times
    /// larger (when the shards divide evenly), so averaging the ranks' gradients reproduces that process's step.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A negative count or epoch, a size below 1, a rank outside
    /// 0..size-1, or fewer samples than ranks with <paramref name="dropRemainder"/>.</exception>
    public static int[] ShardedOrder(int count, int rank, int size, ulong seed, int epoch, bool dropRemainder = false)
    {
        int length = ShardLength(count, size, dropRemainder);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if ((uint)rank >= (uint)size)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), $"ShardedOrder: rank {rank} is not in 0..{size - 1}.");
        }

        // One stream per (seed, epoch): SplitMix64's odd constant spreads epochs over the seed space.
        var permutation = new Rng(seed ^ ((ulong)(epoch + 1) * 0x9E3779B97F4A7C15UL)).Permutation(count);
        var shard = new int[length];
        for (int i = 0; i < length; i++)
        {
            shard[i] = permutation[(rank + (long)i * size) % count];
        }

        return shard;
    }

    /// <summary>The number of indices each rank gets from <see cref="ShardedOrder"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative count, a size below 1, or fewer samples than
    /// ranks with <paramref name="dropRemainder"/>.</exception>
    public static int ShardLength(int count, int size, bool dropRemainder = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (dropRemainder && count < size && count > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"ShardedOrder: {count} samples cannot give each of {size} ranks one when the remainder is dropped.");
        }

        return dropRemainder ? count / size : (int)((count + (long)size - 1) / size);
    }
}
