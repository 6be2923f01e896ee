namespace Frost.Layers;

/// <summary>
/// A BERT-family encoder (post-layer-norm, erf GELU): <c>embeddings</c>, <c>layer0</c> … <c>layer{L−1}</c>, and
/// <c>pooler</c>. Inputs are token ids and the attention mask, both [N, T] float tensors (mask 1 for a token, 0 for
/// padding), plus token types [N, T] when built with <c>tokenTypeInput</c> (otherwise all 0). The result is the last
/// hidden states [N, T, D] or the pooled [CLS] vector [N, D] (<see cref="Output"/>).
/// </summary>
/// <remarks>
/// Variable names follow the layer tree: <c>embeddings/word/weight</c>, <c>layer3/attention/query/weight</c>,
/// <c>layer5/ffn/down/bias</c>, <c>pooler/weight</c>, so selectors such as <c>layer[0-3]/**</c> or
/// <c>embeddings/**</c> pick parts of the model. Devlin et al., "BERT: Pre-training of Deep Bidirectional
/// Transformers for Language Understanding", 2018.
/// </remarks>
public sealed class BertEncoder : Block
{
    private readonly List<BertLayer> _layers = [];
    private BertOutput _output;

    /// <summary>
    /// Creates an encoder with BERT's initialisation (weights N(0, 0.02²) by default, zero biases, unit norms), or with
    /// zero weights when <paramref name="rng"/> is null.
    /// </summary>
    /// <param name="config">Sizes.</param>
    /// <param name="rng">Draws the initial values; null leaves them zero (to be filled from a checkpoint or an import).</param>
    /// <param name="tokenTypeInput">Whether token types come as a third input (else all 0).</param>
    /// <param name="name">The encoder's name when added to a parent.</param>
    /// <exception cref="ArgumentException">The configuration is inconsistent.</exception>
    public BertEncoder(BertConfig config, Rng? rng, bool tokenTypeInput = false, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Embeddings = AddLayer(new BertEmbeddings(config, rng, tokenTypeInput, "embeddings"));
        for (int i = 0; i < config.Layers; i++)
        {
            _layers.Add(AddLayer(new BertLayer(config, rng, $"layer{i}")));
        }

        Pooler = AddLayer(config.NewDense(config.Hidden, config.Hidden, rng, "pooler"));
    }

    /// <summary>The sizes.</summary>
    public BertConfig Config { get; }

    /// <summary>The input embeddings.</summary>
    public BertEmbeddings Embeddings { get; }

    /// <summary>The encoder layers, in order.</summary>
    public IReadOnlyList<BertLayer> Layers => _layers;

    /// <summary>The dense layer of the pooler (followed by tanh), applied to the first token's hidden state.</summary>
    public Dense Pooler { get; }

    /// <summary>What a call returns: hidden states (the default) or the pooled vector.</summary>
    public BertOutput Output
    {
        get => _output;
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), $"BertEncoder: unknown output {value}.");
            }

            if (_output != value)
            {
                _output = value;
                OnChildrenChanged(); // the graph changes
            }
        }
    }

    /// <summary>Token ids and mask, plus token types when the embeddings take them.</summary>
    public override int InputCount => 1 + Embeddings.InputCount;

    /// <inheritdoc/>
    protected override Flow Define(IReadOnlyList<Flow> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var mask = inputs[1];
        var h = Embeddings.TokenTypeInput ? inputs[0].Then(Embeddings, inputs[2]) : inputs[0].Then(Embeddings);
        foreach (var layer in _layers)
        {
            h = h.Then(layer, mask);
        }

        if (_output == BertOutput.HiddenStates)
        {
            return h;
        }

        int d = Config.Hidden;
        return h.Apply("first_token", t => Ops.Reshape(Ops.Slice(t, 1, 0, 1), -1, d)).Then(Pooler).Apply("tanh", Ops.Tanh);
    }
}
