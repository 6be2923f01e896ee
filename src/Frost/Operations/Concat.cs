namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Joins tensors along <paramref name="axis"/>; all other dimensions must match.</summary>
    /// <exception cref="ArgumentException">No tensors are given, ranks differ, or another dimension differs.</exception>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("Concat: at least one tensor is needed.");
        }

        var first = tensors[0];
        int a = first.Shape.NormalizeAxis(axis, "Concat");
        int total = 0;
        foreach (var t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t);
            bool ok = t.Rank == first.Rank;
            for (int d = 0; ok && d < t.Rank; d++)
            {
                ok = d == a || t.Shape.Dims[d] == first.Shape.Dims[d];
            }

            if (!ok)
            {
                throw new ArgumentException($"Concat: shape {t.Shape} does not match {first.Shape} outside axis {a}.");
            }

            total += t.Shape.Dims[a];
        }

        var outShape = first.Shape.With(a, total);
        int outer = first.Shape.Product(0, a);
        int inner = first.Shape.Product(a + 1, first.Rank);
        var y = Tensor.Empty(outShape);
        var dst = y.AsSpan();
        int offset = 0;
        foreach (var t in tensors)
        {
            int len = t.Shape.Dims[a] * inner;
            var src = t.AsReadOnlySpan();
            for (int o = 0; o < outer; o++)
            {
                src.Slice(o * len, len).CopyTo(dst.Slice(o * total * inner + offset, len));
            }

            offset += len;
        }

        var inputs = tensors.ToArray();
        GradientTape.RecorderFor(inputs)?.Record("Concat", y, inputs, (g, s) =>
        {
            int off = 0;
            var gs = g.AsReadOnlySpan();
            for (int i = 0; i < inputs.Length; i++)
            {
                int len = inputs[i].Shape.Dims[a] * inner;
                if (s.Needs(i))
                {
                    var d = Tensor.Empty(inputs[i].Shape);
                    var ds = d.AsSpan();
                    for (int o = 0; o < outer; o++)
                    {
                        gs.Slice(o * total * inner + off, len).CopyTo(ds.Slice(o * len, len));
                    }

                    s.Add(i, d);
                }

                off += len;
            }
        });
        return y;
    }
}
