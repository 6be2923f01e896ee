using System.Numerics.Tensors;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Elementwise square root (NaN below 0; the gradient at 0 is +∞).</summary>
    public static Tensor Sqrt(Tensor x) => Unary(
        "Sqrt",
        x,
        static (x, y) => TensorPrimitives.Sqrt(x, y),
        static (x, y, g, d) =>
        {
            TensorPrimitives.Divide(g, y, d);
            TensorPrimitives.Multiply(d, 0.5f, d);
        });
}
