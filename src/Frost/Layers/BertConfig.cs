namespace Frost.Layers;

/// <summary>The sizes of a BERT-family encoder (<see cref="BertEncoder"/>).</summary>
/// <param name="VocabularySize">Rows of the word embedding table.</param>
/// <param name="Hidden">Features of every hidden state (D).</param>
/// <param name="Layers">Encoder layers.</param>
/// <param name="Heads">Attention heads; <paramref name="Hidden"/> must be a multiple of it.</param>
/// <param name="FeedForward">Inner features of each feed-forward block.</param>
/// <param name="MaxPositions">Rows of the position embedding table: the longest sequence the encoder reads.</param>
/// <param name="TokenTypes">Rows of the token-type (segment) embedding table.</param>
/// <param name="LayerNormEpsilon">The variance guard of every layer norm.</param>
/// <param name="InitializerRange">Standard deviation of the normal initialisation of weights and embeddings (BERT's 0.02).</param>
public sealed record BertConfig(
    int VocabularySize,
    int Hidden,
    int Layers,
    int Heads,
    int FeedForward,
    int MaxPositions = 512,
    int TokenTypes = 2,
    float LayerNormEpsilon = 1e-12f,
    float InitializerRange = 0.02f)
{
    /// <summary>all-MiniLM-L6-v2: vocabulary 30,522, hidden 384, 6 layers, 12 heads, feed-forward 1,536, 512 positions, LN ε 1e-12.</summary>
    public static BertConfig MiniLmL6 { get; } = new(30522, 384, 6, 12, 1536);

    /// <summary>Features per attention head.</summary>
    public int HeadSize => Hidden / Heads;

    /// <summary>Throws when a size is not positive or the hidden size does not split into the heads.</summary>
    /// <exception cref="ArgumentException">The configuration is inconsistent; the message names the field.</exception>
    public void Validate()
    {
        foreach (var (value, name) in new[] { (VocabularySize, nameof(VocabularySize)), (Hidden, nameof(Hidden)), (Layers, nameof(Layers)),
            (Heads, nameof(Heads)), (FeedForward, nameof(FeedForward)), (MaxPositions, nameof(MaxPositions)), (TokenTypes, nameof(TokenTypes)) })
        {
            if (value < 1)
            {
                throw new ArgumentException($"BertConfig: {name} must be positive, got {value}.");
            }
        }

        if (Hidden % Heads != 0)
        {
            throw new ArgumentException($"BertConfig: Hidden {Hidden} does not split into {Heads} heads.");
        }

        if (!(LayerNormEpsilon >= 0f) || !(InitializerRange >= 0f))
        {
            throw new ArgumentException($"BertConfig: LayerNormEpsilon ({LayerNormEpsilon}) and InitializerRange ({InitializerRange}) must be non-negative.");
        }
    }

    /// <summary>A dense layer with BERT's initialisation (weight N(0, range²), zero bias), or all zeros without a generator.</summary>
    internal Dense NewDense(int inFeatures, int outFeatures, Rng? rng, string name)
        => new(Draw(new Shape(outFeatures, inFeatures), rng), Tensor.Zeros(outFeatures), name);

    /// <summary>An embedding table with BERT's initialisation (N(0, range²)), or zeros without a generator.</summary>
    internal Embedding NewEmbedding(int entries, Rng? rng, string name) => new(Draw(new Shape(entries, Hidden), rng), name);

    private Tensor Draw(Shape shape, Rng? rng) => rng is null ? Tensor.Zeros(shape) : Tensor.Normal(shape, 0f, InitializerRange, rng);
}
