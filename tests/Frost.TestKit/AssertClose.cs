namespace Frost.TestKit;

/// <summary>Tolerance assertions on tensors and spans.</summary>
public static class AssertClose
{
    /// <summary>Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise, naming the first offending index.</summary>
    public static void Equal(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol = 1e-5, double rtol = 1e-5)
    {
        if (expected.Length != actual.Length)
        {
            throw new Xunit.Sdk.XunitException($"length {actual.Length}, expected {expected.Length}");
        }

        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a))
            {
                continue;
            }

            if (!(Math.Abs(a - e) <= atol + rtol * Math.Abs(e)))
            {
                throw new Xunit.Sdk.XunitException($"index {i}: actual {a}, expected {e} (atol {atol}, rtol {rtol})");
            }
        }
    }

    /// <summary>Asserts equal shapes and close values.</summary>
    public static void Equal(Tensor expected, Tensor actual, double atol = 1e-5, double rtol = 1e-5)
    {
        if (expected.Shape != actual.Shape)
        {
            throw new Xunit.Sdk.XunitException($"shape {actual.Shape}, expected {expected.Shape}");
        }

        Equal(expected.AsReadOnlySpan(), actual.AsReadOnlySpan(), atol, rtol);
    }
}
