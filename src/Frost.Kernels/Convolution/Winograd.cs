using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Frost.Kernels.Blas;
using Frost.Kernels.Internal;
using Frost.Kernels.Threading;

namespace Frost.Kernels.Convolution;

/// <summary>
/// 3×3 stride-1 convolutions by Winograd's minimal filtering F(2×2, 3×3): every 4×4 input tile and every kernel
/// become 16 values, the 16 positions are 16 independent products (tiles × input channels times input channels ×
/// output channels), and every 2×2 output tile comes back from its 16 products: 16 multiplies for 4 outputs
/// instead of 36. Where a batch has tiles enough, all three passes take F(4×4, 3×3) instead: 6×6 input tiles, 36
/// products, 4×4 outputs, rounding relative to each output tile's magnitude rather than each output's. The transformed
/// kernels are written straight into the products' packed layout, once per call; then each thread takes chunks of
/// images small enough for its transformed tiles and products to stay in cache.
/// </summary>
internal sealed unsafe class Winograd : RangeWork
{
    /// <summary>Fewest input and output channels: below it the transforms cost more than the products save.</summary>
    internal static int MinChannels = 32;

    /// <summary>
    /// Fewest input and output channels for the weight gradient: its products are output channels × input channels
    /// summed over tiles, which run well only when both are wide. Half as many do on planes of at most
    /// <see cref="SmallPlane"/> positions, and where it takes F(4×4, 3×3).
    /// </summary>
    // NOTE: weight gradient time over the direct path's at 64 channels, F(2×2): 0.90 at 16² (b64), 1.02–1.09 at 32², 1.5
    // at 56²; F(4×4): 0.77 at 56² (b16), 0.84–0.86 at 28² and 32²; at 32 channels F(4×4) 1.25–1.35.
    internal static int MinWeightGradientChannels = 128;

    /// <summary>Largest plane on which the weight gradient runs from half of <see cref="MinWeightGradientChannels"/>.</summary>
    private const int SmallPlane = 16 * 16;

    /// <summary>Largest output plane (positions) taken: larger maps run well as one GEMM per image already.</summary>
    internal static int MaxPlane = 56 * 56;

    /// <summary>
    /// Floats of transformed tiles (and as many of products) per chunk of images that stay in cache; forward chunks grow
    /// towards the size of the transformed kernels, up to four times this.
    /// </summary>
    internal static long ChunkFloats = 1L << 18;

    /// <summary>
    /// Floats between the positions' matrices beyond their size: without it the 16 or 36 streams a transform writes are
    /// a multiple of 4 KiB apart and fall into the same cache sets.
    /// </summary>
    private const int Skew = 16;

    [ThreadStatic] private static Winograd? t_current;

    private enum Phase
    {
        Weights,
        Images,
        GradientTiles,
        GradientProducts,
        WeightGradient,
    }

    private Phase _phase;
    private ConvGeometry _g;
    private GemmPath _path;
    private bool _flipped;
    private bool _kernelBlocks;
    private bool _relu;
    private int _m;
    private int _tw;
    private int _tiles;
    private int _chunk;
    private int _gemmThreads;
    private long _uStride;
    private float* _x;
    private float* _w;
    private float* _bias;
    private float* _y;
    private float* _u;
    private float* _dy;
    private float* _dw;
    private float* _v;
    private float* _e;
    private long _vStride;
    private long _eStride;
    private int _first;
    private int _images;

    public static Winograd Current => t_current ??= new Winograd();

    /// <summary>Whether <paramref name="g"/> runs here.</summary>
    public static bool Applies(in ConvGeometry g) =>
        g.R == 3 && g.S == 3 && g.Stride1 && g.Dh == 1 && g.Dw == 1 && g.G == 1 && g.C >= MinChannels && g.K >= MinChannels
        && g.OutPlane <= MaxPlane && g.Pt >= 0 && g.Pl >= 0 && g.Pb >= 0 && g.Pr >= 0;

    /// <summary>Whether the weight gradient of <paramref name="g"/> runs here.</summary>
    public static bool AppliesToWeightGradient(in ConvGeometry g) =>
        Applies(g) && Math.Min(g.C, g.K) >= (g.OutPlane <= SmallPlane || LargeTiles(g) ? MinWeightGradientChannels / 2 : MinWeightGradientChannels);

    /// <summary>
    /// y = conv(x, w) + bias (bias may be null), optionally max(·, 0). With <paramref name="flipped"/>, <paramref name="w"/>
    /// holds [C, K, 3, 3] and the kernel of <paramref name="g"/> is its flip with the channel axes swapped (an input gradient).
    /// </summary>
    public void Forward(in ConvGeometry g, float* x, float* w, float* bias, float* y, bool relu, bool flipped)
    {
        Setup(g, x, LargeTiles(g) ? 4 : 2);
        _flipped = flipped;
        _relu = relu;
        _w = w;
        _bias = bias;
        _y = y;

        _uStride = ((Gemm.PackedBLength(_path, g.C, g.K) + 15) & ~15L) + Skew;
        _u = Scratch.Weights.Get(Positions * _uStride);
        _phase = Phase.Weights;
        int nr = Gemm.TileCols(_path);
        _kernelBlocks = !flipped && Avx2.IsSupported && nr % 8 == 0;
        if (_kernelBlocks)
        {
            Dispatch((g.K + nr - 1) / nr * nr / 8, Positions * 8L * g.C); // blocks of eight sliver columns
        }
        else
        {
            Dispatch(g.C, Positions * (long)g.K); // depth rows
        }

        // Chunks small enough for the cache, yet with as many tile values as the transformed kernels, which every
        // chunk reads again (up to four times the cache-sized chunk, which bounds each thread's scratch); and at least
        // one chunk per thread while there are images enough.
        int width = Math.Max(g.C, g.K);
        int perThread = (g.N + KernelOptions.MaxThreads - 1) / Math.Max(1, KernelOptions.MaxThreads);
        long chunkFloats = Math.Clamp(Positions * (long)g.C * g.K, ChunkFloats, 4 * ChunkFloats);
        _chunk = (int)Math.Clamp(chunkFloats / (Positions * (long)_tiles * width), 1, perThread);
        int chunks = (g.N + _chunk - 1) / _chunk;
        if (chunks > 1 && KernelOptions.MaxThreads > 1)
        {
            // As many chunks on every thread, all of about one size.
            int threads = KernelOptions.MaxThreads;
            chunks = (chunks + threads - 1) / threads * threads;
            _chunk = (g.N + chunks - 1) / chunks;
            chunks = (g.N + _chunk - 1) / _chunk;
        }

        _phase = Phase.Images;
        if (chunks >= 2 && KernelOptions.MaxThreads >= 2)
        {
            _gemmThreads = 1;
            Dispatch(chunks, 1L << 17);
        }
        else
        {
            _gemmThreads = Gemm.ThreadsFor(Positions * (long)g.N * _tiles * g.C * g.K, KernelOptions.MaxThreads);
            Run(0, chunks);
        }
    }

    /// <summary>
    /// dw = ∂L/∂w and, if <paramref name="dbias"/> is not null, dbias (both overwritten), by the transposed algorithm:
    /// dw = Gᵀ·[Σ over tiles (Bᵀ·d·B) ⊙ (A·e·Aᵀ)]·G, with d an input tile and e an output-gradient tile (4×4 and 2×2, or
    /// 6×6 and 4×4 where the forward pass would take F(4×4, 3×3)). The sums over tiles are 16 or 36 products (output
    /// channels × tiles times tiles × input channels), one thread each, added chunk after chunk: the result does not
    /// depend on the thread count.
    /// </summary>
    public void BackwardWeight(in ConvGeometry g, float* x, float* dy, float* dw, float* dbias)
    {
        Setup(g, x, LargeTiles(g) ? 4 : 2);
        _dy = dy;

        _uStride = ((long)g.K * g.C) + Skew;
        _u = Scratch.Weights.Get(Positions * _uStride);
        int width = Math.Max(g.C, g.K);
        int chunk = (int)Math.Clamp((4 * ChunkFloats) / (Positions * (long)_tiles * width), 1, g.N);
        _vStride = (chunk * (long)_tiles * g.C) + Skew;
        _eStride = (chunk * (long)_tiles * g.K) + Skew;
        _v = Scratch.Col.Get(Positions * (_vStride + _eStride));
        _e = _v + (Positions * _vStride);
        for (_first = 0; _first < g.N; _first += chunk)
        {
            _images = Math.Min(chunk, g.N - _first);
            _phase = Phase.GradientTiles;
            Dispatch(_images, Positions * (long)_tiles * (g.C + g.K));
            _phase = Phase.GradientProducts;
            Dispatch(Positions, (long)g.K * g.C * _images * _tiles / 64);
        }

        _phase = Phase.WeightGradient;
        _dw = dw;
        Dispatch(g.K, Positions * (long)g.C);
        if (dbias != null)
        {
            for (int k = 0; k < g.K; k++)
            {
                double sum = 0;
                for (int n = 0; n < g.N; n++)
                {
                    sum += System.Numerics.Tensors.TensorPrimitives.Sum(new ReadOnlySpan<float>(dy + ((((long)n * g.K) + k) * g.OutPlane), g.OutPlane));
                }

                dbias[k] = (float)sum;
            }
        }
    }

    /// <summary>
    /// Whether the forward pass of <paramref name="g"/> (or an input gradient) takes F(4×4, 3×3): 36 products for 16
    /// outputs, where F(2×2, 3×3) takes 16 for 4, and 2.25 transformed values per input or output value instead of 4.
    /// Its larger transforms cost more per tile, so it is taken where its products are at most three quarters of
    /// F(2×2)'s (not on maps of 2 or 6 positions a side, where cropped tiles waste the saving), where the batch saves
    /// enough products per kernel to pay for transforming every kernel into 36 values instead of 16, and where those
    /// values take no more memory than F(2×2)'s do at 512 × 512 channels (16 MiB), so the scratch never grows beyond
    /// what F(2×2) needs. Its transforms run eight channels at a time.
    /// </summary>
    // NOTE: time over F(2×2)'s, forward and input gradient: 0.70 at 256ch 56² (b8) and 28² (b32); 0.70–0.86 at 64ch 56²
    // and 128ch 28² (b16); 0.91–1.0 at 256ch 14² (b16, b32); 0.68–0.81 at 64ch 16² and 0.75–0.91 at 128ch 8² (b64);
    // 0.92–0.97 at 32ch 12². Weight gradient: 0.83 at 128ch 28², 0.87 at 64ch 16² and 128ch 8² (b64), 0.88–1.02 at
    // 256ch 14² (b32, b16). Not taken: 1.22 at 10², 1.4 at 6², 2.2 at 2²; 0.97–1.0 at 256ch 4² (b64), whose batch saves
    // 50 products per kernel; 512ch 7², for memory (0.86–0.94 at b32 and b64, 0.9–1.07 at b16): its 37.7 MB of
    // transformed kernels would add 21 MB to the scratch (ResNet18 inference at b16@224: 101 → 121 MiB).
    private static bool LargeTiles(in ConvGeometry g)
    {
        long large = ((g.OH + 3) / 4) * (long)((g.OW + 3) / 4), small = ((g.OH + 1) / 2) * (long)((g.OW + 1) / 2);
        return Avx2.IsSupported && g.C % 8 == 0 && g.K % 8 == 0 && Gemm.TileCols(Gemm.ActivePath) % 8 == 0
            && 3 * large <= small && g.N * ((16 * small) - (36 * large)) >= 36 * 64 && 36L * g.C * g.K <= 16L * 512 * 512;
    }

    /// <summary>Transformed values per tile and kernel: the positions of the (m + 2)×(m + 2) input tiles, one product each.</summary>
    private int Positions => (_m + 2) * (_m + 2);

    /// <summary>The geometry, the input and the tiling: <paramref name="m"/>×<paramref name="m"/> output tiles, the last ones cropped.</summary>
    private void Setup(in ConvGeometry g, float* x, int m)
    {
        _g = g;
        _path = Gemm.ActivePath;
        _x = x;
        _m = m;
        _tw = (g.OW + m - 1) / m;
        _tiles = ((g.OH + m - 1) / m) * _tw;
    }

    /// <inheritdoc/>
    protected override void Run(int begin, int end)
    {
        switch (_phase)
        {
            case Phase.Weights when _kernelBlocks:
                TransformKernelBlocks(begin, end);
                return;
            case Phase.Weights:
                TransformWeights(begin, end);
                return;
            case Phase.GradientTiles:
                for (int i = begin; i < end; i++)
                {
                    TransformImage(_first + i, _v + ((long)i * _tiles * _g.C), _vStride);
                    TransformGradient(_first + i, _e + ((long)i * _tiles * _g.K), _eStride);
                }

                return;
            case Phase.GradientProducts:
                for (int xi = begin; xi < end; xi++)
                {
                    GradientProduct(xi);
                }

                return;
            case Phase.WeightGradient when _m == 4:
                InverseTransformWeightsLarge(begin, end);
                return;
            case Phase.WeightGradient:
                InverseTransformWeights(begin, end);
                return;
            default:
                break; // Phase.Images: chunks [begin, end)
        }

        ref readonly var g = ref _g;
        long vStride = (_chunk * (long)_tiles * g.C) + Skew, mStride = (_chunk * (long)_tiles * g.K) + Skew;
        float* v = Scratch.Col.Get(Positions * vStride);
        float* m = Scratch.Work.Get(Positions * mStride);
        for (int chunk = begin; chunk < end; chunk++)
        {
            int first = chunk * _chunk, images = Math.Min(_chunk, g.N - first);
            for (int i = 0; i < images; i++)
            {
                TransformImage(first + i, v + ((long)i * _tiles * g.C), vStride);
            }

            for (int xi = 0; xi < Positions; xi++)
            {
                var problem = new GemmProblem
                {
                    A = v + (xi * vStride),
                    Lda = g.C,
                    PackedB = _u + (xi * _uStride),
                    C = m + (xi * mStride),
                    Ldc = g.K,
                    M = images * _tiles,
                    N = g.K,
                    K = g.C,
                    Alpha = 1f,
                    Beta = 0f,
                };
                Gemm.Run(_path, problem, _gemmThreads);
            }

            for (int i = 0; i < images; i++)
            {
                TransformOutput(first + i, m + ((long)i * _tiles * g.K), mStride);
            }
        }
    }

    /// <summary>
    /// U = G·g·Gᵀ for depth rows [begin, end) of the products' B (C × K), written in the GEMM's packed layout.
    /// Forward, entry (c, k) is kernel k·C + c; flipped, it is kernel c·K + k turned by 180°, and the kernels of a
    /// row lie one after the other.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TransformWeights(int begin, int end)
    {
        ref readonly var g = ref _g;
        int nr = Gemm.TileCols(_path), kcMax = Gemm.DepthBlock(_path);
        int nPad = (g.K + nr - 1) / nr * nr;
        Vector256<int> index = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * (_flipped ? 9 : 9 * g.C);
        for (int r = begin; r < end; r++)
        {
            int pc = r - (r % kcMax), kc = Math.Min(kcMax, g.C - pc);
            float* row = _u + ((long)pc * nPad) + ((r - pc) * nr);
            int k = 0;
            if (Avx2.IsSupported && nr % 8 == 0)
            {
                for (; k + 8 <= g.K; k += 8)
                {
                    KernelEight(Kernel(r, k), index, row + ((long)(k / nr) * kc * nr) + (k % nr));
                }
            }

            for (; k < nPad; k++)
            {
                TransformOneOrZero(r, k, row + ((long)(k / nr) * kc * nr) + (k % nr));
            }
        }
    }

    /// <summary>
    /// The same for sliver columns [8·begin, 8·end) over every depth row, eight kernels at a time through gathers: for
    /// the forward pass, whose kernels of a row lie 9·C floats apart. Walking the depth rows innermost, the gathers of
    /// one row find the cache lines the previous row loaded, and each of the matrices is written in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TransformKernelBlocks(int begin, int end)
    {
        ref readonly var g = ref _g;
        int nr = Gemm.TileCols(_path), kcMax = Gemm.DepthBlock(_path);
        int nPad = (g.K + nr - 1) / nr * nr;
        Vector256<int> index = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * (_flipped ? 9 : 9 * g.C);
        for (int block = begin; block < end; block++)
        {
            int k = 8 * block;
            for (int r = 0; r < g.C; r++)
            {
                int pc = r - (r % kcMax), kc = Math.Min(kcMax, g.C - pc);
                float* o = _u + ((long)pc * nPad) + ((r - pc) * nr) + ((long)(k / nr) * kc * nr) + (k % nr);
                if (k + 8 <= g.K)
                {
                    KernelEight(Kernel(r, k), index, o);
                    continue;
                }

                for (int j = 0; j < 8; j++)
                {
                    TransformOneOrZero(r, k + j, o + j);
                }
            }
        }
    }

    /// <summary>U of eight kernels, by the transform of the tile size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void KernelEight(float* f, Vector256<int> index, float* o)
    {
        if (_m == 4)
        {
            TransformEightLarge(f, index, _flipped, o, _uStride);
        }
        else
        {
            TransformEight(f, index, _flipped, o, _uStride);
        }
    }

    /// <summary>The nine taps of entry (<paramref name="r"/>, <paramref name="k"/>) of B (reversed when flipped).</summary>
    private float* Kernel(int r, int k) => _flipped ? _w + ((((long)r * _g.K) + k) * 9) : _w + ((((long)k * _g.C) + r) * 9);

    /// <summary>U of entry (<paramref name="r"/>, <paramref name="k"/>), or zeros for a sliver column past the last kernel.</summary>
    private void TransformOneOrZero(int r, int k, float* o)
    {
        long stride = _uStride;
        if (k >= _g.K)
        {
            for (int xi = 0; xi < Positions; xi++)
            {
                o[xi * stride] = 0f;
            }

            return;
        }

        if (_m != 2)
        {
            throw new InvalidOperationException("Winograd: F(4×4, 3×3) transforms kernels eight at a time only.");
        }

        float* f = Kernel(r, k);
        if (_flipped)
        {
            TransformOne(f[8], f[7], f[6], f[5], f[4], f[3], f[2], f[1], f[0], o, stride);
        }
        else
        {
            TransformOne(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], o, stride);
        }
    }

    /// <summary>U = G·g·Gᵀ of one kernel with taps g0..g8 (row-major), its 16 values <paramref name="stride"/> apart.</summary>
    private static void TransformOne(float g0, float g1, float g2, float g3, float g4, float g5, float g6, float g7, float g8, float* o, long stride)
    {
        // t = G·g: rows g0..2, ½(sum), ½(alternating sum), g6..8; then the same on columns.
        Row(o, stride, g0, g1, g2);
        Row(o + (4 * stride), stride, 0.5f * (g0 + g3 + g6), 0.5f * (g1 + g4 + g7), 0.5f * (g2 + g5 + g8));
        Row(o + (8 * stride), stride, 0.5f * (g0 - g3 + g6), 0.5f * (g1 - g4 + g7), 0.5f * (g2 - g5 + g8));
        Row(o + (12 * stride), stride, g6, g7, g8);

        static void Row(float* o, long stride, float a, float b, float c)
        {
            o[0] = a;
            o[stride] = 0.5f * (a + b + c);
            o[2 * stride] = 0.5f * (a - b + c);
            o[3 * stride] = c;
        }
    }

    /// <summary>The scalar transform of eight kernels at once: tap j of kernel i at f[index[i] + j] (reversed when flipped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformEight(float* f, Vector256<int> index, bool flipped, float* o, long stride)
    {
        Vector256<float> Tap(int j) => Avx2.GatherVector256(f + (flipped ? 8 - j : j), index, 4);
        Vector256<float> g0 = Tap(0), g1 = Tap(1), g2 = Tap(2), g3 = Tap(3), g4 = Tap(4), g5 = Tap(5), g6 = Tap(6), g7 = Tap(7), g8 = Tap(8);
        var half = Vector256.Create(0.5f);
        Row(o, stride, g0, g1, g2, half);
        Row(o + (4 * stride), stride, half * (g0 + g3 + g6), half * (g1 + g4 + g7), half * (g2 + g5 + g8), half);
        Row(o + (8 * stride), stride, half * (g0 - g3 + g6), half * (g1 - g4 + g7), half * (g2 - g5 + g8), half);
        Row(o + (12 * stride), stride, g6, g7, g8, half);

        static void Row(float* o, long stride, Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> half)
        {
            Avx.Store(o, a);
            Avx.Store(o + stride, half * (a + b + c));
            Avx.Store(o + (2 * stride), half * (a - b + c));
            Avx.Store(o + (3 * stride), c);
        }
    }

    /// <summary>V = Bᵀ·d·B for every input tile (4×4, or 6×6 with F(4×4)) of image <paramref name="n"/>: position ξ of its tile t, channel c at o[ξ·stride + t·C + c].</summary>
    /// <remarks>The image is first copied channels-last with its padding, so eight channels of a tile are one vector.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TransformImage(int n, float* o, long vs)
    {
        ref readonly var g = ref _g;
        int ch = g.C;
        int th = _tiles / _tw, m = _m;
        int hp = (m * th) + 2, wp = (m * _tw) + 2;
        long rs = (long)wp * ch;
        float* pad = Scratch.Pad.Get(hp * rs);
        float* image = _x + ((long)n * ch * g.InPlane);
        int rows = Math.Min(g.H, hp - g.Pt), cols = Math.Min(g.W, wp - g.Pl);

        // Only the padding is cleared; each image row is transposed over the rest (channels × columns to columns ×
        // channels).
        long left = (long)g.Pl * ch, right = (long)(g.Pl + cols) * ch;
        new Span<float>(pad, checked((int)(g.Pt * rs))).Clear();
        new Span<float>(pad + ((g.Pt + rows) * rs), checked((int)((hp - g.Pt - rows) * rs))).Clear();
        for (int r = 0; r < rows; r++)
        {
            float* line = pad + ((r + g.Pt) * rs);
            new Span<float>(line, (int)left).Clear();
            new Span<float>(line + right, (int)(rs - right)).Clear();
            ImageOps.Transpose(image + ((long)r * g.W), g.InPlane, ch, cols, line + left, ch);
        }

        float* t36 = stackalloc float[36 * 8];
        for (int t = 0; t < _tiles; t++)
        {
            int ty = t / _tw, tx = t % _tw;
            float* ot = o + ((long)t * ch);
            float* d = pad + ((long)m * ty * rs) + ((long)m * tx * ch);
            int c = 0;
            if (m == 4)
            {
                for (; c < ch; c += 8)
                {
                    TileEightLarge(d + c, rs, ch, ot + c, vs, t36);
                }

                continue;
            }

            if (Vector256.IsHardwareAccelerated)
            {
                for (; c + 8 <= ch; c += 8)
                {
                    TileEight(d + c, rs, ch, ot + c, vs);
                }
            }

            for (; c < ch; c++)
            {
                // Bᵀ·d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3; then the same on columns.
                float* r0 = d + c, r1 = r0 + rs, r2 = r1 + rs, r3 = r2 + rs;
                float* oc = ot + c;
                Row(oc, vs, r0[0] - r2[0], r0[ch] - r2[ch], r0[2 * ch] - r2[2 * ch], r0[3 * ch] - r2[3 * ch]);
                Row(oc + (4 * vs), vs, r1[0] + r2[0], r1[ch] + r2[ch], r1[2 * ch] + r2[2 * ch], r1[3 * ch] + r2[3 * ch]);
                Row(oc + (8 * vs), vs, r2[0] - r1[0], r2[ch] - r1[ch], r2[2 * ch] - r1[2 * ch], r2[3 * ch] - r1[3 * ch]);
                Row(oc + (12 * vs), vs, r1[0] - r3[0], r1[ch] - r3[ch], r1[2 * ch] - r3[2 * ch], r1[3 * ch] - r3[3 * ch]);
            }
        }

        static void Row(float* o, long stride, float a, float b, float c, float d)
        {
            o[0] = a - c;
            o[stride] = b + c;
            o[2 * stride] = c - b;
            o[3 * stride] = b - d;
        }
    }

    /// <summary>The scalar tile transform for eight channels at once: tap (i, j) of channel c at d[i·rs + j·ch + c].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TileEight(float* d, long rs, int ch, float* o, long vs)
    {
        float* r0 = d, r1 = d + rs, r2 = r1 + rs, r3 = r2 + rs;
        Vector256<float> Tap(float* row, int j) => Vector256.Load(row + ((long)j * ch));
        var a0 = Tap(r0, 0); var a1 = Tap(r0, 1); var a2 = Tap(r0, 2); var a3 = Tap(r0, 3);
        var b0 = Tap(r1, 0); var b1 = Tap(r1, 1); var b2 = Tap(r1, 2); var b3 = Tap(r1, 3);
        var c0 = Tap(r2, 0); var c1 = Tap(r2, 1); var c2 = Tap(r2, 2); var c3 = Tap(r2, 3);
        var e0 = Tap(r3, 0); var e1 = Tap(r3, 1); var e2 = Tap(r3, 2); var e3 = Tap(r3, 3);
        Row(o, vs, a0 - c0, a1 - c1, a2 - c2, a3 - c3);
        Row(o + (4 * vs), vs, b0 + c0, b1 + c1, b2 + c2, b3 + c3);
        Row(o + (8 * vs), vs, c0 - b0, c1 - b1, c2 - b2, c3 - b3);
        Row(o + (12 * vs), vs, b0 - e0, b1 - e1, b2 - e2, b3 - e3);

        static void Row(float* o, long stride, Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
        {
            (a - c).Store(o);
            (b + c).Store(o + stride);
            (c - b).Store(o + (2 * stride));
            (b - d).Store(o + (3 * stride));
        }
    }

    /// <summary>E = A·e·Aᵀ for every tile (2×2, or 4×4 with F(4×4)) of image <paramref name="n"/>'s output gradient (zero beyond the map): position ξ of tile t, channel k at o[ξ·stride + t·K + k].</summary>
    /// <remarks>Each row of tiles' gradient rows is first transposed channels-last (m·tw positions × K per row, zeros past the map), so eight channels of a tile are one vector.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TransformGradient(int n, float* o, long es)
    {
        ref readonly var g = ref _g;
        int plane = g.OutPlane;
        float* image = _dy + ((long)n * g.K * plane);
        int tm = _m;
        long row = (long)tm * _tw * g.K;
        float* stage = Scratch.Pad.Get(tm * row);
        float* t24 = stackalloc float[24 * 8];
        new Span<float>(stage, checked((int)(tm * row))).Clear();
        for (int ty = 0; ty < _tiles / _tw; ty++)
        {
            for (int r = 0; r < tm; r++)
            {
                int oy = (tm * ty) + r;
                if (oy < g.OH)
                {
                    ImageOps.Transpose(image + ((long)oy * g.OW), plane, g.K, g.OW, stage + (r * row), g.K);
                }
                else
                {
                    new Span<float>(stage + (r * row), checked((int)row)).Clear();
                }
            }

            for (int tx = 0; tx < _tw; tx++)
            {
                float* st = stage + ((long)tm * tx * g.K);
                float* ot = o + ((long)((ty * _tw) + tx) * g.K);
                int k = 0;
                if (tm == 4)
                {
                    for (; k < g.K; k += 8)
                    {
                        GradientEightLarge(st + k, g.K, row, ot + k, es, t24);
                    }

                    continue;
                }

                if (Vector256.IsHardwareAccelerated)
                {
                    for (; k + 8 <= g.K; k += 8)
                    {
                        GradientEight(st + k, g.K, row, ot + k, es);
                    }
                }

                for (; k < g.K; k++)
                {
                    GradientOne(st[k], st[g.K + k], st[row + k], st[row + g.K + k], ot + k, es);
                }
            }
        }
    }

    /// <summary>E = A·e·Aᵀ of one channel of a 2×2 gradient tile, its 16 values <paramref name="es"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GradientOne(float e00, float e01, float e10, float e11, float* o, long es)
    {
        // A·e: rows e0, e0 + e1, e0 − e1, −e1; then the same on columns.
        Row(o, es, e00, e01);
        Row(o + (4 * es), es, e00 + e10, e01 + e11);
        Row(o + (8 * es), es, e00 - e10, e01 - e11);
        Row(o + (12 * es), es, -e10, -e11);

        static void Row(float* o, long stride, float a, float b)
        {
            o[0] = a;
            o[stride] = a + b;
            o[2 * stride] = a - b;
            o[3 * stride] = -b;
        }
    }

    /// <summary>The same for eight channels at once: e00 at e[0..8), e01 at e[col..], e10 at e[row..], e11 at e[row + col..].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GradientEight(float* e, long col, long row, float* o, long es)
    {
        Vector256<float> e00 = Vector256.Load(e), e01 = Vector256.Load(e + col);
        Vector256<float> e10 = Vector256.Load(e + row), e11 = Vector256.Load(e + row + col);
        Row(o, es, e00, e01);
        Row(o + (4 * es), es, e00 + e10, e01 + e11);
        Row(o + (8 * es), es, e00 - e10, e01 - e11);
        Row(o + (12 * es), es, -e10, -e11);

        static void Row(float* o, long stride, Vector256<float> a, Vector256<float> b)
        {
            a.Store(o);
            (a + b).Store(o + stride);
            (a - b).Store(o + (2 * stride));
            (-b).Store(o + (3 * stride));
        }
    }

    /// <summary>Z[ξ] (K × C) += E[ξ]ᵀ (K × tiles) · V[ξ] (tiles × C) over this chunk's tiles, on one thread.</summary>
    private void GradientProduct(int xi)
    {
        ref readonly var g = ref _g;
        var problem = new GemmProblem
        {
            A = _e + (xi * _eStride),
            Lda = g.K,
            TransA = true,
            B = _v + (xi * _vStride),
            Ldb = g.C,
            C = _u + (xi * _uStride),
            Ldc = g.C,
            M = g.K,
            N = g.C,
            K = _images * _tiles,
            Alpha = 1f,
            Beta = _first == 0 ? 0f : 1f,
        };
        Gemm.Run(_path, problem, 1);
    }

    /// <summary>dw = Gᵀ·Z·G for output channels [begin, end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InverseTransformWeights(int begin, int end)
    {
        ref readonly var g = ref _g;
        long zs = _uStride;
        for (int k = begin; k < end; k++)
        {
            for (int c = 0; c < g.C; c++)
            {
                float* z = _u + ((long)k * g.C) + c;
                float* o = _dw + ((((long)k * g.C) + c) * 9);

                // Gᵀ·Z: rows z0 + ½(z1 + z2), ½(z1 − z2), ½(z1 + z2) + z3; then the same on columns.
                float z00 = z[0], z01 = z[zs], z02 = z[2 * zs], z03 = z[3 * zs];
                float z10 = z[4 * zs], z11 = z[5 * zs], z12 = z[6 * zs], z13 = z[7 * zs];
                float z20 = z[8 * zs], z21 = z[9 * zs], z22 = z[10 * zs], z23 = z[11 * zs];
                float z30 = z[12 * zs], z31 = z[13 * zs], z32 = z[14 * zs], z33 = z[15 * zs];
                Row(o, z00 + (0.5f * (z10 + z20)), z01 + (0.5f * (z11 + z21)), z02 + (0.5f * (z12 + z22)), z03 + (0.5f * (z13 + z23)));
                Row(o + 3, 0.5f * (z10 - z20), 0.5f * (z11 - z21), 0.5f * (z12 - z22), 0.5f * (z13 - z23));
                Row(o + 6, (0.5f * (z10 + z20)) + z30, (0.5f * (z11 + z21)) + z31, (0.5f * (z12 + z22)) + z32, (0.5f * (z13 + z23)) + z33);
            }
        }

        static void Row(float* o, float a, float b, float c, float d)
        {
            o[0] = a + (0.5f * (b + c));
            o[1] = 0.5f * (b - c);
            o[2] = (0.5f * (b + c)) + d;
        }
    }

    /// <summary>y = Aᵀ·m·A (+ bias, ReLU) for every tile of image <paramref name="n"/>, cropped to the output; m holds its tiles' products.</summary>
    /// <remarks>A row of tiles is written channels-last (m output rows of m·tw positions × K, m the tile side), then transposed into the K planes with the bias and ReLU.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TransformOutput(int n, float* m, long ms)
    {
        ref readonly var g = ref _g;
        int plane = g.OutPlane;
        float* image = _y + ((long)n * g.K * plane);
        int tm = _m;
        long row = (long)tm * _tw * g.K;
        float* stage = Scratch.Pad.Get(tm * row);
        float* t24 = stackalloc float[24 * 8];
        for (int ty = 0; ty < _tiles / _tw; ty++)
        {
            for (int tx = 0; tx < _tw; tx++)
            {
                float* mt = m + ((long)((ty * _tw) + tx) * g.K);
                float* st = stage + ((long)tm * tx * g.K);
                int k = 0;
                if (tm == 4)
                {
                    for (; k < g.K; k += 8)
                    {
                        OutputEightLarge(mt + k, ms, st + k, g.K, row, t24);
                    }

                    continue;
                }

                if (Vector256.IsHardwareAccelerated)
                {
                    for (; k + 8 <= g.K; k += 8)
                    {
                        OutputEight(mt + k, ms, st + k, g.K, row);
                    }
                }

                for (; k < g.K; k++)
                {
                    OutputOne(mt + k, ms, st + k, g.K, row);
                }
            }

            int oy = tm * ty;
            ImageOps.TransposeOut(stage, g.K, Math.Min(tm, g.OH - oy), g.OW, tm * _tw, _bias, _relu, image + ((long)oy * g.OW), plane);
        }
    }

    /// <summary>
    /// The 2×2 outputs of one channel of a tile: (0, 0) at o[0], (0, 1) at o[<paramref name="col"/>], (1, 0) at
    /// o[<paramref name="row"/>] and (1, 1) at o[row + col].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputOne(float* mk, long ms, float* o, long col, long row)
    {
        // Aᵀ·m: rows m0 + m1 + m2 and m1 − m2 − m3, then the same on columns.
        float m00 = mk[0], m01 = mk[ms], m02 = mk[2 * ms], m03 = mk[3 * ms];
        float m10 = mk[4 * ms], m11 = mk[5 * ms], m12 = mk[6 * ms], m13 = mk[7 * ms];
        float m20 = mk[8 * ms], m21 = mk[9 * ms], m22 = mk[10 * ms], m23 = mk[11 * ms];
        float m30 = mk[12 * ms], m31 = mk[13 * ms], m32 = mk[14 * ms], m33 = mk[15 * ms];
        float s0 = m00 + m10 + m20, s1 = m01 + m11 + m21, s2 = m02 + m12 + m22, s3 = m03 + m13 + m23;
        float t0 = m10 - m20 - m30, t1 = m11 - m21 - m31, t2 = m12 - m22 - m32, t3 = m13 - m23 - m33;
        o[0] = s0 + s1 + s2;
        o[col] = s1 - s2 - s3;
        o[row] = t0 + t1 + t2;
        o[row + col] = t1 - t2 - t3;
    }

    /// <summary>The same for eight channels at once, each of the four outputs eight consecutive floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputEight(float* mk, long ms, float* o, long col, long row)
    {
        Vector256<float> M(int xi) => Vector256.Load(mk + (xi * ms));
        Vector256<float> s0 = M(0) + M(4) + M(8), s1 = M(1) + M(5) + M(9), s2 = M(2) + M(6) + M(10), s3 = M(3) + M(7) + M(11);
        Vector256<float> t0 = M(4) - M(8) - M(12), t1 = M(5) - M(9) - M(13), t2 = M(6) - M(10) - M(14), t3 = M(7) - M(11) - M(15);
        (s0 + s1 + s2).Store(o);
        (s1 - s2 - s3).Store(o + col);
        (t0 + t1 + t2).Store(o + row);
        (t1 - t2 - t3).Store(o + row + col);
    }

    /// <summary>
    /// U = G·g·Gᵀ of F(4×4, 3×3) for eight kernels at once (tap j of kernel i at f[index[i] + j], reversed when
    /// flipped), its 36 values <paramref name="stride"/> apart. G's rows: ¼g0; −⅙(g0 + g1 + g2); −⅙(g0 − g1 + g2);
    /// g0/24 + g1/12 + g2/6; g0/24 − g1/12 + g2/6; g2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformEightLarge(float* f, Vector256<int> index, bool flipped, float* o, long stride)
    {
        Vector256<float> Tap(int j) => Avx2.GatherVector256(f + (flipped ? 8 - j : j), index, 4);
        Vector256<float> g0 = Tap(0), g1 = Tap(1), g2 = Tap(2), g3 = Tap(3), g4 = Tap(4), g5 = Tap(5), g6 = Tap(6), g7 = Tap(7), g8 = Tap(8);
        var (a0, a1, a2, a3, a4, a5) = Column(g0, g3, g6);
        var (b0, b1, b2, b3, b4, b5) = Column(g1, g4, g7);
        var (c0, c1, c2, c3, c4, c5) = Column(g2, g5, g8);
        Row(o, stride, a0, b0, c0);
        Row(o + (6 * stride), stride, a1, b1, c1);
        Row(o + (12 * stride), stride, a2, b2, c2);
        Row(o + (18 * stride), stride, a3, b3, c3);
        Row(o + (24 * stride), stride, a4, b4, c4);
        Row(o + (30 * stride), stride, a5, b5, c5);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) Column(Vector256<float> a, Vector256<float> b, Vector256<float> c)
        {
            Vector256<float> sum = a + c, quarter = Vector256.Create(0.25f) * a, sixth = Vector256.Create(1f / 6f);
            Vector256<float> even = (Vector256.Create(1f / 24f) * a) + (sixth * c), odd = Vector256.Create(1f / 12f) * b;
            return (quarter, -sixth * (sum + b), sixth * (b - sum), even + odd, even - odd, c);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Row(float* o, long stride, Vector256<float> a, Vector256<float> b, Vector256<float> c)
        {
            var (u0, u1, u2, u3, u4, u5) = Column(a, b, c);
            u0.Store(o);
            u1.Store(o + stride);
            u2.Store(o + (2 * stride));
            u3.Store(o + (3 * stride));
            u4.Store(o + (4 * stride));
            u5.Store(o + (5 * stride));
        }
    }

    /// <summary>
    /// V = Bᵀ·d·B of F(4×4, 3×3) for eight channels of a 6×6 tile (tap (i, j) of channel c at d[i·rs + j·ch + c]), its
    /// 36 values <paramref name="vs"/> apart. Bᵀ's rows: 4d0 − 5d2 + d4; −4(d1 + d2) + d3 + d4; 4(d1 − d2) − d3 + d4;
    /// 2(d3 − d1) − d2 + d4; 2(d1 − d3) − d2 + d4; 4d1 − 5d3 + d5.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TileEightLarge(float* d, long rs, int ch, float* o, long vs, float* t)
    {
        // Bᵀ on the columns of each row first (six rows of six, into t: 36 vectors), then on the rows of the result.
        for (int i = 0; i < 6; i++)
        {
            float* r = d + (i * rs);
            Vector256<float> Tap(int j) => Vector256.Load(r + ((long)j * ch));
            Transform(Tap(0), Tap(1), Tap(2), Tap(3), Tap(4), Tap(5), t + (i * 8), 48);
        }

        for (int j = 0; j < 6; j++)
        {
            float* c = t + (j * 48);
            Transform(Vector256.Load(c), Vector256.Load(c + 8), Vector256.Load(c + 16), Vector256.Load(c + 24), Vector256.Load(c + 32), Vector256.Load(c + 40), o + (j * vs), 6 * vs);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Transform(Vector256<float> d0, Vector256<float> d1, Vector256<float> d2, Vector256<float> d3, Vector256<float> d4, Vector256<float> d5, float* o, long stride)
        {
            Vector256<float> four = Vector256.Create(4f), two = Vector256.Create(2f);
            Vector256<float> a = Vector256.MultiplyAddEstimate(-four, d2, d4), b = Vector256.MultiplyAddEstimate(-four, d1, d3);
            Vector256<float> c = d4 - d2, e = d3 - d1;
            Vector256.MultiplyAddEstimate(four, d0 - d2, c).Store(o);
            (a + b).Store(o + stride);
            (a - b).Store(o + (2 * stride));
            Vector256.MultiplyAddEstimate(two, e, c).Store(o + (3 * stride));
            Vector256.MultiplyAddEstimate(-two, e, c).Store(o + (4 * stride));
            Vector256.MultiplyAddEstimate(four, d1 - d3, d5 - d3).Store(o + (5 * stride));
        }
    }

    /// <summary>
    /// The 4×4 outputs y = Aᵀ·m·A of F(4×4, 3×3) for eight channels of a tile (product ξ at mk[ξ·ms]): output (i, j)
    /// at o[i·row + j·col], eight consecutive floats. Aᵀ's rows: m0 + m1 + m2 + m3 + m4; m1 − m2 + 2(m3 − m4);
    /// m1 + m2 + 4(m3 + m4); m1 − m2 + 8(m3 − m4) + m5.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputEightLarge(float* mk, long ms, float* o, long col, long row, float* t)
    {
        // Aᵀ on the columns of each of the six rows of products (into t: 24 vectors), then on the rows of the 6×4 result.
        for (int i = 0; i < 6; i++)
        {
            float* r = mk + (6 * i * ms);
            Transform(Vector256.Load(r), Vector256.Load(r + ms), Vector256.Load(r + (2 * ms)), Vector256.Load(r + (3 * ms)), Vector256.Load(r + (4 * ms)), Vector256.Load(r + (5 * ms)), t + (i * 8), 48);
        }

        for (int j = 0; j < 4; j++)
        {
            float* c = t + (j * 48);
            Transform(Vector256.Load(c), Vector256.Load(c + 8), Vector256.Load(c + 16), Vector256.Load(c + 24), Vector256.Load(c + 32), Vector256.Load(c + 40), o + (j * col), row);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Transform(Vector256<float> m0, Vector256<float> m1, Vector256<float> m2, Vector256<float> m3, Vector256<float> m4, Vector256<float> m5, float* o, long stride)
        {
            Vector256<float> sum12 = m1 + m2, diff12 = m1 - m2, sum34 = m3 + m4, diff34 = m3 - m4;
            (m0 + sum12 + sum34).Store(o);
            Vector256.MultiplyAddEstimate(Vector256.Create(2f), diff34, diff12).Store(o + stride);
            Vector256.MultiplyAddEstimate(Vector256.Create(4f), sum34, sum12).Store(o + (2 * stride));
            Vector256.MultiplyAddEstimate(Vector256.Create(8f), diff34, diff12 + m5).Store(o + (3 * stride));
        }
    }

    /// <summary>
    /// E = A·e·Aᵀ of F(4×4, 3×3) for eight channels of a 4×4 output-gradient tile (e(i, j) at e[i·row + j·col]), its
    /// 36 values <paramref name="es"/> apart. A's rows: e0; e0 + e1 + e2 + e3; e0 − e1 + e2 − e3; e0 + 2e1 + 4e2 + 8e3;
    /// e0 − 2e1 + 4e2 − 8e3; e3.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GradientEightLarge(float* e, long col, long row, float* o, long es, float* t)
    {
        // A on the columns of each of the four rows (into t: 24 vectors), then on the rows of the 4×6 result.
        for (int i = 0; i < 4; i++)
        {
            float* r = e + (i * row);
            Transform(Vector256.Load(r), Vector256.Load(r + col), Vector256.Load(r + (2 * col)), Vector256.Load(r + (3 * col)), t + (i * 8), 32);
        }

        for (int j = 0; j < 6; j++)
        {
            float* c = t + (j * 32);
            Transform(Vector256.Load(c), Vector256.Load(c + 8), Vector256.Load(c + 16), Vector256.Load(c + 24), o + (j * es), 6 * es);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Transform(Vector256<float> e0, Vector256<float> e1, Vector256<float> e2, Vector256<float> e3, float* o, long stride)
        {
            Vector256<float> four = Vector256.Create(4f), two = Vector256.Create(2f);
            Vector256<float> even = e0 + e2, odd = e1 + e3;
            Vector256<float> even4 = Vector256.MultiplyAddEstimate(four, e2, e0), odd4 = Vector256.MultiplyAddEstimate(four, e3, e1);
            e0.Store(o);
            (even + odd).Store(o + stride);
            (even - odd).Store(o + (2 * stride));
            Vector256.MultiplyAddEstimate(two, odd4, even4).Store(o + (3 * stride));
            Vector256.MultiplyAddEstimate(-two, odd4, even4).Store(o + (4 * stride));
            e3.Store(o + (5 * stride));
        }
    }

    /// <summary>dw = Gᵀ·Z·G of F(4×4, 3×3) for output channels [begin, end): Gᵀ's rows z0/4 − (z1 + z2)/6 + (z3 + z4)/24; (z2 − z1)/6 + (z3 − z4)/12; (z3 + z4 − z1 − z2)/6 + z5.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InverseTransformWeightsLarge(int begin, int end)
    {
        ref readonly var g = ref _g;
        long zs = _uStride;
        float* r = stackalloc float[18];
        for (int k = begin; k < end; k++)
        {
            for (int c = 0; c < g.C; c++)
            {
                float* z = _u + ((long)k * g.C) + c;
                float* o = _dw + ((((long)k * g.C) + c) * 9);

                // Gᵀ on each of the six columns of Z (into r: 3 × 6), then on the rows of the result.
                for (int q = 0; q < 6; q++)
                {
                    float* zq = z + (q * zs);
                    Column(zq[0], zq[6 * zs], zq[12 * zs], zq[18 * zs], zq[24 * zs], zq[30 * zs], r + q, 6);
                }

                for (int i = 0; i < 3; i++)
                {
                    float* ri = r + (i * 6);
                    Column(ri[0], ri[1], ri[2], ri[3], ri[4], ri[5], o + (i * 3), 1);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Column(float z0, float z1, float z2, float z3, float z4, float z5, float* o, int stride)
        {
            const float Sixth = 1f / 6f;
            float sum12 = z1 + z2, sum34 = z3 + z4;
            o[0] = (0.25f * z0) - (Sixth * sum12) + ((1f / 24f) * sum34);
            o[stride] = (Sixth * (z2 - z1)) + ((1f / 12f) * (z3 - z4));
            o[2 * stride] = (Sixth * (sum34 - sum12)) + z5;
        }
    }
}
