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
    /// <c>dst[s][p][r] = src[p * ld + s * lanes + r]</c> for lanes below <paramref name="count"/>.
    /// </summary>
    public static void PackContiguous(float* src, nint ld, int count, int kc, int lanes, int s0, int s1, float* dst)
    {
        for (int s = s0; s < s1; s++)
        {
            int first = s * lanes;
            int n = Math.Min(lanes, count - first);
            float* d = dst + (nint)s * kc * lanes;
            float* sp = src + first;
            if (n == lanes)
            {
                for (int p = 0; p < kc; p++)
                {
                    CopyLanes(sp + p * ld, d + p * lanes, lanes);
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* row = sp + p * ld;
                    float* drow = d + p * lanes;
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
    /// Packs slivers <paramref name="s0"/>..<paramref name="s1"/> of an operand whose lanes are strided rows:
    /// <c>dst[s][p][r] = src[(s * lanes + r) * ld + p]</c> for lanes below <paramref name="count"/>.
    /// </summary>
    public static void PackStrided(float* src, nint ld, int count, int kc, int lanes, int s0, int s1, float* dst)
    {
        for (int s = s0; s < s1; s++)
        {
            int first = s * lanes;
            int n = Math.Min(lanes, count - first);
            float* d = dst + (nint)s * kc * lanes;
            float* sp = src + first * ld;
            int p = 0;
            if (Avx.IsSupported && (lanes % 8) is 0 or 4 or 6)
            {
                p = kc & ~7;
                for (int g = 0; g < lanes; g += 8)
                {
                    TransposeGroup(sp + g * ld, ld, n - g, Math.Min(8, lanes - g), p, d + g, lanes);
                }
            }

            for (int r = 0; r < lanes; r++)
            {
                float* row = sp + r * ld;
                if (r < n)
                {
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

    /// <summary>Transposes up to 8 strided rows, 8 depth steps at a time, into <paramref name="width"/> lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeGroup(float* src, nint ld, int valid, int width, int kcVec, float* dst, int lanes)
    {
        float* r0 = src, r1 = src + ld, r2 = src + 2 * ld, r3 = src + 3 * ld;
        float* r4 = src + 4 * ld, r5 = src + 5 * ld, r6 = src + 6 * ld, r7 = src + 7 * ld;
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
