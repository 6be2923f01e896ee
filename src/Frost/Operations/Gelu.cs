using Frost.Kernels;

namespace Frost.Operations;

public static partial class Ops
{
    private const double Sqrt2OverPi = 0.79788456080286535588;

    /// <summary>
    /// Gaussian error linear unit <c>x · Φ(x)</c>; with <paramref name="approximate"/> the tanh form
    /// <c>0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³)))</c>.
    /// </summary>
    /// <remarks>
    /// The erf form is vectorised (<see cref="GeluKernel"/>, absolute error below about 2·10⁻⁷·(1 + |x|)). Hendrycks and
    /// Gimpel, "Gaussian Error Linear Units", 2016.
    /// </remarks>
    public static Tensor Gelu(Tensor x, bool approximate = false) => approximate
        ? Unary(
            "GeluTanh",
            x,
            static (x, y) =>
            {
                for (int i = 0; i < y.Length; i++)
                {
                    double v = x[i];
                    y[i] = (float)(0.5 * v * (1 + Math.Tanh(Sqrt2OverPi * (v + 0.044715 * v * v * v))));
                }
            },
            static (x, y, g, d) =>
            {
                for (int i = 0; i < d.Length; i++)
                {
                    double v = x[i];
                    double t = Math.Tanh(Sqrt2OverPi * (v + 0.044715 * v * v * v));
                    double dt = (1 - t * t) * Sqrt2OverPi * (1 + 3 * 0.044715 * v * v);
                    d[i] = (float)(g[i] * (0.5 * (1 + t) + 0.5 * v * dt));
                }
            })
        : Unary("Gelu", x, static (x, y) => GeluKernel.Forward(x, y), static (x, _, g, d) => GeluKernel.Backward(x, g, d));
}
