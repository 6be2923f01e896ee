using Frost.Operations.Primitives;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Elementwise <c>a - b</c> with NumPy broadcasting.</summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together.</exception>
    public static Tensor Sub(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var y = Broadcasting.Binary<SubtractOperator>("Sub", a, b);
        GradientTape.RecorderFor(a, b)?.Record("Sub", y, [a, b], (g, s) =>
        {
            if (s.Needs(0))
            {
                s.Add(0, Broadcasting.SumTo(g, a.Shape));
            }

            if (s.Needs(1))
            {
                s.Add(1, Broadcasting.SumTo(Neg(g), b.Shape));
            }
        });
        return y;
    }

    /// <summary>Elementwise <c>a - b</c> for a scalar <paramref name="b"/>.</summary>
    public static Tensor Sub(Tensor a, float b) => Add(a, -b);

    /// <summary>Elementwise <c>a - b</c> for a scalar <paramref name="a"/>.</summary>
    public static Tensor Sub(float a, Tensor b) => Add(Neg(b), a);
}
