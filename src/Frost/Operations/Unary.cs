namespace Frost.Operations;

/// <summary>Maps input values to output values.</summary>
internal delegate void SpanMap(ReadOnlySpan<float> x, Span<float> y);

/// <summary>Computes an input gradient from the input, the output and the output gradient.</summary>
internal delegate void SpanGrad(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx);

public static partial class Ops
{
    private static Tensor Unary(string op, Tensor x, SpanMap forward, SpanGrad backward)
        => Unary(op, x, forward, backward, Saved.All, overwritesGradient: false);

    /// <summary>
    /// An elementwise op whose <paramref name="backward"/> reads only the tensors <paramref name="saved"/> names
    /// (it is handed empty spans for the others). With <paramref name="overwritesGradient"/>, backward reads each
    /// gradient element before it writes the same element of the result, which may then share the gradient's buffer.
    /// </summary>
    private static Tensor Unary(string op, Tensor x, SpanMap forward, SpanGrad backward, Saved saved, bool overwritesGradient)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Empty(x.Shape);
        forward(x.AsReadOnlySpan(), y.AsSpan());
        return RecordUnary(op, x, y, backward, saved, overwritesGradient);
    }

    /// <summary>Records <paramref name="y"/>, computed elementwise from <paramref name="x"/>, when a tape needs it; returns it.</summary>
    private static Tensor RecordUnary(string op, Tensor x, Tensor y, SpanGrad backward, Saved saved, bool overwritesGradient)
    {
        GradientTape.RecorderFor(x)?.Record(op, y, [x], (g, s) =>
        {
            var d = (overwritesGradient ? s.Reusable(g) : null) ?? Tensor.Empty(x.Shape);
            backward(saved.Input(0) ? x.AsReadOnlySpan() : default, saved.Output ? y.AsReadOnlySpan() : default, g.AsReadOnlySpan(), d.AsSpan());
            s.Add(0, d);
        }, saved);
        return y;
    }
}
