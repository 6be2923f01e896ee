namespace Frost;

/// <summary>
/// A pool of float buffers keyed by exact length, so the same shapes recur without new allocations from
/// one training step to the next. Buffers come back when the <see cref="TensorScope"/> that rented them ends.
/// </summary>
public sealed class BufferPool
{
    private readonly Dictionary<int, Stack<float[]>> _free = [];
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
            if (_free.TryGetValue(length, out var stack) && stack.Count > 0)
            {
                _pooledBytes -= (long)length * sizeof(float);
                Hits++;
                return stack.Pop();
            }

            Misses++;
        }

        return GC.AllocateUninitializedArray<float>(length);
    }

    internal void Return(float[] buffer)
    {
        long bytes = (long)buffer.Length * sizeof(float);
        lock (_lock)
        {
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
