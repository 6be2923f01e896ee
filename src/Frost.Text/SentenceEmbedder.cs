using Frost.Layers;
using Frost.Text.Tokenization;

namespace Frost.Text;

/// <summary>
/// Sentence embeddings the way sentence-transformers computes them for all-MiniLM-L6-v2: tokenize, encode, average the
/// hidden states of the real tokens (mean pooling over the attention mask), and scale to unit length, so the dot product
/// of two embeddings is their cosine similarity.
/// </summary>
/// <example>
/// <code>
/// var encoder = BertImport.FromOnnx(OnnxModel.Load(MiniLmPackage.OpenModel(), "all-MiniLM-L6-v2"));
/// var embedder = new SentenceEmbedder(encoder, BertWordPieceTokenizer.FromMiniLm());
/// float[][] v = embedder.Embed(["The weather is lovely today.", "It's so sunny outside!"]);
/// float similarity = SentenceEmbedder.Cosine(v[0], v[1]);   // about 0.666
/// </code>
/// </example>
public sealed class SentenceEmbedder
{
    /// <summary>Creates an embedder over an encoder that returns hidden states [N, T, D] for ids and mask.</summary>
    /// <param name="encoder">The encoder (its output must be <see cref="BertOutput.HiddenStates"/>).</param>
    /// <param name="tokenizer">The tokenizer the encoder was trained with.</param>
    /// <param name="maxLength">Pieces per text, [CLS] and [SEP] included; longer texts are cut (all-MiniLM-L6-v2 uses 256).</param>
    /// <param name="batchSize">Texts encoded together; texts of similar length are batched to limit padding.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range, or <paramref name="maxLength"/> exceeds the encoder's positions.</exception>
    public SentenceEmbedder(BertEncoder encoder, BertWordPieceTokenizer tokenizer, int maxLength = 256, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLength, encoder.Config.MaxPositions);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Encoder = encoder;
        Tokenizer = tokenizer;
        MaxLength = maxLength;
        BatchSize = batchSize;
    }

    /// <summary>The encoder.</summary>
    public BertEncoder Encoder { get; }

    /// <summary>The tokenizer.</summary>
    public BertWordPieceTokenizer Tokenizer { get; }

    /// <summary>Pieces per text, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; }

    /// <summary>Texts encoded together.</summary>
    public int BatchSize { get; }

    /// <summary>The unit-length embedding of each text, in order. The encoder is only read: nothing is recorded or changed.</summary>
    /// <exception cref="InvalidOperationException">The encoder returns pooled vectors instead of hidden states.</exception>
    public float[][] Embed(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (Encoder.Output != BertOutput.HiddenStates)
        {
            throw new InvalidOperationException($"SentenceEmbedder: the encoder returns {Encoder.Output}; mean pooling needs its hidden states (BertOutput.HiddenStates).");
        }

        var encoded = new int[texts.Count][];
        for (int i = 0; i < encoded.Length; i++)
        {
            encoded[i] = Tokenizer.Encode(texts[i] ?? throw new ArgumentException($"SentenceEmbedder: text {i} is null.", nameof(texts)), MaxLength);
        }

        // Similar lengths together, so a batch pads little.
        int[] order = [.. Enumerable.Range(0, encoded.Length).OrderBy(i => encoded[i].Length)];
        var result = new float[texts.Count][];
        using var noRecording = GradientTape.NoRecording();
        for (int start = 0; start < order.Length; start += BatchSize)
        {
            var rows = order.AsSpan(start, Math.Min(BatchSize, order.Length - start)).ToArray();
            var batch = Pad(rows.Select(i => encoded[i]).ToArray());
            var pooled = MeanPool(Encoder.Call(batch.IdsTensor(), batch.MaskTensor()), batch.MaskTensor()).ToArray();
            int d = pooled.Length / rows.Length;
            for (int r = 0; r < rows.Length; r++)
            {
                result[rows[r]] = pooled.AsSpan(r * d, d).ToArray();
            }
        }

        return result;
    }

    /// <summary>The unit-length embedding of one text.</summary>
    public float[] Embed(string text) => Embed([text])[0];

    /// <summary>
    /// Mean of the hidden states [N, T, D] over the tokens the mask [N, T] keeps (1) → [N, D], scaled to unit length
    /// when <paramref name="normalize"/>. A row with no kept token, or a zero mean, gives zeros. Differentiable.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit together.</exception>
    public static Tensor MeanPool(Tensor hidden, Tensor mask, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(mask);
        if (hidden.Rank != 3 || mask.Shape != new Shape(hidden.Shape[0], hidden.Shape[1]))
        {
            throw new ArgumentException($"MeanPool: expected hidden states [N, T, D] and a mask [N, T], got {hidden.Shape} and {mask.Shape}.");
        }

        var mean = MaskedMeanPool.Mean(hidden, mask);
        if (!normalize)
        {
            return mean;
        }

        // NOTE: + 1e-12 plays the part of F.normalize's eps: it leaves any real norm unchanged and a zero vector at zero.
        return Ops.Div(mean, Ops.Add(Ops.Sqrt(Ops.Sum(Ops.Square(mean), 1, keepDims: true)), 1e-12f));
    }

    /// <summary>The cosine similarity of two vectors of the same length (0 when one is zero).</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Cosine: vectors of {a.Length} and {b.Length} values.");
        }

        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0f : (float)(dot / Math.Sqrt(na * nb));
    }

    private TokenBatch Pad(int[][] rows)
    {
        int length = rows.Max(r => r.Length);
        var ids = new int[rows.Length * length];
        var mask = new int[ids.Length];
        ids.AsSpan().Fill(Tokenizer.PadId);
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r].CopyTo(ids, r * length);
            mask.AsSpan(r * length, rows[r].Length).Fill(1);
        }

        return new TokenBatch(ids, mask, rows.Length, length, Tokenizer.PadId);
    }
}
