namespace Frost.Memory;

/// <summary>
/// A pool of float buffers, so the same shapes recur without new allocations from one training step to the
/// next. A rental takes the smallest free buffer that is at least as long and at most twice as long, so a
/// buffer freed by one layer serves the next layer's different shape. Buffers come back when the
/// <see cref="TensorScope"/> that rented them ends, or earlier when nothing can use them any more.
/// </summary>
internal sealed class BufferPool
{
    private readonly SortedList<int, Stack<float[]>> _free = [];
    private readonly Lock _lock = new();
    private long _pooledBytes;
    private long _maxPooledBytes = 4L << 30;

    /// <summary>The pool used by every tensor.</summary>
    public static BufferPool Shared { get; } = new();

    /// <summary>Upper bound on the bytes kept for reuse; buffers returned beyond it are left to the GC.</summary>
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

    /// <summary>Bytes currently held for reuse.</summary>
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

    /// <summary>Number of rentals served from the pool rather than from a new allocation.</summary>
    /// <summary>Bytes of buffers rented and not yet returned.</summary>
    public long OutstandingBytes { get; private set; }

    /// <summary>The most <see cref="OutstandingBytes"/> reached since the last <see cref="ResetPeak"/>.</summary>
    public long PeakOutstandingBytes { get; private set; }

    /// <summary>Starts <see cref="PeakOutstandingBytes"/> over from the current outstanding bytes.</summary>
    public void ResetPeak()
    {
        lock (_lock)
        {
            PeakOutstandingBytes = OutstandingBytes;
        }
    }

    public long Hits { get; private set; }

    /// <summary>Number of rentals that needed a new allocation.</summary>
    public long Misses { get; private set; }

    /// <summary>Drops every pooled buffer.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            Trim(0);
        }
    }

    internal float[] Rent(int length)
    {
        lock (_lock)
        {
            var keys = _free.Keys;
            int lo = 0, hi = keys.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (keys[mid] < length)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            for (int k = lo; k < keys.Count && keys[k] <= 2L * length; k++)
            {
                var stack = _free.Values[k];
                if (stack.Count > 0)
                {
                    var buffer = stack.Pop();
                    _pooledBytes -= (long)buffer.Length * sizeof(float);
                    Hits++;
                    Lend(buffer.Length);
                    return buffer;
                }
            }

            Misses++;
            Lend(length);
        }

        return GC.AllocateUninitializedArray<float>(length);
    }

    internal void Return(float[] buffer)
    {
        long bytes = (long)buffer.Length * sizeof(float);
        lock (_lock)
        {
            OutstandingBytes -= bytes;
            if (_pooledBytes + bytes > _maxPooledBytes)
            {
                return;
            }

            if (!_free.TryGetValue(buffer.Length, out var stack))
            {
                stack = new Stack<float[]>();
                _free[buffer.Length] = stack;
            }

            stack.Push(buffer);
            _pooledBytes += bytes;
        }
    }

    private void Lend(int length)
    {
        OutstandingBytes += (long)length * sizeof(float);
        PeakOutstandingBytes = Math.Max(PeakOutstandingBytes, OutstandingBytes);
    }

    private void Trim(long limit)
    {
        if (_pooledBytes <= limit)
        {
            return;
        }

        foreach (var stack in _free.Values)
        {
            while (stack.Count > 0 && _pooledBytes > limit)
            {
                _pooledBytes -= (long)stack.Pop().Length * sizeof(float);
            }
        }
    }
}
