namespace Frost.Layers;

/// <summary>
/// BERT's input embeddings: <c>norm(word(ids) + position(0 … T−1) + token_type(types))</c> for token ids [N, T] given as
/// a float tensor; the result is [N, T, D]. Token types are all 0 unless the block takes them as a second input.
/// </summary>
/// <remarks>Devlin et al., "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding", 2018.</remarks>
public sealed class BertEmbeddings : Block
{
    /// <summary>Creates the tables with BERT's initialisation, or zero tables when <paramref name="rng"/> is null.</summary>
    /// <param name="config">The encoder's sizes.</param>
    /// <param name="rng">Draws the initial values; null leaves them zero (to be filled from a checkpoint or an import).</param>
    /// <param name="tokenTypeInput">Whether token types come as a second input [N, T] (else all 0).</param>
    /// <param name="name">The block's name.</param>
    public BertEmbeddings(BertConfig config, Rng? rng, bool tokenTypeInput = false, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        TokenTypeInput = tokenTypeInput;
        Word = AddLayer(config.NewEmbedding(config.VocabularySize, rng, "word"));
        Position = AddLayer(config.NewEmbedding(config.MaxPositions, rng, "position"));
        TokenType = AddLayer(config.NewEmbedding(config.TokenTypes, rng, "token_type"));
        Norm = AddLayer(new LayerNorm(config.Hidden, config.LayerNormEpsilon, "norm"));
    }

    /// <summary>The word table [vocabulary, D].</summary>
    public Embedding Word { get; }

    /// <summary>The position table [positions, D].</summary>
    public Embedding Position { get; }

    /// <summary>The token-type table [types, D].</summary>
    public Embedding TokenType { get; }

    /// <summary>The layer norm applied to the sum.</summary>
    public LayerNorm Norm { get; }

    /// <summary>Whether token types are a second input; otherwise every token has type 0.</summary>
    public bool TokenTypeInput { get; }

    /// <inheritdoc/>
    public override int InputCount => TokenTypeInput ? 2 : 1;

    /// <inheritdoc/>
    protected override Flow Define(IReadOnlyList<Flow> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var ids = inputs[0];
        var words = ids.Then(Word);
        var positions = ids.Apply("position_ids", PositionIds).Then(Position);
        var types = (TokenTypeInput ? inputs[1] : ids.Apply("token_type_ids", static _ => Tensor.Zeros(1))).Then(TokenType);
        return (words + positions + types).Then(Norm);
    }

    /// <summary>0 … T−1 for ids [N, T].</summary>
    private Tensor PositionIds(Tensor ids)
    {
        if (ids.Rank != 2)
        {
            throw new ArgumentException($"BertEmbeddings '{Path}': token ids must be [batch, tokens], got {ids.Shape}.");
        }

        if (ids.Shape[1] > Position.Entries)
        {
            throw new ArgumentException($"BertEmbeddings '{Path}': {ids.Shape[1]} tokens exceed the {Position.Entries} positions the model knows.");
        }

        return Tensor.Arange(0, ids.Shape[1]);
    }
}
