using Frost.Kernels;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// Convolution followed by inference-mode batch norm (and ReLU) in one pass, with the normalisation folded
    /// into the convolution: <c>w' = w·γ/√(σ²+ε)</c>, <c>b' = (b − μ)·γ/√(σ²+ε) + β</c>. Only for results that
    /// are not recorded; callers check <see cref="CanFuseConvBatchNorm"/> first.
    /// </summary>
    internal static Tensor Conv2DBatchNormInference(Tensor input, Tensor weight, Tensor? bias, Conv2DSettings settings,
        Tensor gamma, Tensor beta, Tensor mean, Tensor variance, float epsilon, bool relu)
    {
        var s = ConvShape(input, weight, bias, settings);
        int k = s.OutChannels;
        int per = weight.Size / k;
        var w = Tensor.Empty(weight.Shape);
        var b = Tensor.Empty(new Shape(k));
        var ws = weight.AsReadOnlySpan();
        var wd = w.AsSpan();
        var bd = b.AsSpan();
        var g = gamma.AsReadOnlySpan();
        var be = beta.AsReadOnlySpan();
        var mu = mean.AsReadOnlySpan();
        var v = variance.AsReadOnlySpan();
        for (int o = 0; o < k; o++)
        {
            float scale = g[o] / MathF.Sqrt(v[o] + epsilon);
            System.Numerics.Tensors.TensorPrimitives.Multiply(ws.Slice(o * per, per), scale, wd.Slice(o * per, per));
            float b0 = bias is null ? 0f : bias.AsReadOnlySpan()[o];
            bd[o] = ((b0 - mu[o]) * scale) + be[o];
        }

        var y = Tensor.Empty(new Shape(s.Batch, s.OutChannels, s.OutHeight, s.OutWidth));
        Conv2DKernel.Forward(s, input.AsReadOnlySpan(), w.AsReadOnlySpan(), b.AsReadOnlySpan(), y.AsSpan(), relu);
        w.Storage.ReleaseEarly();
        b.Storage.ReleaseEarly();
        return y;
    }

    /// <summary>Whether a convolution and a batch norm in inference mode may run fused: nothing of theirs would be recorded.</summary>
    internal static bool CanFuseConvBatchNorm(Tensor input, Tensor weight, Tensor? bias, Tensor gamma, Tensor beta)
        => weight.Rank == 4 && gamma.Rank == 1 && gamma.Shape[0] == weight.Shape[0] && beta.Shape == gamma.Shape
        && GradientTape.RecorderFor(bias is null ? [input, weight, gamma, beta] : [input, weight, bias, gamma, beta]) is null;
}
