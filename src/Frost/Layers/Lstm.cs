namespace Frost.Layers;

/// <summary>
/// Long short-term memory over a batch-first sequence [N, T, features]. Returns every hidden state
/// [N, T, units] with <see cref="ReturnSequences"/>, else the last one [N, units]. Gates are ordered
/// input, forget, cell, output (as in Keras and PyTorch; weights stored [gates·units, in] as PyTorch stores them); the forget-gate bias starts at 1. Freezing the layer freezes
/// every gate's weights.
/// </summary>
/// <remarks>Hochreiter and Schmidhuber, "Long Short-Term Memory", 1997.</remarks>
public sealed class Lstm : Layer
{
    /// <summary>Creates the layer with Glorot-uniform weights and zero biases (forget gate 1).</summary>
    public Lstm(int inputFeatures, int units, Rng rng, bool returnSequences = false, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        InputFeatures = inputFeatures;
        Units = units;
        ReturnSequences = returnSequences;
        Weight = AddParameter("weight", Initializers.GlorotUniform(new Shape(4 * units, inputFeatures), rng));
        RecurrentWeight = AddParameter("recurrent_weight", Initializers.GlorotUniform(new Shape(4 * units, units), rng));
        var bias = Tensor.Zeros(4 * units);
        bias.AsSpan().Slice(units, units).Fill(1f);
        Bias = AddParameter("bias", bias);
    }

    /// <summary>Features per time step.</summary>
    public int InputFeatures { get; }

    /// <summary>Hidden size.</summary>
    public int Units { get; }

    /// <summary>Whether all hidden states are returned.</summary>
    public bool ReturnSequences { get; }

    /// <summary>Input weights [4·units, features].</summary>
    public Variable Weight { get; }

    /// <summary>Recurrent weights [4·units, units].</summary>
    public Variable RecurrentWeight { get; }

    /// <summary>Gate biases [4·units].</summary>
    public Variable Bias { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input)
    {
        var (n, t) = Recurrent.CheckInput(this, input, InputFeatures);
        int u = Units;

        // Input projections for all steps at once: [N·T, 4U] → [N, T, 4U].
        var xw = Ops.Reshape(Ops.Add(Ops.MatMul(Ops.Reshape(input, n * t, InputFeatures), Weight, transposeB: true), Bias), n, t, 4 * u);
        var h = Tensor.Zeros(n, u);
        var c = Tensor.Zeros(n, u);
        var outputs = new List<Tensor>(ReturnSequences ? t : 0);
        for (int step = 0; step < t; step++)
        {
            var z = Ops.Add(Ops.Reshape(Ops.Slice(xw, 1, step, 1), n, 4 * u), Ops.MatMul(h, RecurrentWeight, transposeB: true));
            var i = Ops.Sigmoid(Ops.Slice(z, 1, 0, u));
            var f = Ops.Sigmoid(Ops.Slice(z, 1, u, u));
            var g = Ops.Tanh(Ops.Slice(z, 1, 2 * u, u));
            var o = Ops.Sigmoid(Ops.Slice(z, 1, 3 * u, u));
            c = Ops.Add(Ops.Mul(f, c), Ops.Mul(i, g));
            h = Ops.Mul(o, Ops.Tanh(c));
            if (ReturnSequences)
            {
                outputs.Add(Ops.Unsqueeze(h, 1));
            }
        }

        return ReturnSequences ? Ops.Concat(outputs, 1) : h;
    }
}

/// <summary>Shared checks of recurrent layers.</summary>
internal static class Recurrent
{
    public static (int N, int T) CheckInput(Layer layer, Tensor input, int features)
    {
        if (input.Rank != 3 || input.Shape[2] != features || input.Shape[1] < 1)
        {
            throw new ArgumentException($"{layer.TypeName} '{layer.Path}': expected input [N, T >= 1, {features}], got {input.Shape}.");
        }

        return (input.Shape[0], input.Shape[1]);
    }
}
