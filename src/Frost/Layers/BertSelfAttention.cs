namespace Frost.Layers;

/// <summary>
/// BERT's self-attention sub-layer with its residual connection and post-layer norm:
/// <c>norm(output(attention(query(x), key(x), value(x), mask)) + x)</c> for hidden states x [N, T, D] and a key
/// padding mask [N, T] (1 keep, 0 pad), where attention is multi-head scaled dot-product attention
/// (<see cref="Ops.ScaledDotProductAttention"/>).
/// </summary>
public sealed class BertSelfAttention : Block
{
    /// <summary>Creates the sub-layer with BERT's initialisation, or zero weights when <paramref name="rng"/> is null.</summary>
    public BertSelfAttention(BertConfig config, Rng? rng, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Heads = config.Heads;
        int d = config.Hidden;
        Query = AddLayer(config.NewDense(d, d, rng, "query"));
        Key = AddLayer(config.NewDense(d, d, rng, "key"));
        Value = AddLayer(config.NewDense(d, d, rng, "value"));
        Output = AddLayer(config.NewDense(d, d, rng, "output"));
        Norm = AddLayer(new LayerNorm(d, config.LayerNormEpsilon, "norm"));
    }

    /// <summary>Number of attention heads.</summary>
    public int Heads { get; }

    /// <summary>The query projection.</summary>
    public Dense Query { get; }

    /// <summary>The key projection.</summary>
    public Dense Key { get; }

    /// <summary>The value projection.</summary>
    public Dense Value { get; }

    /// <summary>The projection of the attention result.</summary>
    public Dense Output { get; }

    /// <summary>The layer norm after the residual sum.</summary>
    public LayerNorm Norm { get; }

    /// <summary>Two inputs: hidden states [N, T, D] and the key mask [N, T].</summary>
    public override int InputCount => 2;

    /// <inheritdoc/>
    protected override Flow Define(IReadOnlyList<Flow> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (x, mask) = (inputs[0], inputs[1]);
        int heads = Heads;
        var attended = Flow.Combine(
            "attention", t => Ops.ScaledDotProductAttention(t[0], t[1], t[2], t[3], heads), x.Then(Query), x.Then(Key), x.Then(Value), mask);
        return (attended.Then(Output) + x).Then(Norm);
    }
}
