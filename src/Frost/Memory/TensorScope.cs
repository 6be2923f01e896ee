namespace Frost.Memory;

/// <summary>
/// Owns the buffers of tensors created while it is the innermost scope on this thread and returns them to
/// <see cref="BufferPool.Shared"/> when disposed. Reading a released tensor throws
/// <see cref="ObjectDisposedException"/>; <see cref="Tensor.Keep"/> exempts a tensor.
/// </summary>
/// <remarks>Scopes nest and must be disposed in reverse order of creation, on the thread that created them.</remarks>
internal sealed class TensorScope : IDisposable
{
    [ThreadStatic]
    private static TensorScope? t_current;

    private readonly TensorScope? _outer;
    private readonly Thread _thread;
    private List<Storage>? _owned = [];

    /// <summary>Opens a scope and makes it the innermost one on this thread.</summary>
    public TensorScope()
    {
        _outer = t_current;
        _thread = Thread.CurrentThread;
        t_current = this;
    }

    /// <summary>The innermost open scope on this thread, or null.</summary>
    public static TensorScope? Current => t_current;

    /// <summary>Number of buffers this scope owns now.</summary>
    public int OwnedBuffers => _owned?.Count ?? 0;

    /// <summary>Number of owned buffers not yet returned to the pool.</summary>
    internal int LiveBuffers => _owned?.Count(s => !s.Released) ?? 0;

    /// <summary>Whether <see cref="Dispose()"/> has run.</summary>
    public bool IsDisposed => _owned is null;

    internal void Own(Storage storage)
    {
        var owned = _owned ?? throw new ObjectDisposedException(nameof(TensorScope));
        storage.Owner = this;
        storage.OwnerIndex = owned.Count;
        owned.Add(storage);
    }

    /// <summary>
    /// Returns to the pool the buffers this scope allocated after the first <paramref name="mark"/> ones, except
    /// <paramref name="keep"/> (the executor's release after a call whose result nothing recorded).
    /// </summary>
    internal void ReleaseAllocatedSince(int mark, Storage keep)
    {
        var owned = _owned ?? throw new ObjectDisposedException(nameof(TensorScope));
        for (int i = mark; i < owned.Count; i++)
        {
            if (!ReferenceEquals(owned[i], keep))
            {
                owned[i].Release();
            }
        }
    }

    /// <summary>Returns the owned buffers to the pool and closes the scope.</summary>
    /// <exception cref="InvalidOperationException">A scope opened inside this one is still open, or this is another thread.</exception>
    public void Dispose()
    {
        if (_owned is null)
        {
            return;
        }

        if (!ReferenceEquals(t_current, this) || Thread.CurrentThread != _thread)
        {
            throw new InvalidOperationException(
                $"{GetType().Name} disposed out of order: an inner scope is still open, or it is being disposed on another thread.");
        }

        t_current = _outer;
        foreach (var s in _owned)
        {
            s.Release();
        }

        _owned = null;
    }
}
