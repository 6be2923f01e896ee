namespace Frost;

/// <summary>Elementary functions computed with basic IEEE arithmetic only, so results match on every platform.</summary>
internal static class DeterministicMath
{
    private const double Ln2 = 0.69314718055994530942;

    /// <summary>Natural logarithm of a positive finite double, to within a few ulps.</summary>
    public static double Log(double x)
    {
        if (!(x > 0) || double.IsInfinity(x))
        {
            return x == 0 ? double.NegativeInfinity : (double.IsPositiveInfinity(x) ? x : double.NaN);
        }

        long bits = BitConverter.DoubleToInt64Bits(x);
        int exp = (int)((bits >> 52) & 0x7FF);
        if (exp == 0)
        {
            // Subnormal: scale into the normal range first.
            return Log(x * 4503599627370496.0) - 52 * Ln2;
        }

        int e = exp - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L);
        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            e++;
        }

        // NOTE: log(m) = 2 atanh(s) with s = (m-1)/(m+1), |s| <= 0.1716; 12 odd terms reach double precision.
        double s = (m - 1) / (m + 1);
        double s2 = s * s;
        double term = s;
        double sum = 0;
        for (int k = 1; k <= 23; k += 2)
        {
            sum += term / k;
            term *= s2;
        }

        return e * Ln2 + 2 * sum;
    }
}
