using System.Numerics.Tensors;
using Frost.Kernels.Internal;
using Frost.Kernels.Threading;

namespace Frost.Kernels.Convolution;

/// <summary>
/// Direct convolution for one input channel per group (depthwise, any channel multiplier): a GEMM per group would have
/// a single column, so rows are accumulated tap by tap instead. Work is split over planes in a fixed way.
/// </summary>
internal sealed unsafe class DepthwiseRunner : IParallelWork
{
    [ThreadStatic] private static DepthwiseRunner? t_runner;

    private enum Op
    {
        Forward,
        BackwardInput,
        BackwardWeight,
    }

    private Op _op;
    private ConvGeometry _g;
    private float* _a;
    private float* _w;
    private float* _bias;
    private float* _out;
    private bool _relu;
    private int _tasks;
    private int _items;

    public static DepthwiseRunner Current => t_runner ??= new DepthwiseRunner();

    public void Forward(in ConvGeometry g, float* x, float* w, float* bias, float* y, bool relu)
    {
        (_op, _g, _relu) = (Op.Forward, g, relu);
        _a = x;
        _w = w;
        _bias = bias;
        _out = y;
        Run(g.N * g.K);
    }

    public void BackwardInput(in ConvGeometry g, float* dy, float* w, float* dx)
    {
        (_op, _g) = (Op.BackwardInput, g);
        _a = dy;
        _w = w;
        _out = dx;
        Run(g.N * g.G);
    }

    public void BackwardWeight(in ConvGeometry g, float* x, float* dy, float* dw, float* dbias)
    {
        (_op, _g) = (Op.BackwardWeight, g);
        _a = x;
        _w = dy;
        _out = dw;
        _bias = dbias;
        Run(g.K);
    }

    private void Run(int items)
    {
        _items = items;
        long fma = (long)_g.N * _g.K * _g.OH * _g.OW * _g.R * _g.S;
        _tasks = Math.Min(Math.Max(1, items), Gemm.ThreadsFor(fma, KernelOptions.MaxThreads));
        if (_tasks == 1)
        {
            Execute(0);
        }
        else
        {
            WorkerPool.Run(this, _tasks);
        }
    }

    /// <inheritdoc/>
    public void Execute(int index)
    {
        int i0 = (int)((long)_items * index / _tasks), i1 = (int)((long)_items * (index + 1) / _tasks);
        for (int i = i0; i < i1; i++)
        {
            switch (_op)
            {
                case Op.Forward:
                    ForwardPlane(i / _g.K, i % _g.K);
                    break;
                case Op.BackwardInput:
                    BackwardInputPlane(i / _g.G, i % _g.G);
                    break;
                default:
                    BackwardWeightChannel(i);
                    break;
            }
        }
    }

    private float* Padded(float* plane)
    {
        ref readonly ConvGeometry g = ref _g;
        float* padded = Scratch.Col.Get((long)g.Hp * g.Wp);
        ImageOps.PadCopy(plane, 1, g.H, g.W, g.Pt, g.Pl, g.Pb, g.Pr, padded, 0);
        return padded;
    }

    private void ForwardPlane(int n, int k)
    {
        ref readonly ConvGeometry g = ref _g;
        int gi = k / g.Kg;
        float* xp = Padded(_a + ((nint)n * g.C + gi) * g.InPlane);
        float* w = _w + (nint)k * g.R * g.S;
        float b = _bias == null ? 0f : _bias[k];
        float* y = _out + ((nint)n * g.K + k) * g.OutPlane;
        for (int oy = 0; oy < g.OH; oy++)
        {
            var row = new Span<float>(y + (nint)oy * g.OW, g.OW);
            row.Fill(b);
            for (int r = 0; r < g.R; r++)
            {
                for (int s = 0; s < g.S; s++)
                {
                    float wv = w[r * g.S + s];
                    float* src = xp + (nint)(oy * g.Sh + r * g.Dh) * g.Wp + s * g.Dw;
                    if (g.Sw == 1)
                    {
                        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(src, g.OW), wv, row, row);
                    }
                    else
                    {
                        for (int ox = 0; ox < g.OW; ox++)
                        {
                            row[ox] += wv * src[ox * g.Sw];
                        }
                    }
                }
            }

            if (_relu)
            {
                for (int ox = 0; ox < row.Length; ox++)
                {
                    row[ox] = row[ox] < 0f ? 0f : row[ox];
                }
            }
        }
    }

    private void BackwardInputPlane(int n, int gi)
    {
        ref readonly ConvGeometry g = ref _g;
        float* dxp = Scratch.Col.Get((long)g.Hp * g.Wp);
        new Span<float>(dxp, g.Hp * g.Wp).Clear();
        for (int m = 0; m < g.Kg; m++)
        {
            int k = gi * g.Kg + m;
            float* w = _w + (nint)k * g.R * g.S;
            float* dy = _a + ((nint)n * g.K + k) * g.OutPlane;
            for (int oy = 0; oy < g.OH; oy++)
            {
                var dyRow = new ReadOnlySpan<float>(dy + (nint)oy * g.OW, g.OW);
                for (int r = 0; r < g.R; r++)
                {
                    for (int s = 0; s < g.S; s++)
                    {
                        float wv = w[r * g.S + s];
                        float* dst = dxp + (nint)(oy * g.Sh + r * g.Dh) * g.Wp + s * g.Dw;
                        if (g.Sw == 1)
                        {
                            var d = new Span<float>(dst, g.OW);
                            TensorPrimitives.MultiplyAdd(dyRow, wv, d, d);
                        }
                        else
                        {
                            for (int ox = 0; ox < g.OW; ox++)
                            {
                                dst[ox * g.Sw] += wv * dyRow[ox];
                            }
                        }
                    }
                }
            }
        }

        float* dx = _out + ((nint)n * g.C + gi) * g.InPlane;
        for (int y = 0; y < g.H; y++)
        {
            new ReadOnlySpan<float>(dxp + (nint)(y + g.Pt) * g.Wp + g.Pl, g.W).CopyTo(new Span<float>(dx + (nint)y * g.W, g.W));
        }
    }

    private void BackwardWeightChannel(int k)
    {
        ref readonly ConvGeometry g = ref _g;
        int gi = k / g.Kg, taps = g.R * g.S;
        Span<double> acc = stackalloc double[taps];
        acc.Clear();
        double biasSum = 0;
        for (int n = 0; n < g.N; n++)
        {
            float* xp = Padded(_a + ((nint)n * g.C + gi) * g.InPlane);
            float* dy = _w + ((nint)n * g.K + k) * g.OutPlane;
            if (_bias != null)
            {
                biasSum += TensorPrimitives.Sum(new ReadOnlySpan<float>(dy, g.OutPlane));
            }

            for (int oy = 0; oy < g.OH; oy++)
            {
                var dyRow = new ReadOnlySpan<float>(dy + (nint)oy * g.OW, g.OW);
                for (int r = 0; r < g.R; r++)
                {
                    for (int s = 0; s < g.S; s++)
                    {
                        float* src = xp + (nint)(oy * g.Sh + r * g.Dh) * g.Wp + s * g.Dw;
                        if (g.Sw == 1)
                        {
                            acc[r * g.S + s] += TensorPrimitives.Dot(dyRow, new ReadOnlySpan<float>(src, g.OW));
                        }
                        else
                        {
                            float sum = 0f;
                            for (int ox = 0; ox < g.OW; ox++)
                            {
                                sum += dyRow[ox] * src[ox * g.Sw];
                            }

                            acc[r * g.S + s] += sum;
                        }
                    }
                }
            }
        }

        float* dw = _out + (nint)k * taps;
        for (int t = 0; t < taps; t++)
        {
            dw[t] = (float)acc[t];
        }

        if (_bias != null)
        {
            _bias[k] = (float)biasSum;
        }
    }
}
