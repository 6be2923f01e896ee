using System.Numerics.Tensors;
using Frost.Kernels;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as in ONNX and PyTorch) of <paramref name="input"/> [N, C, H, W]
    /// with <paramref name="weight"/> [K, C/groups, R, S], plus <paramref name="bias"/> [K] when given.
    /// </summary>
    /// <exception cref="ArgumentException">Ranks, channel counts, groups or the window do not fit; the message names both shapes.</exception>
    public static Tensor Conv2D(Tensor input, Tensor weight, Tensor? bias, Conv2DSettings settings)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var s = ConvShape(input, weight, bias, settings);
        var y = Tensor.Empty(new Shape(s.Batch, s.OutChannels, s.OutHeight, s.OutWidth));
        Conv2DKernel.Forward(s, input.AsReadOnlySpan(), weight.AsReadOnlySpan(), bias is null ? default : bias.AsReadOnlySpan(), y.AsSpan());
        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        GradientTape.RecorderFor(inputs)?.Record("Conv2D", y, inputs, (g, sink) =>
        {
            var gs = g.AsReadOnlySpan();
            if (sink.Needs(0))
            {
                var gx = Tensor.Empty(input.Shape);
                Conv2DKernel.BackwardInput(s, gs, weight.AsReadOnlySpan(), gx.AsSpan());
                sink.Add(0, gx);
            }

            bool needBias = bias is not null && sink.Needs(2);
            if (sink.Needs(1))
            {
                var gw = Tensor.Empty(weight.Shape);
                var gb = needBias ? Tensor.Empty(bias!.Shape) : null;
                Conv2DKernel.BackwardWeight(s, input.AsReadOnlySpan(), gs, gw.AsSpan(), gb is null ? default : gb.AsSpan());
                sink.Add(1, gw);
                if (gb is not null)
                {
                    sink.Add(2, gb);
                }
            }
            else if (needBias)
            {
                sink.Add(2, ChannelSums(g));
            }
        }, Saved.Inputs(0, 1));
        return y;
    }

    /// <summary>2-D convolution with the same stride, padding and dilation in both directions.</summary>
    public static Tensor Conv2D(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => Conv2D(input, weight, bias, Conv2DSettings.Symmetric(stride, padding, dilation, groups));

    /// <summary>Sums an NCHW tensor over N, H and W: one value per channel.</summary>
    internal static Tensor ChannelSums(Tensor g)
    {
        int n = g.Shape[0], c = g.Shape[1], hw = g.Shape.Product(2, g.Rank);
        var r = Tensor.PooledZeros(new Shape(c));
        var rs = r.AsSpan();
        var gs = g.AsReadOnlySpan();
        for (int i = 0; i < n; i++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                rs[ch] += TensorPrimitives.Sum(gs.Slice((i * c + ch) * hw, hw));
            }
        }

        return r;
    }

    private static Conv2DShape ConvShape(Tensor x, Tensor w, Tensor? b, Conv2DSettings p)
    {
        if (x.Rank != 4 || w.Rank != 4)
        {
            throw new ArgumentException($"Conv2D: input must be [N, C, H, W] and weight [K, C/groups, R, S], got {x.Shape} and {w.Shape}.");
        }

        int groups = p.Groups;
        if (groups < 1 || x.Shape[1] != w.Shape[1] * groups || w.Shape[0] % groups != 0)
        {
            throw new ArgumentException($"Conv2D: input {x.Shape} and weight {w.Shape} do not fit {groups} group(s) (need C = weight[1]·groups and K divisible by groups).");
        }

        if (b is not null && (b.Rank != 1 || b.Shape[0] != w.Shape[0]))
        {
            throw new ArgumentException($"Conv2D: bias {b.Shape} must be [{w.Shape[0]}] for weight {w.Shape}.");
        }

        var s = new Conv2DShape(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], w.Shape[0], w.Shape[2], w.Shape[3],
            p.StrideH, p.StrideW, p.PadTop, p.PadLeft, p.PadBottom, p.PadRight, p.DilationH, p.DilationW, groups);
        try
        {
            s.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Conv2D: input {x.Shape}, weight {w.Shape}: {e.Message}", e);
        }

        if (s.OutHeight < 1 || s.OutWidth < 1)
        {
            throw new ArgumentException($"Conv2D: input {x.Shape} is smaller than the dilated window of weight {w.Shape} with padding {p}.");
        }

        return s;
    }
}
