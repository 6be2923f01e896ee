namespace Frost.Kernels.Blas;

/// <summary>The instruction-set path a GEMM micro-kernel uses.</summary>
internal enum GemmPath
{
    /// <summary>Plain scalar code: the portable fallback.</summary>
    Scalar,

    /// <summary>128-bit vectors (SSE or NEON).</summary>
    Vector128,

    /// <summary>256-bit vectors with FMA (AVX2).</summary>
    Avx2,

    /// <summary>512-bit vectors with FMA (AVX-512F).</summary>
    Avx512,
}
