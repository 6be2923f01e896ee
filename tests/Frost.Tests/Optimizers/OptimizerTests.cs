using Frost.Optimizers;

namespace Frost.Tests.Optimizers;

public class OptimizerTests
{
    public static TheoryData<string> Kinds() => new() { "sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "rmsprop-momentum" };

    public static Optimizer Make(string kind, float lr) => kind switch
    {
        "sgd" => new Sgd(lr),
        "momentum" => new Sgd(lr, momentum: 0.9f),
        "nesterov" => new Sgd(lr, momentum: 0.9f, nesterov: true),
        "adam" => new Adam(lr),
        "adamw" => new AdamW(lr, weightDecay: 1e-4f),
        "rmsprop" => new RmsProp(lr),
        "rmsprop-momentum" => new RmsProp(lr, momentum: 0.5f),
        _ => throw new ArgumentException(kind),
    };

    private static float Rate(string kind, bool rosenbrock) => (kind, rosenbrock) switch
    {
        ("sgd", true) => 1e-3f,
        ("momentum" or "nesterov", true) => 2e-4f,
        ("adam" or "adamw", true) => 2e-2f,
        ("rmsprop" or "rmsprop-momentum", true) => 1e-3f,
        ("sgd", false) => 0.1f,
        ("momentum" or "nesterov", false) => 0.02f,
        ("adam" or "adamw", false) => 0.05f,
        _ => 0.01f,
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Converges_on_a_quadratic(string kind)
    {
        // f(x) = Σ c_i (x_i − t_i)², minimum at t.
        var x = new Variable("x", Tensor.FromArray(3f, -2f, 0.5f));
        var c = Tensor.FromArray(1f, 2f, 0.5f);
        var t = Tensor.FromArray(1f, 1f, -1f);
        var opt = Make(kind, Rate(kind, false));
        for (int i = 0; i < 3000; i++)
        {
            opt.Minimize(() => Ops.Sum(Ops.Mul(c, Ops.Square(Ops.Sub(x.Value, t)))));
        }

        TestKit.AssertClose.Equal(t.ToArray(), x.Value.AsReadOnlySpan(), atol: 2e-2, rtol: 0);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Converges_on_Rosenbrock(string kind)
    {
        // f(a, b) = (1 − a)² + 100 (b − a²)², minimum at (1, 1).
        var a = new Variable("a", Tensor.FromArray(-1f));
        var b = new Variable("b", Tensor.FromArray(1.5f));
        var opt = Make(kind, Rate(kind, true));
        opt.ClipGlobalNorm = 10f;
        float loss = 0;
        for (int i = 0; i < 20000; i++)
        {
            loss = opt.Minimize(() =>
            {
                var d1 = Ops.Sub(1f, a.Value);
                var d2 = Ops.Sub(b.Value, Ops.Square(a.Value));
                return Ops.Sum(Ops.Add(Ops.Square(d1), Ops.Mul(Ops.Square(d2), 100f)));
            });
        }

        Assert.True(loss < 1e-2, $"{kind}: final loss {loss}");
        Assert.InRange(a.Value.Item(), 0.85f, 1.1f);
    }

    private static Variable Stepped(Optimizer opt, float x0, float grad, int steps = 1)
    {
        var v = new Variable("v", Tensor.FromArray(x0));
        for (int i = 0; i < steps; i++)
        {
            opt.ApplyGradients(new Gradients { { v, Tensor.FromArray(grad) } });
        }

        return v;
    }

    [Fact]
    public void One_step_matches_hand_computed_values()
    {
        // SGD: 2 − 0.1·(0.5 + 0.01·2) = 1.948
        Assert.Equal(1.948f, Stepped(new Sgd(0.1f, weightDecay: 0.01f), 2f, 0.5f).Value.Item(), 6);

        // Momentum, two steps of constant gradient 1: b1 = 1, x1 = 1.9; b2 = 1.9, x2 = 1.71
        Assert.Equal(1.71f, Stepped(new Sgd(0.1f, momentum: 0.9f), 2f, 1f, 2).Value.Item(), 5);

        // Nesterov, one step: b = 1, step = 1 + 0.9 = 1.9, x = 2 − 0.19
        Assert.Equal(1.81f, Stepped(new Sgd(0.1f, momentum: 0.9f, nesterov: true), 2f, 1f).Value.Item(), 5);

        // Adam first step moves by lr·sign(g) (m̂ = g, v̂ = g²): 2 − 0.01 = 1.99
        Assert.Equal(1.99f, Stepped(new Adam(0.01f), 2f, 0.3f).Value.Item(), 5);

        // AdamW: 2·(1 − 0.01·0.1) − 0.01 = 1.988
        Assert.Equal(1.988f, Stepped(new AdamW(0.01f, weightDecay: 0.1f), 2f, 0.3f).Value.Item(), 5);

        // Adam with L2: g = 0.3 + 0.1·2 = 0.5, still a sign step: 1.99
        Assert.Equal(1.99f, Stepped(new Adam(0.01f, weightDecay: 0.1f), 2f, 0.3f).Value.Item(), 5);

        // RMSProp: s = 0.01·g² = 0.0025, step = g/√s = 0.5/0.05 = 10; x = 2 − 0.01·10 = 1.9
        Assert.Equal(1.9f, Stepped(new RmsProp(0.01f), 2f, 0.5f).Value.Item(), 4);
    }

    [Fact]
    public void Adam_second_step_matches_the_formula()
    {
        var opt = new Adam(0.1f, 0.9f, 0.999f, 1e-8f);
        var v = Stepped(opt, 1f, 1f);
        opt.ApplyGradients(new Gradients { { v, Tensor.FromArray(-2f) } });

        // m = 0.9·0.1 + 0.1·(−2) = −0.11; v = 0.999·0.001 + 0.001·4 = 0.004999
        double m = -0.11, s = 0.004999;
        double mh = m / (1 - 0.81), vh = s / (1 - 0.998001);
        double expected = 0.9 - 0.1 * mh / (Math.Sqrt(vh) + 1e-8);
        Assert.Equal(expected, v.Value.Item(), 4);
        Assert.Equal(-0.11f, opt.State[v].Slot("m")[0], 6);
    }

    [Fact]
    public void State_is_created_lazily_only_for_variables_that_receive_gradients()
    {
        var a = new Variable("a", Tensor.Ones(10));
        var b = new Variable("b", Tensor.Ones(20));
        var opt = new Adam();
        Assert.Equal(0, opt.StateBytes);
        opt.Minimize(() => Ops.Sum(Ops.Square(a.Value)));
        Assert.True(opt.State.ContainsKey(a));
        Assert.False(opt.State.ContainsKey(b));
        Assert.Equal(2 * 10 * 4, opt.StateBytes);
        Assert.Equal(["m", "v"], opt.State[a].SlotNames);
        Assert.Equal(1, opt.State[a].Step);
    }

    [Fact]
    public void Parameter_groups_have_their_own_rates()
    {
        var a = new Variable("a", Tensor.FromArray(1f));
        var b = new Variable("b", Tensor.FromArray(1f));
        var opt = new Sgd(0.1f);
        opt.AddGroup([b], learningRate: 0.01f, name: "slow");
        opt.ApplyGradients(new Gradients { { a, Tensor.FromArray(1f) }, { b, Tensor.FromArray(1f) } });
        Assert.Equal(0.9f, a.Value.Item(), 6);
        Assert.Equal(0.99f, b.Value.Item(), 6);
        Assert.Throws<ArgumentException>(() => opt.AddGroup([b]));
    }

    [Fact]
    public void Clipping_scales_by_the_global_norm()
    {
        var a = new Variable("a", Tensor.FromArray(0f));
        var b = new Variable("b", Tensor.FromArray(0f));
        var opt = new Sgd(1f) { ClipGlobalNorm = 1f };
        opt.ApplyGradients(new Gradients { { a, Tensor.FromArray(3f) }, { b, Tensor.FromArray(4f) } });
        Assert.Equal(-0.6f, a.Value.Item(), 5);
        Assert.Equal(-0.8f, b.Value.Item(), 5);
    }

    [Fact]
    public void Schedules_give_the_documented_factors()
    {
        Assert.Equal(1f, new StepDecay(10, 0.5f).Factor(9));
        Assert.Equal(0.25f, new StepDecay(10, 0.5f).Factor(20));
        Assert.Equal(1f, new CosineDecay(100).Factor(0), 6);
        Assert.Equal(0.5f, new CosineDecay(100).Factor(50), 6);
        Assert.Equal(0.1f, new CosineDecay(100, 0.1f).Factor(500), 6);
        Assert.Equal(0.25f, new LinearWarmup(3).Factor(0), 6);
        Assert.Equal(1f, new LinearWarmup(3).Factor(3), 6);
        Assert.Equal(0.5f, new LinearWarmup(3, new StepDecay(1, 0.5f)).Factor(4), 6);
        var oc = new OneCycle(100);
        Assert.Equal(1f / 25, oc.Factor(0), 5);
        Assert.Equal(1f, oc.Factor(29), 5);
        Assert.Equal(1f / 25 / 1e4f, oc.Factor(99), 6);

        var v = new Variable("v", Tensor.FromArray(0f));
        var opt = new Sgd(1f) { Schedule = new StepDecay(1, 0.5f) };
        opt.ApplyGradients(new Gradients { { v, Tensor.FromArray(1f) } });
        opt.ApplyGradients(new Gradients { { v, Tensor.FromArray(1f) } });
        Assert.Equal(-1.5f, v.Value.Item());
    }

    [Fact]
    public void Gradients_must_match_shapes()
    {
        var v = new Variable("v", Tensor.Zeros(3));
        var ex = Assert.Throws<ArgumentException>(() => new Gradients { { v, Tensor.Zeros(2) } });
        Assert.Contains("'v'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeGradients_needs_a_recorded_loss()
    {
        var v = new Variable("v", Tensor.Ones(2));
        var loss = Ops.Sum(v.Value);
        var ex = Assert.Throws<InvalidOperationException>(() => new Sgd(0.1f).ComputeGradients(loss));
        Assert.Contains("GradientTape", ex.Message, StringComparison.Ordinal);
    }
}
