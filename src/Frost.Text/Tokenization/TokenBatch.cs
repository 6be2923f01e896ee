namespace Frost.Text.Tokenization;

/// <summary>
/// Token ids of several texts padded to a common length, with the attention mask: what a BERT-family encoder takes
/// (its token type ids are all 0 for single texts).
/// </summary>
public sealed class TokenBatch
{
    /// <summary>Wraps row-major [<paramref name="batchSize"/>, <paramref name="length"/>] ids and mask.</summary>
    /// <param name="ids">Token ids, padded with <paramref name="padId"/> after each row's tokens.</param>
    /// <param name="mask">1 for a token, 0 for padding; each row's ones come first.</param>
    /// <param name="batchSize">Number of rows.</param>
    /// <param name="length">Tokens per row, padding included.</param>
    /// <param name="padId">The id used for padding.</param>
    /// <exception cref="ArgumentException">The arrays do not hold <c>batchSize × length</c> entries, or a mask row is not ones then zeros.</exception>
    public TokenBatch(int[] ids, int[] mask, int batchSize, int length, int padId = 0)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if ((long)batchSize * length != ids.Length || ids.Length != mask.Length)
        {
            throw new ArgumentException(
                $"TokenBatch: ids ({ids.Length}) and mask ({mask.Length}) must both hold batchSize × length = {batchSize} × {length} entries.");
        }

        var lengths = new int[batchSize];
        for (int r = 0; r < batchSize; r++)
        {
            var row = mask.AsSpan(r * length, length);
            int n = row.IndexOfAnyExcept(1);
            n = n < 0 ? length : n;
            if (row[n..].ContainsAnyExcept(0))
            {
                throw new ArgumentException($"TokenBatch: mask row {r} must be ones followed by zeros.");
            }

            lengths[r] = n;
        }

        Ids = ids;
        Mask = mask;
        BatchSize = batchSize;
        Length = length;
        PadId = padId;
        Lengths = lengths;
    }

    /// <summary>Token ids, row-major [<see cref="BatchSize"/>, <see cref="Length"/>], padded with <see cref="PadId"/>.</summary>
    public int[] Ids { get; }

    /// <summary>Attention mask, row-major [<see cref="BatchSize"/>, <see cref="Length"/>]: 1 for a token, 0 for padding.</summary>
    public int[] Mask { get; }

    /// <summary>Number of texts (rows).</summary>
    public int BatchSize { get; }

    /// <summary>Tokens per row, padding included: the longest row's token count.</summary>
    public int Length { get; }

    /// <summary>The padding id.</summary>
    public int PadId { get; }

    /// <summary>The number of real tokens (special tokens included) in each row.</summary>
    public int[] Lengths { get; }

    /// <summary>The number of real tokens in the batch.</summary>
    public int TokenCount => Lengths.Sum();

    /// <summary>The ids of row <paramref name="row"/> without padding.</summary>
    public ReadOnlySpan<int> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)BatchSize, nameof(row));
        return Ids.AsSpan(row * Length, Lengths[row]);
    }

    /// <summary>The ids as a float32 tensor [<see cref="BatchSize"/>, <see cref="Length"/>] (ids below 2^24 are exact).</summary>
    public Tensor IdsTensor() => ToTensor(Ids);

    /// <summary>The mask as a float32 tensor [<see cref="BatchSize"/>, <see cref="Length"/>] of ones and zeros.</summary>
    public Tensor MaskTensor() => ToTensor(Mask);

    private Tensor ToTensor(int[] values)
    {
        var tensor = Tensor.Zeros(BatchSize, Length);
        var data = tensor.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            data[i] = values[i];
        }

        return tensor;
    }
}
