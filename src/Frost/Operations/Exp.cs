using System.Numerics.Tensors;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Elementwise <c>eˣ</c> (overflows to +∞ above about 88.7).</summary>
    public static Tensor Exp(Tensor x) => Unary(
        "Exp",
        x,
        static (x, y) => TensorPrimitives.Exp(x, y),
        static (x, y, g, d) => TensorPrimitives.Multiply(y, g, d));
}
