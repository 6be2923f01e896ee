namespace Frost.Kernels.Tests;

public class BatchNormTests
{
    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 2, 3, 1 }, { 3, 5, 7 }, { 2, 4, 49 }, { 1, 3, 257 }, { 4, 2, 33 }, { 16, 6, 64 },
        { 4, 8, 9000 }, // large enough to split channels over threads
    };

    private static (float[] X, float[] G, float[] B, float[] Dy) Data(int n, int c, int s, int seed)
    {
        var rng = new Random(seed);
        float[] x = TestData.Random(rng, n * c * s, 3f);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] += 1.5f + (i / s % c); // per-channel offsets, so the mean matters
        }

        return (x, TestData.Random(rng, c), TestData.Random(rng, c), TestData.Random(rng, n * c * s));
    }

    /// <summary>Reference statistics in double: mean and biased variance per channel.</summary>
    private static (double[] Mean, double[] Var) Stats(float[] x, int n, int c, int s)
    {
        var mean = new double[c];
        var v = new double[c];
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < s; j++)
                {
                    sum += x[(i * c + ch) * s + j];
                }
            }

            mean[ch] = sum / (n * s);
            double ss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < s; j++)
                {
                    ss += Math.Pow(x[(i * c + ch) * s + j] - mean[ch], 2);
                }
            }

            v[ch] = ss / (n * s);
        }

        return (mean, v);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Training_forward_and_running_statistics(int n, int c, int s)
    {
        var (x, g, b, _) = Data(n, c, s, 1);
        const float Eps = 1e-5f, Momentum = 0.1f;
        var (mean, var) = Stats(x, n, c, s);
        float[] rm = TestData.Random(new Random(2), c), rv = TestData.Random(new Random(3), c).Select(Math.Abs).ToArray();
        float[] rm0 = (float[])rm.Clone(), rv0 = (float[])rv.Clone();
        var y = new float[x.Length];
        var sm = new float[c];
        var si = new float[c];
        foreach (bool relu in new[] { false, true })
        {
            rm = (float[])rm0.Clone();
            rv = (float[])rv0.Clone();
            BatchNormKernel.ForwardTraining(n, c, s, x, g, b, Eps, Momentum, rm, rv, y, sm, si, relu);
            var expected = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                int ch = i / s % c;
                double v = g[ch] * (x[i] - mean[ch]) / Math.Sqrt(var[ch] + Eps) + b[ch];
                expected[i] = relu ? Math.Max(v, 0) : v;
            }

            TestData.AssertClose(expected, y, 1e-5, 1e-5, $"training forward relu={relu}");
            TestData.AssertClose(mean, sm, 1e-6, 1e-6, "saved mean");
            TestData.AssertClose(var.Select(v => 1 / Math.Sqrt(v + Eps)).ToArray(), si, 1e-5, 1e-6, "saved inverse std");
            int count = n * s;
            TestData.AssertClose(mean.Select((m, ch) => 0.9 * rm0[ch] + 0.1 * m).ToArray(), rm, 1e-6, 1e-6, "running mean");
            TestData.AssertClose(var.Select((v, ch) => 0.9 * rv0[ch] + 0.1 * v * count / (count - 1)).ToArray(), rv, 1e-5, 1e-6, "running var");
        }

        // No affine parameters and no running statistics.
        BatchNormKernel.ForwardTraining(n, c, s, x, [], [], Eps, Momentum, [], [], y, sm, si);
        var plain = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int ch = i / s % c;
            plain[i] = (x[i] - mean[ch]) / Math.Sqrt(var[ch] + Eps);
        }

        TestData.AssertClose(plain, y, 1e-5, 1e-5, "training forward without affine");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Inference_forward_and_backward(int n, int c, int s)
    {
        var (x, g, b, dy) = Data(n, c, s, 4);
        float[] rm = TestData.Random(new Random(5), c), rv = TestData.Random(new Random(6), c).Select(v => Math.Abs(v) + 0.1f).ToArray();
        const float Eps = 1e-3f;
        var y = new float[x.Length];
        foreach (bool relu in new[] { false, true })
        {
            BatchNormKernel.ForwardInference(n, c, s, x, g, b, rm, rv, Eps, y, relu);
            var expected = new double[x.Length];
            var dx = new double[x.Length];
            var dg = new double[c];
            var db = new double[c];
            for (int i = 0; i < x.Length; i++)
            {
                int ch = i / s % c;
                double inv = 1 / Math.Sqrt(rv[ch] + (double)Eps);
                double v = g[ch] * (x[i] - rm[ch]) * inv + b[ch];
                expected[i] = relu ? Math.Max(v, 0) : v;
                double gy = relu && !(v > 0) ? 0 : dy[i];
                dx[i] = gy * g[ch] * inv;
                dg[ch] += gy * (x[i] - rm[ch]) * inv;
                db[ch] += gy;
            }

            TestData.AssertClose(expected, y, 1e-5, 1e-5, $"inference forward relu={relu}");
            var gx = new float[x.Length];
            var gg = new float[c];
            var gb = new float[c];
            BatchNormKernel.BackwardInference(n, c, s, x, dy, g, rm, rv, Eps, relu ? y : [], gx, gg, gb);
            TestData.AssertClose(dx, gx, 1e-5, 1e-6, $"inference backward dx relu={relu}");
            TestData.AssertClose(dg, gg, 1e-4, 1e-5, $"inference backward dgamma relu={relu}");
            TestData.AssertClose(db, gb, 1e-4, 1e-5, $"inference backward dbeta relu={relu}");

            // Frozen affine: only the input gradient, and the input itself is then not needed.
            Array.Clear(gx);
            BatchNormKernel.BackwardInference(n, c, s, [], dy, g, rm, rv, Eps, relu ? y : [], gx, [], []);
            TestData.AssertClose(dx, gx, 1e-5, 1e-6, "inference backward dx only");
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Training_backward_matches_reference_formulas(int n, int c, int s)
    {
        var (x, g, b, dy) = Data(n, c, s, 7);
        const float Eps = 1e-5f;
        var (mean, var) = Stats(x, n, c, s);
        var y = new float[x.Length];
        var sm = new float[c];
        var si = new float[c];
        foreach (bool relu in new[] { false, true })
        {
            BatchNormKernel.ForwardTraining(n, c, s, x, g, b, Eps, 0.1f, [], [], y, sm, si, relu);
            int count = n * s;
            var gy = new double[x.Length];
            var sumG = new double[c];
            var sumGx = new double[c];
            for (int i = 0; i < x.Length; i++)
            {
                int ch = i / s % c;
                gy[i] = relu && !(y[i] > 0) ? 0 : dy[i];
                double xhat = (x[i] - mean[ch]) / Math.Sqrt(var[ch] + Eps);
                sumG[ch] += gy[i];
                sumGx[ch] += gy[i] * xhat;
            }

            var dx = new double[x.Length];
            var mag = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                int ch = i / s % c;
                double inv = 1 / Math.Sqrt(var[ch] + Eps);
                double xhat = (x[i] - mean[ch]) * inv;
                dx[i] = g[ch] * inv * (gy[i] - sumG[ch] / count - xhat * sumGx[ch] / count);
                mag[i] = Math.Abs(g[ch] * inv) * (Math.Abs(gy[i]) + Math.Abs(sumG[ch] / count) + Math.Abs(xhat * sumGx[ch] / count));
            }

            var gx = new float[x.Length];
            var gg = new float[c];
            var gb = new float[c];
            BatchNormKernel.BackwardTraining(n, c, s, x, dy, g, sm, si, relu ? y : [], gx, gg, gb);
            for (int i = 0; i < dx.Length; i++)
            {
                // NOTE: dx is a difference of terms of size mag; float rounding is relative to those terms.
                Assert.True(Math.Abs(dx[i] - gx[i]) <= 1e-5 * mag[i] + 1e-7, $"training backward dx relu={relu} [{i}]: {dx[i]} vs {gx[i]}");
            }
            TestData.AssertClose(sumGx, gg, 1e-4, 1e-4, $"training backward dgamma relu={relu}");
            TestData.AssertClose(sumG, gb, 1e-4, 1e-4, $"training backward dbeta relu={relu}");

            // Skipping outputs.
            var gx2 = new float[x.Length];
            BatchNormKernel.BackwardTraining(n, c, s, x, dy, g, sm, si, relu ? y : [], gx2, [], []);
            Assert.Equal(gx, gx2);
            BatchNormKernel.BackwardTraining(n, c, s, x, dy, g, sm, si, relu ? y : [], [], gg, []);
        }
    }

    [Fact]
    public void Training_gradient_matches_finite_differences()
    {
        // L = Σ dy ⊙ BN_train(x); the batch statistics depend on x, which the gradient must account for.
        int n = 3, c = 2, s = 5;
        var (x, g, b, dy) = Data(n, c, s, 11);
        const float Eps = 1e-3f;
        double Loss(float[] xs, float[] gs, float[] bs)
        {
            var (mean, var) = Stats(xs, n, c, s);
            double l = 0;
            for (int i = 0; i < xs.Length; i++)
            {
                int ch = i / s % c;
                l += dy[i] * (gs[ch] * (xs[i] - mean[ch]) / Math.Sqrt(var[ch] + Eps) + bs[ch]);
            }

            return l;
        }

        var y = new float[x.Length];
        var sm = new float[c];
        var si = new float[c];
        BatchNormKernel.ForwardTraining(n, c, s, x, g, b, Eps, 0.1f, [], [], y, sm, si);
        var gx = new float[x.Length];
        var gg = new float[c];
        var gb = new float[c];
        BatchNormKernel.BackwardTraining(n, c, s, x, dy, g, sm, si, [], gx, gg, gb);
        const float H = 1e-2f;
        for (int i = 0; i < x.Length; i += 3)
        {
            float[] xp = (float[])x.Clone(), xm = (float[])x.Clone();
            xp[i] += H;
            xm[i] -= H;
            double fd = (Loss(xp, g, b) - Loss(xm, g, b)) / (xp[i] - xm[i]);
            Assert.True(Math.Abs(fd - gx[i]) < 2e-3 * (1 + Math.Abs(fd)), $"dx[{i}]: fd {fd} vs {gx[i]}");
        }

        for (int ch = 0; ch < c; ch++)
        {
            float[] gp = (float[])g.Clone(), gm = (float[])g.Clone();
            gp[ch] += H;
            gm[ch] -= H;
            double fd = (Loss(x, gp, b) - Loss(x, gm, b)) / (gp[ch] - gm[ch]);
            Assert.True(Math.Abs(fd - gg[ch]) < 2e-3 * (1 + Math.Abs(fd)), $"dgamma[{ch}]: fd {fd} vs {gg[ch]}");
        }
    }

    [Fact]
    public void Validates()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            BatchNormKernel.ForwardTraining(1, 2, 1, new float[2], [], [], 1e-5f, 0.1f, [], [], new float[2], new float[2], new float[2]));
        Assert.Contains("more than one value", e.Message);
        e = Assert.Throws<ArgumentException>(() =>
            BatchNormKernel.ForwardInference(2, 2, 3, new float[11], [], [], new float[2], new float[2], 1e-5f, new float[12]));
        Assert.Contains("BatchNormKernel.ForwardInference", e.Message);
        Assert.Contains("12", e.Message);
        Assert.Throws<ArgumentException>(() =>
            BatchNormKernel.ForwardTraining(2, 2, 3, new float[12], [], [], 1e-5f, 0.1f, new float[2], [], new float[12], new float[2], new float[2]));
        Assert.Throws<ArgumentException>(() =>
            BatchNormKernel.BackwardInference(2, 2, 3, [], new float[12], [], new float[2], new float[2], 1e-5f, [], new float[12], new float[2], []));
        Assert.Throws<ArgumentException>(() =>
            BatchNormKernel.ForwardInference(2, 2, 3, new float[12], [], [], new float[2], new float[2], -1f, new float[12]));
    }
}
