using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Frost.Kernels.Internal;
using Frost.Kernels.Threading;

namespace Frost.Kernels.Pooling;

/// <summary>Max and average pooling over planes, split over threads by plane.</summary>
internal sealed unsafe class PoolRunner : RangeWork
{
    [ThreadStatic] private static PoolRunner? t_runner;

    private enum Op
    {
        MaxForward,
        MaxBackward,
        AvgForward,
        AvgBackward,
    }

    private Op _op;
    private Pool2DShape _s;
    private float* _in;
    private float* _out;
    private int* _argmax;
    private int _badIndex;

    public static PoolRunner Current => t_runner ??= new PoolRunner();

    public void MaxForward(in Pool2DShape s, float* x, float* y, int* argmax) => Start(Op.MaxForward, s, x, y, argmax);

    /// <summary>Returns false if an argmax index was outside its plane.</summary>
    public bool MaxBackward(in Pool2DShape s, float* dy, int* argmax, float* dx)
    {
        _badIndex = 0;
        Start(Op.MaxBackward, s, dy, dx, argmax);
        return Volatile.Read(ref _badIndex) == 0;
    }

    public void AvgForward(in Pool2DShape s, float* x, float* y) => Start(Op.AvgForward, s, x, y, null);

    public void AvgBackward(in Pool2DShape s, float* dy, float* dx) => Start(Op.AvgBackward, s, dy, dx, null);

    private void Start(Op op, in Pool2DShape s, float* a, float* b, int* argmax)
    {
        _op = op;
        _s = s;
        _in = a;
        _out = b;
        _argmax = argmax;
        Dispatch(s.Batch * s.Channels, (long)s.InHeight * s.InWidth + (long)s.OutHeight * s.OutWidth * s.KernelHeight * s.KernelWidth);
    }

    /// <inheritdoc/>
    protected override void Run(int begin, int end)
    {
        ref readonly Pool2DShape s = ref _s;
        int inPlane = s.InHeight * s.InWidth, outPlane = s.OutHeight * s.OutWidth;
        for (int p = begin; p < end; p++)
        {
            switch (_op)
            {
                case Op.MaxForward:
                    MaxForwardPlane(_in + (nint)p * inPlane, _out + (nint)p * outPlane, _argmax == null ? null : _argmax + (nint)p * outPlane);
                    break;
                case Op.MaxBackward:
                    MaxBackwardPlane(_in + (nint)p * outPlane, _argmax + (nint)p * outPlane, _out + (nint)p * inPlane);
                    break;
                case Op.AvgForward:
                    AvgPlane(_in + (nint)p * inPlane, _out + (nint)p * outPlane, forward: true);
                    break;
                default:
                    AvgPlane(_out + (nint)p * inPlane, _in + (nint)p * outPlane, forward: false);
                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MaxForwardPlane(float* x, float* y, int* argmax)
    {
        ref readonly Pool2DShape s = ref _s;
        int sw = s.StrideW;
        if (argmax == null && Avx2.IsSupported && sw == 2 && s.KernelWidth == 3 && s.OutWidth >= 16)
        {
            MaxForwardSeparable(x, y);
            return;
        }

        // Output columns whose whole window lies inside the row: vector blocks of 8, the last one overlapping.
        var (lo, hi) = InsideColumns();
        bool vector = Avx2.IsSupported && (sw == 1 || sw == 2) && hi - lo >= 8;
        for (int oh = 0; oh < s.OutHeight; oh++)
        {
            var (hs, he) = WindowRows(oh);
            float* yrow = y + (nint)oh * s.OutWidth;
            int* arow = argmax == null ? null : argmax + (nint)oh * s.OutWidth;
            if (!vector)
            {
                MaxScalar(x, hs, he, 0, s.OutWidth, yrow, arow);
                continue;
            }

            MaxScalar(x, hs, he, 0, lo, yrow, arow);
            int ow = lo;
            for (; ow + 8 <= hi; ow += 8)
            {
                MaxVector(x, hs, he, ow, yrow, arow);
            }

            if (ow < hi)
            {
                MaxVector(x, hs, he, hi - 8, yrow, arow);
            }

            MaxScalar(x, hs, he, hi, s.OutWidth, yrow, arow);
        }
    }

    /// <summary>The input rows [hs, he) of output row <paramref name="oh"/>'s windows, clipped to the input.</summary>
    private (int Hs, int He) WindowRows(int oh)
    {
        ref readonly Pool2DShape s = ref _s;
        int hs = oh * s.StrideH - s.PadTop;
        return (Math.Max(hs, 0), Math.Min(hs + s.KernelHeight, s.InHeight));
    }

    /// <summary>The output columns [lo, hi) whose whole window lies inside an input row.</summary>
    private (int Lo, int Hi) InsideColumns()
    {
        ref readonly Pool2DShape s = ref _s;
        int sw = s.StrideW;
        return ((s.PadLeft + sw - 1) / sw, Math.Min(s.OutWidth, ((s.InWidth - s.KernelWidth + s.PadLeft) / sw) + 1));
    }

    /// <summary>
    /// Max pooling without argmax, 3 wide at stride 2: the maximum is taken along each input row once (each row serves
    /// up to two output rows), then down the columns. NaN wins as in the other paths, so the values are the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MaxForwardSeparable(float* x, float* y)
    {
        ref readonly Pool2DShape s = ref _s;
        int h = s.InHeight, w = s.InWidth, ow = s.OutWidth;
        var (lo, hi) = InsideColumns();
        float* rows = Scratch.Work.Get((long)h * ow);
        for (int ih = 0; ih < h; ih++)
        {
            float* row = x + (nint)ih * w, hrow = rows + (nint)ih * ow;
            MaxScalar(x, ih, ih + 1, 0, lo, hrow, null);
            int o = lo;
            for (; o + 8 <= hi; o += 8)
            {
                RowMax3Stride2(row, w, (2 * o) - s.PadLeft, hrow + o);
            }

            if (o < hi)
            {
                RowMax3Stride2(row, w, (2 * (hi - 8)) - s.PadLeft, hrow + hi - 8);
            }

            MaxScalar(x, ih, ih + 1, hi, ow, hrow, null);
        }

        for (int oh = 0; oh < s.OutHeight; oh++)
        {
            var (hs, he) = WindowRows(oh);
            float* yrow = y + (nint)oh * ow;
            if (hs >= he)
            {
                new Span<float>(yrow, ow).Fill(float.NegativeInfinity);
                continue;
            }

            new ReadOnlySpan<float>(rows + (nint)hs * ow, ow).CopyTo(new Span<float>(yrow, ow));
            for (int ih = hs + 1; ih < he; ih++)
            {
                float* hrow = rows + (nint)ih * ow;
                int i = 0;
                for (; i + 8 <= ow; i += 8)
                {
                    Avx.Store(yrow + i, Larger(Avx.LoadVector256(hrow + i), Avx.LoadVector256(yrow + i)));
                }

                for (; i < ow; i++)
                {
                    yrow[i] = Wins(hrow[i], yrow[i]) ? hrow[i] : yrow[i];
                }
            }
        }
    }

    /// <summary>out[i] = max(row[first + 2i], row[first + 2i + 1], row[first + 2i + 2]) for eight i, all inside the row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowMax3Stride2(float* row, int w, int first, float* output)
    {
        // Evens and odds of the 16 elements from first, and the evens of the 16 from first + 2 (the 18th may lie past
        // the row and the tensor: load only what exists).
        Vector256<float> a0 = Avx.LoadVector256(row + first), a1 = Avx.LoadVector256(row + first + 8);
        Vector256<float> b0 = Avx.LoadVector256(row + first + 2), b1 = LoadUpTo(row + first + 10, w - first - 10);
        Vector256<float> even = Evens(a0, a1), odd = Odds(a0, a1), next = Evens(b0, b1);
        Avx.Store(output, Larger(next, Larger(odd, even)));
    }

    /// <summary>Elements 0, 2, …, 14 of the 16 in (lo, hi), in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Evens(Vector256<float> lo, Vector256<float> hi) =>
        Avx2.Permute4x64(Avx.Shuffle(lo, hi, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();

    /// <summary>Elements 1, 3, …, 15 of the 16 in (lo, hi), in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Odds(Vector256<float> lo, Vector256<float> hi) =>
        Avx2.Permute4x64(Avx.Shuffle(lo, hi, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();

    /// <summary>
    /// v where it is larger than best or NaN, else best: the scalar rule's value, lane by lane (where both are NaN, the
    /// result is v's NaN instead of best's).
    /// </summary>
    /// <remarks>maxps returns its second operand on ties and wherever either is NaN.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Larger(Vector256<float> v, Vector256<float> best) => Avx.BlendVariable(Avx.Max(v, best), v, Avx.CompareUnordered(v, v));

    /// <summary>
    /// The lanes where v replaces the best so far: where it is larger, or NaN while the best is not. NaN wins and stays,
    /// as in the scalar path; equal values keep the earlier element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Takes(Vector256<float> v, Vector256<float> best) =>
        Vector256.GreaterThan(v, best) | (~Vector256.Equals(v, v) & Vector256.Equals(best, best));

    /// <summary>Whether v replaces the best so far: it is larger, or NaN while the best is not (NaN wins and stays, as in PyTorch; ties keep the first element).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Wins(float v, float best) => v > best || (float.IsNaN(v) && !float.IsNaN(best));

    /// <summary>Eight floats from p, of which only the first <paramref name="available"/> are read when fewer than eight exist.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LoadUpTo(float* p, int available) => available >= 8
        ? Avx.LoadVector256(p)
        : Avx.MaskLoad(p, Vector256.GreaterThan(Vector256.Create(available), Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7)).AsSingle());

    /// <summary>Eight outputs of one row whose windows are inside the input row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MaxVector(float* x, int hs, int he, int ow, float* yrow, int* arow)
    {
        ref readonly Pool2DShape s = ref _s;
        int w = s.InWidth, sw = s.StrideW;
        Vector256<float> best = Vector256.Create(float.NegativeInfinity);
        Vector256<int> at = Vector256<int>.Zero, lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * sw;
        for (int ih = hs; ih < he; ih++)
        {
            float* row = x + (nint)ih * w;
            for (int k = 0; k < s.KernelWidth; k++)
            {
                int first = (ow * sw) - s.PadLeft + k;
                Vector256<float> v;
                if (sw == 1)
                {
                    v = Avx.LoadVector256(row + first);
                }
                else
                {
                    // The 16th element may lie past the row (and the tensor): load only what exists.
                    v = Evens(Avx.LoadVector256(row + first), LoadUpTo(row + first + 8, w - first - 8));
                }

                Vector256<float> take = Takes(v, best);
                best = Vector256.ConditionalSelect(take, v, best);
                at = Vector256.ConditionalSelect(take.AsInt32(), Vector256.Create((ih * w) + first) + lanes, at);
            }
        }

        best.Store(yrow + ow);
        if (arow != null)
        {
            at.Store(arow + ow);
        }
    }

    private void MaxScalar(float* x, int hs, int he, int ow0, int ow1, float* yrow, int* arow)
    {
        ref readonly Pool2DShape s = ref _s;
        int w = s.InWidth;
        for (int ow = ow0; ow < ow1; ow++)
        {
            int ws = ow * s.StrideW - s.PadLeft, we = Math.Min(ws + s.KernelWidth, w);
            ws = Math.Max(ws, 0);
            float best = float.NegativeInfinity;
            int at = hs * w + ws;
            for (int ih = hs; ih < he; ih++)
            {
                float* row = x + (nint)ih * w;
                for (int iw = ws; iw < we; iw++)
                {
                    float v = row[iw];
                    if (Wins(v, best))
                    {
                        best = v;
                        at = ih * w + iw;
                    }
                }
            }

            yrow[ow] = best;
            if (arow != null)
            {
                arow[ow] = at;
            }
        }
    }

    private void MaxBackwardPlane(float* dy, int* argmax, float* dx)
    {
        ref readonly Pool2DShape s = ref _s;
        int inPlane = s.InHeight * s.InWidth, outPlane = s.OutHeight * s.OutWidth;
        new Span<float>(dx, inPlane).Clear();
        for (int o = 0; o < outPlane; o++)
        {
            int at = argmax[o];
            if ((uint)at >= (uint)inPlane)
            {
                Volatile.Write(ref _badIndex, 1);
                return;
            }

            dx[at] += dy[o];
        }
    }

    /// <summary>Forward: y = window sums / divisor. Backward: dx = Σ over windows of dy / divisor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AvgPlane(float* x, float* y, bool forward)
    {
        ref readonly Pool2DShape s = ref _s;
        int h = s.InHeight, w = s.InWidth;
        if (!forward)
        {
            new Span<float>(x, h * w).Clear();
        }

        for (int oh = 0; oh < s.OutHeight; oh++)
        {
            int hs = oh * s.StrideH - s.PadTop, he = Math.Min(hs + s.KernelHeight, h + s.PadBottom);
            int poolH = he - hs;
            hs = Math.Max(hs, 0);
            he = Math.Min(he, h);
            for (int ow = 0; ow < s.OutWidth; ow++)
            {
                int ws = ow * s.StrideW - s.PadLeft, we = Math.Min(ws + s.KernelWidth, w + s.PadRight);
                int poolW = we - ws;
                ws = Math.Max(ws, 0);
                we = Math.Min(we, w);
                int count = s.CountIncludePad ? poolH * poolW : (he - hs) * (we - ws);
                float inv = 1f / count;
                int o = oh * s.OutWidth + ow;
                if (forward)
                {
                    float sum = 0f;
                    for (int ih = hs; ih < he; ih++)
                    {
                        float* row = x + (nint)ih * w;
                        for (int iw = ws; iw < we; iw++)
                        {
                            sum += row[iw];
                        }
                    }

                    y[o] = sum * inv;
                }
                else
                {
                    float g = y[o] * inv;
                    for (int ih = hs; ih < he; ih++)
                    {
                        float* row = x + (nint)ih * w;
                        for (int iw = ws; iw < we; iw++)
                        {
                            row[iw] += g;
                        }
                    }
                }
            }
        }
    }
}
