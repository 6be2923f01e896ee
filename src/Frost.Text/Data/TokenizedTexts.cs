using Frost.Data;
using Frost.Text.Tokenization;

namespace Frost.Text.Data;

/// <summary>
/// Labelled texts encoded once for a BERT-family classifier (such as <see cref="Layers.BertClassifier"/>): each batch
/// is token ids and the attention mask, both [N, T] float tensors padded with [PAD] to the batch's longest text, so
/// short texts are not padded to the longest in the set (pair it with <see cref="LengthBucketBatches"/>).
/// </summary>
/// <remarks>
/// A text longer than <see cref="MaxLength"/> keeps its first pieces and, with <see cref="TailPieces"/>, its last ones
/// ("head + tail" truncation: Sun et al., "How to Fine-Tune BERT for Text Classification?", 2019); [CLS] and [SEP]
/// are added around them.
/// </remarks>
public sealed class TokenizedTexts : IVariableLengthDataset
{
    private readonly int[][] _ids;
    private readonly int[] _labels;

    private TokenizedTexts(int[][] ids, int[] labels, IReadOnlyList<string> classNames, int maxLength, int tailPieces, int padId)
    {
        _ids = ids;
        _labels = labels;
        ClassNames = classNames;
        MaxLength = maxLength;
        TailPieces = tailPieces;
        PadId = padId;
    }

    /// <summary>
    /// Encodes every text of <paramref name="texts"/> with <paramref name="tokenizer"/>: at most
    /// <paramref name="maxLength"/> ids each, [CLS] and [SEP] included, of which the last
    /// <paramref name="tailPieces"/> pieces before [SEP] come from the end of a text that is too long.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is below 3, or <paramref name="tailPieces"/> is negative or leaves no head piece.</exception>
    public static TokenizedTexts Encode(LabeledTexts texts, BertWordPieceTokenizer tokenizer, int maxLength, int tailPieces = 0)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(tokenizer);
        CheckLengths(maxLength, tailPieces);
        var ids = new int[texts.Count][];
        int truncated = 0;
        Parallel.For(0, ids.Length, i =>
        {
            int[] pieces = tokenizer.Pieces(texts.Texts[i]);
            if (pieces.Length > maxLength - 2)
            {
                Interlocked.Increment(ref truncated);
            }

            ids[i] = Cut(pieces, tokenizer, maxLength, tailPieces);
        });
        return new TokenizedTexts(ids, texts.Labels, texts.ClassNames, maxLength, tailPieces, tokenizer.PadId) { Truncated = truncated };
    }

    /// <summary>
    /// The ids of one text exactly as <see cref="Encode"/> cuts them: [CLS], at most <c>maxLength − 2</c> pieces (the
    /// last <paramref name="tailPieces"/> from the end of a text that is too long), [SEP]. Inference uses it to feed a
    /// model as it was trained.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is below 3, or <paramref name="tailPieces"/> is negative or leaves no head piece.</exception>
    public static int[] EncodeText(string text, BertWordPieceTokenizer tokenizer, int maxLength, int tailPieces = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(tokenizer);
        CheckLengths(maxLength, tailPieces);
        return Cut(tokenizer.Pieces(text), tokenizer, maxLength, tailPieces);
    }

    private static void CheckLengths(int maxLength, int tailPieces)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 3);
        ArgumentOutOfRangeException.ThrowIfNegative(tailPieces);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tailPieces, maxLength - 3);
    }

    /// <summary>[CLS], the head (and tail) of <paramref name="pieces"/> within <c>maxLength − 2</c>, [SEP].</summary>
    private static int[] Cut(int[] pieces, BertWordPieceTokenizer tokenizer, int maxLength, int tailPieces)
    {
        int budget = maxLength - 2;
        int head = pieces.Length <= budget ? pieces.Length : budget - tailPieces;
        int tail = pieces.Length <= budget ? 0 : tailPieces;
        var row = new int[head + tail + 2];
        row[0] = tokenizer.ClsId;
        pieces.AsSpan(0, head).CopyTo(row.AsSpan(1));
        pieces.AsSpan(pieces.Length - tail).CopyTo(row.AsSpan(1 + head));
        row[^1] = tokenizer.SepId;
        return row;
    }

    /// <summary>
    /// Rows of ids padded with <paramref name="padId"/> to the longest, as a model takes them: ids and attention mask
    /// (1 for a token, 0 for padding), both float [rows, longest].
    /// </summary>
    public static (Tensor Ids, Tensor Mask) Pad(IReadOnlyList<int[]> rows, int padId)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int length = 0;
        foreach (var row in rows)
        {
            length = Math.Max(length, row.Length);
        }

        var ids = Tensor.Full(new Shape(rows.Count, length), padId);
        var mask = Tensor.Zeros(rows.Count, length);
        var idSpan = ids.AsSpan();
        var maskSpan = mask.AsSpan();
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            for (int t = 0; t < row.Length; t++)
            {
                idSpan[(r * length) + t] = row[t];
            }

            maskSpan.Slice(r * length, row.Length).Fill(1f);
        }

        return (ids, mask);
    }

    /// <summary>The most ids per text, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; }

    /// <summary>Pieces kept from the end of a text that is too long.</summary>
    public int TailPieces { get; }

    /// <summary>The padding id.</summary>
    public int PadId { get; }

    /// <inheritdoc/>
    public int Count => _labels.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc/>
    public bool AugmentsTraining => false;

    /// <summary>The ids of text <paramref name="index"/>, [CLS] and [SEP] included.</summary>
    public ReadOnlySpan<int> Ids(int index) => _ids[index];

    /// <inheritdoc/>
    public int LabelOf(int index) => _labels[index];

    /// <inheritdoc/>
    public int LengthOf(int index) => _ids[index].Length;

    /// <summary>The number of texts that were cut to <see cref="MaxLength"/>.</summary>
    public int Truncated { get; private init; }

    /// <inheritdoc/>
    public IEnumerable<DataBatch> Read(IReadOnlyList<int[]> batches, bool training, int epoch)
    {
        ArgumentNullException.ThrowIfNull(batches);
        foreach (var ix in batches)
        {
            var (ids, mask) = Pad([.. ix.Select(i => _ids[i])], PadId);
            yield return new DataBatch([ids, mask], [.. ix.Select(i => _labels[i])], ix);
        }
    }
}
