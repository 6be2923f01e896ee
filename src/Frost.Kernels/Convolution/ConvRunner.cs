using System.Numerics.Tensors;
using Frost.Kernels.Blas;
using Frost.Kernels.Internal;
using Frost.Kernels.Threading;

namespace Frost.Kernels.Convolution;

/// <summary>
/// Runs grouped convolutions image by image: images are split statically over the worker pool when the batch is large
/// enough, otherwise the GEMMs themselves are threaded. Results do not depend on timing; weight gradients are summed
/// per task and then across tasks in a fixed order.
/// </summary>
internal sealed unsafe class ConvRunner : IParallelWork
{
    [ThreadStatic] private static ConvRunner? t_runner;

    private enum Op
    {
        Forward,
        BackwardInputStrided,
        BackwardWeight,
    }

    private Op _op;
    private ConvGeometry _g;
    private GemmPath _path;
    private int _tasks;
    private int _gemmThreads;
    private long _packedPerGroup;
    private float* _x;
    private float* _w;
    private float* _bias;
    private float* _y;
    private float* _acc;
    private float* _biasAcc;
    private bool _relu;

    public static ConvRunner Current => t_runner ??= new ConvRunner();

    /// <summary>y = conv(x, w) + bias (bias may be null), optionally max(·, 0).</summary>
    public void Forward(in ConvGeometry g, float* x, float* w, float* bias, float* y, bool relu)
    {
        _path = Gemm.ActivePath;
        _packedPerGroup = Gemm.PackedBLength(_path, g.Depth, g.Kg);
        float* packed = Scratch.Weights.Get(_packedPerGroup * g.G);
        for (int gi = 0; gi < g.G; gi++)
        {
            // op(B) = W_gᵀ (Depth × Kg); W_g is stored Kg × Depth.
            Gemm.PrePackB(_path, w + (nint)gi * g.Kg * g.Depth, g.Depth, true, g.Depth, g.Kg, packed + gi * _packedPerGroup);
        }

        _op = Op.Forward;
        _g = g;
        _x = x;
        _w = packed;
        _bias = bias;
        _y = y;
        _relu = relu;
        RunImages();
    }

    /// <summary>dx = ∂L/∂x from dy = ∂L/∂y (overwrites dx).</summary>
    public void BackwardInput(in ConvGeometry g, float* dy, float* w, float* dx)
    {
        if (g.Stride1)
        {
            // A stride-1 convolution's input gradient is a stride-1 convolution of dy with the kernel flipped and its
            // channel axes swapped, padded by (extent − 1 − pad) on each side (negative values crop).
            int eh = (g.R - 1) * g.Dh, ew = (g.S - 1) * g.Dw;
            var t = new ConvGeometry(g.N, g.K, g.OH, g.OW, g.C, g.R, g.S, 1, 1, eh - g.Pt, ew - g.Pl, eh - g.Pb, ew - g.Pr, g.Dh, g.Dw, g.G);
            float* flipped = Scratch.Transform.Get((long)g.G * g.Cg * g.Kg * g.R * g.S);
            FlipWeights(g, w, flipped);
            Forward(t, dy, flipped, null, dx, relu: false);
            return;
        }

        _op = Op.BackwardInputStrided;
        _g = g;
        _path = Gemm.ActivePath;
        _x = dy;
        _w = w;
        _y = dx;
        RunImages();
    }

    /// <summary>dw = ∂L/∂w and, if <paramref name="dbias"/> is not null, dbias (both overwritten).</summary>
    public void BackwardWeight(in ConvGeometry g, float* x, float* dy, float* dw, float* dbias)
    {
        _op = Op.BackwardWeight;
        _g = g;
        _path = Gemm.ActivePath;
        _x = x;
        _y = dy;
        _bias = dbias;
        ChooseThreads();
        long perTask = (long)g.G * g.Depth * g.Kg;
        _acc = Scratch.Partials.Get(perTask * _tasks + (long)g.K * _tasks);
        _biasAcc = _acc + perTask * _tasks;
        new Span<float>(_acc, (int)(perTask * _tasks + (long)g.K * _tasks)).Clear();
        Dispatch();

        // dw[gi·Kg + k][p] = Σ_t acc_t[gi][p][k], summed in task order.
        for (int gi = 0; gi < g.G; gi++)
        {
            for (int k = 0; k < g.Kg; k++)
            {
                float* dst = dw + ((nint)gi * g.Kg + k) * g.Depth;
                for (int p = 0; p < g.Depth; p++)
                {
                    float sum = 0f;
                    for (int t = 0; t < _tasks; t++)
                    {
                        sum += _acc[t * perTask + ((nint)gi * g.Depth + p) * g.Kg + k];
                    }

                    dst[p] = sum;
                }
            }
        }

        if (dbias != null)
        {
            for (int k = 0; k < g.K; k++)
            {
                float sum = 0f;
                for (int t = 0; t < _tasks; t++)
                {
                    sum += _biasAcc[t * g.K + k];
                }

                dbias[k] = sum;
            }
        }
    }

    private static void FlipWeights(in ConvGeometry g, float* w, float* dst)
    {
        // dst[gi][c][k][r][s] = w[gi·Kg + k][c][R−1−r][S−1−s]
        int rs = g.R * g.S;
        for (int gi = 0; gi < g.G; gi++)
        {
            for (int c = 0; c < g.Cg; c++)
            {
                for (int k = 0; k < g.Kg; k++)
                {
                    float* src = w + (((nint)gi * g.Kg + k) * g.Cg + c) * rs;
                    float* d = dst + (((nint)gi * g.Cg + c) * g.Kg + k) * rs;
                    for (int i = 0; i < rs; i++)
                    {
                        d[i] = src[rs - 1 - i];
                    }
                }
            }
        }
    }

    private void RunImages()
    {
        ChooseThreads();
        Dispatch();
    }

    private void ChooseThreads()
    {
        long fma = (long)_g.N * _g.K * _g.OH * _g.OW * _g.Depth;
        int threads = Gemm.ThreadsFor(fma, KernelOptions.MaxThreads);

        // NOTE: whole images per task parallelise the data movement too; uneven splits of a small batch go to the GEMMs.
        bool byImage = threads > 1 && (_g.N % threads == 0 || _g.N >= 4 * threads);
        _tasks = byImage ? threads : 1;
        _gemmThreads = byImage ? 1 : threads;
    }

    private void Dispatch()
    {
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
        int n0 = (int)((long)_g.N * index / _tasks), n1 = (int)((long)_g.N * (index + 1) / _tasks);
        for (int n = n0; n < n1; n++)
        {
            for (int gi = 0; gi < _g.G; gi++)
            {
                switch (_op)
                {
                    case Op.Forward:
                        ForwardImage(n, gi);
                        break;
                    case Op.BackwardInputStrided:
                        BackwardInputImage(n, gi);
                        break;
                    default:
                        BackwardWeightImage(n, gi, index);
                        break;
                }
            }
        }
    }

    private void ForwardImage(int n, int gi)
    {
        ref readonly ConvGeometry g = ref _g;
        float* xg = _x + ((nint)n * g.C + (nint)gi * g.Cg) * g.InPlane;
        float* ct = Scratch.Work.Get((long)g.Q * g.Kg);
        var problem = new GemmProblem
        {
            PackedB = _w + gi * _packedPerGroup,
            C = ct,
            Ldc = g.Kg,
            M = g.Q,
            N = g.Kg,
            K = g.Depth,
            Alpha = 1f,
        };
        if (g.Stride1)
        {
            problem.AKind = AKind.DepthTable;
            problem.ATable = Table(PaddedImage(xg));
        }
        else
        {
            float* col = Scratch.Col.Get((long)g.Depth * g.Q);
            ImageOps.Im2Col(xg, g, col);
            problem.A = col;
            problem.Lda = g.Q;
            problem.TransA = true;
        }

        Gemm.Run(_path, problem, _gemmThreads);
        float* bias = _bias == null ? null : _bias + (nint)gi * g.Kg;
        ImageOps.TransposeOut(ct, g.Kg, g.OH, g.OW, g.RowPitch, bias, _relu, _y + ((nint)n * g.K + (nint)gi * g.Kg) * g.OutPlane);
    }

    private void BackwardInputImage(int n, int gi)
    {
        ref readonly ConvGeometry g = ref _g;
        float* col = Scratch.Col.Get((long)g.Depth * g.Q);
        var problem = new GemmProblem
        {
            A = _w + (nint)gi * g.Kg * g.Depth,
            Lda = g.Depth,
            TransA = true,
            B = _x + ((nint)n * g.K + (nint)gi * g.Kg) * g.OutPlane,
            Ldb = g.Q,
            C = col,
            Ldc = g.Q,
            M = g.Depth,
            N = g.Q,
            K = g.Kg,
            Alpha = 1f,
        };
        Gemm.Run(_path, problem, _gemmThreads);
        float* dxg = _y + ((nint)n * g.C + (nint)gi * g.Cg) * g.InPlane;
        new Span<float>(dxg, g.Cg * g.InPlane).Clear();
        ImageOps.Col2ImAdd(col, g, dxg);
    }

    private void BackwardWeightImage(int n, int gi, int task)
    {
        ref readonly ConvGeometry g = ref _g;
        float* xg = _x + ((nint)n * g.C + (nint)gi * g.Cg) * g.InPlane;
        float* dyg = _y + ((nint)n * g.K + (nint)gi * g.Kg) * g.OutPlane;
        var problem = new GemmProblem
        {
            TransB = true,
            Ldb = g.Q,
            C = _acc + ((long)task * g.G + gi) * g.Depth * g.Kg,
            Ldc = g.Kg,
            M = g.Depth,
            N = g.Kg,
            K = g.Q,
            Alpha = 1f,
            Beta = 1f,
        };
        if (g.Stride1)
        {
            problem.AKind = AKind.RowTable;
            problem.ATable = Table(PaddedImage(xg));
            if (g.Wp == g.OW)
            {
                problem.B = dyg;
            }
            else
            {
                float* wide = Scratch.Work.Get((long)g.Kg * g.Q);
                ImageOps.Widen(dyg, g.Kg, g.OH, g.OW, g.Wp, wide);
                problem.B = wide;
            }
        }
        else
        {
            float* col = Scratch.Col.Get((long)g.Depth * g.Q);
            ImageOps.Im2Col(xg, g, col);
            problem.A = col;
            problem.Lda = g.Q;
            problem.B = dyg;
        }

        Gemm.Run(_path, problem, _gemmThreads);
        if (_bias != null)
        {
            float* acc = _biasAcc + (nint)task * g.K + (nint)gi * g.Kg;
            for (int k = 0; k < g.Kg; k++)
            {
                acc[k] += TensorPrimitives.Sum(new ReadOnlySpan<float>(dyg + (nint)k * g.OutPlane, g.OutPlane));
            }
        }
    }

    private float* PaddedImage(float* xg)
    {
        ref readonly ConvGeometry g = ref _g;
        if (!g.NeedsPadCopy)
        {
            return xg;
        }

        float* padded = Scratch.Col.Get(g.PaddedLength);
        ImageOps.PadCopy(xg, g.Cg, g.H, g.W, g.Pt, g.Pl, g.Pb, g.Pr, padded, (g.S - 1) * g.Dw);
        return padded;
    }

    private float** Table(float* padded)
    {
        float** table = (float**)Scratch.Table.Get(2L * _g.Depth);
        _g.FillTable(padded, table);
        return table;
    }
}
