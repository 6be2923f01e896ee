using System.Numerics.Tensors;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Softmax along <paramref name="axis"/>: <c>exp(x - max) / Σ exp(x - max)</c>, stable for large inputs.</summary>
    public static Tensor Softmax(Tensor x, int axis = -1)
    {
        ArgumentNullException.ThrowIfNull(x);
        var (outer, r, inner) = Split(x.Shape, axis, "Softmax");
        var y = Tensor.Empty(x.Shape);
        SoftmaxRows(x.AsReadOnlySpan(), y.AsSpan(), outer, r, inner, log: false);
        GradientTape.RecorderFor(x)?.Record("Softmax", y, [x], (g, s) =>
        {
            // dx = y ⊙ (g − Σ g⊙y)
            var d = Tensor.Empty(x.Shape);
            var gy = d.AsSpan();
            TensorPrimitives.Multiply(g.AsReadOnlySpan(), y.AsReadOnlySpan(), gy);
            var dot = new float[inner];
            for (int o = 0; o < outer; o++)
            {
                int baseIx = o * r * inner;
                SumRows(gy.Slice(baseIx, r * inner), dot, r, inner);
                for (int j = 0; j < r; j++)
                {
                    var row = gy.Slice(baseIx + j * inner, inner);
                    var yr = y.AsReadOnlySpan().Slice(baseIx + j * inner, inner);
                    // row = g⊙y − y⊙dot
                    for (int t = 0; t < inner; t++)
                    {
                        row[t] -= yr[t] * dot[t];
                    }
                }
            }

            s.Add(0, d);
        });
        return y;
    }

    /// <summary>Log-softmax along <paramref name="axis"/>: <c>x − max − log Σ exp(x − max)</c>.</summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1)
    {
        ArgumentNullException.ThrowIfNull(x);
        var (outer, r, inner) = Split(x.Shape, axis, "LogSoftmax");
        var y = Tensor.Empty(x.Shape);
        SoftmaxRows(x.AsReadOnlySpan(), y.AsSpan(), outer, r, inner, log: true);
        GradientTape.RecorderFor(x)?.Record("LogSoftmax", y, [x], (g, s) =>
        {
            // dx = g − softmax ⊙ Σ g
            var d = Tensor.Empty(x.Shape);
            var ds = d.AsSpan();
            TensorPrimitives.Exp(y.AsReadOnlySpan(), ds);
            var gs = g.AsReadOnlySpan();
            var sum = new float[inner];
            for (int o = 0; o < outer; o++)
            {
                int baseIx = o * r * inner;
                SumRows(gs.Slice(baseIx, r * inner), sum, r, inner);
                for (int j = 0; j < r; j++)
                {
                    int off = baseIx + j * inner;
                    for (int t = 0; t < inner; t++)
                    {
                        ds[off + t] = gs[off + t] - ds[off + t] * sum[t];
                    }
                }
            }

            s.Add(0, d);
        });
        return y;
    }

    private static (int Outer, int R, int Inner) Split(Shape shape, int axis, string op)
    {
        if (shape.Rank == 0)
        {
            throw new ArgumentException($"{op}: needs rank >= 1, got a scalar.");
        }

        int ax = shape.NormalizeAxis(axis, op);
        return (shape.Product(0, ax), shape.Dims[ax], shape.Product(ax + 1, shape.Rank));
    }

    private static void SumRows(ReadOnlySpan<float> block, Span<float> dst, int r, int inner)
    {
        dst.Clear();
        for (int j = 0; j < r; j++)
        {
            TensorPrimitives.Add(dst, block.Slice(j * inner, inner), dst);
        }
    }

    private static void SoftmaxRows(ReadOnlySpan<float> x, Span<float> y, int outer, int r, int inner, bool log)
    {
        if (r == 0)
        {
            return;
        }

        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var xr = x.Slice(o * r, r);
                var yr = y.Slice(o * r, r);
                float max = TensorPrimitives.Max(xr);
                if (float.IsNegativeInfinity(max))
                {
                    max = 0f;
                }

                TensorPrimitives.Subtract(xr, max, yr);
                if (log)
                {
                    float lse = 0f;
                    foreach (float v in yr)
                    {
                        lse += MathF.Exp(v);
                    }

                    TensorPrimitives.Subtract(yr, MathF.Log(lse), yr);
                }
                else
                {
                    TensorPrimitives.Exp(yr, yr);
                    TensorPrimitives.Divide(yr, TensorPrimitives.Sum(yr), yr);
                }
            }

            return;
        }

        var max2 = new float[inner];
        var sum = new float[inner];
        for (int o = 0; o < outer; o++)
        {
            int b = o * r * inner;
            x.Slice(b, inner).CopyTo(max2);
            for (int j = 1; j < r; j++)
            {
                TensorPrimitives.Max(max2, x.Slice(b + j * inner, inner), max2);
            }

            for (int t = 0; t < inner; t++)
            {
                if (float.IsNegativeInfinity(max2[t]))
                {
                    max2[t] = 0f;
                }
            }

            sum.AsSpan().Clear();
            for (int j = 0; j < r; j++)
            {
                var yr = y.Slice(b + j * inner, inner);
                TensorPrimitives.Subtract(x.Slice(b + j * inner, inner), max2, yr);
                for (int t = 0; t < inner; t++)
                {
                    sum[t] += MathF.Exp(yr[t]);
                }
            }

            for (int j = 0; j < r; j++)
            {
                var yr = y.Slice(b + j * inner, inner);
                if (log)
                {
                    for (int t = 0; t < inner; t++)
                    {
                        yr[t] -= MathF.Log(sum[t]);
                    }
                }
                else
                {
                    TensorPrimitives.Exp(yr, yr);
                    TensorPrimitives.Divide(yr, sum, yr);
                }
            }
        }
    }
}
