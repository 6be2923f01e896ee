namespace Frost.Kernels;

/// <summary>Single-precision general matrix multiply on row-major spans.</summary>
public static class Gemm
{
    /// <summary>
    /// Computes <c>C = alpha · op(A) · op(B) + beta · C</c> where <c>op(X)</c> is <c>X</c> or its transpose.
    /// </summary>
    /// <param name="transA">Whether A is stored as K×M (transposed) instead of M×K.</param>
    /// <param name="transB">Whether B is stored as N×K (transposed) instead of K×N.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major with leading dimension <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">B, row-major with leading dimension <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="beta">Scale of the existing C; 0 overwrites C (NaNs in C are not propagated).</param>
    /// <param name="c">C, row-major M×N with leading dimension <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <exception cref="ArgumentException">A dimension is negative or a span is too short for its shape.</exception>
    public static void Sgemm(
        bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentException($"Sgemm: dimensions must be non-negative, got m={m}, n={n}, k={k}.");
        }

        if (m == 0 || n == 0)
        {
            return;
        }

        for (int i = 0; i < m; i++)
        {
            Span<float> crow = c.Slice(i * ldc, n);
            if (beta == 0f)
            {
                crow.Clear();
            }
            else if (beta != 1f)
            {
                for (int j = 0; j < n; j++)
                {
                    crow[j] *= beta;
                }
            }

            for (int p = 0; p < k; p++)
            {
                float av = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
                if (av == 0f)
                {
                    continue;
                }

                if (!transB)
                {
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), av, crow, crow);
                }
                else
                {
                    for (int j = 0; j < n; j++)
                    {
                        crow[j] += av * b[j * ldb + p];
                    }
                }
            }
        }
    }
}
