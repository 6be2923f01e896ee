namespace Frost.Layers;

/// <summary>
/// BERT's feed-forward sub-layer with its residual connection and post-layer norm:
/// <c>norm(down(gelu(up(x))) + x)</c>, with the erf form of GELU.
/// </summary>
public sealed class BertFeedForward : Block
{
    /// <summary>Creates the sub-layer with BERT's initialisation, or zero weights when <paramref name="rng"/> is null.</summary>
    public BertFeedForward(BertConfig config, Rng? rng, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Up = AddLayer(config.NewDense(config.Hidden, config.FeedForward, rng, "up"));
        Down = AddLayer(config.NewDense(config.FeedForward, config.Hidden, rng, "down"));
        Norm = AddLayer(new LayerNorm(config.Hidden, config.LayerNormEpsilon, "norm"));
    }

    /// <summary>The expansion D → feed-forward features.</summary>
    public Dense Up { get; }

    /// <summary>The projection back to D.</summary>
    public Dense Down { get; }

    /// <summary>The layer norm after the residual sum.</summary>
    public LayerNorm Norm { get; }

    /// <inheritdoc/>
    protected override Flow Define(Flow input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return (input.Then(Up).Apply("gelu", static t => Ops.Gelu(t)).Then(Down) + input).Then(Norm);
    }
}
