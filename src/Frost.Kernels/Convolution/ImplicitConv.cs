using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Frost.Kernels.Blas;
using Frost.Kernels.Internal;
using Frost.Kernels.Threading;

namespace Frost.Kernels.Convolution;

/// <summary>
/// The forward pass of strided convolutions with a shallow GEMM depth (Cg·R·S) as an implicit GEMM: output channels
/// are the rows of the product and output positions its columns, the B slivers are packed straight from a padded copy
/// of the image (stride, dilation and padding applied while packing, no column matrix), and the micro-tiles are stored
/// into the NCHW output in place.
/// </summary>
/// <remarks>
/// Work is split into blocks of output positions of one image and group; each block is computed by one task with a
/// fixed summation order, so results do not depend on the thread count.
/// </remarks>
internal sealed unsafe class ImplicitConv : IParallelWork
{
    /// <summary>Deepest GEMM run this way: one packed B sliver of this depth stays in L1.</summary>
    public const int MaxDepth = 256;

    // NOTE: the packed B block (depth × positions) is kept near 256 KiB so it and the output block stay in L2.
    private const int BlockFloats = 1 << 16;

    // Zeros after the padded image: vector copies may read a little past a row's last tap.
    private const int ReadSlack = 64;

    [ThreadStatic] private static ImplicitConv? t_current;

    private ConvGeometry _g;
    private GemmPath _path;
    private float* _x;
    private float* _packedW;
    private float* _bias;
    private float* _y;
    private bool _relu;
    private int _mr;
    private int _nr;
    private long _packedPerGroup;
    private int _blockPositions;
    private int _blocks;
    private long _items;
    private int _tasks;
    private int[]? _depthOffsets;

    public static ImplicitConv Current => t_current ??= new ImplicitConv();

    // NOTE: 1x1 stride-2 convolutions at batch 64: 4 and 16 positions ran 23% and 47% faster as explicit patch rows
    // stacked over images, 64 positions 4% slower, 49 positions (batch 16) 7% faster, 196 positions 17% slower.

    /// <summary>Fewest output positions per image run here: below, most lanes of a B sliver would be padding.</summary>
    public const int MinPositions = 64;

    /// <summary>Whether the forward pass of <paramref name="g"/> runs here.</summary>
    public static bool Applies(in ConvGeometry g) => !g.Stride1 && g.Depth <= MaxDepth && g.OutPlane >= MinPositions;

    /// <summary>y = conv(x, w) + bias (bias may be null), optionally max(·, 0).</summary>
    public void Forward(in ConvGeometry g, float* x, float* w, float* bias, float* y, bool relu)
    {
        _g = g;
        _path = Gemm.ActivePath;
        _mr = Gemm.TileRows(_path);
        _nr = Gemm.TileCols(_path);
        _x = x;
        _bias = bias;
        _y = y;
        _relu = relu;

        // A = W_g (Kg × Depth), packed once into slivers of MR output channels over the whole depth.
        int aSlivers = DivUp(g.Kg, _mr);
        _packedPerGroup = (long)aSlivers * _mr * g.Depth;
        _packedW = Scratch.Weights.Get(_packedPerGroup * g.G);
        for (int gi = 0; gi < g.G; gi++)
        {
            Packing.PackStrided(new StridedRows(w + (nint)gi * g.Kg * g.Depth, g.Depth), g.Kg, g.Depth, _mr, 0, aSlivers, _packedW + gi * _packedPerGroup);
        }

        // Offset of each depth row (c, r, s) in the padded image, relative to an output position's origin.
        if (_depthOffsets == null || _depthOffsets.Length < g.Depth)
        {
            _depthOffsets = new int[MaxDepth];
        }

        int plane = g.Hp * g.Wp, p = 0;
        for (int c = 0; c < g.Cg; c++)
        {
            for (int r = 0; r < g.R; r++)
            {
                for (int s = 0; s < g.S; s++)
                {
                    _depthOffsets[p++] = c * plane + r * g.Dh * g.Wp + s * g.Dw;
                }
            }
        }

        _blockPositions = Math.Max(1, BlockFloats / (g.Depth * _nr)) * _nr;
        _blocks = DivUp(g.OutPlane, _blockPositions);
        _items = (long)g.N * g.G * _blocks;
        long fma = (long)g.N * g.K * g.OutPlane * g.Depth;
        _tasks = (int)Math.Min(Gemm.ThreadsFor(fma, KernelOptions.MaxThreads), _items);
        try
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
        finally
        {
            _x = _y = _bias = _packedW = null;
        }
    }

    /// <inheritdoc/>
    public void Execute(int index)
    {
        ref readonly ConvGeometry g = ref _g;
        long i0 = _items * index / _tasks, i1 = _items * (index + 1) / _tasks;
        int plane = g.Hp * g.Wp;
        float* padded = Scratch.Pad.Get((long)g.Cg * plane + ReadSlack);
        float* packedB = Scratch.Col.Get((long)_blockPositions * g.Depth + ReadSlack);
        long loaded = -1;
        int[] depthOffsets = _depthOffsets!;
        fixed (int* offsets = depthOffsets)
        {
            for (long item = i0; item < i1; item++)
            {
                long image = item / _blocks;
                int block = (int)(item - image * _blocks);
                int n = (int)(image / g.G), gi = (int)(image - (long)n * g.G);
                if (image != loaded)
                {
                    float* src = _x + ((nint)n * g.C + (nint)gi * g.Cg) * g.InPlane;
                    ImageOps.PadCopy(src, g.Cg, g.H, g.W, g.Pt, g.Pl, g.Pb, g.Pr, padded, ReadSlack);
                    loaded = image;
                }

                int q0 = block * _blockPositions;
                int count = Math.Min(_blockPositions, g.OutPlane - q0);
                PackB(padded, offsets, q0, count, packedB);
                float* y = _y + ((nint)n * g.K + (nint)gi * g.Kg) * g.OutPlane + q0;
                float* a = _packedW + gi * _packedPerGroup;
                switch (_path)
                {
                    case GemmPath.Avx512:
                        Tiles<Avx512Kernel>(a, packedB, g.Depth, g.Kg, count, y, g.OutPlane);
                        break;
                    case GemmPath.Avx2:
                        Tiles<Avx2Kernel>(a, packedB, g.Depth, g.Kg, count, y, g.OutPlane);
                        break;
                    case GemmPath.Vector128:
                        Tiles<Vector128Kernel>(a, packedB, g.Depth, g.Kg, count, y, g.OutPlane);
                        break;
                    default:
                        Tiles<ScalarKernel>(a, packedB, g.Depth, g.Kg, count, y, g.OutPlane);
                        break;
                }

                if (_bias != null || _relu)
                {
                    float* bias = _bias == null ? null : _bias + (nint)gi * g.Kg;
                    for (int k = 0; k < g.Kg; k++)
                    {
                        ImageOps.BiasRelu(y + (nint)k * g.OutPlane, count, bias == null ? 0f : bias[k], _relu);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs output positions [<paramref name="q0"/>, q0 + <paramref name="count"/>) of the plane as B slivers:
    /// <c>dst[j / NR][p][j % NR]</c> = the input under depth row p for position q0 + j. Lanes past the block are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackB(float* padded, int* depthOffsets, int q0, int count, float* dst)
    {
        ref readonly ConvGeometry g = ref _g;
        int nr = _nr, depth = g.Depth, sw = g.Sw;
        int* runLane = stackalloc int[nr];
        int* runLength = stackalloc int[nr];
        int* runBase = stackalloc int[nr];
        for (int j0 = 0; j0 < count; j0 += nr)
        {
            float* d = dst + (nint)j0 * depth;
            int lanes = Math.Min(nr, count - j0);

            // Runs of lanes within one output row read the image with a fixed step.
            int runs = 0;
            for (int l = 0; l < lanes;)
            {
                int q = q0 + j0 + l;
                int oh = q / g.OW, ow = q - oh * g.OW;
                int len = Math.Min(lanes - l, g.OW - ow);
                runLane[runs] = l;
                runLength[runs] = len;
                runBase[runs] = oh * g.Sh * g.Wp + ow * sw;
                runs++;
                l += len;
            }

            // NOTE: vector copies may write up to a vector past a run; later runs, depth rows and slivers overwrite it.
            for (int p = 0; p < depth; p++)
            {
                float* src = padded + depthOffsets[p];
                float* drow = d + (nint)p * nr;
                for (int i = 0; i < runs; i++)
                {
                    CopyStep(src + runBase[i], sw, drow + runLane[i], runLength[i]);
                }
            }

            if (lanes < nr)
            {
                // Zero the lanes past the block, including what vector copies wrote there.
                for (int p = 0; p < depth; p++)
                {
                    new Span<float>(d + (nint)p * nr + lanes, nr - lanes).Clear();
                }
            }
        }
    }

    /// <summary>
    /// <c>dst[x] = src[x·step]</c> for x &lt; n; may read up to 16·step floats and write up to 15 floats past the ends.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyStep(float* src, int step, float* dst, int n)
    {
        if (step == 2 && Avx512F.IsSupported)
        {
            Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            for (int x = 0; x < n; x += 16)
            {
                Avx512F.PermuteVar16x32x2(Vector512.Load(src + 2 * x), even, Vector512.Load(src + 2 * x + 16)).Store(dst + x);
            }

            return;
        }

        if (step == 2 && Avx2.IsSupported)
        {
            for (int x = 0; x < n; x += 8)
            {
                Vector256<float> v0 = Avx.LoadVector256(src + 2 * x), v1 = Avx.LoadVector256(src + 2 * x + 8);
                Avx2.Permute4x64(Avx.Shuffle(v0, v1, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle().Store(dst + x);
            }

            return;
        }

        if (step == 1 && Vector256.IsHardwareAccelerated)
        {
            for (int x = 0; x < n; x += 8)
            {
                Vector256.Load(src + x).Store(dst + x);
            }

            return;
        }

        for (int x = 0; x < n; x++)
        {
            dst[x] = src[x * step];
        }
    }

    /// <summary>
    /// Computes the Kg × count block <c>y[k·plane + j] = Σ_p a[k][p]·b[p][j]</c> tile by tile from packed slivers,
    /// storing full tiles straight into the output planes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tiles<TK>(float* a, float* b, int depth, int kg, int count, float* y, int plane)
        where TK : struct, IMicroKernel
    {
        int mr = TK.MR, nr = TK.NR;
        float* tile = stackalloc float[TK.MR * TK.NR];
        for (int j0 = 0; j0 < count; j0 += nr)
        {
            float* bs = b + (nint)j0 * depth;
            int cols = Math.Min(nr, count - j0);
            for (int k0 = 0; k0 < kg; k0 += mr)
            {
                float* asl = a + (nint)k0 * depth;
                int rows = Math.Min(mr, kg - k0);
                float* c = y + (nint)k0 * plane + j0;
                if (rows == mr && cols == nr)
                {
                    TK.Compute(depth, asl, mr, bs, nr, c, plane, 1f, 0f);
                    continue;
                }

                TK.Compute(depth, asl, mr, bs, nr, tile, nr, 1f, 0f);
                for (int i = 0; i < rows; i++)
                {
                    new ReadOnlySpan<float>(tile + i * nr, cols).CopyTo(new Span<float>(c + (nint)i * plane, cols));
                }
            }
        }
    }

    private static int DivUp(int a, int b) => (a + b - 1) / b;
}
