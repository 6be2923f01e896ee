namespace Frost.Layers;

/// <summary>One BERT encoder layer: self-attention (<c>attention</c>) then feed-forward (<c>ffn</c>), each post-normed.</summary>
public sealed class BertLayer : Block
{
    /// <summary>Creates the layer with BERT's initialisation, or zero weights when <paramref name="rng"/> is null.</summary>
    public BertLayer(BertConfig config, Rng? rng, string? name = null)
        : base(name)
    {
        Attention = AddLayer(new BertSelfAttention(config, rng, "attention"));
        Ffn = AddLayer(new BertFeedForward(config, rng, "ffn"));
    }

    /// <summary>The self-attention sub-layer.</summary>
    public BertSelfAttention Attention { get; }

    /// <summary>The feed-forward sub-layer.</summary>
    public BertFeedForward Ffn { get; }

    /// <summary>Two inputs: hidden states [N, T, D] and the key mask [N, T].</summary>
    public override int InputCount => 2;

    /// <inheritdoc/>
    protected override Flow Define(IReadOnlyList<Flow> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs[0].Then(Attention, inputs[1]).Then(Ffn);
    }
}
