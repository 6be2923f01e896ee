namespace Frost.Kernels.Blas;

/// <summary>A register-blocked GEMM micro-kernel and the cache-block sizes that go with it.</summary>
/// <remarks>
/// A kernel computes one MR×NR tile of C from MR values of op(A) and NR values of op(B) per depth step. Operands are
/// addressed by a depth stride, so the same kernel reads packed slivers (stride MR or NR) or, where the layout allows,
/// the source matrices directly (row-major B: stride ldb; transposed A: stride lda).
/// </remarks>
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
    /// Computes the full MR×NR tile <c>C = alpha · A · B + beta · C</c> where A's MR values for depth p start at
    /// <c>a + p·ldaK</c> and B's NR values at <c>b + p·ldbK</c>; when <paramref name="beta"/> is 0, C is not read.
    /// </summary>
    static abstract void Compute(int kc, float* a, nint ldaK, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta);

    /// <summary>
    /// As <see cref="Compute"/>, with A read in place from MR rows: row i's values for depth p are at
    /// <c>rows[i][off + p]</c> (unpacked, untransposed A).
    /// </summary>
    static abstract void ComputeRowsA(int kc, float** rows, nint off, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta);

    /// <summary>
    /// As <see cref="Compute"/>, with A read in place from a table of depth rows: the MR values for depth p are at
    /// <c>depthRows[p][off..off + MR)</c>.
    /// </summary>
    static abstract void ComputeDepthA(int kc, float** depthRows, nint off, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta);
}
