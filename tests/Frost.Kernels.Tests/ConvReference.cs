namespace Frost.Kernels.Tests;

/// <summary>Naive convolution and gradients in double, with per-element magnitudes for tolerances.</summary>
internal static class ConvReference
{
    private static bool Tap(in Conv2DShape s, int oh, int ow, int r, int q, out int ih, out int iw)
    {
        ih = oh * s.StrideH + r * s.DilationH - s.PadTop;
        iw = ow * s.StrideW + q * s.DilationW - s.PadLeft;
        return ih >= 0 && ih < s.InHeight && iw >= 0 && iw < s.InWidth;
    }

    public static (double[] Y, double[] Mag) Forward(in Conv2DShape s, float[] x, float[] w, float[] b)
    {
        int cg = s.InChannels / s.Groups, kg = s.OutChannels / s.Groups, oh = s.OutHeight, ow = s.OutWidth;
        var y = new double[s.OutputLength];
        var mag = new double[y.Length];
        for (int n = 0; n < s.Batch; n++)
        {
            for (int k = 0; k < s.OutChannels; k++)
            {
                int g = k / kg;
                for (int i = 0; i < oh; i++)
                {
                    for (int j = 0; j < ow; j++)
                    {
                        double sum = b.Length > 0 ? b[k] : 0, m = Math.Abs(sum);
                        for (int c = 0; c < cg; c++)
                        {
                            for (int r = 0; r < s.KernelHeight; r++)
                            {
                                for (int q = 0; q < s.KernelWidth; q++)
                                {
                                    if (Tap(s, i, j, r, q, out int ih, out int iw))
                                    {
                                        double t = (double)w[((k * cg + c) * s.KernelHeight + r) * s.KernelWidth + q]
                                            * x[((n * s.InChannels + g * cg + c) * s.InHeight + ih) * s.InWidth + iw];
                                        sum += t;
                                        m += Math.Abs(t);
                                    }
                                }
                            }
                        }

                        int o = ((n * s.OutChannels + k) * oh + i) * ow + j;
                        y[o] = sum;
                        mag[o] = m;
                    }
                }
            }
        }

        return (y, mag);
    }

    public static (double[] Dx, double[] DxMag, double[] Dw, double[] DwMag, double[] Db, double[] DbMag) Backward(in Conv2DShape s, float[] x, float[] w, float[] dy)
    {
        int cg = s.InChannels / s.Groups, kg = s.OutChannels / s.Groups, oh = s.OutHeight, ow = s.OutWidth;
        var dx = new double[s.InputLength];
        var dxm = new double[dx.Length];
        var dw = new double[s.WeightLength];
        var dwm = new double[dw.Length];
        var db = new double[s.OutChannels];
        var dbm = new double[s.OutChannels];
        for (int n = 0; n < s.Batch; n++)
        {
            for (int k = 0; k < s.OutChannels; k++)
            {
                int g = k / kg;
                for (int i = 0; i < oh; i++)
                {
                    for (int j = 0; j < ow; j++)
                    {
                        double d = dy[((n * s.OutChannels + k) * oh + i) * ow + j];
                        db[k] += d;
                        dbm[k] += Math.Abs(d);
                        for (int c = 0; c < cg; c++)
                        {
                            for (int r = 0; r < s.KernelHeight; r++)
                            {
                                for (int q = 0; q < s.KernelWidth; q++)
                                {
                                    if (Tap(s, i, j, r, q, out int ih, out int iw))
                                    {
                                        int wi = ((k * cg + c) * s.KernelHeight + r) * s.KernelWidth + q;
                                        int xi = ((n * s.InChannels + g * cg + c) * s.InHeight + ih) * s.InWidth + iw;
                                        dx[xi] += d * w[wi];
                                        dxm[xi] += Math.Abs(d * w[wi]);
                                        dw[wi] += d * x[xi];
                                        dwm[wi] += Math.Abs(d * x[xi]);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        return (dx, dxm, dw, dwm, db, dbm);
    }

    public static void AssertClose(double[] expected, double[] mag, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tol = 2e-5 * mag[i] + 1e-5;
            if (!(Math.Abs(expected[i] - actual[i]) <= tol))
            {
                Assert.Fail($"{what}: element {i} expected {expected[i]:R} got {actual[i]:R} (tol {tol:E2})");
            }
        }
    }
}
