namespace Frost.Layers;

/// <summary>
/// A text classifier on a BERT-family encoder: <c>embeddings</c>, <c>layer0</c> … <c>layer{L−1}</c>, the mean of the
/// last hidden states over the attention mask (<c>pool</c>), and a dense layer to the classes (<c>head</c>). Inputs
/// are token ids and the mask, both [N, T] float tensors; the result is logits [N, classes].
/// </summary>
/// <remarks>
/// The encoder's variables keep their names (<c>embeddings/word/weight</c>, <c>layer4/ffn/up/weight</c>), so the
/// selectors of an encoder apply: <c>layer[4-5]/**</c> and <c>head/**</c> train the top of the encoder and the head.
/// Mean pooling is how all-MiniLM-L6-v2 was trained to summarise a text.
/// </remarks>
public sealed class BertClassifier : Block
{
    private readonly List<BertLayer> _layers = [];

    /// <summary>
    /// Creates a classifier with BERT's initialisation and a Glorot-uniform head, or with zero values everywhere when
    /// <paramref name="rng"/> is null (to be filled from a checkpoint).
    /// </summary>
    /// <exception cref="ArgumentException">The configuration is inconsistent or <paramref name="classes"/> is below 1.</exception>
    public BertClassifier(BertConfig config, int classes, Rng? rng, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        config.Validate();
        Config = config;
        Classes = classes;
        Embeddings = AddLayer(new BertEmbeddings(config, rng, name: "embeddings"));
        for (int i = 0; i < config.Layers; i++)
        {
            _layers.Add(AddLayer(new BertLayer(config, rng, $"layer{i}")));
        }

        Pool = AddLayer(new MaskedMeanPool("pool"));
        Head = AddLayer(rng is null
            ? new Dense(Tensor.Zeros(classes, config.Hidden), Tensor.Zeros(classes), "head")
            : new Dense(config.Hidden, classes, rng, name: "head"));
    }

    /// <summary>
    /// A classifier whose embeddings and layers are copies of <paramref name="encoder"/>'s (its pooler is not used) and
    /// whose head is new, drawn from <paramref name="rng"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The encoder takes token types as an input.</exception>
    public static BertClassifier FromEncoder(BertEncoder encoder, int classes, Rng rng, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(rng);
        if (encoder.Embeddings.TokenTypeInput)
        {
            throw new ArgumentException("BertClassifier: the encoder takes token types as an input; single texts need an encoder without it.", nameof(encoder));
        }

        var model = new BertClassifier(encoder.Config, classes, null, name);
        var source = encoder.Variables.ToDictionary(v => v.Name, StringComparer.Ordinal);
        foreach (var v in model.Variables)
        {
            if (!v.Name.StartsWith("head/", StringComparison.Ordinal))
            {
                v.Value.CopyFrom(source[v.Name].Value);
            }
        }

        model.Head.Weight.Value.CopyFrom(Initializers.GlorotUniform(model.Head.Weight.Shape, rng));
        return model;
    }

    /// <summary>The encoder's sizes.</summary>
    public BertConfig Config { get; }

    /// <summary>Number of classes (outputs of the head).</summary>
    public int Classes { get; }

    /// <summary>The input embeddings.</summary>
    public BertEmbeddings Embeddings { get; }

    /// <summary>The encoder layers, in order.</summary>
    public IReadOnlyList<BertLayer> Layers => _layers;

    /// <summary>The mean pooling over the mask.</summary>
    public MaskedMeanPool Pool { get; }

    /// <summary>The dense layer from the pooled vector to the logits.</summary>
    public Dense Head { get; }

    /// <summary>Token ids and the attention mask.</summary>
    public override int InputCount => 2;

    /// <inheritdoc/>
    protected override Flow Define(IReadOnlyList<Flow> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var mask = inputs[1];
        var h = inputs[0].Then(Embeddings);
        foreach (var layer in _layers)
        {
            h = h.Then(layer, mask);
        }

        return h.Then(Pool, mask).Then(Head);
    }
}
