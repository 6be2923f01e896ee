using Frost.Memory;

namespace Frost.Tests.Memory;

public class BufferPoolTests
{
    private const int Large = BufferPool.SplitFrom;

    [Fact]
    public void Large_requests_split_a_free_slab_and_the_pieces_merge_back_when_returned()
    {
        var pool = new BufferPool();
        var whole = pool.Rent(4 * Large);
        pool.Return(whole);
        Assert.Equal(1, pool.Misses);

        var a = pool.Rent(Large);
        var b = pool.Rent(Large);
        var c = pool.Rent(2 * Large);
        Assert.Equal(1, pool.Misses); // all three are pieces of the first slab
        Assert.Same(whole.Slab, a.Slab);
        Assert.Same(whole.Slab, b.Slab);
        Assert.Same(whole.Slab, c.Slab);
        Assert.Equal([0, Large, 2 * Large], new[] { a.Start, b.Start, c.Start });
        Assert.Equal(0, pool.PooledBytes);

        pool.Return(b);
        pool.Return(a);
        pool.Return(c);
        Assert.Equal(4L * Large * sizeof(float), pool.PooledBytes);
        var again = pool.Rent(4 * Large);
        Assert.Equal(1, pool.Misses); // merged into one piece again
        Assert.Equal(0, again.Start);
        Assert.Equal(0, pool.OutstandingBytes - (4L * Large * sizeof(float)));
    }

    [Fact]
    public void Small_requests_never_split_a_large_free_piece()
    {
        var pool = new BufferPool();
        pool.Return(pool.Rent(4 * Large));
        var small = pool.Rent(100);
        Assert.Equal(2, pool.Misses);
        Assert.NotEqual(4 * Large, small.Array.Length);
        Assert.Equal(4L * Large * sizeof(float), pool.PooledBytes);
    }

    [Fact]
    public void Requests_prefer_memory_already_used_and_new_slabs_reserve_room_that_costs_nothing_until_used()
    {
        var pool = new BufferPool();
        var first = pool.Rent(8 * Large);
        var second = pool.Rent(Large);

        // Half of what the pool holds: the piece lent, then a free tail that no buffer has written yet.
        Assert.Equal(4 * Large, second.Array.Length);
        Assert.Equal(12L * Large * sizeof(float), pool.SlabBytes);
        Assert.Equal(9L * Large * sizeof(float), pool.TouchedBytes);
        Assert.Equal(3L * Large * sizeof(float), pool.PooledBytes);

        // The tail would fit more tightly, but the first slab has been used already.
        pool.Return(first);
        var third = pool.Rent(2 * Large);
        Assert.Same(first.Slab, third.Slab);
        Assert.Equal(9L * Large * sizeof(float), pool.TouchedBytes);

        // Once used memory has no room left, the tail serves, and the used part grows only by what it takes.
        var fourth = pool.Rent(6 * Large);
        Assert.Same(first.Slab, fourth.Slab);
        var fifth = pool.Rent(2 * Large);
        Assert.Same(second.Slab, fifth.Slab);
        Assert.Equal(11L * Large * sizeof(float), pool.TouchedBytes);
        Assert.Equal(2, pool.Misses);
    }

    [Fact]
    public void Pieces_of_one_slab_never_overlap_and_tensors_see_only_their_own_piece()
    {
        using var scope = new TensorScope();
        var big = Tensor.Empty(new Shape(4 * Large));
        big.AsSpan().Fill(7f);
        big.Storage.Release();
        var a = Tensor.PooledZeros(new Shape(Large));
        var b = Tensor.Empty(new Shape(Large));
        b.AsSpan().Fill(3f);
        Assert.All(a.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(b.ToArray(), v => Assert.Equal(3f, v));
        Assert.Equal(Large, a.Size);
    }

    [Fact]
    public void Clear_and_the_size_limit_drop_whole_free_slabs_only()
    {
        var pool = new BufferPool();
        pool.Return(pool.Rent(4 * Large));
        var piece = pool.Rent(Large);
        pool.Clear();
        Assert.Equal(3L * Large * sizeof(float), pool.PooledBytes); // the rest of a slab with a piece still out
        pool.Return(piece);
        pool.Clear();
        Assert.Equal(0, pool.PooledBytes);
        Assert.Equal(0, pool.SlabBytes);
        Assert.Equal(0, pool.TouchedBytes);
    }
}
