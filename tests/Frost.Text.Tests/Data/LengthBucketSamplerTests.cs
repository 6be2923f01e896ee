using Frost.Text.Data;

namespace Frost.Text.Tests.Data;

public class LengthBucketSamplerTests
{
    private static int[] RandomLengths(int n, ulong seed)
    {
        var rng = new Rng(seed);
        return [.. Enumerable.Range(0, n).Select(_ => 3 + rng.NextInt(126))];
    }

    [Fact]
    public void Every_index_appears_once_per_epoch()
    {
        var sampler = new LengthBucketSampler(RandomLengths(1_003, 1), batchSize: 16, seed: 7, poolBatches: 10);
        Assert.Equal(63, sampler.BatchCount);
        foreach (int epoch in new[] { 0, 1, 5 })
        {
            var batches = sampler.Batches(epoch);
            Assert.Equal(63, batches.Count);
            Assert.Equal(Enumerable.Range(0, 1_003), batches.SelectMany(b => b).Order());
            Assert.Single(batches, b => b.Length != 16);
        }
    }

    [Fact]
    public void Batches_are_deterministic_per_seed_and_epoch_and_reshuffled_across_epochs()
    {
        int[] lengths = RandomLengths(500, 2);
        var a = new LengthBucketSampler(lengths, 8, seed: 3);
        var b = new LengthBucketSampler(lengths, 8, seed: 3);
        Assert.Equal(a.Batches(4), b.Batches(4));
        Assert.NotEqual(a.Batches(0), a.Batches(1));
        Assert.NotEqual(a.Batches(0), new LengthBucketSampler(lengths, 8, seed: 4).Batches(0));
    }

    [Fact]
    public void Grouping_by_length_cuts_padding_compared_with_random_batches()
    {
        // Token counts of the shipped spam messages, capped at 128 as the model sees them.
        var tok = TestFiles.MiniLm;
        var texts = TextData.LoadJsonLines(TestFiles.Spam("test")).Texts;
        int[] lengths = [.. texts.Select(t => tok.Encode(t, 128).Length)];
        double bucketed = LengthBucketSampler.PaddingFraction(lengths, new LengthBucketSampler(lengths, 32, seed: 1).Batches(0));
        double random = LengthBucketSampler.PaddingFraction(lengths, new LengthBucketSampler(lengths, 32, seed: 1, poolBatches: 1).Batches(0));
        Assert.True(bucketed < random / 4, $"padding {bucketed:P1} with buckets, {random:P1} without");
    }

    [Fact]
    public void Drop_last_drops_only_the_short_batch()
    {
        var sampler = new LengthBucketSampler(RandomLengths(50, 3), 8, seed: 1, poolBatches: 2, dropLast: true);
        var batches = sampler.Batches(0);
        Assert.Equal(6, batches.Count);
        Assert.All(batches, b => Assert.Equal(8, b.Length));
        Assert.Equal(48, batches.SelectMany(b => b).Distinct().Count());
    }

    [Fact]
    public void Padding_fraction_counts_padded_positions()
    {
        // Batch [4, 2] pads to 8 positions, [3, 3] to 6: 2 of 14 are padding.
        Assert.Equal(2.0 / 14, LengthBucketSampler.PaddingFraction([4, 2, 3, 3], [[0, 1], [2, 3]]), 12);
        Assert.Equal(0, LengthBucketSampler.PaddingFraction([], []));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LengthBucketSampler([1, 2], 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LengthBucketSampler([1, -2], 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LengthBucketSampler([1, 2], 1, 1, poolBatches: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LengthBucketSampler([1, 2], 1, 1).Batches(-1));
    }
}
