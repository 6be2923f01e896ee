using System.Runtime.CompilerServices;
using Frost.Kernels.Blas;
using Frost.Kernels.Internal;
using Frost.Kernels.Threading;

namespace Frost.Kernels.Convolution;

/// <summary>
/// 3×3 stride-1 convolutions by Winograd's minimal filtering F(2×2, 3×3): every 4×4 input tile and every kernel
/// become 16 values, the 16 positions are 16 independent products (tiles × input channels times input channels ×
/// output channels), and every 2×2 output tile comes back from its 16 products: 16 multiplies for 4 outputs
/// instead of 36. The transformed kernels are written straight into the products' packed layout, once per call; then
/// each thread takes chunks of images small enough for its transformed tiles and products to stay in cache.
/// </summary>
internal sealed unsafe class Winograd : RangeWork
{
    /// <summary>Fewest input and output channels: below it the transforms cost more than the products save.</summary>
    internal static int MinChannels = 32;

    /// <summary>
    /// Fewest input and output channels for the weight gradient: its 16 products are output channels × input channels
    /// summed over tiles, which run well only when both are wide (at 64 and 128 channels the direct path is faster).
    /// </summary>
    internal static int MinWeightGradientChannels = 256;

    /// <summary>Largest output plane (positions) taken: larger maps run well as one GEMM per image already.</summary>
    internal static int MaxPlane = 32 * 32;

    /// <summary>Most floats of transformed tiles (and as many of products) per chunk of images.</summary>
    internal static long ChunkFloats = 1L << 18;

    /// <summary>
    /// Floats between the 16 positions' matrices beyond their size: without it the 16 streams a transform writes are
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
    private bool _relu;
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
    public static bool AppliesToWeightGradient(in ConvGeometry g) => Applies(g) && Math.Min(g.C, g.K) >= MinWeightGradientChannels;

    /// <summary>
    /// y = conv(x, w) + bias (bias may be null), optionally max(·, 0). With <paramref name="flipped"/>, <paramref name="w"/>
    /// holds [C, K, 3, 3] and the kernel of <paramref name="g"/> is its flip with the channel axes swapped (an input gradient).
    /// </summary>
    public void Forward(in ConvGeometry g, float* x, float* w, float* bias, float* y, bool relu, bool flipped)
    {
        _g = g;
        _path = Gemm.ActivePath;
        _flipped = flipped;
        _relu = relu;
        _x = x;
        _w = w;
        _bias = bias;
        _y = y;
        int th = (g.OH + 1) / 2;
        _tw = (g.OW + 1) / 2;
        _tiles = th * _tw;

        _uStride = ((Gemm.PackedBLength(_path, g.C, g.K) + 15) & ~15L) + Skew;
        _u = Scratch.Weights.Get(16 * _uStride);
        _phase = Phase.Weights;
        Dispatch(g.C, 16L * g.K);

        int width = Math.Max(g.C, g.K);
        _chunk = (int)Math.Clamp(ChunkFloats / (16L * _tiles * width), 1, g.N);
        int chunks = (g.N + _chunk - 1) / _chunk;
        _phase = Phase.Images;
        if (chunks >= 2 && KernelOptions.MaxThreads >= 2)
        {
            _gemmThreads = 1;
            Dispatch(chunks, 1L << 17);
        }
        else
        {
            _gemmThreads = Gemm.ThreadsFor(16L * g.N * _tiles * g.C * g.K, KernelOptions.MaxThreads);
            Run(0, chunks);
        }
    }

    /// <summary>
    /// dw = ∂L/∂w and, if <paramref name="dbias"/> is not null, dbias (both overwritten), by the transposed algorithm:
    /// dw = Gᵀ·[Σ over tiles (Bᵀ·d·B) ⊙ (A·e·Aᵀ)]·G, with d the 4×4 input tile and e the 2×2 output-gradient tile. The
    /// sums over tiles are 16 products (output channels × tiles times tiles × input channels), one thread each, added
    /// chunk after chunk: the result does not depend on the thread count.
    /// </summary>
    public void BackwardWeight(in ConvGeometry g, float* x, float* dy, float* dw, float* dbias)
    {
        _g = g;
        _path = Gemm.ActivePath;
        _x = x;
        _dy = dy;
        int th = (g.OH + 1) / 2;
        _tw = (g.OW + 1) / 2;
        _tiles = th * _tw;

        _uStride = ((long)g.K * g.C) + Skew;
        _u = Scratch.Weights.Get(16 * _uStride);
        int width = Math.Max(g.C, g.K);
        int chunk = (int)Math.Clamp((4 * ChunkFloats) / (16L * _tiles * width), 1, g.N);
        _vStride = (chunk * (long)_tiles * g.C) + Skew;
        _eStride = (chunk * (long)_tiles * g.K) + Skew;
        _v = Scratch.Col.Get(16 * (_vStride + _eStride));
        _e = _v + (16 * _vStride);
        for (_first = 0; _first < g.N; _first += chunk)
        {
            _images = Math.Min(chunk, g.N - _first);
            _phase = Phase.GradientTiles;
            Dispatch(_images, 16L * _tiles * (g.C + g.K));
            _phase = Phase.GradientProducts;
            Dispatch(16, (long)g.K * g.C * _images * _tiles / 64);
        }

        _phase = Phase.WeightGradient;
        _dw = dw;
        Dispatch(g.K, 16L * g.C);
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

    /// <inheritdoc/>
    protected override void Run(int begin, int end)
    {
        switch (_phase)
        {
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
            case Phase.WeightGradient:
                InverseTransformWeights(begin, end);
                return;
            default:
                break; // Phase.Images: chunks [begin, end)
        }

        ref readonly var g = ref _g;
        long vStride = (_chunk * (long)_tiles * g.C) + Skew, mStride = (_chunk * (long)_tiles * g.K) + Skew;
        float* v = Scratch.Col.Get(16 * vStride);
        float* m = Scratch.Work.Get(16 * mStride);
        for (int chunk = begin; chunk < end; chunk++)
        {
            int first = chunk * _chunk, images = Math.Min(_chunk, g.N - first);
            for (int i = 0; i < images; i++)
            {
                TransformImage(first + i, v + ((long)i * _tiles * g.C), vStride);
            }

            for (int xi = 0; xi < 16; xi++)
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
    /// U = G·g·Gᵀ for depth rows [begin, end) of the 16 products' B (C × K), written in the GEMM's packed layout.
    /// Forward, entry (c, k) is kernel k·C + c; flipped, it is kernel c·K + k turned by 180°.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TransformWeights(int begin, int end)
    {
        ref readonly var g = ref _g;
        int nr = Gemm.TileCols(_path), kcMax = Gemm.DepthBlock(_path);
        int nPad = (g.K + nr - 1) / nr * nr;
        long stride = _uStride;
        for (int r = begin; r < end; r++)
        {
            int pc = r - (r % kcMax), kc = Math.Min(kcMax, g.C - pc);
            float* row = _u + ((long)pc * nPad) + ((r - pc) * nr);
            for (int k = 0; k < nPad; k++)
            {
                float* o = row + ((long)(k / nr) * kc * nr) + (k % nr);
                if (k >= g.K)
                {
                    for (int xi = 0; xi < 16; xi++)
                    {
                        o[xi * stride] = 0f;
                    }

                    continue;
                }

                float g0, g1, g2, g3, g4, g5, g6, g7, g8;
                if (_flipped)
                {
                    float* f = _w + (((long)r * g.K) + k) * 9;
                    (g0, g1, g2, g3, g4, g5, g6, g7, g8) = (f[8], f[7], f[6], f[5], f[4], f[3], f[2], f[1], f[0]);
                }
                else
                {
                    float* f = _w + (((long)k * g.C) + r) * 9;
                    (g0, g1, g2, g3, g4, g5, g6, g7, g8) = (f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]);
                }

                // t = G·g: rows g0..2, ½(sum), ½(alternating sum), g6..8; then the same on columns.
                Row(o, stride, g0, g1, g2);
                Row(o + (4 * stride), stride, 0.5f * (g0 + g3 + g6), 0.5f * (g1 + g4 + g7), 0.5f * (g2 + g5 + g8));
                Row(o + (8 * stride), stride, 0.5f * (g0 - g3 + g6), 0.5f * (g1 - g4 + g7), 0.5f * (g2 - g5 + g8));
                Row(o + (12 * stride), stride, g6, g7, g8);
            }
        }

        static void Row(float* o, long stride, float a, float b, float c)
        {
            o[0] = a;
            o[stride] = 0.5f * (a + b + c);
            o[2 * stride] = 0.5f * (a - b + c);
            o[3 * stride] = c;
        }
    }

    /// <summary>V = Bᵀ·d·B for every 4×4 tile of image <paramref name="n"/>: position ξ of its tile t, channel c at o[ξ·stride + t·C + c].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TransformImage(int n, float* o, long vs)
    {
        ref readonly var g = ref _g;
        int th = _tiles / _tw;
        int hp = (2 * th) + 2, wp = (2 * _tw) + 2;
        long plane = (long)hp * wp;
        float* pad = Scratch.Pad.Get(plane * g.C);
        float* image = _x + ((long)n * g.C * g.InPlane);
        int rows = Math.Min(g.H, hp - g.Pt), cols = Math.Min(g.W, wp - g.Pl);
        for (int c = 0; c < g.C; c++)
        {
            float* dst = pad + (c * plane);
            new Span<float>(dst, (int)plane).Clear();
            float* src = image + ((long)c * g.InPlane);
            for (int r = 0; r < rows; r++)
            {
                new ReadOnlySpan<float>(src + (r * g.W), cols).CopyTo(new Span<float>(dst + ((long)(r + g.Pt) * wp) + g.Pl, cols));
            }
        }

        for (int t = 0; t < _tiles; t++)
        {
            int ty = t / _tw, tx = t % _tw;
            float* ot = o + ((long)t * g.C);
            float* d = pad + ((2L * ty) * wp) + (2 * tx);
            for (int c = 0; c < g.C; c++, d += plane)
            {
                // Bᵀ·d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3; then the same on columns.
                float* r0 = d, r1 = d + wp, r2 = d + (2 * wp), r3 = d + (3 * wp);
                float* oc = ot + c;
                Row(oc, vs, r0[0] - r2[0], r0[1] - r2[1], r0[2] - r2[2], r0[3] - r2[3]);
                Row(oc + (4 * vs), vs, r1[0] + r2[0], r1[1] + r2[1], r1[2] + r2[2], r1[3] + r2[3]);
                Row(oc + (8 * vs), vs, r2[0] - r1[0], r2[1] - r1[1], r2[2] - r1[2], r2[3] - r1[3]);
                Row(oc + (12 * vs), vs, r1[0] - r3[0], r1[1] - r3[1], r1[2] - r3[2], r1[3] - r3[3]);
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

    /// <summary>E = A·e·Aᵀ for every 2×2 tile of image <paramref name="n"/>'s output gradient (zero beyond the map): position ξ of tile t, channel k at o[ξ·stride + t·K + k].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TransformGradient(int n, float* o, long es)
    {
        ref readonly var g = ref _g;
        int plane = g.OutPlane;
        float* image = _dy + ((long)n * g.K * plane);
        for (int t = 0; t < _tiles; t++)
        {
            int ty = t / _tw, tx = t % _tw;
            int oy = 2 * ty, ox = 2 * tx;
            bool bottom = oy + 1 < g.OH, right = ox + 1 < g.OW;
            float* ot = o + ((long)t * g.K);
            float* src = image + (oy * g.OW) + ox;
            for (int k = 0; k < g.K; k++, src += plane)
            {
                float e00 = src[0], e01 = right ? src[1] : 0f;
                float e10 = bottom ? src[g.OW] : 0f, e11 = bottom && right ? src[g.OW + 1] : 0f;

                // A·e: rows e0, e0 + e1, e0 − e1, −e1; then the same on columns.
                float* ok = ot + k;
                Row(ok, es, e00, e01);
                Row(ok + (4 * es), es, e00 + e10, e01 + e11);
                Row(ok + (8 * es), es, e00 - e10, e01 - e11);
                Row(ok + (12 * es), es, -e10, -e11);
            }
        }

        static void Row(float* o, long stride, float a, float b)
        {
            o[0] = a;
            o[stride] = a + b;
            o[2 * stride] = a - b;
            o[3 * stride] = -b;
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TransformOutput(int n, float* m, long ms)
    {
        ref readonly var g = ref _g;
        int plane = g.OutPlane;
        float* image = _y + ((long)n * g.K * plane);
        for (int t = 0; t < _tiles; t++)
        {
            int ty = t / _tw, tx = t % _tw;
            int oy = 2 * ty, ox = 2 * tx;
            bool bottom = oy + 1 < g.OH, right = ox + 1 < g.OW;
            float* mt = m + ((long)t * g.K);
            float* o = image + (oy * g.OW) + ox;
            for (int k = 0; k < g.K; k++, o += plane)
            {
                float* mk = mt + k;

                // Aᵀ·m: rows m0 + m1 + m2 and m1 − m2 − m3, then the same on columns.
                float m00 = mk[0], m01 = mk[ms], m02 = mk[2 * ms], m03 = mk[3 * ms];
                float m10 = mk[4 * ms], m11 = mk[5 * ms], m12 = mk[6 * ms], m13 = mk[7 * ms];
                float m20 = mk[8 * ms], m21 = mk[9 * ms], m22 = mk[10 * ms], m23 = mk[11 * ms];
                float m30 = mk[12 * ms], m31 = mk[13 * ms], m32 = mk[14 * ms], m33 = mk[15 * ms];
                float s0 = m00 + m10 + m20, s1 = m01 + m11 + m21, s2 = m02 + m12 + m22, s3 = m03 + m13 + m23;
                float t0 = m10 - m20 - m30, t1 = m11 - m21 - m31, t2 = m12 - m22 - m32, t3 = m13 - m23 - m33;
                float b = _bias == null ? 0f : _bias[k];
                float y00 = s0 + s1 + s2 + b, y01 = s1 - s2 - s3 + b;
                float y10 = t0 + t1 + t2 + b, y11 = t1 - t2 - t3 + b;
                if (_relu)
                {
                    y00 = y00 < 0f ? 0f : y00;
                    y01 = y01 < 0f ? 0f : y01;
                    y10 = y10 < 0f ? 0f : y10;
                    y11 = y11 < 0f ? 0f : y11;
                }

                o[0] = y00;
                if (right)
                {
                    o[1] = y01;
                }

                if (bottom)
                {
                    o[g.OW] = y10;
                    if (right)
                    {
                        o[g.OW + 1] = y11;
                    }
                }
            }
        }
    }
}
