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
        float l2 = decoupled ? 0f : weightDecay;
        var k = new AdamStep(Beta1, Beta2, Epsilon, stepSize, invSqrtBc2, decay, l2);
        ElementwiseUpdate.Run(param, grad, m, v, k);
    }

    /// <summary>One Adam update over a range, vectorised.</summary>
    private readonly record struct AdamStep(float B1, float B2, float Eps, float StepSize, float InvSqrtBc2, float Decay, float L2) : IUpdateRule
    {
        public void Apply(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v)
        {
            int i = 0;
            if (System.Numerics.Vector.IsHardwareAccelerated)
            {
                int w = System.Numerics.Vector<float>.Count;
                var b1 = new System.Numerics.Vector<float>(B1);
                var c1 = new System.Numerics.Vector<float>(1f - B1);
                var b2 = new System.Numerics.Vector<float>(B2);
                var c2 = new System.Numerics.Vector<float>(1f - B2);
                var eps = new System.Numerics.Vector<float>(Eps);
                var step = new System.Numerics.Vector<float>(StepSize);
                var inv = new System.Numerics.Vector<float>(InvSqrtBc2);
                var decay = new System.Numerics.Vector<float>(Decay);
                var l2 = new System.Numerics.Vector<float>(L2);
                for (; i <= p.Length - w; i += w)
                {
                    var pv = new System.Numerics.Vector<float>(p[i..]);
                    var gv = new System.Numerics.Vector<float>(g[i..]) + (l2 * pv);
                    var mv = (b1 * new System.Numerics.Vector<float>(m[i..])) + (c1 * gv);
                    var vv = (b2 * new System.Numerics.Vector<float>(v[i..])) + (c2 * gv * gv);
                    mv.CopyTo(m[i..]);
                    vv.CopyTo(v[i..]);
                    (pv * decay - (step * mv / ((System.Numerics.Vector.SquareRoot(vv) * inv) + eps))).CopyTo(p[i..]);
                }
            }

            for (; i < p.Length; i++)
            {
                float pi = p[i];
                float gi = g[i] + (L2 * pi);
                float mi = (B1 * m[i]) + ((1f - B1) * gi);
                float vi = (B2 * v[i]) + ((1f - B2) * gi * gi);
                m[i] = mi;
                v[i] = vi;
                p[i] = (pi * Decay) - (StepSize * mi / ((MathF.Sqrt(vi) * InvSqrtBc2) + Eps));
            }
        }
    }
}
