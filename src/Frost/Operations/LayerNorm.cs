using Frost.Kernels;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// Layer normalisation over the last axis: <c>(x − μ)/√(σ² + ε) · weight + bias</c>, with μ and σ² the mean and
    /// (biased) variance of each row; <paramref name="weight"/> and <paramref name="bias"/> are [features] or null (1 and 0).
    /// </summary>
    /// <remarks>One pass forward and one backward per row. Ba, Kiros and Hinton, "Layer Normalization", 2016.</remarks>
    /// <exception cref="ArgumentException">x is a scalar, a parameter's shape is not [features], or ε is negative.</exception>
    public static Tensor LayerNorm(Tensor x, Tensor? weight, Tensor? bias, float epsilon = 1e-5f)
    {
        const string Op = "LayerNorm";
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 1 || x.Shape[-1] == 0)
        {
            throw new ArgumentException($"{Op}: needs a non-empty last axis, got shape {x.Shape}.");
        }

        int f = x.Shape[-1];
        int rows = x.Size / f;
        foreach (var (p, name) in new[] { (weight, "weight"), (bias, "bias") })
        {
            if (p is not null && p.Shape != new Shape(f))
            {
                throw new ArgumentException($"{Op}: {name} must be [{f}] for input {x.Shape}, got {p.Shape}.");
            }
        }

        if (!(epsilon >= 0f))
        {
            throw new ArgumentException($"{Op}: epsilon must be non-negative, got {epsilon}.");
        }

        Tensor[] inputs = weight is null ? (bias is null ? [x] : [x, bias]) : (bias is null ? [x, weight] : [x, weight, bias]);
        var recorder = GradientTape.RecorderFor(inputs);
        var y = Tensor.Empty(x.Shape);
        var mean = recorder is null ? null : Tensor.Empty(new Shape(rows));
        var invStd = recorder is null ? null : Tensor.Empty(new Shape(rows));
        LayerNormKernel.Forward(rows, f, x.AsReadOnlySpan(), Span(weight), Span(bias), epsilon, y.AsSpan(),
            mean is null ? [] : mean.AsSpan(), invStd is null ? [] : invStd.AsSpan());
        recorder?.Record(Op, y, inputs, (g, s) =>
        {
            int wi = weight is null ? -1 : 1, bi = bias is null ? -1 : inputs.Length - 1;
            var dx = s.Needs(0) ? Tensor.Empty(x.Shape) : null;
            var dw = wi > 0 && s.Needs(wi) ? Tensor.Empty(weight!.Shape) : null;
            var db = bi > 0 && s.Needs(bi) ? Tensor.Empty(bias!.Shape) : null;
            LayerNormKernel.Backward(rows, f, x.AsReadOnlySpan(), g.AsReadOnlySpan(), Span(weight), mean!.AsReadOnlySpan(), invStd!.AsReadOnlySpan(),
                dx is null ? [] : dx.AsSpan(), dw is null ? [] : dw.AsSpan(), db is null ? [] : db.AsSpan());
            if (dx is not null)
            {
                s.Add(0, dx);
            }

            if (dw is not null)
            {
                s.Add(wi, dw);
            }

            if (db is not null)
            {
                s.Add(bi, db);
            }
        });
        return y;

        static ReadOnlySpan<float> Span(Tensor? t) => t is null ? [] : t.AsReadOnlySpan();
    }
}
