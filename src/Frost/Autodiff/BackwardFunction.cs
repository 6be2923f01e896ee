namespace Frost.Autodiff;

/// <summary>
/// Sends the gradient of an op's output to its inputs: for each input <c>i</c> with
/// <see cref="GradientSink.Needs(int)"/>, call <see cref="GradientSink.Add(int, Tensor)"/> with a tensor of
/// that input's shape. Inputs that are not needed must not be computed.
/// </summary>
/// <param name="gradOutput">Gradient of the target with respect to the op's output (same shape as the output).</param>
/// <param name="sink">Receives the inputs' gradients.</param>
public delegate void BackwardFunction(Tensor gradOutput, GradientSink sink);
