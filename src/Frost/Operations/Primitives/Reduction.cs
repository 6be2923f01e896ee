using System.Numerics.Tensors;

namespace Frost.Operations.Primitives;

/// <summary>Sum and max over sets of axes, keeping reduced axes as size 1.</summary>
internal static class Reduction
{
    /// <summary>Validates and sorts axes; null means all axes.</summary>
    public static int[] NormalizeAxes(string op, Shape shape, int[]? axes)
    {
        if (axes is null)
        {
            var all = new int[shape.Rank];
            for (int i = 0; i < all.Length; i++)
            {
                all[i] = i;
            }

            return all;
        }

        var n = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            n[i] = shape.NormalizeAxis(axes[i], op);
        }

        Array.Sort(n);
        for (int i = 1; i < n.Length; i++)
        {
            if (n[i] == n[i - 1])
            {
                throw new ArgumentException($"{op}: axis {n[i]} is listed twice for shape {shape}.");
            }
        }

        return n;
    }

    /// <summary>The shape with the given (sorted) axes set to 1.</summary>
    public static Shape KeepShape(Shape shape, int[] axes)
    {
        var d = shape.ToArray();
        foreach (int a in axes)
        {
            d[a] = 1;
        }

        return new Shape(d);
    }

    /// <summary>The shape with the given (sorted) axes removed.</summary>
    public static Shape DropShape(Shape shape, int[] axes)
    {
        var d = new List<int>(shape.Rank);
        for (int i = 0; i < shape.Rank; i++)
        {
            if (Array.BinarySearch(axes, i) < 0)
            {
                d.Add(shape.Dims[i]);
            }
        }

        return new Shape(d.ToArray());
    }

    /// <summary>Reduces <paramref name="x"/> over sorted <paramref name="axes"/>; the result has the keep-dims shape.</summary>
    public static Tensor Reduce(string op, Tensor x, int[] axes, bool max)
    {
        var keep = KeepShape(x.Shape, axes);
        if (max && x.Size == 0)
        {
            throw new ArgumentException($"{op}: cannot take the max of an empty tensor of shape {x.Shape}.");
        }

        if (axes.Length == 0)
        {
            var copy = Tensor.Empty(keep);
            x.AsReadOnlySpan().CopyTo(copy.AsSpan());
            return copy;
        }

        if (keep.Size == 1)
        {
            var r = Tensor.Empty(keep);
            r.AsSpan()[0] = x.Size == 0 ? 0f : max ? TensorPrimitives.Max(x.AsReadOnlySpan()) : TensorPrimitives.Sum(x.AsReadOnlySpan());
            return r;
        }

        // Reduce runs of consecutive axes, innermost run first.
        var dims = x.Shape.ToArray();
        Tensor cur = x;
        int i = axes.Length - 1;
        while (i >= 0)
        {
            int end = axes[i] + 1;
            int start = axes[i];
            while (i > 0 && axes[i - 1] == start - 1)
            {
                i--;
                start--;
            }

            i--;
            int outer = Product(dims, 0, start);
            int red = Product(dims, start, end);
            int inner = Product(dims, end, dims.Length);
            for (int k = start; k < end; k++)
            {
                dims[k] = 1;
            }

            var next = Tensor.Empty(new Shape(dims));
            ReduceAxis(cur.AsReadOnlySpan(), next.AsSpan(), outer, red, inner, max);
            cur = next;
        }

        return cur;
    }

    private static void ReduceAxis(ReadOnlySpan<float> src, Span<float> dst, int outer, int red, int inner, bool max)
    {
        if (red == 0)
        {
            dst.Clear();
            return;
        }

        for (int o = 0; o < outer; o++)
        {
            var block = src.Slice(o * red * inner, red * inner);
            if (inner == 1)
            {
                dst[o] = max ? TensorPrimitives.Max(block) : TensorPrimitives.Sum(block);
                continue;
            }

            var d = dst.Slice(o * inner, inner);
            block[..inner].CopyTo(d);
            for (int r = 1; r < red; r++)
            {
                var row = block.Slice(r * inner, inner);
                if (max)
                {
                    TensorPrimitives.Max(d, row, d);
                }
                else
                {
                    TensorPrimitives.Add(d, row, d);
                }
            }
        }
    }

    private static int Product(int[] dims, int start, int end)
    {
        int p = 1;
        for (int i = start; i < end; i++)
        {
            p *= dims[i];
        }

        return p;
    }
}
