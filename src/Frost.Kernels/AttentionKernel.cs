using Frost.Kernels.Attention;
using Frost.Kernels.Internal;

namespace Frost.Kernels;

/// <summary>
/// Scaled dot-product attention of several heads with a key padding mask:
/// <c>O = softmax(scale · Q·Kᵀ + mask) · V</c> for every batch item and head, where masked keys get no weight.
/// </summary>
/// <remarks>
/// <para>Layouts are those of the projections that feed attention, so no transposition is needed: queries
/// [N, Tq, H·Dh], keys and values [N, Tk, H·Dh], output [N, Tq, H·Dh] (head h owns columns h·Dh … h·Dh + Dh − 1),
/// probabilities [N, H, Tq, Tk]. The key mask is [N, Tk] with 0 for a padded key and 1 for a kept one (empty: all
/// kept). A query whose keys are all masked gets a zero output and zero gradients, never NaN.</para>
/// <para>Each (batch item, head) block is computed by one thread with two GEMMs and a fused softmax; blocks are spread
/// over up to <see cref="KernelOptions.MaxThreads"/> threads. Keys after the last kept key of an item are skipped
/// entirely, so right-padded batches cost only what their longest row needs. Blocks are independent, so results do
/// not depend on the thread count.</para>
/// </remarks>
public static class AttentionKernel
{
    /// <summary>
    /// Forward pass. With a non-empty <paramref name="probabilities"/> the softmax weights are kept there for
    /// <see cref="Backward"/>; otherwise each thread uses a [Tq, Tk] scratch block and nothing of that size outlives the call.
    /// </summary>
    /// <param name="batch">Batch items (N).</param>
    /// <param name="heads">Heads (H).</param>
    /// <param name="queryLength">Queries per item (Tq).</param>
    /// <param name="keyLength">Keys and values per item (Tk).</param>
    /// <param name="headSize">Features per head (Dh).</param>
    /// <param name="scale">Factor of the dot products, usually 1/√Dh.</param>
    /// <param name="query">[N, Tq, H·Dh].</param>
    /// <param name="key">[N, Tk, H·Dh].</param>
    /// <param name="value">[N, Tk, H·Dh].</param>
    /// <param name="keyMask">[N, Tk] of 0 (masked) and 1 (kept), or empty.</param>
    /// <param name="output">[N, Tq, H·Dh], overwritten.</param>
    /// <param name="probabilities">[N, H, Tq, Tk], overwritten, or empty.</param>
    /// <exception cref="ArgumentException">A size is negative, a span has the wrong length, or the mask holds a value other than 0 and 1.</exception>
    public static unsafe void Forward(int batch, int heads, int queryLength, int keyLength, int headSize, float scale,
        ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, ReadOnlySpan<float> keyMask,
        Span<float> output, Span<float> probabilities)
    {
        const string Op = "AttentionKernel.Forward";
        var (qSize, kSize, pSize) = CheckSizes(Op, batch, heads, queryLength, keyLength, headSize);
        Check.Exactly(Op, nameof(query), query.Length, qSize);
        Check.Exactly(Op, nameof(key), key.Length, kSize);
        Check.Exactly(Op, nameof(value), value.Length, kSize);
        Check.Exactly(Op, nameof(output), output.Length, qSize);
        Check.EmptyOrExactly(Op, nameof(probabilities), probabilities.Length, pSize);
        int[] kept = KeptLengths(Op, batch, keyLength, keyMask, out bool holes);
        fixed (float* q = query, k = key, v = value, m = keyMask, o = output, p = probabilities)
        {
            AttentionRunner.Current.Forward(new AttentionShape(batch, heads, queryLength, keyLength, headSize, scale), q, k, v,
                holes ? m : null, kept, o, probabilities.IsEmpty ? null : p);
        }
    }

    /// <summary>
    /// Backward pass from the probabilities kept by <see cref="Forward"/>: with <c>dP = dO·Vᵀ</c> and
    /// <c>dS = P ⊙ (dP − rowsum(P ⊙ dP))</c>, <c>dQ = scale · dS·K</c>, <c>dK = scale · dSᵀ·Q</c>, <c>dV = Pᵀ·dO</c>.
    /// </summary>
    /// <param name="batch">Batch items (N).</param>
    /// <param name="heads">Heads (H).</param>
    /// <param name="queryLength">Queries per item (Tq).</param>
    /// <param name="keyLength">Keys and values per item (Tk).</param>
    /// <param name="headSize">Features per head (Dh).</param>
    /// <param name="scale">The forward scale.</param>
    /// <param name="query">[N, Tq, H·Dh], the forward queries.</param>
    /// <param name="key">[N, Tk, H·Dh], the forward keys.</param>
    /// <param name="value">[N, Tk, H·Dh], the forward values.</param>
    /// <param name="keyMask">The forward mask, [N, Tk] or empty.</param>
    /// <param name="probabilities">[N, H, Tq, Tk] from the forward pass.</param>
    /// <param name="gradOutput">[N, Tq, H·Dh].</param>
    /// <param name="gradQuery">[N, Tq, H·Dh], overwritten; empty to skip.</param>
    /// <param name="gradKey">[N, Tk, H·Dh], overwritten; empty to skip.</param>
    /// <param name="gradValue">[N, Tk, H·Dh], overwritten; empty to skip.</param>
    /// <exception cref="ArgumentException">A size is negative, a span has the wrong length, or the mask holds a value other than 0 and 1.</exception>
    public static unsafe void Backward(int batch, int heads, int queryLength, int keyLength, int headSize, float scale,
        ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, ReadOnlySpan<float> keyMask,
        ReadOnlySpan<float> probabilities, ReadOnlySpan<float> gradOutput, Span<float> gradQuery, Span<float> gradKey, Span<float> gradValue)
    {
        const string Op = "AttentionKernel.Backward";
        var (qSize, kSize, pSize) = CheckSizes(Op, batch, heads, queryLength, keyLength, headSize);
        Check.Exactly(Op, nameof(query), query.Length, qSize);
        Check.Exactly(Op, nameof(key), key.Length, kSize);
        Check.Exactly(Op, nameof(value), value.Length, kSize);
        Check.Exactly(Op, nameof(probabilities), probabilities.Length, pSize);
        Check.Exactly(Op, nameof(gradOutput), gradOutput.Length, qSize);
        Check.EmptyOrExactly(Op, nameof(gradQuery), gradQuery.Length, qSize);
        Check.EmptyOrExactly(Op, nameof(gradKey), gradKey.Length, kSize);
        Check.EmptyOrExactly(Op, nameof(gradValue), gradValue.Length, kSize);
        int[] kept = KeptLengths(Op, batch, keyLength, keyMask, out _);
        fixed (float* q = query, k = key, v = value, p = probabilities, dO = gradOutput, dQ = gradQuery, dK = gradKey, dV = gradValue)
        {
            AttentionRunner.Current.Backward(new AttentionShape(batch, heads, queryLength, keyLength, headSize, scale), q, k, v, p, kept, dO,
                gradQuery.IsEmpty ? null : dQ, gradKey.IsEmpty ? null : dK, gradValue.IsEmpty ? null : dV);
        }
    }

    private static (long Q, long K, long P) CheckSizes(string op, int batch, int heads, int queryLength, int keyLength, int headSize)
    {
        Check.NonNegative(op, nameof(batch), batch);
        Check.Positive(op, nameof(heads), heads);
        Check.NonNegative(op, nameof(queryLength), queryLength);
        Check.NonNegative(op, nameof(keyLength), keyLength);
        Check.Positive(op, nameof(headSize), headSize);
        return (Check.Size(op, batch, queryLength, heads, headSize), Check.Size(op, batch, keyLength, heads, headSize),
            Check.Size(op, batch, heads, queryLength, keyLength));
    }

    /// <summary>For each item, one past its last kept key; <paramref name="holes"/> when a masked key lies before that.</summary>
    private static int[] KeptLengths(string op, int batch, int keyLength, ReadOnlySpan<float> mask, out bool holes)
    {
        Check.EmptyOrExactly(op, "keyMask", mask.Length, (long)batch * keyLength);
        var kept = new int[batch];
        holes = false;
        for (int n = 0; n < batch; n++)
        {
            if (mask.IsEmpty)
            {
                kept[n] = keyLength;
                continue;
            }

            var row = mask.Slice(n * keyLength, keyLength);
            int last = -1;
            for (int j = 0; j < row.Length; j++)
            {
                float m = row[j];
                if (m == 1f)
                {
                    last = j;
                }
                else if (m != 0f)
                {
                    Check.Fail(op, $"keyMask[{n}, {j}] is {m}; the mask holds 1 for a kept key and 0 for a padded one.", "keyMask");
                }
            }

            kept[n] = last + 1;
            holes |= row[..kept[n]].Contains(0f);
        }

        return kept;
    }
}
