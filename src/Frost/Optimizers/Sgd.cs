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
        var rule = new SgdStep(learningRate, weightDecay, Momentum, Nesterov, state.Step == 1);
        ElementwiseUpdate.Run(param, grad, buf, default, rule);
    }

    /// <summary>One SGD update over a range, vectorised.</summary>
    private readonly record struct SgdStep(float Lr, float Wd, float Mu, bool Nesterov, bool First) : IUpdateRule
    {
        public void Apply(Span<float> p, ReadOnlySpan<float> g, Span<float> buf, Span<float> unused)
        {
            int i = 0;
            if (System.Numerics.Vector.IsHardwareAccelerated)
            {
                int w = System.Numerics.Vector<float>.Count;
                var lr = new System.Numerics.Vector<float>(Lr);
                var wd = new System.Numerics.Vector<float>(Wd);
                var mu = new System.Numerics.Vector<float>(Mu);
                for (; i <= p.Length - w; i += w)
                {
                    var pv = new System.Numerics.Vector<float>(p[i..]);
                    var gv = new System.Numerics.Vector<float>(g[i..]) + (wd * pv);
                    if (Mu != 0f)
                    {
                        var b = First ? gv : (mu * new System.Numerics.Vector<float>(buf[i..])) + gv;
                        b.CopyTo(buf[i..]);
                        gv = Nesterov ? gv + (mu * b) : b;
                    }

                    (pv - (lr * gv)).CopyTo(p[i..]);
                }
            }

            for (; i < p.Length; i++)
            {
                float gi = g[i] + (Wd * p[i]);
                if (Mu != 0f)
                {
                    float b = First ? gi : (Mu * buf[i]) + gi;
                    buf[i] = b;
                    gi = Nesterov ? gi + (Mu * b) : b;
                }

                p[i] -= Lr * gi;
            }
        }
    }
}
