using System.Runtime.InteropServices;
using Frost.Kernels;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// Max pooling over windows of an NCHW tensor. Padding counts as −∞; with <paramref name="ceilMode"/> the
    /// output size rounds up (windows may start inside the padding but not beyond it). The gradient goes to
    /// the first maximum of each window.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not 4-D or the window does not fit.</exception>
    public static Tensor MaxPool2D(Tensor input, int kernelHeight, int kernelWidth, Conv2DSettings settings, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        var s = PoolShape("MaxPool2D", input, kernelHeight, kernelWidth, settings, countIncludePad: false, ceilMode);
        var y = Tensor.Empty(new Shape(s.Batch, s.Channels, s.OutHeight, s.OutWidth));
        var recorder = GradientTape.RecorderFor(input);

        // NOTE: the argmax indices live in a pooled float buffer reinterpreted as ints, so they return to the
        // pool with the tape instead of adding a managed allocation per step.
        var argmax = recorder is null ? null : Tensor.Empty(y.Shape);
        Pool2DKernel.MaxForward(s, input.AsReadOnlySpan(), y.AsSpan(), argmax is null ? default : MemoryMarshal.Cast<float, int>(argmax.AsSpan()));
        recorder?.Record("MaxPool2D", y, [input], (g, sink) =>
        {
            var gx = Tensor.Empty(input.Shape);
            Pool2DKernel.MaxBackward(s, g.AsReadOnlySpan(), MemoryMarshal.Cast<float, int>(argmax!.AsReadOnlySpan()), gx.AsSpan());
            sink.Add(0, gx);
        }, Saved.Nothing);

        return y;
    }

    /// <summary>Max pooling with a square window and symmetric stride and padding.</summary>
    public static Tensor MaxPool2D(Tensor input, int kernelSize, int stride, int padding = 0, bool ceilMode = false)
        => MaxPool2D(input, kernelSize, kernelSize, Conv2DSettings.Symmetric(stride, padding), ceilMode);

    /// <summary>
    /// Average pooling over windows of an NCHW tensor; padded positions count in the divisor only with
    /// <paramref name="countIncludePad"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not 4-D or the window does not fit.</exception>
    public static Tensor AvgPool2D(Tensor input, int kernelHeight, int kernelWidth, Conv2DSettings settings, bool countIncludePad = false, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        var s = PoolShape("AvgPool2D", input, kernelHeight, kernelWidth, settings, countIncludePad, ceilMode);
        var y = Tensor.Empty(new Shape(s.Batch, s.Channels, s.OutHeight, s.OutWidth));
        Pool2DKernel.AvgForward(s, input.AsReadOnlySpan(), y.AsSpan());
        GradientTape.RecorderFor(input)?.Record("AvgPool2D", y, [input], (g, sink) =>
        {
            var gx = Tensor.Empty(input.Shape);
            Pool2DKernel.AvgBackward(s, g.AsReadOnlySpan(), gx.AsSpan());
            sink.Add(0, gx);
        }, Saved.Nothing);
        return y;
    }

    /// <summary>Average pooling with a square window and symmetric stride and padding.</summary>
    public static Tensor AvgPool2D(Tensor input, int kernelSize, int stride, int padding = 0, bool countIncludePad = false)
        => AvgPool2D(input, kernelSize, kernelSize, Conv2DSettings.Symmetric(stride, padding), countIncludePad);

    /// <summary>Mean over the spatial axes of an NCHW tensor: [N, C, H, W] → [N, C, 1, 1].</summary>
    /// <exception cref="ArgumentException">The input is not 4-D.</exception>
    public static Tensor GlobalAvgPool(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4)
        {
            throw new ArgumentException($"GlobalAvgPool: input must be [N, C, H, W], got {input.Shape}.");
        }

        int n = input.Shape[0], c = input.Shape[1], hw = input.Shape[2] * input.Shape[3];
        var y = Tensor.Empty(new Shape(n, c, 1, 1));
        Pool2DKernel.GlobalAvgForward(n, c, hw, input.AsReadOnlySpan(), y.AsSpan());
        GradientTape.RecorderFor(input)?.Record("GlobalAvgPool", y, [input], (g, sink) =>
        {
            var gx = Tensor.Empty(input.Shape);
            Pool2DKernel.GlobalAvgBackward(n, c, hw, g.AsReadOnlySpan(), gx.AsSpan());
            sink.Add(0, gx);
        }, Saved.Nothing);
        return y;
    }

    private static Pool2DShape PoolShape(string op, Tensor x, int kh, int kw, Conv2DSettings p, bool countIncludePad, bool ceilMode)
    {
        if (x.Rank != 4)
        {
            throw new ArgumentException($"{op}: input must be [N, C, H, W], got {x.Shape}.");
        }

        if (p.DilationH != 1 || p.DilationW != 1 || p.Groups != 1)
        {
            throw new ArgumentException($"{op}: dilation and groups are not supported for pooling ({p}).");
        }

        var s = new Pool2DShape(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], kh, kw, p.StrideH, p.StrideW,
            p.PadTop, p.PadLeft, p.PadBottom, p.PadRight, countIncludePad, ceilMode);
        try
        {
            s.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{op}: input {x.Shape}, window {kh}x{kw}, {p}: {e.Message}", e);
        }

        return s;
    }
}
