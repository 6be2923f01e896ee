namespace Frost.Kernels.Tests;

public class LayerNormTests
{
    public static TheoryData<int, int> Sizes() => new()
    {
        { 1, 1 }, { 3, 5 }, { 7, 16 }, { 2, 257 }, { 33, 31 }, { 0, 4 },
        { 1024, 384 }, // enough rows to split over threads
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_and_backward_match_a_double_reference(int rows, int f)
    {
        var rng = new Random(TestData.Seed($"ln{rows},{f}"));
        float[] x = TestData.Random(rng, rows * f, 3f), g = TestData.Random(rng, f), b = TestData.Random(rng, f), dy = TestData.Random(rng, rows * f);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] += 10f * (i / f % 3); // row offsets, so the mean matters
        }

        const float Eps = 1e-5f;
        var ey = new double[x.Length];
        var edx = new double[x.Length];
        var edg = new double[f];
        var edb = new double[f];
        var mean = new double[rows];
        var inv = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = x.Skip(r * f).Take(f).Select(v => (double)v).ToArray();
            mean[r] = row.Average();
            inv[r] = 1 / Math.Sqrt(row.Select(v => (v - mean[r]) * (v - mean[r])).Average() + Eps);
            var xhat = row.Select(v => (v - mean[r]) * inv[r]).ToArray();
            var gg = Enumerable.Range(0, f).Select(i => (double)dy[(r * f) + i] * g[i]).ToArray();
            double a = gg.Average(), c = gg.Zip(xhat, (p, q) => p * q).Average();
            for (int i = 0; i < f; i++)
            {
                ey[(r * f) + i] = (xhat[i] * g[i]) + b[i];
                edx[(r * f) + i] = inv[r] * (gg[i] - a - (xhat[i] * c));
                edg[i] += dy[(r * f) + i] * xhat[i];
                edb[i] += dy[(r * f) + i];
            }
        }

        var y = new float[x.Length];
        var sm = new float[rows];
        var si = new float[rows];
        LayerNormKernel.Forward(rows, f, x, g, b, Eps, y, sm, si);
        TestData.AssertClose(ey, y, 1e-5, 1e-5, "output");
        TestData.AssertClose(mean, sm, 1e-6, 1e-5, "saved mean");
        TestData.AssertClose(inv, si, 1e-5, 1e-6, "saved inverse std");

        var dx = new float[x.Length];
        var dg = new float[f];
        var db = new float[f];
        LayerNormKernel.Backward(rows, f, x, dy, g, sm, si, dx, dg, db);
        TestData.AssertClose(edx, dx, 1e-4, 1e-5, "gradInput");
        TestData.AssertClose(edg, dg, 1e-4, 1e-4, "gradGamma");
        TestData.AssertClose(edb, db, 1e-4, 1e-4, "gradBeta");

        // Only the input gradient; only the parameter gradients; in place without saved statistics.
        var dx2 = new float[x.Length];
        LayerNormKernel.Backward(rows, f, x, dy, g, sm, si, dx2, [], []);
        Assert.Equal(dx, dx2);
        var dg2 = new float[f];
        LayerNormKernel.Backward(rows, f, x, dy, g, sm, si, [], dg2, []);
        Assert.Equal(dg, dg2);
        var inPlace = (float[])x.Clone();
        LayerNormKernel.Forward(rows, f, inPlace, g, b, Eps, inPlace, [], []);
        Assert.Equal(y, inPlace);
    }

    [Fact]
    public void Without_affine_parameters_rows_have_zero_mean_and_unit_variance()
    {
        float[] x = [1, 2, 3, 4, -5, 5, 5, -5];
        var y = new float[8];
        LayerNormKernel.Forward(2, 4, x, [], [], 0f, y, [], []);
        for (int r = 0; r < 2; r++)
        {
            var row = y.Skip(r * 4).Take(4).ToArray();
            Assert.Equal(0, row.Average(), 6);
            Assert.Equal(1, row.Select(v => v * v).Average(), 5);
        }
    }
}
