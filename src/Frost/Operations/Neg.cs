using System.Numerics.Tensors;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Elementwise <c>-x</c>.</summary>
    public static Tensor Neg(Tensor x) => Unary(
        "Neg",
        x,
        static (x, y) => TensorPrimitives.Negate(x, y),
        static (x, y, g, d) => TensorPrimitives.Negate(g, d));

    /// <summary>Elementwise <c>|x|</c>; the gradient at 0 is taken as 0.</summary>
    public static Tensor Abs(Tensor x) => Unary(
        "Abs",
        x,
        static (x, y) => TensorPrimitives.Abs(x, y),
        static (x, y, g, d) =>
        {
            for (int i = 0; i < d.Length; i++)
            {
                d[i] = x[i] > 0 ? g[i] : x[i] < 0 ? -g[i] : 0f;
            }
        });

    /// <summary>Elementwise <c>1 / x</c>.</summary>
    public static Tensor Reciprocal(Tensor x) => Unary(
        "Reciprocal",
        x,
        static (x, y) => TensorPrimitives.Divide(1f, x, y),
        static (x, y, g, d) =>
        {
            // d(1/x) = -y²
            TensorPrimitives.Multiply(y, y, d);
            TensorPrimitives.Multiply(d, g, d);
            TensorPrimitives.Negate(d, d);
        });
}
