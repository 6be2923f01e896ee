using Frost.Kernels;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// Multi-head scaled dot-product attention with a key padding mask: for each batch item and each of
    /// <paramref name="heads"/> heads, <c>softmax(scale · Q·Kᵀ)·V</c> over that head's slice of the features, where
    /// masked keys get no weight.
    /// </summary>
    /// <remarks>
    /// <para>Queries are [N, Tq, D], keys and values [N, Tk, D], the result [N, Tq, D]; head h uses features
    /// h·D/H … (h+1)·D/H − 1 (the layout of the projections that feed attention, as in BERT). The mask is [N, Tk] with
    /// 1 for a kept key and 0 for a padded one; it takes no gradient. A query whose keys are all masked gets zeros (and
    /// zero gradients), never NaN. The default scale is 1/√(D/H).</para>
    /// <para>The [Tq, Tk] weights of each block are computed and used in one pass; the [N, H, Tq, Tk] weights are kept
    /// only when the result is recorded for a backward pass.</para>
    /// <para>Vaswani et al., "Attention Is All You Need", 2017.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">The shapes do not fit together, D is not a multiple of the head count, or the mask holds a value other than 0 and 1.</exception>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? keyMask, int heads, float? scale = null)
    {
        const string Op = "ScaledDotProductAttention";
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (query.Rank != 3 || key.Rank != 3 || value.Rank != 3)
        {
            throw new ArgumentException($"{Op}: query, key and value must be [N, T, D]; got {query.Shape}, {key.Shape} and {value.Shape}.");
        }

        int n = query.Shape[0], tq = query.Shape[1], d = query.Shape[2], tk = key.Shape[1];
        if (key.Shape[0] != n || key.Shape[2] != d || value.Shape != key.Shape)
        {
            throw new ArgumentException($"{Op}: key and value must both be [{n}, Tk, {d}] to match query {query.Shape}; got {key.Shape} and {value.Shape}.");
        }

        if (heads < 1 || d % heads != 0)
        {
            throw new ArgumentException($"{Op}: {d} features do not split into {heads} heads.");
        }

        if (keyMask is not null && keyMask.Shape != new Shape(n, tk))
        {
            throw new ArgumentException($"{Op}: the key mask must be [{n}, {tk}] (batch, keys), got {keyMask.Shape}.");
        }

        int headSize = d / heads;
        float s = scale ?? 1f / MathF.Sqrt(headSize);
        var recorder = GradientTape.RecorderFor([query, key, value]);
        var y = Tensor.Empty(query.Shape);
        var probabilities = recorder is null ? null : Tensor.Empty(new Shape(n, heads, tq, tk));
        var mask = keyMask is null ? ReadOnlySpan<float>.Empty : keyMask.AsReadOnlySpan();
        AttentionKernel.Forward(n, heads, tq, tk, headSize, s, query.AsReadOnlySpan(), key.AsReadOnlySpan(), value.AsReadOnlySpan(), mask,
            y.AsSpan(), probabilities is null ? [] : probabilities.AsSpan());
        recorder?.Record(Op, y, [query, key, value], (g, sink) =>
        {
            var dq = sink.Needs(0) ? Tensor.Empty(query.Shape) : null;
            var dk = sink.Needs(1) ? Tensor.Empty(key.Shape) : null;
            var dv = sink.Needs(2) ? Tensor.Empty(value.Shape) : null;
            AttentionKernel.Backward(n, heads, tq, tk, headSize, s, query.AsReadOnlySpan(), key.AsReadOnlySpan(), value.AsReadOnlySpan(),
                keyMask is null ? ReadOnlySpan<float>.Empty : keyMask.AsReadOnlySpan(), probabilities!.AsReadOnlySpan(), g.AsReadOnlySpan(),
                dq is null ? [] : dq.AsSpan(), dk is null ? [] : dk.AsSpan(), dv is null ? [] : dv.AsSpan());
            if (dq is not null)
            {
                sink.Add(0, dq);
            }

            if (dk is not null)
            {
                sink.Add(1, dk);
            }

            if (dv is not null)
            {
                sink.Add(2, dv);
            }
        });
        return y;
    }
}
