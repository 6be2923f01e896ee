namespace Frost.Kernels.Tests;

/// <summary>Deterministic random data and tolerance checks shared by the kernel tests.</summary>
internal static class TestData
{
    /// <summary>A seed derived from a string that is stable across processes (string.GetHashCode is randomised).</summary>
    public static int Seed(string text)
    {
        uint h = 2166136261;
        foreach (char ch in text)
        {
            h = (h ^ ch) * 16777619;
        }

        return (int)(h & 0x7fffffff);
    }

    public static float[] Random(Random rng, int length, float scale = 1f)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        }

        return x;
    }

    /// <summary>Asserts |actual - expected| ≤ atol + rtol·|expected| element-wise, naming the first mismatch.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double rtol, double atol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (!(Math.Abs(e - a) <= atol + rtol * Math.Abs(e)))
            {
                Assert.Fail($"{what}: element {i} expected {e:R} got {a:R} (|diff| {Math.Abs(e - a):E3})");
            }
        }
    }
}
