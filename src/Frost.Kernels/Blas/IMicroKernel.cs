namespace Frost.Kernels.Blas;

/// <summary>A register-blocked GEMM micro-kernel and the cache-block sizes that go with it.</summary>
internal unsafe interface IMicroKernel
{
    /// <summary>The instruction-set path this kernel represents.</summary>
    static abstract GemmPath Path { get; }

    /// <summary>Rows of C computed per call (height of a packed A sliver).</summary>
    static abstract int MR { get; }

    /// <summary>Columns of C computed per call (width of a packed B sliver).</summary>
    static abstract int NR { get; }

    /// <summary>Rows of A packed per block (a multiple of <see cref="MR"/>).</summary>
    static abstract int MC { get; }

    /// <summary>Depth of a packed block.</summary>
    static abstract int KC { get; }

    /// <summary>Columns of B packed per panel (a multiple of <see cref="NR"/>).</summary>
    static abstract int NC { get; }

    /// <summary>Whether the hardware runs this kernel natively.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>
    /// Computes the full MR×NR tile <c>C = alpha · Ap · Bp + beta · C</c> from a packed A sliver (kc×MR) and a
    /// packed B sliver (kc×NR); when <paramref name="beta"/> is 0, C is not read.
    /// </summary>
    static abstract void Compute(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta);
}
