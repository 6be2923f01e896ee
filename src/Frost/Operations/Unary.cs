namespace Frost.Operations;

/// <summary>Maps input values to output values.</summary>
internal delegate void SpanMap(ReadOnlySpan<float> x, Span<float> y);

/// <summary>Computes an input gradient from the input, the output and the output gradient.</summary>
internal delegate void SpanGrad(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx);

public static partial class Ops
{
    private static Tensor Unary(string op, Tensor x, SpanMap forward, SpanGrad backward)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Empty(x.Shape);
        forward(x.AsReadOnlySpan(), y.AsSpan());
        GradientTape.RecorderFor(x)?.Record(op, y, [x], (g, s) =>
        {
            var d = Tensor.Empty(x.Shape);
            backward(x.AsReadOnlySpan(), y.AsReadOnlySpan(), g.AsReadOnlySpan(), d.AsSpan());
            s.Add(0, d);
        });
        return y;
    }
}
