using System.Numerics.Tensors;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Elementwise hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor x) => Unary(
        "Tanh",
        x,
        static (x, y) => TensorPrimitives.Tanh(x, y),
        static (x, y, g, d) =>
        {
            // (1 - y²) g
            TensorPrimitives.Multiply(y, y, d);
            TensorPrimitives.Subtract(1f, d, d);
            TensorPrimitives.Multiply(d, g, d);
        });
}
