namespace Frost.Layers;

/// <summary>
/// Gated recurrent unit over a batch-first sequence [N, T, features], with the reset gate applied after the
/// recurrent product (PyTorch and cuDNN convention): <c>z = σ(xWz + hUz + b), r = σ(xWr + hUr + b),
/// n = tanh(xWn + b + r ⊙ (hUn + b′)), h = (1 − z) ⊙ n + z ⊙ h</c>. Gates are ordered z, r, n.
/// </summary>
/// <remarks>Cho et al., "Learning Phrase Representations using RNN Encoder–Decoder", 2014.</remarks>
public sealed class Gru : Layer
{
    /// <summary>Creates the layer with Glorot-uniform weights and zero biases.</summary>
    public Gru(int inputFeatures, int units, Rng rng, bool returnSequences = false, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        InputFeatures = inputFeatures;
        Units = units;
        ReturnSequences = returnSequences;
        Weight = AddParameter("weight", Initializers.GlorotUniform(new Shape(3 * units, inputFeatures), rng));
        RecurrentWeight = AddParameter("recurrent_weight", Initializers.GlorotUniform(new Shape(3 * units, units), rng));
        Bias = AddParameter("bias", Tensor.Zeros(3 * units));
        RecurrentBias = AddParameter("recurrent_bias", Tensor.Zeros(3 * units));
    }

    /// <summary>Features per time step.</summary>
    public int InputFeatures { get; }

    /// <summary>Hidden size.</summary>
    public int Units { get; }

    /// <summary>Whether all hidden states are returned.</summary>
    public bool ReturnSequences { get; }

    /// <summary>Input weights [3·units, features].</summary>
    public Variable Weight { get; }

    /// <summary>Recurrent weights [3·units, units].</summary>
    public Variable RecurrentWeight { get; }

    /// <summary>Input-side biases [3·units].</summary>
    public Variable Bias { get; }

    /// <summary>Recurrent-side biases [3·units].</summary>
    public Variable RecurrentBias { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input)
    {
        var (n, t) = Recurrent.CheckInput(this, input, InputFeatures);
        int u = Units;
        var xw = Ops.Reshape(Ops.Add(Ops.MatMul(Ops.Reshape(input, n * t, InputFeatures), Weight, transposeB: true), Bias), n, t, 3 * u);
        var h = Tensor.Zeros(n, u);
        var outputs = new List<Tensor>(ReturnSequences ? t : 0);
        for (int step = 0; step < t; step++)
        {
            var xs = Ops.Reshape(Ops.Slice(xw, 1, step, 1), n, 3 * u);
            var hs = Ops.Add(Ops.MatMul(h, RecurrentWeight, transposeB: true), RecurrentBias);
            var z = Ops.Sigmoid(Ops.Add(Ops.Slice(xs, 1, 0, u), Ops.Slice(hs, 1, 0, u)));
            var r = Ops.Sigmoid(Ops.Add(Ops.Slice(xs, 1, u, u), Ops.Slice(hs, 1, u, u)));
            var cand = Ops.Tanh(Ops.Add(Ops.Slice(xs, 1, 2 * u, u), Ops.Mul(r, Ops.Slice(hs, 1, 2 * u, u))));
            h = Ops.Add(Ops.Mul(Ops.Sub(1f, z), cand), Ops.Mul(z, h));
            if (ReturnSequences)
            {
                outputs.Add(Ops.Unsqueeze(h, 1));
            }
        }

        return ReturnSequences ? Ops.Concat(outputs, 1) : h;
    }
}
