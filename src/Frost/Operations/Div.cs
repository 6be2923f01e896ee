using Frost.Operations.Primitives;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Elementwise <c>a / b</c> with NumPy broadcasting (IEEE semantics: x/0 is ±∞ or NaN).</summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together.</exception>
    public static Tensor Div(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var y = Broadcasting.Binary<DivideOperator>("Div", a, b);
        GradientTape.RecorderFor(a, b)?.Record("Div", y, [a, b], (g, s) =>
        {
            var gOverB = Broadcasting.Binary<DivideOperator>("Div", g, b);
            if (s.Needs(0))
            {
                s.Add(0, Broadcasting.SumTo(gOverB, a.Shape));
            }

            if (s.Needs(1))
            {
                // d(a/b)/db = -y/b
                var gb = Broadcasting.Binary<MultiplyOperator>("Div", gOverB, y);
                s.Add(1, Broadcasting.SumTo(Neg(gb), b.Shape));
            }
        });
        return y;
    }

    /// <summary>Elementwise <c>a / b</c> for a scalar <paramref name="b"/>.</summary>
    public static Tensor Div(Tensor a, float b) => Mul(a, 1f / b);

    /// <summary>Elementwise <c>a / b</c> for a scalar <paramref name="a"/>.</summary>
    public static Tensor Div(float a, Tensor b) => Mul(Reciprocal(b), a);
}
