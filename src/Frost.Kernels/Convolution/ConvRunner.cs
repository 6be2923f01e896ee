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

    private readonly WeightWork _weights = new();

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
    private int _chunk;
    private bool _wide;
    private bool _rowTables;
    private long _packedPerGroup;
    private float* _x;
    private float* _w;
    private float* _bias;
    private float* _y;
    private float* _acc;
    private float* _dw;
    private float* _biasAcc;
    private bool _relu;

    public static ConvRunner Current => t_runner ??= new ConvRunner();

    /// <summary>y = conv(x, w) + bias (bias may be null), optionally max(·, 0).</summary>
    public void Forward(in ConvGeometry g, float* x, float* w, float* bias, float* y, bool relu)
    {
        if (ImplicitConv.Applies(g))
        {
            ImplicitConv.Current.Forward(g, x, w, bias, y, relu);
            return;
        }

        if (Winograd.Applies(g))
        {
            Winograd.Current.Forward(g, x, w, bias, y, relu, flipped: false);
            return;
        }

        ForwardPacked(g, x, PackWeights(g, g, w, flipped: false), bias, y, relu);
    }

    /// <summary>
    /// Packs op(B) of every group of the product run on <paramref name="product"/>: <paramref name="g"/>'s own forward,
    /// or with <paramref name="flipped"/> the stride-1 convolution that gives its input gradient.
    /// </summary>
    private float* PackWeights(in ConvGeometry g, in ConvGeometry product, float* w, bool flipped)
    {
        _path = Gemm.ActivePath;
        _packedPerGroup = Gemm.PackedBLength(_path, product.Depth, product.Kg);
        float* packed = Scratch.Weights.Get(_packedPerGroup * g.G);
        _weights.Pack(g, _path, w, packed, _packedPerGroup, flipped);
        return packed;
    }

    /// <summary>The forward pass with op(B) of every group already packed, <see cref="_packedPerGroup"/> floats apart.</summary>
    private void ForwardPacked(in ConvGeometry g, float* x, float* packed, float* bias, float* y, bool relu)
    {
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
            if (Winograd.Applies(t))
            {
                Winograd.Current.Forward(t, dy, w, null, dx, relu: false, flipped: true);
                return;
            }

            ForwardPacked(t, dy, PackWeights(g, t, w, flipped: true), null, dx, relu: false);
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
        if (Winograd.AppliesToWeightGradient(g))
        {
            Winograd.Current.BackwardWeight(g, x, dy, dw, dbias);
            return;
        }

        _op = Op.BackwardWeight;
        _g = g;
        _path = Gemm.ActivePath;
        _x = x;
        _y = dy;
        _bias = dbias;
        ChooseThreads();

        // The wide path's products are Depth × Kg per task, transposed into dw at the end; the columns path's are
        // Kg × Depth, the layout of dw, and task 0 writes into dw itself.
        long perTask = (long)g.G * g.Depth * g.Kg;
        int partials = _wide ? _tasks : _tasks - 1;
        _acc = Scratch.Partials.Get(perTask * partials + (long)g.K * _tasks);
        _biasAcc = _acc + perTask * partials;
        _dw = dw;
        new Span<float>(_biasAcc, g.K * _tasks).Clear();
        Dispatch();

        if (_wide)
        {
            _weights.Gather(g, _acc, _tasks, dw);
        }
        else if (partials > 0)
        {
            _weights.Sum(dw, _acc, partials, perTask);
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

        // NOTE: the wide layout computes Wp − OW wasted columns per row; past 12.5% (small images) explicit columns win.
        // 3×3 at 16×16, batch 64 (12.5%): 4.6 + 4.6 + 6.0 ms wide, 5.7 + 6.4 + 8.8 ms as columns; at 8×8 (25%) columns
        // win by 10-40%.
        _wide = _op != Op.BackwardInputStrided && _g.Stride1 && (_g.Wp - _g.OW) * 8 <= _g.OW;

        // NOTE: output rows of whole micro-tiles read the padded image in place through one table per row, with no
        // wasted column and no patch rows (in-process A/B against the wide and columns paths, batch 64 unless noted:
        // forward 64ch 16x16 0.73-0.93x, 128ch 8x8 0.87-0.94x, 64ch 56x56 at batch 16 0.93-0.97x; the input gradient,
        // a forward with the flipped kernel, 0.76-0.86x at 8x8 and 0.94-1.04x elsewhere).
        _rowTables = _op == Op.Forward && _g.Stride1 && _g.OW % Gemm.TileRows(_path) == 0 && _g.Wp != _g.OW;
        _chunk = _wide || _rowTables ? ChunkSize() : 1;
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
        ref readonly ConvGeometry g = ref _g;
        int n0 = (int)((long)g.N * index / _tasks), n1 = (int)((long)g.N * (index + 1) / _tasks);
        if (_wide || _rowTables)
        {
            for (int n = n0; n < n1; n += _chunk)
            {
                int count = Math.Min(_chunk, n1 - n);
                for (int gi = 0; gi < g.G; gi++)
                {
                    if (_op == Op.Forward)
                    {
                        ForwardTables(n, count, gi);
                    }
                    else
                    {
                        BackwardWeightWide(n, count, gi, n == n0, index);
                    }
                }
            }

            return;
        }

        // Columns path: several whole images per GEMM when they are small, else blocks of output rows of one image.
        int positions = Math.Clamp((1 << 18) / g.Depth, 512, 4096);
        int perGemm = Math.Max(1, positions / g.OutPlane);
        int rowsPerTile = g.OutPlane <= positions ? g.OH : Math.Max(1, positions / g.OW);
        for (int n = n0; n < n1; n += perGemm)
        {
            int count = Math.Min(perGemm, n1 - n);
            for (int gi = 0; gi < g.G; gi++)
            {
                // Row blocks of one image share one padded copy (forward, weight gradient) or one padded gradient
                // accumulator (strided input gradient), taken once here.
                float* image = _op == Op.BackwardInputStrided
                    ? (HasPadding(g) ? Scratch.Pad.Get((long)g.Cg * g.Hp * g.Wp) : null)
                    : count == 1 ? Padded(Image(_x, n, g.C, gi, g.Cg, g.InPlane)) : null;
                for (int oh0 = 0; oh0 < g.OH; oh0 += rowsPerTile)
                {
                    int oh1 = Math.Min(g.OH, oh0 + rowsPerTile);
                    switch (_op)
                    {
                        case Op.Forward:
                            ForwardColumns(n, count, gi, oh0, oh1, image);
                            break;
                        case Op.BackwardInputStrided:
                            BackwardInputColumns(n, count, gi, oh0, oh1, image);
                            break;
                        default:
                            BackwardWeightColumns(n, count, gi, oh0, oh1, n == n0 && oh0 == 0, index, image);
                            break;
                    }
                }
            }
        }
    }

    /// <summary>Images per GEMM on the wide path: enough GEMM rows (forward) or depth (weight gradient).</summary>
    private int ChunkSize()
    {
        ref readonly ConvGeometry g = ref _g;
        int perImage = _rowTables ? g.OutPlane : _op == Op.Forward ? RoundUp(g.Q, Gemm.TileRows(_path)) : g.Q;
        int target = _op == Op.Forward ? 512 : 1024;
        return Math.Clamp((target + perImage - 1) / perImage, 1, 64);
    }

    private static int RoundUp(int a, int b) => (a + b - 1) / b * b;

    private static float* Image(float* tensor, int n, int channels, int group, int groupChannels, int plane) =>
        tensor + ((nint)n * channels + (nint)group * groupChannels) * plane;

    /// <summary>
    /// The forward pass over padded images read in place through pointer tables: one table per output row when rows are
    /// whole micro-tiles (<see cref="_rowTables"/>), else one per image over wide rows of Wp positions, whose last
    /// Wp − OW columns are dropped.
    /// </summary>
    private void ForwardTables(int n, int count, int gi)
    {
        ref readonly ConvGeometry g = ref _g;

        // Wide rows: one row segment per image, rounded to whole tiles when stacked; the copies have slack for the
        // rounding, so the extra rows read zeros or padding, never past the input.
        bool stacked = count > 1;
        int mr = Gemm.TileRows(_path);
        int rows = _rowTables ? g.OutPlane : stacked ? RoundUp(g.Q, mr) : g.Q;
        int tables = _rowTables ? g.OH : 1;
        int stride = RoundUp(g.PaddedLength + mr, 16);
        float* ct = Scratch.Work.Get((long)count * rows * g.Kg);
        float** table = (float**)Scratch.Table.Get(2L * count * tables * g.Depth);
        float* padded = stacked || g.NeedsPadCopy ? Scratch.Col.Get((long)count * stride) : null;
        for (int j = 0; j < count; j++)
        {
            float** first = table + (nint)j * tables * g.Depth;
            g.FillTable(ImageOrCopy(padded, stride, n, j, gi), first);
            for (int y = 1; y < tables; y++)
            {
                // Output row y reads the same depth rows y input rows further down.
                float** rowTable = first + (nint)y * g.Depth;
                nint shift = (nint)y * g.Wp;
                for (int p = 0; p < g.Depth; p++)
                {
                    rowTable[p] = first[p] + shift;
                }
            }
        }

        var problem = new GemmProblem
        {
            AKind = AKind.DepthTable,
            ATable = table,
            ASegment = _rowTables ? g.OW : stacked ? rows : 0,
            PackedB = _w + gi * _packedPerGroup,
            C = ct,
            Ldc = g.Kg,
            M = count * rows,
            N = g.Kg,
            K = g.Depth,
            Alpha = 1f,
        };
        Gemm.Run(_path, problem, _gemmThreads);
        float* bias = _bias == null ? null : _bias + (nint)gi * g.Kg;
        int pitch = _rowTables ? g.OW : g.Wp;
        for (int j = 0; j < count; j++)
        {
            float* y = Image(_y, n + j, g.K, gi, g.Kg, g.OutPlane);
            ImageOps.TransposeOut(ct + (nint)j * rows * g.Kg, g.Kg, g.OH, g.OW, pitch, bias, _relu, y, g.OutPlane);
        }
    }

    /// <summary>
    /// Image <paramref name="n"/> + <paramref name="j"/> of group <paramref name="gi"/>, or, when
    /// <paramref name="padded"/> is set, its zero-padded copy made at slot j of it (slots <paramref name="stride"/> floats
    /// apart, the gap zeroed).
    /// </summary>
    private float* ImageOrCopy(float* padded, int stride, int n, int j, int gi)
    {
        ref readonly ConvGeometry g = ref _g;
        float* src = Image(_x, n + j, g.C, gi, g.Cg, g.InPlane);
        if (padded == null)
        {
            return src;
        }

        float* dst = padded + (nint)j * stride;
        ImageOps.PadCopy(src, g.Cg, g.H, g.W, g.Pt, g.Pl, g.Pb, g.Pr, dst, stride - g.Cg * g.Hp * g.Wp);
        return dst;
    }

    /// <summary>
    /// Patch rows of output rows [<paramref name="oh0"/>, <paramref name="oh1"/>) of images n..n + count − 1, one image
    /// after another (<see cref="ImageOps.Im2Row"/>); <paramref name="padded"/> is the single image's padded copy, if
    /// already made.
    /// </summary>
    private float* PatchRows(int n, int count, int gi, int oh0, int oh1, float* padded)
    {
        ref readonly ConvGeometry g = ref _g;
        int piece = (oh1 - oh0) * g.OW;
        float* col = Scratch.Col.Get((long)g.Depth * count * piece + ImageOps.RowSlack);
        for (int j = 0; j < count; j++)
        {
            float* src = padded != null ? padded : Padded(Image(_x, n + j, g.C, gi, g.Cg, g.InPlane));
            ImageOps.Im2Row(src, g, col + (nint)j * piece * g.Depth, oh0, oh1, g.Depth);
        }

        return col;
    }

    /// <summary>
    /// Output gradients (in <paramref name="tensor"/>) of output rows [<paramref name="oh0"/>, oh0 + piece / OW) of
    /// images n..n + count − 1 as one Kg × (count·piece) operand, rows <paramref name="ld"/> apart: the image's own
    /// planes when there is one, else copied side by side.
    /// </summary>
    private float* GradientColumns(float* tensor, int n, int count, int gi, int oh0, int piece, out nint ld)
    {
        ref readonly ConvGeometry g = ref _g;
        if (count == 1)
        {
            ld = g.OutPlane;
            return Image(tensor, n, g.K, gi, g.Kg, g.OutPlane) + (nint)oh0 * g.OW;
        }

        int total = count * piece;
        float* cat = Scratch.Work.Get((long)g.Kg * total);
        for (int j = 0; j < count; j++)
        {
            ImageOps.Widen(Image(tensor, n + j, g.K, gi, g.Kg, g.OutPlane), g.Kg, g.OH, g.OW, g.OW, cat + (nint)j * piece, total);
        }

        ld = total;
        return cat;
    }

    private void ForwardColumns(int n, int count, int gi, int oh0, int oh1, float* padded)
    {
        ref readonly ConvGeometry g = ref _g;
        int piece = (oh1 - oh0) * g.OW, total = count * piece;

        // NOTE: patch rows make a row-major A: read in place with few output channels, else packed contiguously
        // (3136x64x576: 0.87x of the SGEMM-1024 rate in place, 0.70x from transposed columns). Against columns with a
        // transposed pack they took 12-18% off the forward of 4x4 and 2x2 maps at batch 64, and tie from 7x7 up.
        float* col = PatchRows(n, count, gi, oh0, oh1, padded);
        float* ct = Scratch.Work.Get((long)total * g.Kg);
        var problem = new GemmProblem
        {
            A = col,
            Lda = g.Depth,
            PackedB = _w + gi * _packedPerGroup,
            C = ct,
            Ldc = g.Kg,
            M = total,
            N = g.Kg,
            K = g.Depth,
            Alpha = 1f,
        };
        Gemm.Run(_path, problem, _gemmThreads);
        float* bias = _bias == null ? null : _bias + (nint)gi * g.Kg;
        for (int j = 0; j < count; j++)
        {
            float* y = Image(_y, n + j, g.K, gi, g.Kg, g.OutPlane) + (nint)oh0 * g.OW;
            ImageOps.TransposeOut(ct + (nint)j * piece * g.Kg, g.Kg, oh1 - oh0, g.OW, g.OW, bias, _relu, y, g.OutPlane);
        }
    }

    /// <remarks><paramref name="padded"/> is the padded gradient accumulator (null without padding), kept across the
    /// row blocks of one image.</remarks>
    private void BackwardInputColumns(int n, int count, int gi, int oh0, int oh1, float* padded)
    {
        ref readonly ConvGeometry g = ref _g;
        int piece = (oh1 - oh0) * g.OW, total = count * piece;
        // Small images share one GEMM.
        float* dy = GradientColumns(_x, n, count, gi, oh0, piece, out nint ldb);
        float* col = Scratch.Col.Get((long)g.Depth * total);
        var problem = new GemmProblem
        {
            A = _w + (nint)gi * g.Kg * g.Depth,
            Lda = g.Depth,
            TransA = true,
            B = dy,
            Ldb = ldb,
            C = col,
            Ldc = total,
            M = g.Depth,
            N = total,
            K = g.Kg,
            Alpha = 1f,
        };
        Gemm.Run(_path, problem, _gemmThreads);

        // Accumulate into a zero-padded gradient image (or the output itself when there is no padding), crop at the end;
        // several images per GEMM only happen when each is one whole row block.
        for (int j = 0; j < count; j++)
        {
            float* dxg = Image(_y, n + j, g.C, gi, g.Cg, g.InPlane);
            float* acc = padded != null ? padded : dxg;
            if (oh0 == 0)
            {
                new Span<float>(acc, g.Cg * g.Hp * g.Wp).Clear();
            }

            ImageOps.Col2ImAdd(col + (nint)j * piece, g, acc, oh0, oh1, total);
            if (padded != null && oh1 == g.OH)
            {
                ImageOps.Crop(acc, g.Cg, g.H, g.W, g.Pt, g.Pl, g.Pb, g.Pr, dxg);
            }
        }
    }

    private static bool HasPadding(in ConvGeometry g) => g.Pt != 0 || g.Pl != 0 || g.Pb != 0 || g.Pr != 0;

    /// <summary>The image itself if the convolution has no padding, else a zero-padded copy (per thread, reused).</summary>
    private float* Padded(float* image)
    {
        ref readonly ConvGeometry g = ref _g;
        if (!HasPadding(g))
        {
            return image;
        }

        float* padded = Scratch.Pad.Get((long)g.Cg * g.Hp * g.Wp);
        ImageOps.PadCopy(image, g.Cg, g.H, g.W, g.Pt, g.Pl, g.Pb, g.Pr, padded, 0);
        return padded;
    }

    private void BackwardWeightWide(int n, int count, int gi, bool first, int task)
    {
        ref readonly ConvGeometry g = ref _g;

        // Depth segments, one per image: each image has its own row table and its slice of the widened gradient.
        float** table = (float**)Scratch.Table.Get(2L * count * g.Depth);
        int stride = RoundUp(g.PaddedLength, 16);
        float* padded = g.NeedsPadCopy ? Scratch.Col.Get((long)count * stride) : null;
        bool direct = count == 1 && g.Wp == g.OW;
        float* wide = direct ? null : Scratch.Work.Get((long)g.Kg * count * g.Q);
        for (int j = 0; j < count; j++)
        {
            g.FillTable(ImageOrCopy(padded, stride, n, j, gi), table + (nint)j * g.Depth);
            if (!direct)
            {
                ImageOps.Widen(Image(_y, n + j, g.K, gi, g.Kg, g.OutPlane), g.Kg, g.OH, g.OW, g.Wp, wide + (nint)j * g.Q, (nint)count * g.Q);
            }
        }

        var problem = new GemmProblem
        {
            AKind = AKind.RowTable,
            ATable = table,
            ASegment = g.Q,
            B = direct ? Image(_y, n, g.K, gi, g.Kg, g.OutPlane) : wide,
            Ldb = (nint)count * g.Q,
            TransB = true,
            C = _acc + ((long)task * g.G + gi) * g.Depth * g.Kg,
            Ldc = g.Kg,
            M = g.Depth,
            N = g.Kg,
            K = count * g.Q,
            Alpha = 1f,
            Beta = first ? 0f : 1f, // the task's first block overwrites its accumulator
        };
        Gemm.Run(_path, problem, _gemmThreads);
        AccumulateBias(n, count, gi, task, 0, g.OH);
    }

    private void BackwardWeightColumns(int n, int count, int gi, int oh0, int oh1, bool first, int task, float* padded)
    {
        ref readonly ConvGeometry g = ref _g;
        int piece = (oh1 - oh0) * g.OW, total = count * piece;
        float* col = PatchRows(n, count, gi, oh0, oh1, padded);
        float* dy = GradientColumns(_y, n, count, gi, oh0, piece, out nint lda);

        // dw_g (Kg × Depth) += dy (Kg × positions) · patch rows (positions × Depth); task 0 sums straight into dw, the
        // others into partials.
        long perGroup = (long)g.Depth * g.Kg;
        var problem = new GemmProblem
        {
            A = dy,
            Lda = lda,
            B = col,
            Ldb = g.Depth,
            C = task == 0 ? _dw + gi * perGroup : _acc + ((long)(task - 1) * g.G + gi) * perGroup,
            Ldc = g.Depth,
            M = g.Kg,
            N = g.Depth,
            K = total,
            Alpha = 1f,
            Beta = first ? 0f : 1f,
        };
        Gemm.Run(_path, problem, _gemmThreads);
        AccumulateBias(n, count, gi, task, oh0, oh1);
    }

    private void AccumulateBias(int n, int count, int gi, int task, int oh0, int oh1)
    {
        if (_bias == null)
        {
            return;
        }

        ref readonly ConvGeometry g = ref _g;
        float* acc = _biasAcc + (nint)task * g.K + (nint)gi * g.Kg;
        for (int j = 0; j < count; j++)
        {
            float* dyg = Image(_y, n + j, g.K, gi, g.Kg, g.OutPlane);
            for (int k = 0; k < g.Kg; k++)
            {
                acc[k] += TensorPrimitives.Sum(new ReadOnlySpan<float>(dyg + (nint)k * g.OutPlane + (nint)oh0 * g.OW, (oh1 - oh0) * g.OW));
            }
        }
    }
}
