namespace Frost.Operations;

/// <summary>
/// Differentiable tensor operations. Each op validates its inputs (errors name the op and the shapes),
/// computes its result eagerly, and records its backward on the current <see cref="GradientTape"/> when an
/// input requires a gradient.
/// </summary>
public static partial class Ops
{
    /// <summary>
    /// Attaches a user-defined backward to <paramref name="output"/>, computed from <paramref name="inputs"/>
    /// by code outside Frost's ops. Recorded only when an input requires a gradient.
    /// </summary>
    /// <returns>A tensor sharing <paramref name="output"/>'s buffer, carrying the recorded op.</returns>
    public static Tensor Custom(string name, Tensor output, Tensor[] inputs, BackwardFunction backward)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(backward);
        var result = new Tensor(output.Storage, output.Offset, output.Shape);
        GradientTape.RecorderFor(inputs)?.Record(name, result, (Tensor[])inputs.Clone(), backward);
        return result;
    }

    /// <summary>
    /// Returns <paramref name="x"/>'s values with no gradient history: nothing flows back through it. The
    /// result shares the buffer; no variable's flag changes.
    /// </summary>
    public static Tensor StopGradient(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return new Tensor(x.Storage, x.Offset, x.Shape);
    }

    private static void CheckSameShape(string op, Tensor a, Tensor b)
    {
        if (a.Shape != b.Shape)
        {
            throw new ArgumentException($"{op}: shapes {a.Shape} and {b.Shape} must be equal.");
        }
    }
}
