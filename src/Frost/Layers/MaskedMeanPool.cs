namespace Frost.Layers;

/// <summary>
/// The mean of hidden states [N, T, D] over the positions a mask [N, T] keeps (1 keep, 0 padding), giving [N, D]:
/// the sentence vector of sentence-transformers' mean pooling, before any normalisation. A row with no kept position
/// gives zeros.
/// </summary>
public sealed class MaskedMeanPool : Layer
{
    /// <summary>Creates the layer.</summary>
    public MaskedMeanPool(string? name = null)
        : base(name)
    {
    }

    /// <summary>Two inputs: hidden states [N, T, D] and the mask [N, T].</summary>
    public override int InputCount => 2;

    /// <inheritdoc/>
    protected override Tensor Forward(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (hidden, mask) = (inputs[0], inputs[1]);
        if (hidden.Rank != 3 || mask.Shape != new Shape(hidden.Shape[0], hidden.Shape[1]))
        {
            throw new ArgumentException($"MaskedMeanPool '{Path}': expected hidden states [N, T, D] and a mask [N, T], got {hidden.Shape} and {mask.Shape}.");
        }

        return Mean(hidden, mask);
    }

    /// <summary>The masked mean of hidden states [N, T, D] over a mask [N, T] (shapes already checked), differentiable.</summary>
    public static Tensor Mean(Tensor hidden, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(mask);

        // NOTE: + 1e-9 changes no count of one or more in float32 and turns 0/0 into 0, like sentence-transformers' clamp.
        var sum = Ops.Sum(Ops.Mul(hidden, Ops.Unsqueeze(mask, -1)), 1);
        return Ops.Div(sum, Ops.Add(Ops.Sum(mask, 1, keepDims: true), 1e-9f));
    }
}
