using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Frost.Kernels.Blas;

namespace Frost.Kernels.Tests;

public class GemmTests
{
    public static TheoryData<string> Paths()
    {
        var data = new TheoryData<string>();
        foreach (GemmPath p in Enum.GetValues<GemmPath>())
        {
            if (Gemm.IsSupported(p))
            {
                data.Add(p.ToString());
            }
        }

        return data;
    }

    /// <summary>Naive reference in double; returns C and, per element, the sum of |terms| for the tolerance.</summary>
    private static (double[] C, double[] Mag) Reference(
        bool ta, bool tb, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        var r = new double[c.Length];
        var mag = new double[c.Length];
        for (int i = 0; i < c.Length; i++)
        {
            r[i] = c[i];
        }

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0, sm = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = ta ? a[p * lda + i] : a[i * lda + p];
                    double bv = tb ? b[j * ldb + p] : b[p * ldb + j];
                    s += av * bv;
                    sm += Math.Abs(av * bv);
                }

                double old = beta == 0f ? 0 : beta * (double)c[i * ldc + j];
                r[i * ldc + j] = alpha * s + old;
                mag[i * ldc + j] = Math.Abs(alpha) * sm + Math.Abs(old);
            }
        }

        return (r, mag);
    }

    private static void RunCase(GemmPath path, int threads, bool ta, bool tb, int m, int n, int k, float alpha, float beta, int pad, int seed)
    {
        var rng = new Random(seed);
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        int aRows = ta ? k : m, bRows = tb ? n : k;
        float[] a = TestData.Random(rng, Math.Max(0, aRows * lda - pad));
        float[] b = TestData.Random(rng, Math.Max(0, bRows * ldb - pad));
        float[] c = TestData.Random(rng, Math.Max(0, m * ldc - pad));
        var (expected, mag) = Reference(ta, tb, m, n, k, alpha, a, Math.Max(1, lda), b, Math.Max(1, ldb), beta, c, ldc);
        float[] c0 = (float[])c.Clone();
        Gemm.SgemmCore(path, threads, ta, tb, m, n, k, alpha, a, Math.Max(1, lda), b, Math.Max(1, ldb), beta, c, Math.Max(1, ldc));
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                int idx = i * ldc + j;
                if (idx >= c.Length)
                {
                    break;
                }

                if (j >= n)
                {
                    Assert.True(c0[idx] == c[idx], $"padding of C modified at ({i},{j})");
                    continue;
                }

                double tol = 4e-7 * (k + 4) * mag[idx] + 1e-6;
                if (!(Math.Abs(c[idx] - expected[idx]) <= tol))
                {
                    Assert.Fail($"{path} ta={ta} tb={tb} m={m} n={n} k={k} alpha={alpha} beta={beta} pad={pad} threads={threads}: " +
                        $"C[{i},{j}] expected {expected[idx]:R} got {c[idx]:R}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void All_transposes_and_scalars(string pathName)
    {
        var path = Enum.Parse<GemmPath>(pathName);
        (float Alpha, float Beta)[] scalars = [(1f, 0f), (0.5f, 0f), (1f, 1f), (-1.5f, 0.25f), (0f, 2f), (0f, 0f), (2f, -1f)];
        int seed = 1;
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                foreach (var (alpha, beta) in scalars)
                {
                    RunCase(path, 1, ta, tb, 37, 29, 41, alpha, beta, pad: 3, seed++);
                    RunCase(path, 2, ta, tb, 70, 45, 300, alpha, beta, pad: 0, seed++);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Sweeps_every_remainder(string pathName)
    {
        var path = Enum.Parse<GemmPath>(pathName);
        int seed = 100;
        bool[] tf = [false, true];

        // m covers every remainder mod 6, 8, 12, 16, 32 (and 0); n and k likewise; ld padded on odd cases.
        for (int m = 0; m <= 33; m++)
        {
            RunCase(path, 1, tf[m & 1], tf[(m >> 1) & 1], m, 19, 13, 1f, m % 3 == 0 ? 0f : 0.5f, pad: m % 2, seed++);
        }

        for (int n = 0; n <= 66; n++)
        {
            RunCase(path, 1, tf[(n >> 1) & 1], tf[n & 1], 7, n, 11, 1.25f, n % 4 == 0 ? 1f : 0f, pad: n % 3, seed++);
        }

        for (int k = 0; k <= 40; k++)
        {
            RunCase(path, 1, tf[k & 1], tf[(k >> 2) & 1], 13, 17, k, 1f, 0f, pad: 1, seed++);
        }

        int[] big = [95, 127, 129, 143, 145, 191, 255, 256, 257];
        foreach (int s in big)
        {
            RunCase(path, 2, tf[s & 1], tf[(s >> 1) & 1], s, 9 + s % 7, 5 + s % 11, 1f, 0.75f, pad: 2, seed++);
            RunCase(path, 2, tf[(s >> 1) & 1], tf[s & 1], 5 + s % 13, s, 3 + s % 5, -1f, 0f, pad: 0, seed++);
            RunCase(path, 2, tf[(s >> 2) & 1], tf[s & 1], 6 + s % 5, 7 + s % 3, s, 1f, 1f, pad: 1, seed++);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Large_blocks_cross_every_block_boundary(string pathName)
    {
        var path = Enum.Parse<GemmPath>(pathName);
        // Crosses MC (rows), KC (depth, twice) and NC (columns) boundaries, with threads.
        RunCase(path, 2, false, false, 301, 67, 520, 1f, 0.5f, pad: 5, seed: 7);
        RunCase(path, 3, true, true, 150, 97, 257, -0.5f, 0f, pad: 0, seed: 8);
        RunCase(path, 2, false, true, 3, 2100, 9, 1f, 0f, pad: 1, seed: 9);
        RunCase(path, 2, true, false, 257, 257, 257, 1f, 0f, pad: 0, seed: 10);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Packed_and_unpacked_operand_modes(string pathName)
    {
        // Few rows read B in place, few columns read A in place; both large pack both. Sizes leave edge slivers.
        var path = Enum.Parse<GemmPath>(pathName);
        int seed = 500;
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                foreach (var (m, n) in new[] { (37, 29), (37, 301), (203, 29), (203, 301), (64, 128), (65, 129) })
                {
                    RunCase(path, 1 + (seed & 1), ta, tb, m, n, 70, 1f, seed % 3 == 0 ? 0.5f : 0f, pad: seed % 2, seed++);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public unsafe void PointerTableOperands(string pathName)
    {
        // A given as a table of row pointers, or of depth pointers, must match the dense product.
        var path = Enum.Parse<GemmPath>(pathName);
        var rng = new Random(77);
        foreach (var (m, n, k) in new[] { (1, 1, 1), (13, 7, 5), (37, 29, 70), (203, 301, 300), (64, 130, 9), (9, 40, 515) })
        {
            float[] a = TestData.Random(rng, m * k), b = TestData.Random(rng, k * n), c0 = TestData.Random(rng, m * n);
            float[] expected = (float[])c0.Clone();
            Gemm.SgemmCore(path, 2, false, false, m, n, k, 1f, a, k, b, n, 0.5f, expected, n);
            float[] at = new float[k * m]; // A transposed, so depth rows are contiguous
            for (int i = 0; i < m; i++)
            {
                for (int p = 0; p < k; p++)
                {
                    at[p * m + i] = a[i * k + p];
                }
            }

            foreach (AKind kind in new[] { AKind.RowTable, AKind.DepthTable })
            {
                float[] c = (float[])c0.Clone();
                fixed (float* pa = a, pat = at, pb = b, pc = c)
                {
                    int count = kind == AKind.RowTable ? m : k;
                    float*[] table = new float*[count];
                    for (int i = 0; i < count; i++)
                    {
                        table[i] = kind == AKind.RowTable ? pa + i * k : pat + i * m;
                    }

                    fixed (float** pt = table)
                    {
                        var problem = new GemmProblem
                        {
                            AKind = kind,
                            ATable = pt,
                            B = pb,
                            C = pc,
                            Ldb = n,
                            Ldc = n,
                            M = m,
                            N = n,
                            K = k,
                            Alpha = 1f,
                            Beta = 0.5f,
                        };
                        Gemm.Run(path, problem, 2);
                    }
                }

                for (int i = 0; i < c.Length; i++)
                {
                    Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"{kind} {m}x{n}x{k} element {i}: {c[i]} vs {expected[i]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public unsafe void SegmentedPointerTables(string pathName)
    {
        // Row tables split along depth (one table per segment) and depth tables split along rows must match dense.
        var path = Enum.Parse<GemmPath>(pathName);
        int mr = Gemm.TileRows(path);
        var rng = new Random(91);
        foreach (var (m, n, k, seg) in new[] { (37, 29, 70, 35), (203, 150, 600, 70), (50, 300, 515, 103), (9, 5, 40, 1) })
        {
            // Row-table operand: depth segments of length seg.
            float[] a = TestData.Random(rng, m * k), b = TestData.Random(rng, k * n);
            float[] expected = new float[m * n], c = new float[m * n];
            Gemm.SgemmCore(path, 1, false, false, m, n, k, 1f, a, k, b, n, 0f, expected, n);
            int segments = (k + seg - 1) / seg;
            fixed (float* pa = a, pb = b, pc = c)
            {
                float*[] table = new float*[segments * m];
                for (int sg = 0; sg < segments; sg++)
                {
                    for (int i = 0; i < m; i++)
                    {
                        table[sg * m + i] = pa + i * k + sg * seg;
                    }
                }

                fixed (float** pt = table)
                {
                    var problem = new GemmProblem
                    {
                        AKind = AKind.RowTable,
                        ATable = pt,
                        ASegment = seg,
                        B = pb,
                        C = pc,
                        Ldb = n,
                        Ldc = n,
                        M = m,
                        N = n,
                        K = k,
                        Alpha = 1f,
                    };
                    Gemm.Run(path, problem, 2);
                }
            }

            AssertNear(expected, c, $"row table segments {m}x{n}x{k}/{seg}");

            // Depth-table operand: row segments of L = seg rounded up to the tile height; rows past m in a
            // segment are padding (read, never stored).
            int rowsPerSeg = (seg + mr - 1) / mr * mr;
            int rowSegments = (m + seg - 1) / seg;
            float[] at = new float[rowSegments * k * (rowsPerSeg + mr)]; // per segment: k rows of rowsPerSeg (+ slack)
            for (int sg = 0; sg < rowSegments; sg++)
            {
                for (int p = 0; p < k; p++)
                {
                    for (int r = 0; r < seg && sg * seg + r < m; r++)
                    {
                        at[(sg * k + p) * (rowsPerSeg + mr) + r] = a[(sg * seg + r) * k + p];
                    }
                }
            }

            int mStacked = rowSegments * rowsPerSeg;
            float[] cs = new float[mStacked * n];
            fixed (float* pat = at, pb = b, pcs = cs)
            {
                float*[] table = new float*[rowSegments * k];
                for (int i = 0; i < table.Length; i++)
                {
                    table[i] = pat + i * (rowsPerSeg + mr);
                }

                fixed (float** pt = table)
                {
                    var problem = new GemmProblem
                    {
                        AKind = AKind.DepthTable,
                        ATable = pt,
                        ASegment = rowsPerSeg,
                        B = pb,
                        C = pcs,
                        Ldb = n,
                        Ldc = n,
                        M = mStacked,
                        N = n,
                        K = k,
                        Alpha = 1f,
                    };
                    Gemm.Run(path, problem, 2);
                }
            }

            float[] gathered = new float[m * n];
            for (int i = 0; i < m; i++)
            {
                Array.Copy(cs, ((i / seg * rowsPerSeg) + (i % seg)) * n, gathered, i * n, n);
            }

            AssertNear(expected, gathered, $"depth table segments {m}x{n}x{k}/{seg}");
        }
    }

    private static void AssertNear(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"{what} element {i}: {actual[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void Results_do_not_depend_on_thread_count()
    {
        var rng = new Random(5);
        int m = 211, n = 173, k = 390;
        float[] a = TestData.Random(rng, m * k), b = TestData.Random(rng, k * n);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3, 4, 7 })
        {
            var c = new float[m * n];
            Gemm.SgemmCore(Gemm.BestPath, threads, false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
            if (first is null)
            {
                first = c;
            }
            else
            {
                Assert.True(first.AsSpan().SequenceEqual(c), $"threads={threads} changed the result");
            }
        }
    }

    [Fact]
    public void Beta_zero_ignores_NaN_in_C()
    {
        float[] a = [1, 2, 3, 4], b = [1, 0, 0, 1];
        float[] c = [float.NaN, float.NaN, float.PositiveInfinity, float.NaN];
        Gemm.Sgemm(false, false, 2, 2, 2, 1f, a, 2, b, 2, 0f, c, 2);
        Assert.Equal([1f, 2f, 3f, 4f], c);
        c = [float.NaN, 1, 1, 1];
        Gemm.Sgemm(false, false, 2, 2, 0, 1f, a, 2, b, 2, 0f, c, 2);
        Assert.Equal([0f, 0f, 0f, 0f], c);
    }

    [Fact]
    public void Validates_shapes()
    {
        var a = new float[6];
        var b = new float[6];
        var c = new float[4];
        var e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 2, 4, 1f, a, 4, b, 2, 0f, c, 2));
        Assert.Contains("Sgemm", e.Message);
        Assert.Contains("'a'", e.Message);
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 3, 3, 1f, a, 3, b, 3, 0f, c, 3));
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 2, 3, 1f, a, 2, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, -1, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
        Gemm.Sgemm(false, false, 0, 2, 3, 1f, [], 3, b, 2, 0f, [], 2);
    }

    [Fact]
    public void Active_path_is_the_fastest_supported()
    {
        GemmPath expected = Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? GemmPath.Avx512
            : Avx2.IsSupported && Fma.IsSupported ? GemmPath.Avx2
            : Vector128.IsHardwareAccelerated ? GemmPath.Vector128
            : GemmPath.Scalar;
        Assert.Equal(expected, Gemm.BestPath);
        Assert.Equal(Gemm.BestPath, Gemm.ActivePath);

        // CI pins the path it expects for each DOTNET_Enable* setting, so a silently disabled fast path fails.
        string? pinned = Environment.GetEnvironmentVariable("FROST_EXPECT_GEMM_PATH");
        if (!string.IsNullOrEmpty(pinned))
        {
            Assert.Equal(pinned, Gemm.ActivePath.ToString());
        }
    }
}
