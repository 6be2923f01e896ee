using Frost.Operations.Primitives;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Elementwise <c>a · b</c> with NumPy broadcasting.</summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together.</exception>
    public static Tensor Mul(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var y = Broadcasting.Binary<MultiplyOperator>("Mul", a, b);
        GradientTape.RecorderFor(a, b)?.Record("Mul", y, [a, b], (g, s) =>
        {
            if (s.Needs(0))
            {
                s.Add(0, Broadcasting.SumTo(Broadcasting.Binary<MultiplyOperator>("Mul", g, b), a.Shape));
            }

            if (s.Needs(1))
            {
                s.Add(1, Broadcasting.SumTo(Broadcasting.Binary<MultiplyOperator>("Mul", g, a), b.Shape));
            }
        });
        return y;
    }

    /// <summary>Elementwise <c>a · b</c> for a scalar <paramref name="b"/>.</summary>
    public static Tensor Mul(Tensor a, float b)
    {
        ArgumentNullException.ThrowIfNull(a);
        var y = Tensor.Empty(a.Shape);
        MultiplyOperator.Apply(a.AsReadOnlySpan(), b, y.AsSpan());
        GradientTape.RecorderFor(a)?.Record("MulScalar", y, [a], (g, s) => s.Add(0, Mul(g, b)));
        return y;
    }
}
