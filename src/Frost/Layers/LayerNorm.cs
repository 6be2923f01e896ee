namespace Frost.Layers;

/// <summary>Normalises the last axis to zero mean and unit variance, then scales by gamma and shifts by beta.</summary>
/// <remarks>Ba, Kiros and Hinton, "Layer Normalization", 2016.</remarks>
public sealed class LayerNorm : Layer
{
    /// <summary>Creates the layer for a last axis of <paramref name="features"/>.</summary>
    public LayerNorm(int features, float epsilon = 1e-5f, string? name = null)
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        Features = features;
        Epsilon = epsilon;
        Weight = AddParameter("weight", Tensor.Ones(features));
        Bias = AddParameter("bias", Tensor.Zeros(features));
    }

    /// <summary>Size of the normalised axis.</summary>
    public int Features { get; }

    /// <summary>Variance guard.</summary>
    public float Epsilon { get; }

    /// <summary>Scale.</summary>
    public Variable Weight { get; }

    /// <summary>Shift.</summary>
    public Variable Bias { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input)
    {
        if (input.Rank < 1 || input.Shape[-1] != Features)
        {
            throw new ArgumentException($"LayerNorm '{Path}': expected input [..., {Features}], got {input.Shape}.");
        }

        return Ops.LayerNorm(input, Weight, Bias, Epsilon);
    }
}
