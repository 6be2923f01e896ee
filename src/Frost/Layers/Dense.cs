namespace Frost.Layers;

/// <summary>Fully connected layer <c>y = x·kernel + bias</c> over the last axis; kernel is [in, out].</summary>
public sealed class Dense : Layer
{
    /// <summary>Creates the layer with Glorot-uniform kernel and zero bias.</summary>
    public Dense(int inFeatures, int outFeatures, Rng rng, bool useBias = true, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Kernel = AddParameter("kernel", Initializers.GlorotUniform(new Shape(inFeatures, outFeatures), rng));
        Bias = useBias ? AddParameter("bias", Tensor.Zeros(outFeatures)) : null;
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>The [in, out] weight matrix.</summary>
    public Variable Kernel { get; }

    /// <summary>The bias, if used.</summary>
    public Variable? Bias { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input)
    {
        if (input.Rank < 1 || input.Shape[-1] != InFeatures)
        {
            throw new ArgumentException($"Dense '{Path}': expected input [..., {InFeatures}], got {input.Shape}.");
        }

        var x = input.Rank == 2 ? input : Ops.Reshape(input, -1, InFeatures);
        var y = Ops.MatMul(x, Kernel);
        if (Bias is not null)
        {
            y = Ops.Add(y, Bias);
        }

        if (input.Rank != 2)
        {
            var dims = input.Shape.ToArray();
            dims[^1] = OutFeatures;
            y = Ops.Reshape(y, dims);
        }

        return y;
    }
}
