using Frost.Operations.Primitives;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// Elementwise <c>condition ≠ 0 ? a : b</c> with broadcasting of all three. The condition gets no gradient;
    /// <paramref name="a"/> receives the gradient where the condition holds and <paramref name="b"/> elsewhere.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together.</exception>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shape = Shape.Broadcast(Shape.Broadcast(condition.Shape, a.Shape, "Where"), b.Shape, "Where");
        var c = Broadcasting.To(condition, shape);
        var cs = c.AsReadOnlySpan();
        var av = Broadcasting.To(a, shape).AsReadOnlySpan();
        var bv = Broadcasting.To(b, shape).AsReadOnlySpan();
        var y = Tensor.Empty(shape);
        var ys = y.AsSpan();
        for (int i = 0; i < ys.Length; i++)
        {
            ys[i] = cs[i] != 0f ? av[i] : bv[i];
        }

        GradientTape.RecorderFor(a, b)?.Record("Where", y, [a, b], (g, s) =>
        {
            var gs = g.AsReadOnlySpan();
            var ct = c.AsReadOnlySpan();
            for (int input = 0; input < 2; input++)
            {
                if (!s.Needs(input))
                {
                    continue;
                }

                var d = Tensor.Empty(shape);
                var ds = d.AsSpan();
                bool takeTrue = input == 0;
                for (int i = 0; i < ds.Length; i++)
                {
                    ds[i] = (ct[i] != 0f) == takeTrue ? gs[i] : 0f;
                }

                s.Add(input, Broadcasting.SumTo(d, input == 0 ? a.Shape : b.Shape));
            }
        });
        return y;
    }

    /// <summary>Replaces elements where <paramref name="mask"/> ≠ 0 by <paramref name="value"/>; those get no gradient.</summary>
    public static Tensor MaskedFill(Tensor x, Tensor mask, float value)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Where(mask, Tensor.PooledFull(x.Shape, value), x);
    }
}
