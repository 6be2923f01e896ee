using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Frost.Kernels.Blas;

namespace Frost.Kernels.Convolution;

/// <summary>Data movement around the convolution GEMMs: padding, im2col / col2im and output layout.</summary>
internal static unsafe class ImageOps
{
    /// <summary>
    /// Copies <paramref name="channels"/> planes of h×w into planes of (h+pt+pb)×(w+pl+pr) with zero borders; negative
    /// pads crop. <paramref name="slack"/> zeros follow the last plane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PadCopy(float* src, int channels, int h, int w, int pt, int pl, int pb, int pr, float* dst, int slack)
    {
        int hp = h + pt + pb, wp = w + pl + pr;
        int x0 = Math.Max(0, pl), sx0 = Math.Max(0, -pl);
        int copyW = Math.Min(w - sx0, wp - x0);
        for (int c = 0; c < channels; c++)
        {
            float* sp = src + (nint)c * h * w;
            float* dp = dst + (nint)c * hp * wp;
            for (int y = 0; y < hp; y++)
            {
                float* drow = dp + (nint)y * wp;
                int sy = y - pt;
                if (sy < 0 || sy >= h || copyW <= 0)
                {
                    new Span<float>(drow, wp).Clear();
                    continue;
                }

                new Span<float>(drow, x0).Clear();
                new ReadOnlySpan<float>(sp + (nint)sy * w + sx0, copyW).CopyTo(new Span<float>(drow + x0, copyW));
                new Span<float>(drow + x0 + copyW, wp - x0 - copyW).Clear();
            }
        }

        new Span<float>(dst + (nint)channels * hp * wp, slack).Clear();
    }

    /// <summary>Floats a buffer filled by <see cref="Im2Row"/> needs after its last row.</summary>
    public const int RowSlack = 8;

    /// <summary>
    /// Writes patch rows of output rows [<paramref name="oh0"/>, <paramref name="oh1"/>) of one group of one image from its
    /// zero-padded copy: row <c>(oh − oh0)·OW + ow</c> (<paramref name="ld"/> floats apart) holds the Cg·R·S inputs under
    /// output (oh, ow) in (c, r, s) order. Rows are written in order and the
    /// buffer needs <see cref="RowSlack"/> floats after the last row: a kernel row is stored as a whole vector, whose tail
    /// the next one overwrites.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Im2Row(float* padded, in ConvGeometry g, float* rows, int oh0, int oh1, nint ld)
    {
        // NOTE: the geometry is read into locals: stores through a float pointer could alias it, so reading its fields
        // in the loop would reload them for every kernel row.
        int cg = g.Cg, kr = g.R, ks = g.S, ow = g.OW, dw = g.Dw;
        nint plane = (nint)g.Hp * g.Wp, rowStep = (nint)g.Dh * g.Wp, sh = (nint)g.Sh * g.Wp, sw = g.Sw;
        bool masked = Avx2.IsSupported && dw == 1 && ks <= 8;
        Vector256<float> mask = masked ? Tail(ks) : default;
        for (int y = oh0; y < oh1; y++)
        {
            for (int x = 0; x < ow; x++)
            {
                float* dst = rows + ((nint)(y - oh0) * ow + x) * ld;
                float* origin = padded + y * sh + x * sw;
                for (int c = 0; c < cg; c++, origin += plane)
                {
                    float* src = origin;
                    for (int r = 0; r < kr; r++, src += rowStep, dst += ks)
                    {
                        if (masked)
                        {
                            // NOTE: a masked store is microcoded on some cores (AMD Zen); a whole store is not.
                            Avx.Store(dst, Avx.MaskLoad(src, mask));
                        }
                        else
                        {
                            for (int s = 0; s < ks; s++)
                            {
                                dst[s] = src[s * dw];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Adds columns of output rows [<paramref name="oh0"/>, <paramref name="oh1"/>) into a zero-padded gradient image
    /// (planes of Hp×Wp): column row <c>(c·R + r)·S + s</c> (<paramref name="stride"/> floats apart) holds, at
    /// <c>(oh − oh0)·OW + ow</c>, the gradient of the input under tap (r, s) of output (oh, ow).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Col2ImAdd(float* col, in ConvGeometry g, float* padded, int oh0, int oh1, nint stride)
    {
        int ow = g.OW, plane = g.Hp * g.Wp;
        for (int c = 0; c < g.Cg; c++)
        {
            for (int r = 0; r < g.R; r++)
            {
                for (int s = 0; s < g.S; s++)
                {
                    float* dst = padded + (nint)c * plane + (nint)r * g.Dh * g.Wp + s * g.Dw;
                    float* src = col + ((c * g.R + r) * g.S + s) * stride;
                    for (int y = oh0; y < oh1; y++)
                    {
                        AddRow(src + (nint)(y - oh0) * ow, dst + (nint)y * g.Sh * g.Wp, g.Sw, ow);
                    }
                }
            }
        }
    }

    /// <summary>Copies the unpadded interior of padded planes into an image (the inverse of <see cref="PadCopy"/>).</summary>
    public static void Crop(float* padded, int channels, int h, int w, int pt, int pl, int pb, int pr, float* dst)
    {
        int hp = h + pt + pb, wp = w + pl + pr;
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < h; y++)
            {
                new ReadOnlySpan<float>(padded + ((nint)c * hp + y + pt) * wp + pl, w).CopyTo(new Span<float>(dst + ((nint)c * h + y) * w, w));
            }
        }
    }

    /// <summary>Writes the transpose of a rows×cols matrix into rows <paramref name="ld"/> apart: <c>dst[c·ld + r] = src[r·cols + c]</c>.</summary>
    public static void Transpose(float* src, int rows, int cols, float* dst, nint ld) => Transpose(src, cols, rows, cols, dst, ld, null, false);

    /// <summary>
    /// The same with the source rows <paramref name="ss"/> apart: <c>dst[c·ld + r] = src[r·ss + c]</c>, plus
    /// <c>bias[c]</c> when <paramref name="bias"/> is not null, then max(·, 0) if <paramref name="relu"/> (NaN stays NaN).
    /// </summary>
    /// <remarks>Blocks of 8×8 go through registers; edge blocks load and store only the rows and columns that exist.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(float* src, nint ss, int rows, int cols, float* dst, nint ld, float* bias = null, bool relu = false)
    {
        if (!Avx.IsSupported)
        {
            for (int c = 0; c < cols; c++)
            {
                float b = bias == null ? 0f : bias[c];
                for (int r = 0; r < rows; r++)
                {
                    float v = src[(r * ss) + c] + b;
                    dst[c * ld + r] = relu && v < 0f ? 0f : v;
                }
            }

            return;
        }

        Vector256<int> lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        for (int r0 = 0; r0 < rows; r0 += 8)
        {
            int rr = Math.Min(8, rows - r0);
            Vector256<float> rowMask = Vector256.GreaterThan(Vector256.Create(rr), lanes).AsSingle();
            for (int c0 = 0; c0 < cols; c0 += 8)
            {
                int cc = Math.Min(8, cols - c0);
                float* s = src + (r0 * ss) + c0;
                float* d = dst + c0 * ld + r0;
                if (rr == 8 && cc == 8)
                {
                    Vector256<float> v0 = Avx.LoadVector256(s), v1 = Avx.LoadVector256(s + ss);
                    Vector256<float> v2 = Avx.LoadVector256(s + (2 * ss)), v3 = Avx.LoadVector256(s + (3 * ss));
                    Vector256<float> v4 = Avx.LoadVector256(s + (4 * ss)), v5 = Avx.LoadVector256(s + (5 * ss));
                    Vector256<float> v6 = Avx.LoadVector256(s + (6 * ss)), v7 = Avx.LoadVector256(s + (7 * ss));
                    Packing.Transpose8x8(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
                    Finish(v0, bias, c0, relu).Store(d);
                    Finish(v1, bias, c0 + 1, relu).Store(d + ld);
                    Finish(v2, bias, c0 + 2, relu).Store(d + (2 * ld));
                    Finish(v3, bias, c0 + 3, relu).Store(d + (3 * ld));
                    Finish(v4, bias, c0 + 4, relu).Store(d + (4 * ld));
                    Finish(v5, bias, c0 + 5, relu).Store(d + (5 * ld));
                    Finish(v6, bias, c0 + 6, relu).Store(d + (6 * ld));
                    Finish(v7, bias, c0 + 7, relu).Store(d + (7 * ld));
                    continue;
                }

                Vector256<float> colMask = Vector256.GreaterThan(Vector256.Create(cc), lanes).AsSingle();
                Vector256<float> Row(int i) => i < rr ? Avx.MaskLoad(s + (i * ss), colMask) : Vector256<float>.Zero;
                Vector256<float> w0 = Row(0), w1 = Row(1), w2 = Row(2), w3 = Row(3), w4 = Row(4), w5 = Row(5), w6 = Row(6), w7 = Row(7);
                Packing.Transpose8x8(ref w0, ref w1, ref w2, ref w3, ref w4, ref w5, ref w6, ref w7);
                Store(0, w0);
                Store(1, w1);
                Store(2, w2);
                Store(3, w3);
                Store(4, w4);
                Store(5, w5);
                Store(6, w6);
                Store(7, w7);

                void Store(int j, Vector256<float> v)
                {
                    if (j < cc)
                    {
                        Avx.MaskStore(d + (j * ld), rowMask, Finish(v, bias, c0 + j, relu));
                    }
                }
            }
        }
    }

    /// <summary>v + bias[c] when there is a bias, then max(·, 0) if <paramref name="relu"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Finish(Vector256<float> v, float* bias, int c, bool relu)
    {
        if (bias != null)
        {
            v += Vector256.Create(bias[c]);
        }

        return relu ? Relu(v) : v;
    }

    /// <summary>max(v, 0) lane by lane; a select on v &lt; 0 rather than Max, so NaN stays NaN as in the scalar loops.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> v) =>
        Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<float>.Zero), Vector256<float>.Zero, v);

    /// <summary><c>dst[x·step] += src[x]</c> for x &lt; n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(float* src, float* dst, int step, int n)
    {
        int x = 0;
        if (step == 2 && Avx2.IsSupported)
        {
            // Spread 8 values over 16 slots (zeros in the odd ones); stops a block early so no store passes the row.
            for (; x + 9 <= n; x += 8)
            {
                Vector256<float> v = Avx.LoadVector256(src + x);
                Vector256<float> lo = Avx.UnpackLow(v, Vector256<float>.Zero), hi = Avx.UnpackHigh(v, Vector256<float>.Zero);
                float* d = dst + 2 * x;
                (Avx.LoadVector256(d) + Avx.Permute2x128(lo, hi, 0x20)).Store(d);
                (Avx.LoadVector256(d + 8) + Avx.Permute2x128(lo, hi, 0x31)).Store(d + 8);
            }
        }

        if (step == 1 && Avx2.IsSupported)
        {
            for (; x + 8 <= n; x += 8)
            {
                (Avx.LoadVector256(dst + x) + Avx.LoadVector256(src + x)).Store(dst + x);
            }

            if (x < n)
            {
                Vector256<float> mask = Tail(n - x);
                Avx.MaskStore(dst + x, mask, Avx.MaskLoad(dst + x, mask) + Avx.MaskLoad(src + x, mask));
            }

            return;
        }

        for (; x < n; x++)
        {
            dst[x * step] += src[x];
        }
    }

    /// <summary>A mask with the first <paramref name="count"/> (1..8) lanes set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Tail(int count) =>
        Vector256.GreaterThan(Vector256.Create(count), Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7)).AsSingle();

    /// <summary>
    /// Writes <c>out[k·plane + y·ow + x] = ct[y·pitch + x][k] (+ bias[k])</c> for y &lt; oh, optionally max(·, 0) (NaN
    /// stays NaN), for a GEMM result <paramref name="ct"/> with one row per (wide) output position and
    /// <paramref name="kg"/> columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransposeOut(float* ct, int kg, int oh, int ow, int pitch, float* bias, bool relu, float* output, int plane)
    {
        if (pitch == ow && oh > 1)
        {
            // Rows lie back to back in both layouts, so they form one long row: short rows still move in 8×8 tiles.
            TransposeOut(ct, kg, 1, oh * ow, oh * ow, bias, relu, output, plane);
            return;
        }

        for (int y = 0; y < oh; y++)
        {
            Transpose(ct + (nint)y * pitch * kg, kg, ow, kg, output + (nint)y * ow, plane, bias, relu);
        }
    }

    /// <summary><c>row[x] += bias</c> for x &lt; n, then max(·, 0) if <paramref name="relu"/> (NaN stays NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BiasRelu(float* row, int n, float bias, bool relu)
    {
        int x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vb = Vector256.Create(bias);
            for (; x + 8 <= n; x += 8)
            {
                Vector256<float> v = Vector256.Load(row + x) + vb;
                if (relu)
                {
                    v = Relu(v);
                }

                v.Store(row + x);
            }
        }

        for (; x < n; x++)
        {
            float v = row[x] + bias;
            row[x] = relu && v < 0f ? 0f : v;
        }
    }

    /// <summary>
    /// Copies kg planes of oh×ow into rows of oh·<paramref name="pitch"/> (row k at <c>dst + k·dstStride</c>),
    /// zeroing the extra columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen(float* src, int kg, int oh, int ow, int pitch, float* dst, nint dstStride)
    {
        if (pitch == ow)
        {
            // No extra columns: each plane moves as one run.
            int plane = oh * ow;
            for (int k = 0; k < kg; k++)
            {
                new ReadOnlySpan<float>(src + (nint)k * plane, plane).CopyTo(new Span<float>(dst + k * dstStride, plane));
            }

            return;
        }

        for (int k = 0; k < kg; k++)
        {
            for (int y = 0; y < oh; y++)
            {
                float* d = dst + k * dstStride + (nint)y * pitch;
                new ReadOnlySpan<float>(src + ((nint)k * oh + y) * ow, ow).CopyTo(new Span<float>(d, ow));
                new Span<float>(d + ow, pitch - ow).Clear();
            }
        }
    }
}
