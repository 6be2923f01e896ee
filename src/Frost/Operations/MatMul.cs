using Frost.Kernels;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// Matrix product of the last two axes, <c>op(a) · op(b)</c>, where <c>op</c> transposes those axes when
    /// asked. Leading (batch) axes broadcast like NumPy's <c>matmul</c>. Both inputs need rank ≥ 2.
    /// </summary>
    /// <exception cref="ArgumentException">A rank is below 2, inner dimensions differ, or batch axes do not broadcast.</exception>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank < 2 || b.Rank < 2)
        {
            throw new ArgumentException($"MatMul: inputs need rank >= 2, got shapes {a.Shape} and {b.Shape}.");
        }

        int m = transposeA ? a.Shape[-1] : a.Shape[-2];
        int k = transposeA ? a.Shape[-2] : a.Shape[-1];
        int kb = transposeB ? b.Shape[-1] : b.Shape[-2];
        int n = transposeB ? b.Shape[-2] : b.Shape[-1];
        if (k != kb)
        {
            throw new ArgumentException(
                $"MatMul: inner dimensions differ: {a.Shape}{(transposeA ? "ᵀ" : "")} · {b.Shape}{(transposeB ? "ᵀ" : "")} ({k} vs {kb}).");
        }

        var batchA = new Shape(a.Shape.Dims[..^2]);
        var batchB = new Shape(b.Shape.Dims[..^2]);
        var batch = Shape.Broadcast(batchA, batchB, "MatMul");
        var outDims = batch.ToArray().Concat([m, n]).ToArray();
        var y = Tensor.Empty(new Shape(outDims));
        var map = BatchMap(batchA, batchB, batch);
        var aS = a.AsReadOnlySpan();
        var bS = b.AsReadOnlySpan();
        var yS = y.AsSpan();
        int lda = a.Shape[-1], ldb = b.Shape[-1];
        for (int i = 0; i < batch.Size; i++)
        {
            Gemm.Sgemm(
                transposeA, transposeB, m, n, k, 1f,
                aS.Slice(map.A[i] * m * k, m * k), lda,
                bS.Slice(map.B[i] * k * n, k * n), ldb,
                0f, yS.Slice(i * m * n, m * n), n);
        }

        GradientTape.RecorderFor(a, b)?.Record("MatMul", y, [a, b], (g, s) =>
        {
            var gS = g.AsReadOnlySpan();
            if (s.Needs(0))
            {
                var ga = Tensor.PooledZeros(a.Shape);
                var gaS = ga.AsSpan();
                for (int i = 0; i < batch.Size; i++)
                {
                    var gi = gS.Slice(i * m * n, m * n);
                    var bi = b.AsReadOnlySpan().Slice(map.B[i] * k * n, k * n);
                    var dst = gaS.Slice(map.A[i] * m * k, m * k);
                    if (!transposeA)
                    {
                        // dA[m,k] += g[m,n] · op(B)ᵀ
                        Gemm.Sgemm(false, !transposeB, m, k, n, 1f, gi, n, bi, ldb, 1f, dst, k);
                    }
                    else
                    {
                        // dA[k,m] += op(B) · gᵀ
                        Gemm.Sgemm(transposeB, true, k, m, n, 1f, bi, ldb, gi, n, 1f, dst, m);
                    }
                }

                s.Add(0, ga);
            }

            if (s.Needs(1))
            {
                var gb = Tensor.PooledZeros(b.Shape);
                var gbS = gb.AsSpan();
                for (int i = 0; i < batch.Size; i++)
                {
                    var gi = gS.Slice(i * m * n, m * n);
                    var ai = a.AsReadOnlySpan().Slice(map.A[i] * m * k, m * k);
                    var dst = gbS.Slice(map.B[i] * k * n, k * n);
                    if (!transposeB)
                    {
                        // dB[k,n] += op(A)ᵀ · g
                        Gemm.Sgemm(!transposeA, false, k, n, m, 1f, ai, lda, gi, n, 1f, dst, n);
                    }
                    else
                    {
                        // dB[n,k] += gᵀ · op(A)
                        Gemm.Sgemm(true, transposeA, n, k, m, 1f, gi, n, ai, lda, 1f, dst, k);
                    }
                }

                s.Add(1, gb);
            }
        });
        return y;
    }

    /// <summary>For each batch index of the broadcast batch shape, the matrix index in a and in b.</summary>
    private static (int[] A, int[] B) BatchMap(Shape batchA, Shape batchB, Shape batch)
    {
        var ia = new int[batch.Size];
        var ib = new int[batch.Size];
        var idx = new int[batch.Rank];
        for (int i = 0; i < batch.Size; i++)
        {
            int fa = 0, fb = 0;
            for (int d = 0; d < batch.Rank; d++)
            {
                int da = d - (batch.Rank - batchA.Rank);
                if (da >= 0)
                {
                    fa = fa * batchA.Dims[da] + (batchA.Dims[da] == 1 ? 0 : idx[d]);
                }

                int db = d - (batch.Rank - batchB.Rank);
                if (db >= 0)
                {
                    fb = fb * batchB.Dims[db] + (batchB.Dims[db] == 1 ? 0 : idx[d]);
                }
            }

            ia[i] = fa;
            ib[i] = fb;
            for (int d = batch.Rank - 1; d >= 0; d--)
            {
                if (++idx[d] < batch.Dims[d])
                {
                    break;
                }

                idx[d] = 0;
            }
        }

        return (ia, ib);
    }
}
