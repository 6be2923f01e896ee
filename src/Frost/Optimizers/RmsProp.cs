namespace Frost.Optimizers;

/// <summary>
/// RMSProp as in PyTorch: <c>s ← αs + (1−α)g²; p ← p − lr·g/(√s + ε)</c>, with optional momentum on the
/// scaled step and L2 weight decay added to the gradient.
/// </summary>
public sealed class RmsProp : Optimizer
{
    private static readonly string[] s_plain = ["square_avg"];
    private static readonly string[] s_momentum = ["square_avg", "momentum"];

    /// <summary>Creates the optimizer.</summary>
    public RmsProp(float learningRate = 1e-2f, float alpha = 0.99f, float epsilon = 1e-8f, float momentum = 0f, float weightDecay = 0f)
        : base(learningRate, weightDecay)
    {
        if (alpha is < 0f or >= 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), $"RmsProp: alpha must be in [0, 1), got {alpha}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(momentum);
        Alpha = alpha;
        Epsilon = epsilon;
        Momentum = momentum;
    }

    /// <summary>Decay of the squared-gradient average.</summary>
    public float Alpha { get; }

    /// <summary>Denominator guard.</summary>
    public float Epsilon { get; }

    /// <summary>Momentum factor (0 for none).</summary>
    public float Momentum { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> SlotNames => Momentum == 0f ? s_plain : s_momentum;

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, VariableState state, float learningRate, float weightDecay)
    {
        var sq = Slot(state, 0);
        var buf = Momentum == 0f ? default : Slot(state, 1);
        for (int i = 0; i < param.Length; i++)
        {
            float g = grad[i] + weightDecay * param[i];
            float s = Alpha * sq[i] + (1f - Alpha) * g * g;
            sq[i] = s;
            float step = g / (MathF.Sqrt(s) + Epsilon);
            if (Momentum != 0f)
            {
                step = Momentum * buf[i] + step;
                buf[i] = step;
            }

            param[i] -= learningRate * step;
        }
    }
}
