using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Frost.Kernels.Blas;
using Frost.Kernels.Threading;

namespace Frost.Kernels.Convolution;

/// <summary>
/// The weight-sized steps around a convolution's GEMMs, split over the worker pool: packing the weights (or the flipped
/// weights of the input gradient) for the product, and summing the weight gradient's per-task partial sums.
/// Each item is written by exactly one task, and sums run in task order, so results do not depend on the thread count.
/// </summary>
internal sealed unsafe class WeightWork : RangeWork
{
    // NOTE: blocks of 8 depth rows keep the transposes of the gather in whole 8×8 tiles.
    private const int Block = 8;

    // NOTE: floats per item of a plain sum; a few pages, so items stay cheap to hand out and large to stream.
    private const int SumChunk = 1 << 14;

    private enum Op
    {
        Pack,
        PackFlipped,
        Gather,
        Sum,
    }

    private Op _op;
    private ConvGeometry _g;
    private GemmPath _path;
    private int _slivers;
    private int _lanes;
    private int _depthBlock;
    private long _length;
    private int _blocks;
    private int _tasks;
    private long _packedPerGroup;
    private float* _src;
    private float* _dst;

    /// <summary>
    /// Packs op(B) of every group for <paramref name="path"/>, <paramref name="packedPerGroup"/> floats apart, from
    /// weights stored [K][Cg][R][S]: W_gᵀ (Depth × Kg) for the forward pass, or with <paramref name="flipped"/> the
    /// kernel of the stride-1 convolution that gives <paramref name="g"/>'s input gradient, flipped with its channel axes
    /// swapped: <c>op(B)[k·R·S + r·S + s][c] = w[gi·Kg + k][c][R−1−r][S−1−s]</c> (Kg·R·S × Cg).
    /// </summary>
    public void Pack(in ConvGeometry g, GemmPath path, float* w, float* packed, long packedPerGroup, bool flipped)
    {
        _op = flipped ? Op.PackFlipped : Op.Pack;
        _g = g;
        _path = path;
        _src = w;
        _dst = packed;
        _packedPerGroup = packedPerGroup;
        _lanes = Gemm.TileCols(path);
        _depthBlock = Gemm.DepthBlock(path);
        int depth = flipped ? g.Kg * g.R * g.S : g.Depth, columns = flipped ? g.Cg : g.Kg;
        _slivers = (columns + _lanes - 1) / _lanes;
        Dispatch(g.G * _slivers, (long)depth * _lanes);
    }

    /// <summary>
    /// <c>dw[gi·Kg + k][p] = Σ_t acc[t][gi][p][k]</c> over <paramref name="tasks"/> partial sums of
    /// G·Depth·Kg floats each; the first partial is overwritten with the sum.
    /// </summary>
    public void Gather(in ConvGeometry g, float* acc, int tasks, float* dw)
    {
        _op = Op.Gather;
        _g = g;
        _src = acc;
        _dst = dw;
        _tasks = tasks;
        _blocks = (g.Depth + Block - 1) / Block;
        Dispatch(g.G * _blocks, (long)Block * g.Kg * (tasks + 1));
    }

    /// <summary><c>sum[i] += Σ_t partials[t·length + i]</c> for t &lt; <paramref name="count"/>, in order of t.</summary>
    public void Sum(float* sum, float* partials, int count, long length)
    {
        _op = Op.Sum;
        _dst = sum;
        _src = partials;
        _tasks = count;
        _length = length;
        Dispatch((int)((length + SumChunk - 1) / SumChunk), (long)SumChunk * (count + 1));
    }

    /// <inheritdoc/>
    protected override void Run(int begin, int end)
    {
        if (_op == Op.Sum)
        {
            SumChunks(begin, end);
            return;
        }

        int perGroup = _op is Op.Pack or Op.PackFlipped ? _slivers : _blocks;
        for (int item = begin; item < end;)
        {
            // Items of one group form a contiguous range.
            int gi = item / perGroup, first = item % perGroup;
            int last = Math.Min(perGroup, first + (end - item));
            switch (_op)
            {
                case Op.Pack:
                    PackSlivers(gi, first, last);
                    break;
                case Op.PackFlipped:
                    PackFlippedSlivers(gi, first, last);
                    break;
                default:
                    GatherBlocks(gi, first, last);
                    break;
            }

            item += last - first;
        }
    }

    private void PackSlivers(int gi, int s0, int s1)
    {
        ref readonly ConvGeometry g = ref _g;
        Gemm.PrePackB(_path, _src + (nint)gi * g.Kg * g.Depth, g.Depth, true, g.Depth, g.Kg, _dst + gi * _packedPerGroup, s0, s1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackFlippedSlivers(int gi, int s0, int s1)
    {
        // The layout of Gemm.PrePackB: depth blocks, each holding the slivers of lanes columns, each depth step's lanes
        // together. The rs depth steps of output channel k read one block of the weights: a sliver's worth of input
        // channels, rs taps each.
        ref readonly ConvGeometry g = ref _g;
        int rs = g.R * g.S, depth = g.Kg * rs, lanes = _lanes;
        nint nPad = (nint)_slivers * lanes;
        float* wg = _src + (nint)gi * g.Kg * g.Cg * rs;
        float* dg = _dst + gi * _packedPerGroup;
        for (int pc = 0; pc < depth; pc += _depthBlock)
        {
            int kc = Math.Min(_depthBlock, depth - pc), end = pc + kc;
            for (int s = s0; s < s1; s++)
            {
                int c0 = s * lanes, n = Math.Min(lanes, g.Cg - c0);
                float* d = dg + pc * nPad + (nint)s * kc * lanes;
                bool tiles = Avx.IsSupported && rs >= 8 && n == lanes && lanes % 8 == 0;
                for (int p = pc; p < end;)
                {
                    int k = p / rs;
                    float* block = wg + ((nint)k * g.Cg + c0) * rs;
                    if (tiles && k * rs == p && p + rs <= end)
                    {
                        FlippedTiles(block, rs, lanes, d + (nint)(p - pc) * lanes);
                        p += rs;
                        continue;
                    }

                    float* src = block + (rs - 1 - (p - k * rs));
                    float* row = d + (nint)(p - pc) * lanes;
                    int j = 0;
                    for (; j < n; j++)
                    {
                        row[j] = src[j * rs];
                    }

                    for (; j < lanes; j++)
                    {
                        row[j] = 0f;
                    }

                    p++;
                }
            }
        }
    }

    /// <summary>
    /// The rs packed rows of one output channel from its block of lanes input channels × rs taps: row rs − 1 − t holds
    /// tap t of every channel. Taps 0..7 move as 8×8 tiles, the rest one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FlippedTiles(float* block, int rs, int lanes, float* rows)
    {
        for (int j0 = 0; j0 < lanes; j0 += 8)
        {
            float* s = block + (nint)j0 * rs;
            Vector256<float> v0 = Avx.LoadVector256(s), v1 = Avx.LoadVector256(s + rs);
            Vector256<float> v2 = Avx.LoadVector256(s + (2 * rs)), v3 = Avx.LoadVector256(s + (3 * rs));
            Vector256<float> v4 = Avx.LoadVector256(s + (4 * rs)), v5 = Avx.LoadVector256(s + (5 * rs));
            Vector256<float> v6 = Avx.LoadVector256(s + (6 * rs)), v7 = Avx.LoadVector256(s + (7 * rs));
            Packing.Transpose8x8(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
            float* top = rows + (nint)(rs - 1) * lanes + j0;
            v0.Store(top);
            v1.Store(top - lanes);
            v2.Store(top - (2 * lanes));
            v3.Store(top - (3 * lanes));
            v4.Store(top - (4 * lanes));
            v5.Store(top - (5 * lanes));
            v6.Store(top - (6 * lanes));
            v7.Store(top - (7 * lanes));
            for (int t = 8; t < rs; t++)
            {
                float* row = rows + (nint)(rs - 1 - t) * lanes + j0;
                for (int i = 0; i < 8; i++)
                {
                    row[i] = s[(i * rs) + t];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void GatherBlocks(int gi, int b0, int b1)
    {
        ref readonly ConvGeometry g = ref _g;
        long perTask = (long)g.G * g.Depth * g.Kg;
        int p0 = b0 * Block, p1 = Math.Min(g.Depth, b1 * Block);
        float* sum = _src + ((nint)gi * g.Depth + p0) * g.Kg;
        int len = (p1 - p0) * g.Kg;
        for (int t = 1; t < _tasks; t++)
        {
            var s = new Span<float>(sum, len);
            TensorPrimitives.Add(s, new ReadOnlySpan<float>(sum + t * perTask, len), s);
        }

        ImageOps.Transpose(sum, p1 - p0, g.Kg, _dst + (nint)gi * g.Kg * g.Depth + p0, g.Depth);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SumChunks(int c0, int c1)
    {
        long i0 = (long)c0 * SumChunk, i1 = Math.Min(_length, (long)c1 * SumChunk);
        var sum = new Span<float>(_dst + i0, (int)(i1 - i0));
        for (int t = 0; t < _tasks; t++)
        {
            TensorPrimitives.Add(sum, new ReadOnlySpan<float>(_src + t * _length + i0, sum.Length), sum);
        }
    }
}
