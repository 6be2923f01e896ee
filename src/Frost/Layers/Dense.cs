using Frost.Adapters;

namespace Frost.Layers;

/// <summary>
/// Fully connected layer <c>y = x·Wᵀ + b</c> over the last axis, with the weight <c>W</c> stored [out, in] and the bias
/// [out], as PyTorch stores them (so checkpoints exchange weights with it by name and layout). With a LoRA adapter
/// attached (<see cref="Lora"/>) and not merged, the adapter's low-rank update is added to <c>y</c>.
/// </summary>
public sealed class Dense : Layer
{
    /// <summary>Creates the layer with a Glorot-uniform weight and a zero bias.</summary>
    public Dense(int inFeatures, int outFeatures, Rng rng, bool useBias = true, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = AddParameter("weight", Initializers.GlorotUniform(new Shape(outFeatures, inFeatures), rng));
        Bias = useBias ? AddParameter("bias", Tensor.Zeros(outFeatures)) : null;
    }

    /// <summary>Creates the layer with the given weight [out, in] and optional bias [out] (copied).</summary>
    /// <exception cref="ArgumentException">The weight is not a non-empty matrix, or the bias does not have one value per output.</exception>
    public Dense(Tensor weight, Tensor? bias, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2 || weight.Size == 0)
        {
            throw new ArgumentException($"Dense: the weight must be a non-empty [out, in] matrix, got {weight.Shape}.", nameof(weight));
        }

        if (bias is not null && bias.Shape != new Shape(weight.Shape[0]))
        {
            throw new ArgumentException($"Dense: the bias must be [{weight.Shape[0]}] for weight {weight.Shape}, got {bias.Shape}.", nameof(bias));
        }

        InFeatures = weight.Shape[1];
        OutFeatures = weight.Shape[0];
        Weight = AddParameter("weight", weight);
        Bias = bias is null ? null : AddParameter("bias", bias);
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>The [out, in] weight matrix.</summary>
    public Variable Weight { get; }

    /// <summary>The bias, if used.</summary>
    public Variable? Bias { get; }

    /// <summary>The LoRA adapter attached to this layer, if any (<see cref="Lora"/>).</summary>
    public LoraAdapter? Adapter => Lora.AdapterOf(this);

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input)
    {
        if (input.Rank < 1 || input.Shape[-1] != InFeatures)
        {
            throw new ArgumentException($"Dense '{Path}': expected input [..., {InFeatures}], got {input.Shape}.");
        }

        var y = Ops.Linear(input, Weight, Bias?.Value);
        return Adapter is { Merged: false } adapter ? Ops.Add(y, adapter.Call(input)) : y;
    }
}
