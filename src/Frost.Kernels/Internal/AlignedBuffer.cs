using System.Runtime.InteropServices;

namespace Frost.Kernels.Internal;

/// <summary>
/// A growable scratch buffer of floats, 64-byte aligned, reused across calls. It lives outside the managed heap so that
/// growing it gives the smaller block back at once, instead of leaving it resident until a collection.
/// </summary>
internal sealed unsafe class AlignedBuffer
{
    private float* _ptr;
    private long _capacity;

    ~AlignedBuffer() => NativeMemory.AlignedFree(_ptr);

    /// <summary>Returns a pointer to at least <paramref name="floats"/> writable floats; contents are undefined.</summary>
    public float* Get(long floats)
    {
        if (floats > _capacity)
        {
            Grow(floats);
        }

        return _ptr;
    }

    private void Grow(long floats)
    {
        // NOTE: a little slack past the end lets packing routines use whole-vector stores on the last row.
        long want = Math.Max(floats + 64, _capacity * 3 / 2);
        if (want > Array.MaxLength)
        {
            throw new InvalidOperationException($"Scratch buffer of {floats} floats is too large.");
        }

        NativeMemory.AlignedFree(_ptr);
        _ptr = null;
        _capacity = 0;
        _ptr = (float*)NativeMemory.AlignedAlloc((nuint)(want * sizeof(float)), 64);
        _capacity = want;
    }
}

/// <summary>Per-thread scratch buffers used by the kernels (never shared between threads).</summary>
internal static class Scratch
{
    [ThreadStatic] private static AlignedBuffer? t_packA;
    [ThreadStatic] private static AlignedBuffer? t_packB;
    [ThreadStatic] private static AlignedBuffer? t_col;
    [ThreadStatic] private static AlignedBuffer? t_work;
    [ThreadStatic] private static AlignedBuffer? t_table;
    [ThreadStatic] private static AlignedBuffer? t_pad;
    [ThreadStatic] private static AlignedBuffer? t_weights;
    [ThreadStatic] private static AlignedBuffer? t_partials;

    /// <summary>Buffer for packed blocks of A in GEMM.</summary>
    public static AlignedBuffer PackA => t_packA ??= new AlignedBuffer();

    /// <summary>Buffer for packed panels of B in GEMM.</summary>
    public static AlignedBuffer PackB => t_packB ??= new AlignedBuffer();

    /// <summary>Buffer for im2col / col2im columns in convolution.</summary>
    public static AlignedBuffer Col => t_col ??= new AlignedBuffer();

    /// <summary>Per-image work buffer (GEMM results, widened gradients).</summary>
    public static AlignedBuffer Work => t_work ??= new AlignedBuffer();

    /// <summary>Zero-padded copies of images.</summary>
    public static AlignedBuffer Pad => t_pad ??= new AlignedBuffer();

    /// <summary>Pointer tables (two floats per pointer).</summary>
    public static AlignedBuffer Table => t_table ??= new AlignedBuffer();

    /// <summary>Per-call weights pre-packed for the call and read by all its tasks.</summary>
    public static AlignedBuffer Weights => t_weights ??= new AlignedBuffer();

    /// <summary>Per-call partial sums of all tasks, owned by the calling thread.</summary>
    public static AlignedBuffer Partials => t_partials ??= new AlignedBuffer();
}
