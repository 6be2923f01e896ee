using Frost.Kernels.Blas;
using Frost.Kernels.Internal;

namespace Frost.Kernels;

/// <summary>Single-precision general matrix multiply on row-major spans.</summary>
public static class Gemm
{
    // NOTE: below this many multiply-adds per thread (~20 µs of work) a second thread costs more than it saves,
    // especially when the other core is busy: 128³ runs single-threaded, 256³ on two threads.
    private const long MinFmaPerThread = 1L << 21;

    /// <summary>The fastest path this machine supports, chosen once at start-up.</summary>
    internal static GemmPath BestPath { get; } = SelectBestPath();

    /// <summary>The path the public SGEMM uses; the benchmark may override it to compare paths.</summary>
    internal static GemmPath ActivePath { get; set; } = BestPath;

    /// <summary>
    /// Computes <c>C = alpha · op(A) · op(B) + beta · C</c> where <c>op(X)</c> is <c>X</c> or its transpose.
    /// </summary>
    /// <remarks>
    /// Large products run on up to <see cref="KernelOptions.MaxThreads"/> threads. The summation order of every
    /// element does not depend on the thread count, so results are reproducible bit for bit on one machine.
    /// Use <paramref name="beta"/> = 1 to accumulate into C.
    /// </remarks>
    /// <param name="transA">Whether A is stored as K×M (transposed) instead of M×K.</param>
    /// <param name="transB">Whether B is stored as N×K (transposed) instead of K×N.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product; 0 leaves A and B unread.</param>
    /// <param name="a">A, row-major with leading dimension <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">B, row-major with leading dimension <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="beta">Scale of the existing C; 0 overwrites C (NaNs in C are not propagated).</param>
    /// <param name="c">C, row-major M×N with leading dimension <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <exception cref="ArgumentException">A dimension is negative, a leading dimension is smaller than its row, or a
    /// span is too short for its shape.</exception>
    public static void Sgemm(
        bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc) =>
        SgemmCore(ActivePath, KernelOptions.MaxThreads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>SGEMM on a chosen path with a chosen thread limit.</summary>
    internal static unsafe void SgemmCore(
        GemmPath path, int maxThreads, bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        const string Op = nameof(Sgemm);
        Check.NonNegative(Op, nameof(m), m);
        Check.NonNegative(Op, nameof(n), n);
        Check.NonNegative(Op, nameof(k), k);
        if (m == 0 || n == 0)
        {
            return;
        }

        CheckMatrix(Op, nameof(c), c.Length, m, n, ldc, nameof(ldc));
        bool useAB = k > 0 && alpha != 0f;
        if (useAB)
        {
            CheckMatrix(Op, nameof(a), a.Length, transA ? k : m, transA ? m : k, lda, nameof(lda));
            CheckMatrix(Op, nameof(b), b.Length, transB ? n : k, transB ? k : n, ldb, nameof(ldb));
        }

        if (!useAB)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }

        int threads = ThreadsFor((long)m * n * k, maxThreads);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            var problem = new GemmProblem
            {
                A = pa,
                B = pb,
                C = pc,
                Lda = lda,
                Ldb = ldb,
                Ldc = ldc,
                M = m,
                N = n,
                K = k,
                Alpha = alpha,
                Beta = beta,
                TransA = transA,
                TransB = transB,
            };
            Run(path, problem, threads);
        }
    }

    /// <summary>Runs a validated problem (k &gt; 0) on <paramref name="path"/> with up to <paramref name="threads"/> threads.</summary>
    internal static void Run(GemmPath path, in GemmProblem problem, int threads)
    {
        switch (path)
        {
            case GemmPath.Avx512:
                GemmDriver<Avx512Kernel>.Run(problem, threads);
                break;
            case GemmPath.Avx2:
                GemmDriver<Avx2Kernel>.Run(problem, threads);
                break;
            case GemmPath.Vector128:
                GemmDriver<Vector128Kernel>.Run(problem, threads);
                break;
            default:
                GemmDriver<ScalarKernel>.Run(problem, threads);
                break;
        }
    }

    /// <summary>Threads worth using for a product of <paramref name="fma"/> multiply-adds, at most <paramref name="maxThreads"/>.</summary>
    internal static int ThreadsFor(long fma, int maxThreads) => (int)Math.Clamp(fma / MinFmaPerThread, 1, Math.Max(1, maxThreads));

    /// <summary>Floats needed to pre-pack a K×N op(B) for <paramref name="path"/>.</summary>
    internal static long PackedBLength(GemmPath path, int k, int n) => path switch
    {
        GemmPath.Avx512 => GemmDriver<Avx512Kernel>.PackedBLength(k, n),
        GemmPath.Avx2 => GemmDriver<Avx2Kernel>.PackedBLength(k, n),
        GemmPath.Vector128 => GemmDriver<Vector128Kernel>.PackedBLength(k, n),
        _ => GemmDriver<ScalarKernel>.PackedBLength(k, n),
    };

    /// <summary>Pre-packs NR-wide slivers <paramref name="s0"/>..<paramref name="s1"/> of op(B) (K×N) for <paramref name="path"/> into <paramref name="dst"/>.</summary>
    internal static unsafe void PrePackB(GemmPath path, float* b, nint ldb, bool transB, int k, int n, float* dst, int s0, int s1)
    {
        switch (path)
        {
            case GemmPath.Avx512:
                GemmDriver<Avx512Kernel>.PrePackB(b, ldb, transB, k, n, dst, s0, s1);
                break;
            case GemmPath.Avx2:
                GemmDriver<Avx2Kernel>.PrePackB(b, ldb, transB, k, n, dst, s0, s1);
                break;
            case GemmPath.Vector128:
                GemmDriver<Vector128Kernel>.PrePackB(b, ldb, transB, k, n, dst, s0, s1);
                break;
            default:
                GemmDriver<ScalarKernel>.PrePackB(b, ldb, transB, k, n, dst, s0, s1);
                break;
        }
    }

    /// <summary>Row height of a micro-tile on <paramref name="path"/>.</summary>
    internal static int TileRows(GemmPath path) => path switch
    {
        GemmPath.Avx512 => Avx512Kernel.MR,
        GemmPath.Avx2 => Avx2Kernel.MR,
        GemmPath.Vector128 => Vector128Kernel.MR,
        _ => ScalarKernel.MR,
    };

    /// <summary>Column width of a micro-tile on <paramref name="path"/>.</summary>
    internal static int TileCols(GemmPath path) => path switch
    {
        GemmPath.Avx512 => Avx512Kernel.NR,
        GemmPath.Avx2 => Avx2Kernel.NR,
        GemmPath.Vector128 => Vector128Kernel.NR,
        _ => ScalarKernel.NR,
    };

    /// <summary>Depth of one pre-packed block of op(B) on <paramref name="path"/>.</summary>
    internal static int DepthBlock(GemmPath path) => path switch
    {
        GemmPath.Avx512 => Avx512Kernel.KC,
        GemmPath.Avx2 => Avx2Kernel.KC,
        GemmPath.Vector128 => Vector128Kernel.KC,
        _ => ScalarKernel.KC,
    };

    /// <summary>Whether <paramref name="path"/> runs natively on this machine.</summary>
    internal static bool IsSupported(GemmPath path) => path switch
    {
        GemmPath.Avx512 => Avx512Kernel.IsSupported,
        GemmPath.Avx2 => Avx2Kernel.IsSupported,
        GemmPath.Vector128 => Vector128Kernel.IsSupported,
        _ => true,
    };

    private static GemmPath SelectBestPath()
    {
        if (Avx512Kernel.IsSupported)
        {
            return GemmPath.Avx512;
        }

        if (Avx2Kernel.IsSupported)
        {
            return GemmPath.Avx2;
        }

        return Vector128Kernel.IsSupported ? GemmPath.Vector128 : GemmPath.Scalar;
    }

    private static void CheckMatrix(string op, string name, int length, int rows, int cols, int ld, string ldName)
    {
        if (ld < Math.Max(1, cols))
        {
            Check.Fail(op, $"'{ldName}' must be at least {Math.Max(1, cols)} (the row width of '{name}'), got {ld}.", ldName);
        }

        if (rows > 0 && cols > 0)
        {
            Check.AtLeast(op, name, length, (long)(rows - 1) * ld + cols);
        }
    }

    private static void ScaleC(int m, int n, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else if (beta != 1f)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }
}
