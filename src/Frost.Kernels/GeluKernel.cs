using Frost.Kernels.Activation;
using Frost.Kernels.Internal;

namespace Frost.Kernels;

/// <summary>
/// The Gaussian error linear unit <c>x·Φ(x)</c> (the erf form, not the tanh approximation) and its derivative, on
/// spans, vectorised and split over up to <see cref="KernelOptions.MaxThreads"/> threads for long spans.
/// </summary>
/// <remarks>
/// Φ comes from the erf approximation of Abramowitz and Stegun 7.1.26 (absolute error below 1.5·10⁻⁷, the form
/// PyTorch vectorises), so <c>|y − x·Φ(x)|</c> stays below about 2·10⁻⁷·(1 + |x|). Every element is computed alone, so
/// results do not depend on the thread count.
/// </remarks>
public static class GeluKernel
{
    /// <summary>y = x·Φ(x) elementwise.</summary>
    /// <param name="input">x.</param>
    /// <param name="output">y, the same length; may be <paramref name="input"/> itself.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static unsafe void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        Check.Exactly("GeluKernel.Forward", nameof(output), output.Length, input.Length);
        fixed (float* x = input, y = output)
        {
            GeluRunner.Current.Run(input.Length, x, null, y);
        }
    }

    /// <summary>gradInput = gradOutput·(Φ(x) + x·φ(x)) elementwise, with φ the standard normal density.</summary>
    /// <param name="input">x, the forward input.</param>
    /// <param name="gradOutput">The gradient of the output, the same length.</param>
    /// <param name="gradInput">Receives the gradient of x, the same length; may alias <paramref name="gradOutput"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static unsafe void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        const string Op = "GeluKernel.Backward";
        Check.Exactly(Op, nameof(gradOutput), gradOutput.Length, input.Length);
        Check.Exactly(Op, nameof(gradInput), gradInput.Length, input.Length);
        fixed (float* x = input, g = gradOutput, d = gradInput)
        {
            GeluRunner.Current.Run(input.Length, x, g, d);
        }
    }
}
