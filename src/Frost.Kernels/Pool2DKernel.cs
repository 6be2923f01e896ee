using System.Numerics.Tensors;
using Frost.Kernels.Internal;
using Frost.Kernels.Pooling;

namespace Frost.Kernels;

/// <summary>Max, average and global average pooling over NCHW tensors, with their gradients.</summary>
/// <remarks>Planes are split over up to <see cref="KernelOptions.MaxThreads"/> threads; results are deterministic.</remarks>
public static class Pool2DKernel
{
    /// <summary>
    /// Max pooling: <c>output</c> = the largest input in each window (padding never wins; NaN propagates; ties pick the
    /// first element in row-major order). <paramref name="argmax"/> receives, per output, the index of the chosen
    /// element within its input plane (ih·W + iw).
    /// </summary>
    /// <param name="s">The geometry.</param>
    /// <param name="input">[N, C, H, W].</param>
    /// <param name="output">[N, C, OH, OW], overwritten.</param>
    /// <param name="argmax">[N, C, OH, OW], overwritten; empty when no backward pass is needed.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span length does not match it.</exception>
    public static unsafe void MaxForward(in Pool2DShape s, ReadOnlySpan<float> input, Span<float> output, Span<int> argmax)
    {
        const string Op = "Pool2DKernel.MaxForward";
        s.Validate();
        Check.Exactly(Op, nameof(input), input.Length, s.InputLength);
        Check.Exactly(Op, nameof(output), output.Length, s.OutputLength);
        Check.EmptyOrExactly(Op, nameof(argmax), argmax.Length, s.OutputLength);
        fixed (float* x = input, y = output)
        fixed (int* a = argmax)
        {
            PoolRunner.Current.MaxForward(s, x, y, argmax.IsEmpty ? null : a);
        }
    }

    /// <summary>Gradient of max pooling: each output gradient is added to the input element its window chose.</summary>
    /// <param name="s">The geometry.</param>
    /// <param name="gradOutput">[N, C, OH, OW].</param>
    /// <param name="argmax">[N, C, OH, OW] from <see cref="MaxForward"/>.</param>
    /// <param name="gradInput">[N, C, H, W], overwritten.</param>
    /// <exception cref="ArgumentException">The geometry is invalid, a span length does not match it, or an argmax index is
    /// outside its plane.</exception>
    public static unsafe void MaxBackward(in Pool2DShape s, ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> argmax, Span<float> gradInput)
    {
        const string Op = "Pool2DKernel.MaxBackward";
        s.Validate();
        Check.Exactly(Op, nameof(gradOutput), gradOutput.Length, s.OutputLength);
        Check.Exactly(Op, nameof(argmax), argmax.Length, s.OutputLength);
        Check.Exactly(Op, nameof(gradInput), gradInput.Length, s.InputLength);
        fixed (float* dy = gradOutput, dx = gradInput)
        fixed (int* a = argmax)
        {
            if (!PoolRunner.Current.MaxBackward(s, dy, a, dx))
            {
                Check.Fail(Op, $"an argmax index is outside its input plane of {s.InHeight * s.InWidth} elements.", nameof(argmax));
            }
        }
    }

    /// <summary>
    /// Average pooling: the mean of each window, over the input elements it covers, or with
    /// <see cref="Pool2DShape.CountIncludePad"/> over its size clipped to the padded input (PyTorch's rule).
    /// </summary>
    /// <param name="s">The geometry.</param>
    /// <param name="input">[N, C, H, W].</param>
    /// <param name="output">[N, C, OH, OW], overwritten.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span length does not match it.</exception>
    public static unsafe void AvgForward(in Pool2DShape s, ReadOnlySpan<float> input, Span<float> output)
    {
        const string Op = "Pool2DKernel.AvgForward";
        s.Validate();
        Check.Exactly(Op, nameof(input), input.Length, s.InputLength);
        Check.Exactly(Op, nameof(output), output.Length, s.OutputLength);
        fixed (float* x = input, y = output)
        {
            PoolRunner.Current.AvgForward(s, x, y);
        }
    }

    /// <summary>Gradient of average pooling: each output gradient, divided as in the forward, is added to its window.</summary>
    /// <param name="s">The geometry.</param>
    /// <param name="gradOutput">[N, C, OH, OW].</param>
    /// <param name="gradInput">[N, C, H, W], overwritten.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span length does not match it.</exception>
    public static unsafe void AvgBackward(in Pool2DShape s, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        const string Op = "Pool2DKernel.AvgBackward";
        s.Validate();
        Check.Exactly(Op, nameof(gradOutput), gradOutput.Length, s.OutputLength);
        Check.Exactly(Op, nameof(gradInput), gradInput.Length, s.InputLength);
        fixed (float* dy = gradOutput, dx = gradInput)
        {
            PoolRunner.Current.AvgBackward(s, dy, dx);
        }
    }

    /// <summary>Global average pooling: <c>output[n, c]</c> = the mean of the <paramref name="spatial"/> values of plane (n, c).</summary>
    /// <param name="batch">Images (N).</param>
    /// <param name="channels">Channels (C).</param>
    /// <param name="spatial">Elements per plane (H·W).</param>
    /// <param name="input">[N, C, spatial].</param>
    /// <param name="output">[N, C], overwritten.</param>
    /// <exception cref="ArgumentException">A size is out of range or a span length does not match.</exception>
    public static void GlobalAvgForward(int batch, int channels, int spatial, ReadOnlySpan<float> input, Span<float> output)
    {
        const string Op = "Pool2DKernel.GlobalAvgForward";
        CheckGlobal(Op, batch, channels, spatial);
        Check.Exactly(Op, nameof(input), input.Length, (long)batch * channels * spatial);
        Check.Exactly(Op, nameof(output), output.Length, (long)batch * channels);
        float inv = 1f / spatial;
        for (int p = 0; p < output.Length; p++)
        {
            output[p] = TensorPrimitives.Sum(input.Slice(p * spatial, spatial)) * inv;
        }
    }

    /// <summary>Gradient of global average pooling: every element of plane (n, c) receives <c>gradOutput[n, c] / spatial</c>.</summary>
    /// <param name="batch">Images (N).</param>
    /// <param name="channels">Channels (C).</param>
    /// <param name="spatial">Elements per plane (H·W).</param>
    /// <param name="gradOutput">[N, C].</param>
    /// <param name="gradInput">[N, C, spatial], overwritten.</param>
    /// <exception cref="ArgumentException">A size is out of range or a span length does not match.</exception>
    public static void GlobalAvgBackward(int batch, int channels, int spatial, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        const string Op = "Pool2DKernel.GlobalAvgBackward";
        CheckGlobal(Op, batch, channels, spatial);
        Check.Exactly(Op, nameof(gradOutput), gradOutput.Length, (long)batch * channels);
        Check.Exactly(Op, nameof(gradInput), gradInput.Length, (long)batch * channels * spatial);
        float inv = 1f / spatial;
        for (int p = 0; p < gradOutput.Length; p++)
        {
            gradInput.Slice(p * spatial, spatial).Fill(gradOutput[p] * inv);
        }
    }

    private static void CheckGlobal(string op, int batch, int channels, int spatial)
    {
        Check.NonNegative(op, nameof(batch), batch);
        Check.Positive(op, nameof(channels), channels);
        Check.Positive(op, nameof(spatial), spatial);
        Check.Size(op, batch, channels, spatial);
    }
}
