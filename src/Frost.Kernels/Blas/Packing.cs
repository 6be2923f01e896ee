using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Frost.Kernels.Blas;

/// <summary>
/// Packs blocks of GEMM operands into slivers of <c>lanes</c> values per depth step, the layout the micro-kernels
/// read: <c>dst[s][p][r]</c>. Lanes past the end of the operand are zero-filled.
/// </summary>
internal static unsafe class Packing
{
    /// <summary>
    /// Packs slivers <paramref name="s0"/>..<paramref name="s1"/> of an operand whose lanes are contiguous in memory:
    /// <c>dst[s - s0][p][r] = depthRows.Row(p)[s * lanes + r]</c> for lanes below <paramref name="count"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackContiguous<TRows>(TRows depthRows, int count, int kc, int lanes, int s0, int s1, float* dst)
        where TRows : struct, IRowSource
    {
        // NOTE: a block of rows at a time, then slivers: the source rows are read sequentially (prefetch-friendly)
        // and each sliver receives a contiguous run, instead of one store per sliver per row. Slivers sit a power of
        // two apart, so a store per sliver per row thrashes a single L1 set.
        const int RowBlock = 16;
        int full = Math.Min(s1, count / lanes);
        nint sliverSize = (nint)kc * lanes;
        dst -= s0 * sliverSize;
        for (int p0 = 0; p0 < kc; p0 += RowBlock)
        {
            int p1 = Math.Min(kc, p0 + RowBlock);
            if (lanes == 8 && Vector256.IsHardwareAccelerated)
            {
                // NOTE: the common A case (8-row tiles) deserves a loop without the generic lane loop around it.
                for (int p = p0; p < p1; p++)
                {
                    float* row = depthRows.Row(p);
                    float* d = dst + p * 8;
                    for (int s = s0; s < full; s++)
                    {
                        Vector256.Load(row + s * 8).Store(d + s * sliverSize);
                    }
                }
            }
            else if (lanes == 32 && Vector256.IsHardwareAccelerated)
            {
                for (int s = s0; s < full; s++)
                {
                    float* d = dst + s * sliverSize;
                    for (int p = p0; p < p1; p++)
                    {
                        float* row = depthRows.Row(p) + s * 32;
                        float* dp = d + p * 32;
                        Vector256.Load(row).Store(dp);
                        Vector256.Load(row + 8).Store(dp + 8);
                        Vector256.Load(row + 16).Store(dp + 16);
                        Vector256.Load(row + 24).Store(dp + 24);
                    }
                }
            }
            else
            {
                for (int s = s0; s < full; s++)
                {
                    float* d = dst + s * sliverSize;
                    for (int p = p0; p < p1; p++)
                    {
                        CopyLanes(depthRows.Row(p) + s * lanes, d + p * lanes, lanes);
                    }
                }
            }

            for (int s = Math.Max(s0, full); s < s1; s++)
            {
                int first = s * lanes;
                int n = Math.Min(lanes, count - first);
                for (int p = p0; p < p1; p++)
                {
                    float* row = depthRows.Row(p) + first;
                    float* drow = dst + s * sliverSize + p * lanes;
                    int r = 0;
                    for (; r < n; r++)
                    {
                        drow[r] = row[r];
                    }

                    for (; r < lanes; r++)
                    {
                        drow[r] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs slivers <paramref name="s0"/>..<paramref name="s1"/> of an operand whose lanes are rows of their own:
    /// <c>dst[s - s0][p][r] = laneRows.Row(s * lanes + r)[p]</c> for lanes below <paramref name="count"/>. Slivers are
    /// <paramref name="sliverStride"/> floats apart (default kc·lanes), so a depth range can be packed into a longer block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackStrided<TRows>(TRows laneRows, int count, int kc, int lanes, int s0, int s1, float* dst, nint sliverStride = 0)
        where TRows : struct, IRowSource
    {
        float** rows = stackalloc float*[8];
        if (sliverStride == 0)
        {
            sliverStride = (nint)kc * lanes;
        }

        for (int s = s0; s < s1; s++)
        {
            int first = s * lanes;
            int n = Math.Min(lanes, count - first);
            float* d = dst + (s - s0) * sliverStride;
            int p = 0;
            if (Avx.IsSupported && (lanes % 8) is 0 or 4 or 6)
            {
                p = kc & ~7;
                for (int g = 0; g < lanes; g += 8)
                {
                    int valid = Math.Clamp(n - g, 0, 8);
                    for (int r = 0; r < valid; r++)
                    {
                        rows[r] = laneRows.Row(first + g + r);
                    }

                    TransposeGroup(rows, valid, Math.Min(8, lanes - g), p, d + g, lanes);
                }
            }

            for (int r = 0; r < lanes; r++)
            {
                if (r < n)
                {
                    float* row = laneRows.Row(first + r);
                    for (int q = p; q < kc; q++)
                    {
                        d[q * lanes + r] = row[q];
                    }
                }
                else
                {
                    for (int q = p; q < kc; q++)
                    {
                        d[q * lanes + r] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>Transposes up to 8 rows, 8 depth steps at a time, into <paramref name="width"/> lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeGroup(float** rows, int valid, int width, int kcVec, float* dst, int lanes)
    {
        float* r0 = rows[0], r1 = valid > 1 ? rows[1] : r0, r2 = valid > 2 ? rows[2] : r0, r3 = valid > 3 ? rows[3] : r0;
        float* r4 = valid > 4 ? rows[4] : r0, r5 = valid > 5 ? rows[5] : r0, r6 = valid > 6 ? rows[6] : r0, r7 = valid > 7 ? rows[7] : r0;
        for (int p = 0; p < kcVec; p += 8)
        {
            Vector256<float> v0 = valid > 0 ? Avx.LoadVector256(r0 + p) : default;
            Vector256<float> v1 = valid > 1 ? Avx.LoadVector256(r1 + p) : default;
            Vector256<float> v2 = valid > 2 ? Avx.LoadVector256(r2 + p) : default;
            Vector256<float> v3 = valid > 3 ? Avx.LoadVector256(r3 + p) : default;
            Vector256<float> v4 = valid > 4 ? Avx.LoadVector256(r4 + p) : default;
            Vector256<float> v5 = valid > 5 ? Avx.LoadVector256(r5 + p) : default;
            Vector256<float> v6 = valid > 6 ? Avx.LoadVector256(r6 + p) : default;
            Vector256<float> v7 = valid > 7 ? Avx.LoadVector256(r7 + p) : default;
            Transpose8x8(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
            float* d = dst + p * lanes;
            StoreLanes(d, v0, width);
            StoreLanes(d + lanes, v1, width);
            StoreLanes(d + 2 * lanes, v2, width);
            StoreLanes(d + 3 * lanes, v3, width);
            StoreLanes(d + 4 * lanes, v4, width);
            StoreLanes(d + 5 * lanes, v5, width);
            StoreLanes(d + 6 * lanes, v6, width);
            StoreLanes(d + 7 * lanes, v7, width);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreLanes(float* d, Vector256<float> v, int width)
    {
        if (width == 8)
        {
            v.Store(d);
        }
        else
        {
            v.GetLower().Store(d);
            if (width == 6)
            {
                *(double*)(d + 4) = v.GetUpper().AsDouble().ToScalar();
            }
        }
    }

    /// <summary>In-register transpose of an 8×8 block held in eight rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(
        ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(s0, s4, 0x20);
        r1 = Avx.Permute2x128(s1, s5, 0x20);
        r2 = Avx.Permute2x128(s2, s6, 0x20);
        r3 = Avx.Permute2x128(s3, s7, 0x20);
        r4 = Avx.Permute2x128(s0, s4, 0x31);
        r5 = Avx.Permute2x128(s1, s5, 0x31);
        r6 = Avx.Permute2x128(s2, s6, 0x31);
        r7 = Avx.Permute2x128(s3, s7, 0x31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyLanes(float* s, float* d, int lanes)
    {
        int r = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; r + 8 <= lanes; r += 8)
            {
                Vector256.Load(s + r).Store(d + r);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; r + 4 <= lanes; r += 4)
            {
                Vector128.Load(s + r).Store(d + r);
            }
        }

        for (; r < lanes; r++)
        {
            d[r] = s[r];
        }
    }
}
