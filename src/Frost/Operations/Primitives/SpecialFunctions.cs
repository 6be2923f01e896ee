namespace Frost.Operations.Primitives;

/// <summary>Special functions not in <see cref="Math"/>.</summary>
internal static class SpecialFunctions
{
    /// <summary>The error function, with fractional error below 1.2e-7 everywhere.</summary>
    /// <remarks>Chebyshev fit of erfc from Press et al., Numerical Recipes, §6.2.</remarks>
    public static double Erf(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
            t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - r : r - 1.0;
    }
}
