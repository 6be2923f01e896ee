using Frost.Operations.Primitives;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Maximum of all elements, as a scalar.</summary>
    public static Tensor Max(Tensor x) => Max(x, null, false);

    /// <summary>Maximum over one axis.</summary>
    public static Tensor Max(Tensor x, int axis, bool keepDims = false) => Max(x, [axis], keepDims);

    /// <summary>
    /// Maximum over the given axes (all when null). The gradient is shared equally among tied maxima.
    /// NaN propagates.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is empty, or an axis is out of range.</exception>
    public static Tensor Max(Tensor x, int[]? axes, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var ax = Reduction.NormalizeAxes("Max", x.Shape, axes);
        var kept = Reduction.Reduce("Max", x, ax, max: true);
        var y = keepDims ? kept : new Tensor(kept.Storage, 0, Reduction.DropShape(x.Shape, ax));
        GradientTape.RecorderFor(x)?.Record("Max", y, [x], (g, s) =>
        {
            var mask = Broadcasting.Binary<EqualOperator>("Max", x, kept);
            var count = Reduction.Reduce("Max", mask, ax, max: false);
            var share = Broadcasting.Binary<DivideOperator>("Max", new Tensor(g.Storage, g.Offset, kept.Shape), count);
            s.Add(0, Broadcasting.Binary<MultiplyOperator>("Max", mask, share));
        });
        return y;
    }
}
