using Frost.Kernels.Internal;
using Frost.Kernels.Normalization;

namespace Frost.Kernels;

/// <summary>
/// Batch normalisation over NCHW tensors, per channel (statistics over N and the <c>spatial</c> = H·W positions), with an
/// optional fused ReLU. <c>y = γ·(x − μ)/√(σ² + ε) + β</c>.
/// </summary>
/// <remarks>
/// Empty <c>gamma</c>/<c>beta</c> mean γ = 1, β = 0 (no affine parameters). Channels are split over up to
/// <see cref="KernelOptions.MaxThreads"/> threads; every channel is summed in a fixed order, so results are deterministic.
/// </remarks>
public static class BatchNormKernel
{
    /// <summary>
    /// Training forward: normalises with the batch statistics (biased variance), saves μ and 1/√(σ² + ε) for the backward
    /// pass, and, unless the running spans are empty, updates <c>running = (1 − momentum)·running + momentum·batch</c>
    /// using the unbiased variance for <paramref name="runningVar"/> (PyTorch convention).
    /// </summary>
    /// <param name="batch">Images (N).</param>
    /// <param name="channels">Channels (C).</param>
    /// <param name="spatial">Positions per plane (H·W).</param>
    /// <param name="input">[N, C, spatial].</param>
    /// <param name="gamma">[C] scale, or empty.</param>
    /// <param name="beta">[C] shift, or empty.</param>
    /// <param name="epsilon">Added to the variance (non-negative).</param>
    /// <param name="momentum">Weight of the batch statistics in the running averages.</param>
    /// <param name="runningMean">[C], updated in place; empty (with <paramref name="runningVar"/>) to skip.</param>
    /// <param name="runningVar">[C], updated in place; empty (with <paramref name="runningMean"/>) to skip.</param>
    /// <param name="output">[N, C, spatial], overwritten.</param>
    /// <param name="saveMean">[C], receives the batch mean.</param>
    /// <param name="saveInvStd">[C], receives 1/√(σ² + ε).</param>
    /// <param name="relu">Whether to apply max(·, 0) to the output.</param>
    /// <exception cref="ArgumentException">A size or span length is wrong, ε is negative, or a channel has fewer than two values.</exception>
    public static unsafe void ForwardTraining(int batch, int channels, int spatial, ReadOnlySpan<float> input, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, float epsilon, float momentum, Span<float> runningMean, Span<float> runningVar, Span<float> output,
        Span<float> saveMean, Span<float> saveInvStd, bool relu = false)
    {
        const string Op = "BatchNormKernel.ForwardTraining";
        long size = CheckSizes(Op, batch, channels, spatial, epsilon);
        if ((long)batch * spatial < 2)
        {
            Check.Fail(Op, $"training needs more than one value per channel, got batch {batch} x spatial {spatial}.");
        }

        Check.Exactly(Op, nameof(input), input.Length, size);
        CheckAffine(Op, gamma, beta, channels);
        if (runningMean.IsEmpty != runningVar.IsEmpty)
        {
            Check.Fail(Op, "runningMean and runningVar must both be given or both be empty.");
        }

        Check.EmptyOrExactly(Op, nameof(runningMean), runningMean.Length, channels);
        Check.EmptyOrExactly(Op, nameof(runningVar), runningVar.Length, channels);
        Check.Exactly(Op, nameof(output), output.Length, size);
        Check.Exactly(Op, nameof(saveMean), saveMean.Length, channels);
        Check.Exactly(Op, nameof(saveInvStd), saveInvStd.Length, channels);
        fixed (float* x = input, g = gamma, b = beta, rm = runningMean, rv = runningVar, y = output, sm = saveMean, si = saveInvStd)
        {
            BatchNormRunner.Current.ForwardTraining(batch, channels, spatial, x, Opt(g, gamma), Opt(b, beta), epsilon, momentum,
                runningMean.IsEmpty ? null : rm, runningVar.IsEmpty ? null : rv, y, sm, si, relu);
        }
    }

    /// <summary>Inference forward: normalises with the running statistics (not updated).</summary>
    /// <param name="batch">Images (N).</param>
    /// <param name="channels">Channels (C).</param>
    /// <param name="spatial">Positions per plane (H·W).</param>
    /// <param name="input">[N, C, spatial].</param>
    /// <param name="gamma">[C] scale, or empty.</param>
    /// <param name="beta">[C] shift, or empty.</param>
    /// <param name="runningMean">[C].</param>
    /// <param name="runningVar">[C].</param>
    /// <param name="epsilon">Added to the variance (non-negative).</param>
    /// <param name="output">[N, C, spatial], overwritten.</param>
    /// <param name="relu">Whether to apply max(·, 0) to the output.</param>
    /// <exception cref="ArgumentException">A size or span length is wrong, or ε is negative.</exception>
    public static unsafe void ForwardInference(int batch, int channels, int spatial, ReadOnlySpan<float> input, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, float epsilon, Span<float> output,
        bool relu = false)
    {
        const string Op = "BatchNormKernel.ForwardInference";
        long size = CheckSizes(Op, batch, channels, spatial, epsilon);
        Check.Exactly(Op, nameof(input), input.Length, size);
        CheckAffine(Op, gamma, beta, channels);
        Check.Exactly(Op, nameof(runningMean), runningMean.Length, channels);
        Check.Exactly(Op, nameof(runningVar), runningVar.Length, channels);
        Check.Exactly(Op, nameof(output), output.Length, size);
        fixed (float* x = input, g = gamma, b = beta, rm = runningMean, rv = runningVar, y = output)
        {
            BatchNormRunner.Current.ForwardInference(batch, channels, spatial, x, Opt(g, gamma), Opt(b, beta), rm, rv, epsilon, y, relu);
        }
    }

    /// <summary>
    /// Backward of <see cref="ForwardTraining"/>: <c>gradInput = γ·σ⁻¹·(g − mean(g) − x̂·mean(g·x̂))</c>,
    /// <c>gradGamma = Σ g·x̂</c>, <c>gradBeta = Σ g</c>, with x̂ = (x − μ)·σ⁻¹ and g = gradOutput, masked where the
    /// fused ReLU output is not positive.
    /// </summary>
    /// <param name="batch">Images (N).</param>
    /// <param name="channels">Channels (C).</param>
    /// <param name="spatial">Positions per plane (H·W).</param>
    /// <param name="input">[N, C, spatial], the forward input.</param>
    /// <param name="gradOutput">[N, C, spatial].</param>
    /// <param name="gamma">[C], or empty for γ = 1.</param>
    /// <param name="saveMean">[C] from the forward.</param>
    /// <param name="saveInvStd">[C] from the forward.</param>
    /// <param name="reluOutput">The forward output if ReLU was fused, else empty.</param>
    /// <param name="gradInput">[N, C, spatial], overwritten; empty to skip.</param>
    /// <param name="gradGamma">[C], overwritten; empty to skip (frozen affine).</param>
    /// <param name="gradBeta">[C], overwritten; empty to skip.</param>
    /// <exception cref="ArgumentException">A size or span length is wrong.</exception>
    public static unsafe void BackwardTraining(int batch, int channels, int spatial, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> saveMean, ReadOnlySpan<float> saveInvStd, ReadOnlySpan<float> reluOutput,
        Span<float> gradInput, Span<float> gradGamma, Span<float> gradBeta)
    {
        const string Op = "BatchNormKernel.BackwardTraining";
        long size = CheckSizes(Op, batch, channels, spatial, 0f);
        Check.Exactly(Op, nameof(input), input.Length, size);
        Check.Exactly(Op, nameof(gradOutput), gradOutput.Length, size);
        Check.EmptyOrExactly(Op, nameof(gamma), gamma.Length, channels);
        Check.Exactly(Op, nameof(saveMean), saveMean.Length, channels);
        Check.Exactly(Op, nameof(saveInvStd), saveInvStd.Length, channels);
        Check.EmptyOrExactly(Op, nameof(reluOutput), reluOutput.Length, size);
        Check.EmptyOrExactly(Op, nameof(gradInput), gradInput.Length, size);
        Check.EmptyOrExactly(Op, nameof(gradGamma), gradGamma.Length, channels);
        Check.EmptyOrExactly(Op, nameof(gradBeta), gradBeta.Length, channels);
        fixed (float* x = input, dy = gradOutput, g = gamma, sm = saveMean, si = saveInvStd, ry = reluOutput, dx = gradInput, dg = gradGamma, db = gradBeta)
        {
            BatchNormRunner.Current.BackwardTraining(batch, channels, spatial, x, dy, Opt(g, gamma), sm, si, Opt(ry, reluOutput),
                Opt(dx, gradInput), Opt(dg, gradGamma), Opt(db, gradBeta));
        }
    }

    /// <summary>
    /// Backward of <see cref="ForwardInference"/> (frozen statistics): <c>gradInput = g·γ/√(σ²_run + ε)</c>,
    /// <c>gradGamma = Σ g·(x − μ_run)/√(σ²_run + ε)</c>, <c>gradBeta = Σ g</c>, with g = gradOutput masked where the fused
    /// ReLU output is not positive.
    /// </summary>
    /// <param name="batch">Images (N).</param>
    /// <param name="channels">Channels (C).</param>
    /// <param name="spatial">Positions per plane (H·W).</param>
    /// <param name="input">[N, C, spatial], the forward input; may be empty when <paramref name="gradGamma"/> is empty.</param>
    /// <param name="gradOutput">[N, C, spatial].</param>
    /// <param name="gamma">[C], or empty for γ = 1.</param>
    /// <param name="runningMean">[C].</param>
    /// <param name="runningVar">[C].</param>
    /// <param name="epsilon">Added to the variance (non-negative).</param>
    /// <param name="reluOutput">The forward output if ReLU was fused, else empty.</param>
    /// <param name="gradInput">[N, C, spatial], overwritten; empty to skip.</param>
    /// <param name="gradGamma">[C], overwritten; empty to skip.</param>
    /// <param name="gradBeta">[C], overwritten; empty to skip.</param>
    /// <exception cref="ArgumentException">A size or span length is wrong, or ε is negative.</exception>
    public static unsafe void BackwardInference(int batch, int channels, int spatial, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, float epsilon,
        ReadOnlySpan<float> reluOutput, Span<float> gradInput, Span<float> gradGamma, Span<float> gradBeta)
    {
        const string Op = "BatchNormKernel.BackwardInference";
        long size = CheckSizes(Op, batch, channels, spatial, epsilon);
        if (gradGamma.IsEmpty)
        {
            Check.EmptyOrExactly(Op, nameof(input), input.Length, size);
        }
        else
        {
            Check.Exactly(Op, nameof(input), input.Length, size);
        }

        Check.Exactly(Op, nameof(gradOutput), gradOutput.Length, size);
        Check.EmptyOrExactly(Op, nameof(gamma), gamma.Length, channels);
        Check.Exactly(Op, nameof(runningMean), runningMean.Length, channels);
        Check.Exactly(Op, nameof(runningVar), runningVar.Length, channels);
        Check.EmptyOrExactly(Op, nameof(reluOutput), reluOutput.Length, size);
        Check.EmptyOrExactly(Op, nameof(gradInput), gradInput.Length, size);
        Check.EmptyOrExactly(Op, nameof(gradGamma), gradGamma.Length, channels);
        Check.EmptyOrExactly(Op, nameof(gradBeta), gradBeta.Length, channels);
        fixed (float* x = input, dy = gradOutput, g = gamma, rm = runningMean, rv = runningVar, ry = reluOutput, dx = gradInput, dg = gradGamma, db = gradBeta)
        {
            BatchNormRunner.Current.BackwardInference(batch, channels, spatial, Opt(x, input), dy, Opt(g, gamma), rm, rv, epsilon,
                Opt(ry, reluOutput), Opt(dx, gradInput), Opt(dg, gradGamma), Opt(db, gradBeta));
        }
    }

    private static unsafe float* Opt(float* p, ReadOnlySpan<float> span) => span.IsEmpty ? null : p;

    private static long CheckSizes(string op, int batch, int channels, int spatial, float epsilon)
    {
        Check.NonNegative(op, nameof(batch), batch);
        Check.Positive(op, nameof(channels), channels);
        Check.Positive(op, nameof(spatial), spatial);
        if (!(epsilon >= 0f))
        {
            Check.Fail(op, $"epsilon must be non-negative, got {epsilon}.", nameof(epsilon));
        }

        return Check.Size(op, batch, channels, spatial);
    }

    private static void CheckAffine(string op, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, int channels)
    {
        Check.EmptyOrExactly(op, nameof(gamma), gamma.Length, channels);
        Check.EmptyOrExactly(op, nameof(beta), beta.Length, channels);
    }
}
