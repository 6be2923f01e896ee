namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// Elements <paramref name="start"/> .. <paramref name="start"/>+<paramref name="length"/>−1 along
    /// <paramref name="axis"/>. A view (no copy) when the slice is contiguous in memory.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the axis.</exception>
    public static Tensor Slice(Tensor x, int axis, int start, int length)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = x.Shape.NormalizeAxis(axis, "Slice");
        int n = x.Shape.Dims[a];
        if (start < 0 || length < 0 || start + length > n)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice: range [{start}, {start + length}) is outside axis {a} of size {n} (shape {x.Shape}).");
        }

        var outShape = x.Shape.With(a, length);
        int outer = x.Shape.Product(0, a);
        int inner = x.Shape.Product(a + 1, x.Rank);
        Tensor y;
        if (outer == 1)
        {
            y = new Tensor(x.Storage, x.Offset + start * inner, outShape);
        }
        else
        {
            y = Tensor.Empty(outShape);
            var src = x.AsReadOnlySpan();
            var dst = y.AsSpan();
            for (int o = 0; o < outer; o++)
            {
                src.Slice((o * n + start) * inner, length * inner).CopyTo(dst.Slice(o * length * inner, length * inner));
            }
        }

        var inShape = x.Shape;
        GradientTape.RecorderFor(x)?.Record("Slice", y, [x], (g, s) =>
        {
            var d = Tensor.PooledZeros(inShape);
            var ds = d.AsSpan();
            var gs = g.AsReadOnlySpan();
            for (int o = 0; o < outer; o++)
            {
                gs.Slice(o * length * inner, length * inner).CopyTo(ds.Slice((o * n + start) * inner, length * inner));
            }

            s.Add(0, d);
        });
        return y;
    }
}
