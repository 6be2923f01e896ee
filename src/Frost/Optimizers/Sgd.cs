namespace Frost.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum (heavy-ball or Nesterov) and L2 weight decay, as in
/// PyTorch: <c>g ← g + wd·p; b ← μ·b + g; p ← p − lr·(nesterov ? g + μ·b : b)</c>.
/// </summary>
public sealed class Sgd : Optimizer
{
    private static readonly string[] s_none = [];
    private static readonly string[] s_momentum = ["momentum"];

    /// <summary>Creates the optimizer.</summary>
    /// <exception cref="ArgumentException">Nesterov without momentum, or a negative setting.</exception>
    public Sgd(float learningRate, float momentum = 0f, bool nesterov = false, float weightDecay = 0f)
        : base(learningRate, weightDecay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(momentum);
        if (nesterov && momentum == 0f)
        {
            throw new ArgumentException("Sgd: Nesterov momentum needs a momentum > 0.", nameof(nesterov));
        }

        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Momentum factor μ (0 for plain SGD).</summary>
    public float Momentum { get; }

    /// <summary>Whether the Nesterov form is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> SlotNames => Momentum == 0f ? s_none : s_momentum;

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, VariableState state, float learningRate, float weightDecay)
    {
        var buf = Momentum == 0f ? default : Slot(state, 0);
        bool first = state.Step == 1;
        for (int i = 0; i < param.Length; i++)
        {
            float g = grad[i] + weightDecay * param[i];
            if (Momentum != 0f)
            {
                float b = first ? g : Momentum * buf[i] + g;
                buf[i] = b;
                g = Nesterov ? g + Momentum * b : b;
            }

            param[i] -= learningRate * g;
        }
    }
}
