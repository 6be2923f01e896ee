using Frost.Kernels.Internal;
using Frost.Kernels.Normalization;

namespace Frost.Kernels;

/// <summary>
/// Layer normalisation over the last axis of a [rows, features] matrix:
/// <c>y = γ·(x − μ)/√(σ² + ε) + β</c> with μ and σ² (biased) the mean and variance of each row.
/// </summary>
/// <remarks>
/// Empty <c>gamma</c>/<c>beta</c> mean γ = 1, β = 0. Rows are split over up to <see cref="KernelOptions.MaxThreads"/>
/// threads; the parameter gradients are summed over fixed groups of rows and then over the groups in order, so results
/// do not depend on the thread count.
/// </remarks>
public static class LayerNormKernel
{
    /// <summary>Normalises each row; saves μ and 1/√(σ² + ε) per row for <see cref="Backward"/> unless those spans are empty.</summary>
    /// <param name="rows">Rows (all leading axes together).</param>
    /// <param name="features">Length of the normalised axis.</param>
    /// <param name="input">[rows, features].</param>
    /// <param name="gamma">[features] scale, or empty.</param>
    /// <param name="beta">[features] shift, or empty.</param>
    /// <param name="epsilon">Added to the variance (non-negative).</param>
    /// <param name="output">[rows, features], overwritten; may be <paramref name="input"/> itself.</param>
    /// <param name="saveMean">[rows], receives μ; empty to skip.</param>
    /// <param name="saveInvStd">[rows], receives 1/√(σ² + ε); empty to skip.</param>
    /// <exception cref="ArgumentException">A size or span length is wrong, or ε is negative.</exception>
    public static unsafe void Forward(int rows, int features, ReadOnlySpan<float> input, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        float epsilon, Span<float> output, Span<float> saveMean, Span<float> saveInvStd)
    {
        const string Op = "LayerNormKernel.Forward";
        long size = CheckSizes(Op, rows, features, epsilon);
        Check.Exactly(Op, nameof(input), input.Length, size);
        CheckAffine(Op, gamma, beta, features);
        Check.Exactly(Op, nameof(output), output.Length, size);
        Check.EmptyOrExactly(Op, nameof(saveMean), saveMean.Length, rows);
        Check.EmptyOrExactly(Op, nameof(saveInvStd), saveInvStd.Length, rows);
        fixed (float* x = input, g = gamma, b = beta, y = output, sm = saveMean, si = saveInvStd)
        {
            LayerNormRunner.Current.Forward(rows, features, x, gamma.IsEmpty ? null : g, beta.IsEmpty ? null : b, epsilon, y,
                saveMean.IsEmpty ? null : sm, saveInvStd.IsEmpty ? null : si);
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward"/>: with x̂ = (x − μ)·σ⁻¹ and ĝ = γ·g,
    /// <c>gradInput = σ⁻¹·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))</c>, <c>gradGamma = Σ_rows g·x̂</c>, <c>gradBeta = Σ_rows g</c>.
    /// </summary>
    /// <param name="rows">Rows.</param>
    /// <param name="features">Length of the normalised axis.</param>
    /// <param name="input">[rows, features], the forward input.</param>
    /// <param name="gradOutput">[rows, features].</param>
    /// <param name="gamma">[features], or empty for γ = 1.</param>
    /// <param name="saveMean">[rows] from the forward pass.</param>
    /// <param name="saveInvStd">[rows] from the forward pass.</param>
    /// <param name="gradInput">[rows, features], overwritten; empty to skip.</param>
    /// <param name="gradGamma">[features], overwritten; empty to skip.</param>
    /// <param name="gradBeta">[features], overwritten; empty to skip.</param>
    /// <exception cref="ArgumentException">A size or span length is wrong.</exception>
    public static unsafe void Backward(int rows, int features, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> saveMean, ReadOnlySpan<float> saveInvStd, Span<float> gradInput, Span<float> gradGamma, Span<float> gradBeta)
    {
        const string Op = "LayerNormKernel.Backward";
        long size = CheckSizes(Op, rows, features, 0f);
        Check.Exactly(Op, nameof(input), input.Length, size);
        Check.Exactly(Op, nameof(gradOutput), gradOutput.Length, size);
        Check.EmptyOrExactly(Op, nameof(gamma), gamma.Length, features);
        Check.Exactly(Op, nameof(saveMean), saveMean.Length, rows);
        Check.Exactly(Op, nameof(saveInvStd), saveInvStd.Length, rows);
        Check.EmptyOrExactly(Op, nameof(gradInput), gradInput.Length, size);
        Check.EmptyOrExactly(Op, nameof(gradGamma), gradGamma.Length, features);
        Check.EmptyOrExactly(Op, nameof(gradBeta), gradBeta.Length, features);
        fixed (float* x = input, dy = gradOutput, g = gamma, sm = saveMean, si = saveInvStd, dx = gradInput, dg = gradGamma, db = gradBeta)
        {
            LayerNormRunner.Current.Backward(rows, features, x, dy, gamma.IsEmpty ? null : g, sm, si,
                gradInput.IsEmpty ? null : dx, gradGamma.IsEmpty ? null : dg, gradBeta.IsEmpty ? null : db);
        }
    }

    private static long CheckSizes(string op, int rows, int features, float epsilon)
    {
        Check.NonNegative(op, nameof(rows), rows);
        Check.Positive(op, nameof(features), features);
        if (!(epsilon >= 0f))
        {
            Check.Fail(op, $"epsilon must be non-negative, got {epsilon}.", nameof(epsilon));
        }

        return Check.Size(op, rows, features);
    }

    private static void CheckAffine(string op, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, int features)
    {
        Check.EmptyOrExactly(op, nameof(gamma), gamma.Length, features);
        Check.EmptyOrExactly(op, nameof(beta), beta.Length, features);
    }
}
