using System.Numerics.Tensors;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Elementwise logistic function <c>1 / (1 + e⁻ˣ)</c>.</summary>
    public static Tensor Sigmoid(Tensor x) => Unary(
        "Sigmoid",
        x,
        static (x, y) => TensorPrimitives.Sigmoid(x, y),
        static (x, y, g, d) =>
        {
            // y (1 - y) g
            TensorPrimitives.Subtract(1f, y, d);
            TensorPrimitives.Multiply(d, y, d);
            TensorPrimitives.Multiply(d, g, d);
        });
}
