namespace Frost.Optimizers;

/// <summary>
/// Adam with bias correction and L2 weight decay added to the gradient (PyTorch's <c>Adam</c>):
/// <c>m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − lr·m̂/(√v̂ + ε)</c>.
/// </summary>
/// <remarks>Kingma and Ba, "Adam: A Method for Stochastic Optimization", 2014.</remarks>
public class Adam : Optimizer
{
    private static readonly string[] s_slots = ["m", "v"];

    /// <summary>Creates the optimizer.</summary>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
        : base(learningRate, weightDecay)
    {
        if (beta1 is < 0f or >= 1f || beta2 is < 0f or >= 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), $"Adam: betas must be in [0, 1), got {beta1}, {beta2}.");
        }

        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>First-moment decay β₁.</summary>
    public float Beta1 { get; }

    /// <summary>Second-moment decay β₂.</summary>
    public float Beta2 { get; }

    /// <summary>Denominator guard ε.</summary>
    public float Epsilon { get; }

    /// <summary>Whether weight decay is decoupled from the gradient (AdamW).</summary>
    protected virtual bool DecoupledWeightDecay => false;

    /// <inheritdoc/>
    protected override IReadOnlyList<string> SlotNames => s_slots;

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, VariableState state, float learningRate, float weightDecay)
    {
        ArgumentNullException.ThrowIfNull(state);
        var m = Slot(state, 0);
        var v = Slot(state, 1);
        float bc1 = 1f - MathF.Pow(Beta1, state.Step);
        float bc2 = 1f - MathF.Pow(Beta2, state.Step);
        float stepSize = learningRate / bc1;
        float invSqrtBc2 = 1f / MathF.Sqrt(bc2);
        bool decoupled = DecoupledWeightDecay;
        float decay = decoupled ? 1f - learningRate * weightDecay : 1f;
        for (int i = 0; i < param.Length; i++)
        {
            float p = param[i];
            float g = decoupled ? grad[i] : grad[i] + weightDecay * p;
            float mi = Beta1 * m[i] + (1f - Beta1) * g;
            float vi = Beta2 * v[i] + (1f - Beta2) * g * g;
            m[i] = mi;
            v[i] = vi;
            param[i] = p * decay - stepSize * mi / (MathF.Sqrt(vi) * invSqrtBc2 + Epsilon);
        }
    }
}
