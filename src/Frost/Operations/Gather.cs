using Frost.Operations.Primitives;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// Selects entries <paramref name="indices"/> along <paramref name="axis"/> (like <c>index_select</c>);
    /// indices may repeat, and their gradients add up.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the axis.</exception>
    public static Tensor Gather(Tensor x, int axis, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(indices);
        int a = x.Shape.NormalizeAxis(axis, "Gather");
        int n = x.Shape.Dims[a];
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)n)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"Gather: index {indices[i]} at position {i} is outside axis {a} of size {n} (shape {x.Shape}).");
            }
        }

        var ix = (int[])indices.Clone();
        int outer = x.Shape.Product(0, a);
        int inner = x.Shape.Product(a + 1, x.Rank);
        var y = Tensor.Empty(x.Shape.With(a, ix.Length));
        var src = x.AsReadOnlySpan();
        var dst = y.AsSpan();
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < ix.Length; j++)
            {
                src.Slice((o * n + ix[j]) * inner, inner).CopyTo(dst.Slice((o * ix.Length + j) * inner, inner));
            }
        }

        var inShape = x.Shape;
        GradientTape.RecorderFor(x)?.Record("Gather", y, [x], (g, s) =>
        {
            var d = Tensor.PooledZeros(inShape);
            var ds = d.AsSpan();
            var gs = g.AsReadOnlySpan();
            for (int o = 0; o < outer; o++)
            {
                for (int j = 0; j < ix.Length; j++)
                {
                    var row = ds.Slice((o * n + ix[j]) * inner, inner);
                    AddOperator.Apply(row, gs.Slice((o * ix.Length + j) * inner, inner), row);
                }
            }

            s.Add(0, d);
        });
        return y;
    }

    /// <summary>Materialises <paramref name="x"/> broadcast to <paramref name="shape"/>.</summary>
    /// <exception cref="ArgumentException">The shape is not a broadcast of x's shape.</exception>
    public static Tensor BroadcastTo(Tensor x, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (Shape.Broadcast(x.Shape, shape, "BroadcastTo") != shape)
        {
            throw new ArgumentException($"BroadcastTo: shape {x.Shape} cannot be broadcast to {shape}.");
        }

        var y = Broadcasting.To(x, shape);
        var inShape = x.Shape;
        GradientTape.RecorderFor(x)?.Record("BroadcastTo", y, [x], (g, s) => s.Add(0, Broadcasting.SumTo(g, inShape)));
        return y;
    }

    /// <summary>Index of the largest value along the last axis, for each row of a rank ≥ 1 tensor (not differentiable).</summary>
    public static int[] ArgMax(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0 || x.Shape[-1] == 0)
        {
            throw new ArgumentException($"ArgMax: needs a non-empty last axis, got shape {x.Shape}.");
        }

        int c = x.Shape[-1];
        int rows = x.Size / c;
        var result = new int[rows];
        var s = x.AsReadOnlySpan();
        for (int r = 0; r < rows; r++)
        {
            result[r] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(s.Slice(r * c, c));
        }

        return result;
    }
}
