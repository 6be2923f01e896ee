using System.Numerics.Tensors;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Elementwise <c>max(x, 0)</c>; the gradient at 0 is 0; NaN stays NaN.</summary>
    public static Tensor Relu(Tensor x) => Unary(
        "Relu",
        x,
        static (x, y) => TensorPrimitives.Max(x, 0f, y),
        static (x, y, g, d) =>
        {
            for (int i = 0; i < d.Length; i++)
            {
                d[i] = x[i] > 0f ? g[i] : 0f;
            }
        });

    /// <summary>Elementwise <c>x</c> for positive x, else <c>slope · x</c>.</summary>
    public static Tensor LeakyRelu(Tensor x, float slope = 0.01f) => Unary(
        "LeakyRelu",
        x,
        (x, y) =>
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = x[i] > 0f ? x[i] : slope * x[i];
            }
        },
        (x, y, g, d) =>
        {
            for (int i = 0; i < d.Length; i++)
            {
                d[i] = x[i] > 0f ? g[i] : slope * g[i];
            }
        });
}
