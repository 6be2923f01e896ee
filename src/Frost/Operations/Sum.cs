using Frost.Operations.Primitives;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Sum of all elements, as a scalar (0 for an empty tensor).</summary>
    public static Tensor Sum(Tensor x) => Sum(x, null, false);

    /// <summary>Sum over one axis (negative counts from the end).</summary>
    public static Tensor Sum(Tensor x, int axis, bool keepDims = false) => Sum(x, [axis], keepDims);

    /// <summary>Sum over the given axes (all when null); reduced axes are kept as size 1 when <paramref name="keepDims"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An axis is out of range.</exception>
    public static Tensor Sum(Tensor x, int[]? axes, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var ax = Reduction.NormalizeAxes("Sum", x.Shape, axes);
        var kept = Reduction.Reduce("Sum", x, ax, max: false);
        var y = keepDims ? kept : new Tensor(kept.Storage, 0, Reduction.DropShape(x.Shape, ax));
        var keepShape = kept.Shape;
        GradientTape.RecorderFor(x)?.Record("Sum", y, [x], (g, s) =>
            s.Add(0, Broadcasting.To(new Tensor(g.Storage, g.Offset, keepShape), x.Shape)));
        return y;
    }

    /// <summary>Mean of all elements, as a scalar (NaN for an empty tensor).</summary>
    public static Tensor Mean(Tensor x) => Mean(x, null, false);

    /// <summary>Mean over one axis.</summary>
    public static Tensor Mean(Tensor x, int axis, bool keepDims = false) => Mean(x, [axis], keepDims);

    /// <summary>Mean over the given axes (all when null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An axis is out of range.</exception>
    public static Tensor Mean(Tensor x, int[]? axes, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var ax = Reduction.NormalizeAxes("Mean", x.Shape, axes);
        int count = 1;
        foreach (int a in ax)
        {
            count *= x.Shape.Dims[a];
        }

        return Mul(Sum(x, ax, keepDims), 1f / count);
    }
}
