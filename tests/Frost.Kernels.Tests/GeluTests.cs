namespace Frost.Kernels.Tests;

public class GeluTests
{
    private static double Erf(double x)
    {
        // Maclaurin series, exact to double precision for |x| ≤ 6 (the terms then fall below 1e-17).
        double sum = 0, term = x;
        for (int n = 0; n < 400; n++)
        {
            double t = term / ((2 * n) + 1);
            sum += t;
            term *= -x * x / (n + 1);
            if (Math.Abs(t) < 1e-17 * Math.Abs(sum))
            {
                break;
            }
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    private static double Phi(double x) => Math.Abs(x) > 5.5 ? (x > 0 ? 1 : 0) : 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    [Fact]
    public void Forward_and_backward_match_the_erf_form_for_every_length_and_a_wide_range()
    {
        var rng = new Random(3);
        for (int len = 0; len <= 257; len++)
        {
            Check(TestData.Random(rng, len, 6f));
        }

        Check(Enumerable.Range(0, 5000).Select(i => (i - 2500) * 0.004f).ToArray()); // crosses chunk borders
        Check(TestData.Random(rng, 300_000, 4f)); // split over threads
    }

    private static void Check(float[] x)
    {
        var rng = new Random(x.Length);
        float[] g = TestData.Random(rng, x.Length);
        var y = new float[x.Length];
        var d = new float[x.Length];
        GeluKernel.Forward(x, y);
        GeluKernel.Backward(x, g, d);
        var ey = x.Select(v => v * Phi(v)).ToArray();
        var ed = x.Select((v, i) => g[i] * (Phi(v) + (v * Math.Exp(-0.5 * v * v) / Math.Sqrt(2 * Math.PI)))).ToArray();
        double[] atolY = x.Select(v => 3e-7 * (1 + Math.Abs(v))).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(y[i] - ey[i]) <= atolY[i] + (2e-7 * Math.Abs(ey[i])), $"gelu({x[i]}) = {y[i]}, expected {ey[i]}");
            Assert.True(Math.Abs(d[i] - ed[i]) <= (5e-7 * (1 + (x[i] * x[i])) * Math.Abs(g[i])) + (2e-7 * Math.Abs(ed[i])), $"gelu'({x[i]})·g = {d[i]}, expected {ed[i]}");
        }

        // In place gives the same bits.
        var inPlace = (float[])x.Clone();
        GeluKernel.Forward(inPlace, inPlace);
        Assert.Equal(y, inPlace);
    }
}
