namespace Frost.Distributed.Tests;

public class ShardingTests
{
    [Theory]
    [InlineData(48, 1)]
    [InlineData(48, 2)]
    [InlineData(48, 3)]
    [InlineData(1000, 8)]
    public void Shards_are_disjoint_equal_and_cover_every_sample_when_the_count_divides(int count, int size)
    {
        var shards = Enumerable.Range(0, size).Select(r => Sharding.ShardedOrder(count, r, size, seed: 9, epoch: 0)).ToArray();
        Assert.All(shards, s => Assert.Equal(count / size, s.Length));
        Assert.Equal(Enumerable.Range(0, count), shards.SelectMany(s => s).Order());
    }

    [Fact]
    public void A_remainder_is_padded_with_the_first_samples_so_every_rank_runs_the_same_steps()
    {
        var shards = Enumerable.Range(0, 3).Select(r => Sharding.ShardedOrder(10, r, 3, seed: 1, epoch: 2)).ToArray();
        Assert.All(shards, s => Assert.Equal(4, s.Length));
        Assert.Equal(4, Sharding.ShardLength(10, 3));
        var all = shards.SelectMany(s => s).ToArray();
        Assert.Equal(Enumerable.Range(0, 10), all.Distinct().Order());
        var permutation = Sharding.ShardedOrder(10, 0, 1, seed: 1, epoch: 2);
        Assert.Equal(permutation[..2].Order(), all.GroupBy(i => i).Where(g => g.Count() == 2).Select(g => g.Key).Order());
    }

    [Fact]
    public void Dropping_the_remainder_keeps_shards_disjoint_and_leaves_out_a_different_few_each_epoch()
    {
        int[][] Epoch(int e) => [.. Enumerable.Range(0, 3).Select(r => Sharding.ShardedOrder(10, r, 3, seed: 1, epoch: e, dropRemainder: true))];
        var e0 = Epoch(0);
        Assert.All(e0, s => Assert.Equal(3, s.Length));
        Assert.Equal(9, e0.SelectMany(s => s).Distinct().Count());
        var leftOut = Enumerable.Range(0, 5).Select(e => Enumerable.Range(0, 10).Except(Epoch(e).SelectMany(s => s)).Single()).ToArray();
        Assert.True(leftOut.Distinct().Count() > 1, $"always left out: {leftOut[0]}");
    }

    [Fact]
    public void The_order_depends_only_on_seed_and_epoch_and_is_reshuffled_every_epoch()
    {
        Assert.Equal(Sharding.ShardedOrder(100, 1, 4, 5, 3), Sharding.ShardedOrder(100, 1, 4, 5, 3));
        Assert.NotEqual(Sharding.ShardedOrder(100, 1, 4, 5, 3), Sharding.ShardedOrder(100, 1, 4, 5, 4));
        Assert.NotEqual(Sharding.ShardedOrder(100, 1, 4, 5, 3), Sharding.ShardedOrder(100, 1, 4, 6, 3));
        Assert.NotEqual(Enumerable.Range(0, 100), Sharding.ShardedOrder(100, 0, 1, 5, 0));
    }

    [Fact]
    public void Batch_k_of_all_ranks_together_is_batch_k_of_one_process_with_a_batch_size_times_larger()
    {
        const int Count = 96, Size = 3, Batch = 4;
        var single = Sharding.ShardedOrder(Count, 0, 1, seed: 17, epoch: 1);
        var shards = Enumerable.Range(0, Size).Select(r => Sharding.ShardedOrder(Count, r, Size, seed: 17, epoch: 1)).ToArray();
        for (int k = 0; k < Count / (Batch * Size); k++)
        {
            var together = shards.SelectMany(s => s[(k * Batch)..((k + 1) * Batch)]).Order();
            Assert.Equal(single[(k * Batch * Size)..((k + 1) * Batch * Size)].Order(), together);
        }
    }

    [Fact]
    public void Bad_arguments_are_refused_with_their_names()
    {
        Assert.Empty(Sharding.ShardedOrder(0, 0, 2, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>("rank", () => Sharding.ShardedOrder(10, 2, 2, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>("rank", () => Sharding.ShardedOrder(10, -1, 2, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>("size", () => Sharding.ShardedOrder(10, 0, 0, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>("count", () => Sharding.ShardedOrder(-1, 0, 1, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>("epoch", () => Sharding.ShardedOrder(10, 0, 1, 1, -1));
        Assert.Throws<ArgumentOutOfRangeException>("count", () => Sharding.ShardedOrder(2, 0, 3, 1, 0, dropRemainder: true));
    }
}
