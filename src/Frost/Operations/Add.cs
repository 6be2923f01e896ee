using Frost.Operations.Primitives;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Elementwise <c>a + b</c> with NumPy broadcasting.</summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together.</exception>
    public static Tensor Add(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var y = Broadcasting.Binary<AddOperator>("Add", a, b);
        GradientTape.RecorderFor(a, b)?.Record("Add", y, [a, b], (g, s) =>
        {
            if (s.Needs(0))
            {
                s.Add(0, Broadcasting.SumTo(g, a.Shape));
            }

            if (s.Needs(1))
            {
                s.Add(1, Broadcasting.SumTo(g, b.Shape));
            }
        }, Saved.Nothing);
        return y;
    }

    /// <summary>Elementwise <c>a + b</c> for a scalar <paramref name="b"/>.</summary>
    public static Tensor Add(Tensor a, float b)
    {
        ArgumentNullException.ThrowIfNull(a);
        var y = Tensor.Empty(a.Shape);
        AddOperator.Apply(a.AsReadOnlySpan(), b, y.AsSpan());
        GradientTape.RecorderFor(a)?.Record("AddScalar", y, [a], (g, s) => s.Add(0, g), Saved.Nothing);
        return y;
    }
}
