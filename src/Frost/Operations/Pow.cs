using Frost.Operations.Primitives;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// Elementwise <c>a ^ b</c> with broadcasting. The gradient with respect to the exponent is
    /// <c>y · ln a</c>, taken as 0 where <c>y</c> is 0; a negative base gives NaN there.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together.</exception>
    public static Tensor Pow(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var y = Broadcasting.Binary<PowOperator>("Pow", a, b);
        GradientTape.RecorderFor(a, b)?.Record("Pow", y, [a, b], (g, s) =>
        {
            if (s.Needs(0))
            {
                // b · a^(b-1) · g
                var bMinus1 = Broadcasting.Binary<SubtractOperator>("Pow", b, Tensor.PooledFull(Shape.Scalar, 1f));
                var p = Broadcasting.Binary<PowOperator>("Pow", a, bMinus1);
                var t = Broadcasting.Binary<MultiplyOperator>("Pow", p, b);
                s.Add(0, Broadcasting.SumTo(Broadcasting.Binary<MultiplyOperator>("Pow", t, g), a.Shape));
            }

            if (s.Needs(1))
            {
                var la = Tensor.Empty(a.Shape);
                var src = a.AsReadOnlySpan();
                var dst = la.AsSpan();
                for (int i = 0; i < dst.Length; i++)
                {
                    dst[i] = MathF.Log(src[i]);
                }

                var t = Broadcasting.Binary<MultiplyOperator>("Pow", y, la);
                var ty = t.AsSpan();
                var ys = y.AsReadOnlySpan();
                for (int i = 0; i < ty.Length; i++)
                {
                    if (ys[i] == 0f)
                    {
                        ty[i] = 0f;
                    }
                }

                s.Add(1, Broadcasting.SumTo(Broadcasting.Binary<MultiplyOperator>("Pow", t, g), b.Shape));
            }
        });
        return y;
    }

    /// <summary>Elementwise <c>a ^ p</c> for a constant exponent.</summary>
    public static Tensor Pow(Tensor a, float p)
    {
        ArgumentNullException.ThrowIfNull(a);
        var y = Tensor.Empty(a.Shape);
        PowOperator.Apply(a.AsReadOnlySpan(), p, y.AsSpan());
        GradientTape.RecorderFor(a)?.Record("PowScalar", y, [a], (g, s) =>
        {
            var d = Tensor.Empty(a.Shape);
            PowOperator.Apply(a.AsReadOnlySpan(), p - 1f, d.AsSpan());
            MultiplyOperator.Apply(d.AsReadOnlySpan(), p, d.AsSpan());
            MultiplyOperator.Apply(d.AsReadOnlySpan(), g.AsReadOnlySpan(), d.AsSpan());
            s.Add(0, d);
        });
        return y;
    }

    /// <summary>Elementwise <c>x²</c>.</summary>
    public static Tensor Square(Tensor x) => Mul(x, x);
}
