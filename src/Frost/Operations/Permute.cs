namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Reorders axes: result axis i is input axis <c>axes[i]</c> (a copy).</summary>
    /// <exception cref="ArgumentException"><paramref name="axes"/> is not a permutation of 0..Rank-1.</exception>
    public static Tensor Permute(Tensor x, params int[] axes)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(axes);
        int r = x.Rank;
        if (axes.Length != r)
        {
            throw new ArgumentException($"Permute: {axes.Length} axes given for shape {x.Shape}.");
        }

        var perm = new int[r];
        var seen = new bool[r];
        for (int i = 0; i < r; i++)
        {
            int a = x.Shape.NormalizeAxis(axes[i], "Permute");
            if (seen[a])
            {
                throw new ArgumentException($"Permute: [{string.Join(", ", axes)}] is not a permutation of the axes of {x.Shape}.");
            }

            seen[a] = true;
            perm[i] = a;
        }

        var y = PermuteCopy(x, perm);
        var inverse = new int[r];
        for (int i = 0; i < r; i++)
        {
            inverse[perm[i]] = i;
        }

        GradientTape.RecorderFor(x)?.Record("Permute", y, [x], (g, s) => s.Add(0, PermuteCopy(g, inverse)));
        return y;
    }

    /// <summary>Swaps two axes (by default the last two).</summary>
    public static Tensor Transpose(Tensor x, int axis0 = -2, int axis1 = -1)
    {
        ArgumentNullException.ThrowIfNull(x);
        var p = new int[x.Rank];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = i;
        }

        int a = x.Shape.NormalizeAxis(axis0, "Transpose"), b = x.Shape.NormalizeAxis(axis1, "Transpose");
        (p[a], p[b]) = (p[b], p[a]);
        return Permute(x, p);
    }

    private static Tensor PermuteCopy(Tensor x, int[] perm)
    {
        int r = x.Rank;
        var inDims = x.Shape.Dims;
        var inStrides = x.Shape.Strides();
        var outDims = new int[r];
        var srcStride = new int[r];
        for (int i = 0; i < r; i++)
        {
            outDims[i] = inDims[perm[i]];
            srcStride[i] = inStrides[perm[i]];
        }

        var y = Tensor.Empty(new Shape(outDims));
        var src = x.AsReadOnlySpan();
        var dst = y.AsSpan();
        if (y.Size == 0)
        {
            return y;
        }

        if (r == 0)
        {
            dst[0] = src[0];
            return y;
        }

        int inner = outDims[r - 1];
        int innerStride = srcStride[r - 1];
        var idx = new int[r];
        int off = 0;
        for (int o = 0; o < y.Size; o += inner)
        {
            var row = dst.Slice(o, inner);
            if (innerStride == 1)
            {
                src.Slice(off, inner).CopyTo(row);
            }
            else
            {
                for (int t = 0, p = off; t < inner; t++, p += innerStride)
                {
                    row[t] = src[p];
                }
            }

            for (int k = r - 2; k >= 0; k--)
            {
                off += srcStride[k];
                if (++idx[k] < outDims[k])
                {
                    break;
                }

                off -= srcStride[k] * outDims[k];
                idx[k] = 0;
            }
        }

        return y;
    }
}
