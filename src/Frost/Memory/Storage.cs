namespace Frost.Memory;

/// <summary>The buffer behind one or more tensors (a tensor and its reshaped views share one storage).</summary>
internal sealed class Storage
{
    private float[]? _array;
    private PoolBlock? _block;

    private Storage(float[] array, int start, int length, PoolBlock? block)
    {
        _array = array;
        Start = start;
        Length = length;
        _block = block;
        Pooled = block is not null;
    }

    public int Length { get; }

    public bool Pooled { get; }

    /// <summary>Where this storage's values begin in <see cref="Array"/> (a pooled buffer is a piece of a larger array).</summary>
    public int Start { get; private set; }

    /// <summary>The scope that owns this storage, if pooled.</summary>
    public TensorScope? Owner { get; set; }

    /// <summary>Position of this storage among its owner's allocations.</summary>
    public int OwnerIndex { get; set; }

    /// <summary>Set when the storage must outlive the scope that allocated it.</summary>
    public bool Kept { get; private set; }

    /// <summary>
    /// Keeps these values past the end of their scope. A pooled buffer is a piece of a larger array, so the values
    /// move to an array of their own and the piece goes back to the pool (a kept piece would pin the whole array).
    /// </summary>
    public void Keep()
    {
        if (Kept)
        {
            return;
        }

        Kept = true;
        if (_block is { } block && _array is { } array)
        {
            var own = GC.AllocateUninitializedArray<float>(Length);
            System.Array.Copy(array, Start, own, 0, Length);
            _array = own;
            Start = 0;
            _block = null;
            BufferPool.Shared.Return(block);
        }
    }

    /// <summary>
    /// Set by the executor on an op result the forward pass no longer reads but a recorded op's backward will: the
    /// backward pass releases it after the last op that reads it.
    /// </summary>
    public bool BackwardOnly { get; set; }

    public bool Released => _array is null;

    public float[] Array => _array ?? throw new ObjectDisposedException(
        "Tensor",
        "This tensor is an op result whose buffer went back to the pool: its GradientTape was disposed, or nothing " +
        "could use it any more after the layer call that made it. Read it before, call Keep() on it, or Clone() it.");

    /// <summary>Allocates a storage; inside a scope it is pooled and owned by that scope.</summary>
    public static Storage Allocate(int length, bool clear)
    {
        var scope = TensorScope.Current;
        if (scope is null || length == 0)
        {
            return new Storage(new float[length], 0, length, null);
        }

        var block = BufferPool.Shared.Rent(length);
        if (clear)
        {
            System.Array.Clear(block.Array, block.Start, length);
        }

        var storage = new Storage(block.Array, block.Start, length, block);
        scope.Own(storage);
        return storage;
    }

    /// <summary>Wraps an existing array without copying; never pooled.</summary>
    public static Storage Wrap(float[] array) => new(array, 0, array.Length, null);

    /// <summary>Returns the buffer to the pool before its scope ends when it belongs to the innermost scope.</summary>
    public void ReleaseEarly()
    {
        if (ReferenceEquals(Owner, TensorScope.Current))
        {
            Release();
        }
    }

    public void Release()
    {
        if (_array is not null && _block is { } block && !Kept)
        {
            _array = null;
            _block = null;
            BufferPool.Shared.Return(block);
        }
    }
}
