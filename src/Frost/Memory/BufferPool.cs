namespace Frost.Memory;

/// <summary>
/// A pool of float buffers, so the same shapes recur without new allocations from one training step to the
/// next. Buffers are pieces of larger arrays (slabs): a large request takes a piece of a free one and the rest stays
/// free, and freed neighbours merge again, so the memory one layer freed serves the next layer's shapes. A request
/// prefers pieces it can use without writing to memory no buffer has used yet, then the smallest that fits; a new
/// slab is at least half as large as the slabs already held (up to <see cref="SlabCap"/>), and the part of it no
/// buffer has used yet costs no physical memory. Buffers come back when the <see cref="TensorScope"/> that rented
/// them ends, or earlier when nothing can use them any more.
/// </summary>
internal sealed class BufferPool
{
    /// <summary>Requests at least this long (floats) may split a larger free piece; smaller ones never do.</summary>
    internal const int SplitFrom = 1 << 16;

    /// <summary>Largest extra reserve of a new slab (floats): a slab is its request, or more when the pool is large.</summary>
    internal const int SlabCap = 1 << 24;

    private readonly SortedSet<PoolBlock> _free = new(PoolBlock.BySize);
    private readonly Lock _lock = new();
    private long _pooledBytes;
    private long _maxPooledBytes = 4L << 30;
    private long _ids;
    private long _touchedFloats;

    /// <summary>The search key of <see cref="Rent"/>, reused under the lock (sorts before every piece of its length).</summary>
    private readonly PoolBlock _probe = new(null!, 0, 0, long.MinValue);

    /// <summary>The pool used by every tensor.</summary>
    public static BufferPool Shared { get; } = new();

    /// <summary>Upper bound on the bytes kept for reuse; whole slabs returned beyond it are left to the GC.</summary>
    public long MaxPooledBytes
    {
        get => _maxPooledBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            lock (_lock)
            {
                _maxPooledBytes = value;
                Trim(value);
            }
        }
    }

    /// <summary>Bytes currently free for reuse.</summary>
    public long PooledBytes
    {
        get
        {
            lock (_lock)
            {
                return _pooledBytes;
            }
        }
    }

    /// <summary>Bytes of all slabs, free or rented.</summary>
    public long SlabBytes
    {
        get
        {
            lock (_lock)
            {
                return _pooledBytes + OutstandingBytes;
            }
        }
    }

    /// <summary>Bytes of slabs that buffers have used so far; a slab's untouched tail is not counted.</summary>
    public long TouchedBytes
    {
        get
        {
            lock (_lock)
            {
                return Bytes(_touchedFloats);
            }
        }
    }

    /// <summary>Bytes of buffers rented and not yet returned.</summary>
    public long OutstandingBytes { get; private set; }

    /// <summary>The most <see cref="OutstandingBytes"/> reached since the last <see cref="ResetPeak"/>.</summary>
    public long PeakOutstandingBytes { get; private set; }

    /// <summary>Number of rentals served from the pool rather than from a new allocation.</summary>
    public long Hits { get; private set; }

    /// <summary>Number of rentals that needed a new allocation.</summary>
    public long Misses { get; private set; }

    /// <summary>Starts <see cref="PeakOutstandingBytes"/> over from the current outstanding bytes.</summary>
    public void ResetPeak()
    {
        lock (_lock)
        {
            PeakOutstandingBytes = OutstandingBytes;
        }
    }

    /// <summary>Drops every free slab (slabs with a piece still rented stay).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            Trim(0);
        }
    }

    internal PoolBlock Rent(int length)
    {
        lock (_lock)
        {
            if (Choose(length) is { } block)
            {
                TakeFree(block);
                if (length >= SplitFrom && block.Length > length)
                {
                    // Keep the tail free for later requests.
                    Split(block, length);
                }

                block.Free = false;
                Touch(block);
                Hits++;
                Lend(block.Length);
                return block;
            }

            Misses++;
            long held = (_pooledBytes + OutstandingBytes) / sizeof(float);
            int size = length < SplitFrom ? length : (int)Math.Max(length, Math.Min(SlabCap, held / 2));
            Lend(length);
            var fresh = new PoolBlock(new PoolSlab(GC.AllocateUninitializedArray<float>(size)), 0, size, ++_ids);
            if (size > length)
            {
                Split(fresh, length);
            }

            Touch(fresh);
            return fresh;
        }
    }

    /// <summary>
    /// The free piece a request of <paramref name="length"/> takes: the one that writes least beyond the memory its
    /// slab has already used, then the smallest; small requests take only pieces at most twice as long.
    /// </summary>
    private PoolBlock? Choose(int length)
    {
        _probe.Length = length;
        PoolBlock? best = null;
        long bestFresh = long.MaxValue;
        foreach (var block in _free.GetViewBetween(_probe, PoolBlock.Largest))
        {
            bool split = length >= SplitFrom;
            if (!split && block.Length > 2L * length)
            {
                break; // sorted by length: no later piece may serve a small request
            }

            long fresh = Math.Max(0, (long)block.Start + (split ? length : block.Length) - block.Slab.Touched);
            if (fresh < bestFresh)
            {
                best = block;
                bestFresh = fresh;
                if (fresh == 0)
                {
                    break; // the smallest piece within used memory
                }
            }
        }

        return best;
    }

    /// <summary>Cuts <paramref name="block"/> to <paramref name="length"/>; the rest becomes a free piece after it.</summary>
    private void Split(PoolBlock block, int length)
    {
        var rest = new PoolBlock(block.Slab, block.Start + length, block.Length - length, ++_ids) { Free = true };
        block.Length = length;
        InsertAfter(block, rest);
        AddFree(rest);
    }

    private void Touch(PoolBlock block)
    {
        int end = block.Start + block.Length;
        if (end > block.Slab.Touched)
        {
            _touchedFloats += end - block.Slab.Touched;
            block.Slab.Touched = end;
        }
    }

    internal void Return(PoolBlock block)
    {
        lock (_lock)
        {
            OutstandingBytes -= Bytes(block.Length);
            block.Free = true;
            if (block.Prev is { Free: true } prev)
            {
                TakeFree(prev);
                Absorb(prev, block);
                block = prev;
            }

            if (block.Next is { Free: true } next)
            {
                TakeFree(next);
                Absorb(block, next);
            }

            if (block.WholeSlab && _pooledBytes + Bytes(block.Length) > _maxPooledBytes)
            {
                Drop(block); // left to the GC
                return;
            }

            AddFree(block);
        }
    }

    /// <summary>Puts <paramref name="right"/> next to <paramref name="left"/> in their slab.</summary>
    private static void InsertAfter(PoolBlock left, PoolBlock right)
    {
        right.Prev = left;
        right.Next = left.Next;
        if (left.Next is { } after)
        {
            after.Prev = right;
        }

        left.Next = right;
    }

    /// <summary>Extends <paramref name="left"/> over its right neighbour <paramref name="right"/>, which disappears.</summary>
    private static void Absorb(PoolBlock left, PoolBlock right)
    {
        left.Length += right.Length;
        left.Next = right.Next;
        if (right.Next is { } after)
        {
            after.Prev = left;
        }
    }

    private void AddFree(PoolBlock block)
    {
        _free.Add(block);
        _pooledBytes += Bytes(block.Length);
    }

    private void TakeFree(PoolBlock block)
    {
        _free.Remove(block);
        _pooledBytes -= Bytes(block.Length);
    }

    private static long Bytes(long length) => length * sizeof(float);

    /// <summary>Forgets a whole free slab.</summary>
    private void Drop(PoolBlock block) => _touchedFloats -= block.Slab.Touched;

    private void Lend(int length)
    {
        OutstandingBytes += Bytes(length);
        PeakOutstandingBytes = Math.Max(PeakOutstandingBytes, OutstandingBytes);
    }

    private void Trim(long limit)
    {
        if (_pooledBytes <= limit)
        {
            return;
        }

        foreach (var block in _free.Where(b => b.WholeSlab).ToList())
        {
            if (_pooledBytes <= limit)
            {
                break;
            }

            TakeFree(block);
            Drop(block);
        }
    }
}

/// <summary>A piece of a slab: rented by one <see cref="Storage"/>, or free in the pool; neighbours in the slab are linked.</summary>
internal sealed class PoolBlock(PoolSlab slab, int start, int length, long id)
{
    /// <summary>Orders free pieces by length, then by creation.</summary>
    public static IComparer<PoolBlock> BySize { get; } = Comparer<PoolBlock>.Create((a, b) =>
        a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.Id.CompareTo(b.Id));

    /// <summary>An upper bound for <see cref="BySize"/> searches.</summary>
    public static PoolBlock Largest { get; } = new(null!, 0, int.MaxValue, long.MaxValue);

    public PoolSlab Slab { get; } = slab;

    /// <summary>The slab's array, in which this piece begins at <see cref="Start"/>.</summary>
    public float[] Array => Slab.Array;

    public int Start { get; } = start;

    public int Length { get; set; } = length;

    public long Id { get; } = id;

    public bool Free { get; set; }

    public PoolBlock? Prev { get; set; }

    public PoolBlock? Next { get; set; }

    /// <summary>Whether this piece is its whole slab (no neighbours), so dropping it frees the slab.</summary>
    public bool WholeSlab => Prev is null && Next is null;
}

/// <summary>One array of the pool, cut into pieces.</summary>
internal sealed class PoolSlab(float[] array)
{
    public float[] Array { get; } = array;

    /// <summary>How far from its start buffers have used this slab; beyond it the memory was never written.</summary>
    public int Touched { get; set; }
}
