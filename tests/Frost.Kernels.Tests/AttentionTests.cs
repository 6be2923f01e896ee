namespace Frost.Kernels.Tests;

public class AttentionTests
{
    public static TheoryData<int, int, int, int, int> Sizes() => new()
    {
        { 1, 1, 1, 1, 1 }, { 2, 3, 5, 7, 4 }, { 1, 2, 9, 3, 17 }, { 3, 1, 4, 4, 33 },
        { 4, 4, 64, 48, 32 }, // enough work to split blocks over threads
    };

    /// <summary>Masks with padding at the end, a hole, and (for the last item) no kept key at all.</summary>
    private static float[] Mask(int n, int tk)
    {
        var m = new float[n * tk];
        for (int b = 0; b < n; b++)
        {
            int kept = n > 1 && b == n - 1 ? 0 : tk - (b % Math.Max(1, tk));
            for (int j = 0; j < kept; j++)
            {
                m[(b * tk) + j] = j == 1 && kept > 2 ? 0f : 1f;
            }
        }

        return m;
    }

    /// <summary>Double-precision attention: output, and the gradients of Σ output·dO.</summary>
    private static (double[] O, double[] DQ, double[] DK, double[] DV) Reference(
        int n, int h, int tq, int tk, int dh, float scale, float[] q, float[] k, float[] v, float[]? mask, float[] dO)
    {
        int d = h * dh;
        var o = new double[n * tq * d];
        var dq = new double[n * tq * d];
        var dk = new double[n * tk * d];
        var dv = new double[n * tk * d];
        for (int b = 0; b < n; b++)
        {
            for (int hh = 0; hh < h; hh++)
            {
                int Q(int i, int c) => (((b * tq) + i) * d) + (hh * dh) + c;
                int K(int j, int c) => (((b * tk) + j) * d) + (hh * dh) + c;
                for (int i = 0; i < tq; i++)
                {
                    var s = new double[tk];
                    var kept = new bool[tk];
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < tk; j++)
                    {
                        kept[j] = mask is null || mask[(b * tk) + j] != 0;
                        for (int c = 0; c < dh; c++)
                        {
                            s[j] += (double)q[Q(i, c)] * k[K(j, c)];
                        }

                        s[j] *= scale;
                        if (kept[j])
                        {
                            max = Math.Max(max, s[j]);
                        }
                    }

                    if (double.IsNegativeInfinity(max))
                    {
                        continue;
                    }

                    var p = new double[tk];
                    double sum = 0;
                    for (int j = 0; j < tk; j++)
                    {
                        p[j] = kept[j] ? Math.Exp(s[j] - max) : 0;
                        sum += p[j];
                    }

                    var dp = new double[tk];
                    for (int j = 0; j < tk; j++)
                    {
                        p[j] /= sum;
                        for (int c = 0; c < dh; c++)
                        {
                            o[Q(i, c)] += p[j] * v[K(j, c)];
                            dv[K(j, c)] += p[j] * dO[Q(i, c)];
                            dp[j] += (double)dO[Q(i, c)] * v[K(j, c)];
                        }
                    }

                    double dot = p.Zip(dp, (a, bb) => a * bb).Sum();
                    for (int j = 0; j < tk; j++)
                    {
                        double ds = p[j] * (dp[j] - dot) * scale;
                        for (int c = 0; c < dh; c++)
                        {
                            dq[Q(i, c)] += ds * k[K(j, c)];
                            dk[K(j, c)] += ds * q[Q(i, c)];
                        }
                    }
                }
            }
        }

        return (o, dq, dk, dv);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_and_backward_match_a_double_reference_with_and_without_a_mask(int n, int h, int tq, int tk, int dh)
    {
        var rng = new Random(TestData.Seed($"attn{n},{h},{tq},{tk},{dh}"));
        int d = h * dh;
        float[] q = TestData.Random(rng, n * tq * d, 2f), k = TestData.Random(rng, n * tk * d, 2f), v = TestData.Random(rng, n * tk * d);
        float[] dO = TestData.Random(rng, n * tq * d);
        float scale = 1f / MathF.Sqrt(dh);
        foreach (var mask in new[] { null, Mask(n, tk) })
        {
            var (eo, edq, edk, edv) = Reference(n, h, tq, tk, dh, scale, q, k, v, mask, dO);
            var o = new float[q.Length];
            var p = new float[n * h * tq * tk];
            AttentionKernel.Forward(n, h, tq, tk, dh, scale, q, k, v, mask ?? [], o, p);
            TestData.AssertClose(eo, o, 1e-5, 1e-5, $"output, mask={mask is not null}");

            // Without kept probabilities: the same output, bit for bit.
            var o2 = new float[q.Length];
            AttentionKernel.Forward(n, h, tq, tk, dh, scale, q, k, v, mask ?? [], o2, []);
            Assert.Equal(o, o2);

            var dq = new float[q.Length];
            var dk = Enumerable.Repeat(float.NaN, k.Length).ToArray(); // every element must be written
            var dv = Enumerable.Repeat(float.NaN, v.Length).ToArray();
            AttentionKernel.Backward(n, h, tq, tk, dh, scale, q, k, v, mask ?? [], p, dO, dq, dk, dv);
            TestData.AssertClose(edq, dq, 1e-4, 1e-5, "gradQuery");
            TestData.AssertClose(edk, dk, 1e-4, 1e-5, "gradKey");
            TestData.AssertClose(edv, dv, 1e-4, 1e-5, "gradValue");

            // Only some gradients.
            var dv2 = new float[v.Length];
            AttentionKernel.Backward(n, h, tq, tk, dh, scale, q, k, v, mask ?? [], p, dO, [], [], dv2);
            Assert.Equal(dv, dv2);
        }
    }

    [Fact]
    public void A_query_with_every_key_masked_gets_zeros_not_NaN()
    {
        float[] q = [1, 2, 3, 4], k = [1, 1, 1, 1], v = [5, 6, 7, 8];
        var o = Enumerable.Repeat(float.NaN, 4).ToArray();
        var p = new float[4];
        AttentionKernel.Forward(1, 1, 2, 2, 2, 1f, q, k, v, [0, 0], o, p);
        Assert.Equal(new float[4], o);
        var grads = Enumerable.Range(0, 3).Select(_ => Enumerable.Repeat(float.NaN, 4).ToArray()).ToArray();
        AttentionKernel.Backward(1, 1, 2, 2, 2, 1f, q, k, v, [0, 0], p, [1, 1, 1, 1], grads[0], grads[1], grads[2]);
        Assert.All(grads, g => Assert.Equal(new float[4], g));
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        var buf = new float[8];
        var ex = Assert.Throws<ArgumentException>(() => AttentionKernel.Forward(1, 1, 2, 2, 2, 1f, buf.AsSpan(0, 4), buf.AsSpan(0, 4), buf.AsSpan(0, 4), [1, 0.5f], new float[4], []));
        Assert.Contains("keyMask[0, 1] is 0.5", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => AttentionKernel.Forward(1, 1, 2, 2, 2, 1f, buf, buf.AsSpan(0, 4), buf.AsSpan(0, 4), [], new float[4], []));
        Assert.Contains("'query'", ex.Message, StringComparison.Ordinal);
    }
}
