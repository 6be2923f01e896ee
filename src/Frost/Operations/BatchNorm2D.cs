using Frost.Kernels;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// Batch normalisation of an NCHW tensor per channel: <c>γ·(x − μ)/√(σ² + ε) + β</c>. In training mode
    /// μ and σ² are the batch statistics (biased variance) and the running statistics are updated in place
    /// (<c>r ← (1 − momentum)·r + momentum·batch</c>, unbiased variance for the running variance); otherwise
    /// the running statistics are used and left unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not 4-D or a parameter is not [C].</exception>
    public static Tensor BatchNorm2D(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, bool training, float momentum = 0.1f, float epsilon = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        ArgumentNullException.ThrowIfNull(runningMean);
        ArgumentNullException.ThrowIfNull(runningVar);
        if (input.Rank != 4)
        {
            throw new ArgumentException($"BatchNorm2D: input must be [N, C, H, W], got {input.Shape}.");
        }

        int n = input.Shape[0], c = input.Shape[1], hw = input.Shape[2] * input.Shape[3];
        foreach (var (name, t) in new[] { ("gamma", gamma), ("beta", beta), ("running mean", runningMean), ("running variance", runningVar) })
        {
            if (t.Rank != 1 || t.Shape[0] != c)
            {
                throw new ArgumentException($"BatchNorm2D: {name} {t.Shape} must be [{c}] for input {input.Shape}.");
            }
        }

        var y = Tensor.Empty(input.Shape);
        var recorder = GradientTape.RecorderFor([input, gamma, beta]);
        if (training)
        {
            var mean = new float[c];
            var invStd = new float[c];
            BatchNormKernel.ForwardTraining(n, c, hw, input.AsReadOnlySpan(), gamma.AsReadOnlySpan(), beta.AsReadOnlySpan(), epsilon, momentum,
                runningMean.AsSpan(), runningVar.AsSpan(), y.AsSpan(), mean, invStd);
            recorder?.Record("BatchNorm2D", y, [input, gamma, beta], (g, sink) =>
            {
                // The kernel sums a channel's gradient before it writes that channel's input gradient, so it may write over it.
                var gx = sink.Needs(0) ? sink.Reusable(g) ?? Tensor.Empty(input.Shape) : null;
                var gg = sink.Needs(1) ? Tensor.Empty(gamma.Shape) : null;
                var gb = sink.Needs(2) ? Tensor.Empty(beta.Shape) : null;
                BatchNormKernel.BackwardTraining(n, c, hw, input.AsReadOnlySpan(), g.AsReadOnlySpan(), gamma.AsReadOnlySpan(), mean, invStd, default,
                    gx is null ? default : gx.AsSpan(), gg is null ? default : gg.AsSpan(), gb is null ? default : gb.AsSpan());
                AddIfPresent(sink, 0, gx);
                AddIfPresent(sink, 1, gg);
                AddIfPresent(sink, 2, gb);
            }, Saved.Inputs(0, 1));
            return y;
        }

        BatchNormKernel.ForwardInference(n, c, hw, input.AsReadOnlySpan(), gamma.AsReadOnlySpan(), beta.AsReadOnlySpan(), runningMean.AsReadOnlySpan(), runningVar.AsReadOnlySpan(), epsilon, y.AsSpan());
        if (recorder is not null)
        {
            // Statistics are constants here, so the op is affine per channel.
            var invStd = new float[c];
            var mean = runningMean.ToArray();
            var rv = runningVar.AsReadOnlySpan();
            for (int ch = 0; ch < c; ch++)
            {
                invStd[ch] = 1f / MathF.Sqrt(rv[ch] + epsilon);
            }

            recorder.Record("BatchNorm2DInference", y, [input, gamma, beta], (g, sink) =>
            {
                var gs = g.AsReadOnlySpan();
                var xs = input.AsReadOnlySpan();
                var gam = gamma.AsReadOnlySpan();
                var gx = sink.Needs(0) ? Tensor.Empty(input.Shape) : null;
                var gg = sink.Needs(1) ? Tensor.PooledZeros(gamma.Shape) : null;
                var gb = sink.Needs(2) ? Tensor.PooledZeros(beta.Shape) : null;
                for (int i = 0; i < n; i++)
                {
                    for (int ch = 0; ch < c; ch++)
                    {
                        int off = (i * c + ch) * hw;
                        var gPlane = gs.Slice(off, hw);
                        if (gx is not null)
                        {
                            System.Numerics.Tensors.TensorPrimitives.Multiply(gPlane, gam[ch] * invStd[ch], gx.AsSpan().Slice(off, hw));
                        }

                        if (gb is not null)
                        {
                            gb.AsSpan()[ch] += System.Numerics.Tensors.TensorPrimitives.Sum(gPlane);
                        }

                        if (gg is not null)
                        {
                            var xPlane = xs.Slice(off, hw);
                            double acc = 0;
                            for (int k = 0; k < hw; k++)
                            {
                                acc += gPlane[k] * (xPlane[k] - mean[ch]);
                            }

                            gg.AsSpan()[ch] += (float)(acc * invStd[ch]);
                        }
                    }
                }

                AddIfPresent(sink, 0, gx);
                AddIfPresent(sink, 1, gg);
                AddIfPresent(sink, 2, gb);
            }, Saved.Inputs(0, 1));
        }

        return y;
    }

    private static void AddIfPresent(GradientSink sink, int input, Tensor? g)
    {
        if (g is not null)
        {
            sink.Add(input, g);
        }
    }
}
