using Frost.Kernels.Convolution;
using Frost.Kernels.Internal;

namespace Frost.Kernels;

/// <summary>2-D convolution over NCHW tensors (cross-correlation, as in ONNX and PyTorch) and its gradients.</summary>
/// <remarks>
/// 3×3 stride-1 convolutions on maps up to 56×56 run by Winograd's minimal filtering, F(2×2, 3×3) or, where a batch has
/// tiles enough, F(4×4, 3×3), whose rounding is relative to each 4×4 output tile's magnitude (about 1e-5 of it) rather
/// than each output's; other stride-1 ones run as GEMMs that read a zero-padded copy of the image in place; strided
/// ones with a shallow depth (Cg·R·S) run forward as an implicit GEMM whose operand is packed from the image, other
/// strided ones build rows of patches first; depthwise ones (one input channel per group) run directly. Large problems use up to
/// <see cref="KernelOptions.MaxThreads"/> threads; results are deterministic for a fixed thread count.
/// Input and output spans must not overlap.
/// </remarks>
public static class Conv2DKernel
{
    /// <summary>Computes <c>output = conv(input, weight) + bias</c>.</summary>
    /// <param name="s">The geometry.</param>
    /// <param name="input">[N, C, H, W].</param>
    /// <param name="weight">[K, C/groups, R, S].</param>
    /// <param name="bias">[K], or empty for no bias.</param>
    /// <param name="output">[N, K, OH, OW], overwritten.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span length does not match it.</exception>
    public static void Forward(in Conv2DShape s, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output) =>
        Forward(s, input, weight, bias, output, relu: false);

    /// <summary>Computes <c>output = conv(input, weight) + bias</c>, then <c>max(output, 0)</c> if <paramref name="relu"/>.</summary>
    /// <param name="s">The geometry.</param>
    /// <param name="input">[N, C, H, W].</param>
    /// <param name="weight">[K, C/groups, R, S].</param>
    /// <param name="bias">[K], or empty for no bias.</param>
    /// <param name="output">[N, K, OH, OW], overwritten.</param>
    /// <param name="relu">Whether to apply ReLU to the result (NaN stays NaN).</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span length does not match it.</exception>
    public static unsafe void Forward(in Conv2DShape s, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, bool relu)
    {
        const string Op = "Conv2DKernel.Forward";
        s.Validate();
        Check.Exactly(Op, nameof(input), input.Length, s.InputLength);
        Check.Exactly(Op, nameof(weight), weight.Length, s.WeightLength);
        Check.EmptyOrExactly(Op, nameof(bias), bias.Length, s.OutChannels);
        Check.Exactly(Op, nameof(output), output.Length, s.OutputLength);
        if (s.Batch == 0)
        {
            return;
        }

        var g = new ConvGeometry(s);
        fixed (float* x = input, w = weight, b = bias, y = output)
        {
            float* pb = bias.IsEmpty ? null : b;
            if (IsDepthwise(s))
            {
                DepthwiseRunner.Current.Forward(g, x, w, pb, y, relu);
            }
            else
            {
                ConvRunner.Current.Forward(g, x, w, pb, y, relu);
            }
        }
    }

    /// <summary>Computes the gradient with respect to the input, <c>gradInput = ∂L/∂input</c>, from <c>∂L/∂output</c>.</summary>
    /// <param name="s">The geometry of the forward convolution.</param>
    /// <param name="gradOutput">[N, K, OH, OW].</param>
    /// <param name="weight">[K, C/groups, R, S].</param>
    /// <param name="gradInput">[N, C, H, W], overwritten.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span length does not match it.</exception>
    public static unsafe void BackwardInput(in Conv2DShape s, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput)
    {
        const string Op = "Conv2DKernel.BackwardInput";
        s.Validate();
        Check.Exactly(Op, nameof(gradOutput), gradOutput.Length, s.OutputLength);
        Check.Exactly(Op, nameof(weight), weight.Length, s.WeightLength);
        Check.Exactly(Op, nameof(gradInput), gradInput.Length, s.InputLength);
        if (s.Batch == 0)
        {
            return;
        }

        var g = new ConvGeometry(s);
        fixed (float* dy = gradOutput, w = weight, dx = gradInput)
        {
            if (IsDepthwise(s))
            {
                DepthwiseRunner.Current.BackwardInput(g, dy, w, dx);
            }
            else
            {
                ConvRunner.Current.BackwardInput(g, dy, w, dx);
            }
        }
    }

    /// <summary>
    /// Computes the gradients with respect to the weight and bias, summed over the batch:
    /// <c>gradWeight = ∂L/∂weight</c>, <c>gradBias = ∂L/∂bias</c>.
    /// </summary>
    /// <param name="s">The geometry of the forward convolution.</param>
    /// <param name="input">[N, C, H, W], the forward input.</param>
    /// <param name="gradOutput">[N, K, OH, OW].</param>
    /// <param name="gradWeight">[K, C/groups, R, S], overwritten.</param>
    /// <param name="gradBias">[K], overwritten; empty to skip.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span length does not match it.</exception>
    public static unsafe void BackwardWeight(in Conv2DShape s, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight, Span<float> gradBias)
    {
        const string Op = "Conv2DKernel.BackwardWeight";
        s.Validate();
        Check.Exactly(Op, nameof(input), input.Length, s.InputLength);
        Check.Exactly(Op, nameof(gradOutput), gradOutput.Length, s.OutputLength);
        Check.Exactly(Op, nameof(gradWeight), gradWeight.Length, s.WeightLength);
        Check.EmptyOrExactly(Op, nameof(gradBias), gradBias.Length, s.OutChannels);
        if (s.Batch == 0)
        {
            gradWeight.Clear();
            gradBias.Clear();
            return;
        }

        var g = new ConvGeometry(s);
        fixed (float* x = input, dy = gradOutput, dw = gradWeight, db = gradBias)
        {
            float* pdb = gradBias.IsEmpty ? null : db;
            if (IsDepthwise(s))
            {
                DepthwiseRunner.Current.BackwardWeight(g, x, dy, dw, pdb);
            }
            else
            {
                ConvRunner.Current.BackwardWeight(g, x, dy, dw, pdb);
            }
        }
    }

    private static bool IsDepthwise(in Conv2DShape s) => s.Groups > 1 && s.InChannels == s.Groups;
}
