using System.Numerics.Tensors;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Elementwise natural logarithm (−∞ at 0, NaN below 0).</summary>
    public static Tensor Log(Tensor x) => Unary(
        "Log",
        x,
        static (x, y) => TensorPrimitives.Log(x, y),
        static (x, y, g, d) => TensorPrimitives.Divide(g, x, d));
}
