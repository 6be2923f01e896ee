using Frost.TestKit;

namespace Frost.Tests.Autodiff;

public class TapeTests
{
    [Fact]
    public void Ops_on_constants_are_not_recorded()
    {
        var a = Tensor.Ones(3);
        var frozen = new Variable("w", Tensor.Ones(3), trainable: false);
        using var tape = new GradientTape();
        var y = Ops.Exp(Ops.Mul(a, frozen.Value));
        Assert.Equal(0, tape.RecordedOps);
        Assert.False(y.RequiresGrad);

        var trainable = new Variable("v", Tensor.Ones(3));
        var z = Ops.Add(y, trainable.Value);
        Assert.Equal(1, tape.RecordedOps);
        Assert.True(z.RequiresGrad);
    }

    [Fact]
    public void Gradient_returns_exactly_the_requested_sources_and_null_when_unconnected()
    {
        var a = new Variable("a", Tensor.FromArray(2f));
        var b = new Variable("b", Tensor.FromArray(3f));
        var c = new Variable("c", Tensor.FromArray(5f));
        using var tape = new GradientTape();
        var loss = Ops.Sum(Ops.Mul(a.Value, b.Value));
        var unrelated = Ops.Exp(c.Value);
        var g = tape.Gradient(loss, [b.Value, c.Value]);
        Assert.Equal(2, g.Length);
        Assert.Equal(2f, g[0]!.Item());
        Assert.Null(g[1]);
        Assert.True(unrelated.RequiresGrad);
    }

    [Fact]
    public void Gradients_meeting_at_one_input_are_summed_and_only_the_requested_gradient_outlives_the_pass()
    {
        float[] v = [0.5f, -1f, 2f];
        var x = new Variable("x", Tensor.FromArray(v));
        using var tape = new GradientTape();
        var loss = Ops.Sum(Ops.Add(Ops.Exp(x.Value), Ops.Tanh(x.Value)));
        int live = tape.Scope.LiveBuffers;
        var g = tape.Gradient(loss, x.Value)!;
        Assert.Equal(live + 1, tape.Scope.LiveBuffers);
        var expected = v.Select(a => MathF.Exp(a) + 1 - (MathF.Tanh(a) * MathF.Tanh(a))).ToArray();
        Assert.Equal(expected, g.ToArray(), (a, b) => MathF.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void One_gradient_tensor_sent_to_several_inputs_is_summed_without_being_changed()
    {
        // d/dx of sum(x + x) + sum(x * x) + sum(x): the Add backward sends one tensor to both of its inputs.
        float[] v = [0.5f, -1f, 2f];
        var x = new Variable("x", Tensor.FromArray(v));
        using var tape = new GradientTape();
        var loss = Ops.Add(Ops.Add(Ops.Sum(Ops.Add(x.Value, x.Value)), Ops.Sum(Ops.Mul(x.Value, x.Value))), Ops.Sum(x.Value));
        var g = tape.Gradient(loss, x.Value)!;
        Assert.Equal(v.Select(a => 3 + (2 * a)).ToArray(), g.ToArray());
    }

    [Fact]
    public void A_gradient_summed_into_another_stays_readable_until_its_backward_returns()
    {
        // Div sends g/b to a (same shape) and then reads it again for b's gradient; a's other consumer runs first.
        float[] av = [0.5f, -1f, 2f], bv = [2f, 4f, 8f];
        var a = new Variable("a", Tensor.FromArray(av));
        var b = new Variable("b", Tensor.FromArray(bv));
        using var tape = new GradientTape();
        var q = Ops.Div(a.Value, b.Value);
        var e = Ops.Exp(a.Value);
        var g = tape.Gradient(Ops.Sum(Ops.Add(q, e)), [a.Value, b.Value]);
        Assert.Equal(av.Zip(bv, (x, y) => (1 / y) + MathF.Exp(x)).ToArray(), g[0]!.ToArray(), (x, y) => MathF.Abs(x - y) < 1e-5f);
        Assert.Equal(av.Zip(bv, (x, y) => -x / (y * y)).ToArray(), g[1]!.ToArray(), (x, y) => MathF.Abs(x - y) < 1e-6f);

        // A custom backward that sends one new tensor to two inputs, one of which already has a gradient.
        var c = new Variable("c", Tensor.FromArray(1f, 2f));
        var d = new Variable("d", Tensor.FromArray(3f, 4f));
        using var tape2 = new GradientTape();
        var both = Ops.Custom("Both", Ops.Add(c.Value, d.Value), [c.Value, d.Value], (gy, sink) =>
        {
            var twice = Ops.Mul(gy, Tensor.FromArray(2f, 2f));
            sink.Add(0, twice);
            sink.Add(1, twice);
        });
        var loss = Ops.Add(Ops.Sum(both), Ops.Sum(Ops.Mul(c.Value, c.Value)));
        var gc = tape2.Gradient(loss, [c.Value, d.Value]);
        Assert.Equal([4f, 6f], gc[0]!.ToArray());
        Assert.Equal([2f, 2f], gc[1]!.ToArray());
    }

    [Fact]
    public void A_node_off_every_path_to_the_sources_never_runs_its_backward()
    {
        var a = new Variable("a", Tensor.FromArray(1f, 2f));
        var b = new Variable("b", Tensor.FromArray(3f, 4f));
        int offPathCalls = 0, onPathCalls = 0;
        using var tape = new GradientTape();
        var fa = Ops.Custom("OnPath", a.Value.Clone(), [a.Value], (g, s) =>
        {
            onPathCalls++;
            s.Add(0, g);
        });
        var fb = Ops.Custom("OffPath", b.Value.Clone(), [b.Value], (g, s) =>
        {
            offPathCalls++;
            s.Add(0, g);
        });
        var loss = Ops.Sum(Ops.Add(fa, fb));
        var grads = tape.Gradient(loss, [a.Value]);
        Assert.Equal([1f, 1f], grads[0]!.ToArray());
        Assert.Equal(1, onPathCalls);
        Assert.Equal(0, offPathCalls);

        // Sum, Add and OnPath run; OffPath does not.
        Assert.Equal(3, tape.BackwardCalls);
    }

    [Fact]
    public void Repeated_use_accumulates()
    {
        var x = new Variable("x", Tensor.FromArray(1.5f, -2f));
        using var tape = new GradientTape();
        var y = Ops.Sum(Ops.Add(Ops.Mul(x.Value, x.Value), x.Value)); // x² + x
        var g = tape.Gradient(y, x.Value)!;
        Assert.Equal([4f, -3f], g.ToArray());
    }

    [Fact]
    public void StopGradient_blocks_flow_and_leaves_flags_alone()
    {
        var x = new Variable("x", Tensor.FromArray(3f));
        using var tape = new GradientTape();
        var y = Ops.Sum(Ops.Mul(x.Value, Ops.StopGradient(x.Value))); // d/dx = x, not 2x
        Assert.Equal(3f, tape.Gradient(y, x.Value)!.Item());
        Assert.True(x.Trainable);
        Assert.False(Ops.StopGradient(x.Value).RequiresGrad);
    }

    [Fact]
    public void NoRecording_scope_records_nothing()
    {
        var x = new Variable("x", Tensor.Ones(4));
        using var tape = new GradientTape();
        using (GradientTape.NoRecording())
        {
            Assert.False(GradientTape.IsRecording);
            _ = Ops.Relu(Ops.Mul(x.Value, 2f));
        }

        Assert.True(GradientTape.IsRecording);
        Assert.Equal(0, tape.RecordedOps);
    }

    [Fact]
    public void A_ten_thousand_op_chain_differentiates_without_recursion()
    {
        var x = new Variable("x", Tensor.FromArray(0.5f));
        using var tape = new GradientTape();
        Tensor y = x.Value;
        for (int i = 0; i < 10_000; i++)
        {
            y = Ops.Add(Ops.Mul(y, 1f), 0.001f);
        }

        Assert.Equal(20_000, tape.RecordedOps);
        Assert.Equal(1f, tape.Gradient(Ops.Sum(y), x.Value)!.Item());
    }

    [Fact]
    public void Broadcast_gradients_reduce_to_input_shapes()
    {
        var a = new Variable("a", Tensor.Ones(3, 1));
        var b = new Variable("b", Tensor.Ones(1, 4));
        var c = new Variable("c", Tensor.Ones(4));
        using var tape = new GradientTape();
        var y = Ops.Sum(Ops.Mul(Ops.Add(a.Value, b.Value), c.Value));
        var g = tape.Gradient(y, [a.Value, b.Value, c.Value]);
        Assert.Equal(new Shape(3, 1), g[0]!.Shape);
        Assert.Equal(new Shape(1, 4), g[1]!.Shape);
        Assert.Equal(new Shape(4), g[2]!.Shape);
        Assert.All(g[0]!.ToArray(), v => Assert.Equal(4f, v));
        Assert.All(g[1]!.ToArray(), v => Assert.Equal(3f, v));
        Assert.All(g[2]!.ToArray(), v => Assert.Equal(6f, v));
    }

    [Fact]
    public void Gradient_wrt_an_intermediate_tensor()
    {
        var x = new Variable("x", Tensor.FromArray(2f));
        using var tape = new GradientTape();
        var h = Ops.Mul(x.Value, 3f);
        var y = Ops.Sum(Ops.Square(h));
        var g = tape.Gradient(y, [h, x.Value]);
        Assert.Equal(12f, g[0]!.Item());
        Assert.Equal(36f, g[1]!.Item());
    }

    [Fact]
    public void Watched_tensors_are_sources_until_the_tape_ends()
    {
        var t = Tensor.FromArray(1f, 2f);
        using (var tape = new GradientTape())
        {
            tape.Watch(t);
            var y = Ops.Sum(Ops.Exp(t));
            AssertClose.Equal([MathF.E, MathF.Exp(2)], tape.Gradient(y, t)!.AsReadOnlySpan());
        }

        Assert.False(t.RequiresGrad);
    }

    [Fact]
    public void Non_scalar_target_needs_an_output_gradient()
    {
        var x = new Variable("x", Tensor.Ones(2));
        using var tape = new GradientTape();
        var y = Ops.Mul(x.Value, 3f);
        var ex = Assert.Throws<ArgumentException>(() => tape.Gradient(y, x.Value));
        Assert.Contains("[2]", ex.Message, StringComparison.Ordinal);
        var g = tape.Gradient(y, [x.Value], Tensor.FromArray(1f, 2f))[0]!;
        Assert.Equal([3f, 6f], g.ToArray());
    }

    [Fact]
    public void Each_source_is_handed_over_once_as_soon_as_backward_has_finished_it()
    {
        // x feeds two layers; w1 is used twice (its gradient is final only after both uses), w2 once, near the end.
        var x = Tensor.FromArray([0.5f, -1f, 2f], 1, 3);
        var w1 = new Variable("w1", Tensor.FromArray([0.1f, 0.2f, 0.3f, -0.1f, 0.4f, 0.2f], 3, 2));
        var w2 = new Variable("w2", Tensor.FromArray([0.3f, -0.2f], 2, 1));
        using var tape = new GradientTape();
        var h = Ops.Tanh(Ops.MatMul(x, w1));
        var h2 = Ops.Mul(h, Ops.MatMul(x, w1));
        var loss = Ops.Sum(Ops.MatMul(h2, w2));
        var order = new List<(int Source, float[] Value)>();
        var grads = tape.Gradient(loss, [w1.Value, w2.Value], null, (i, g) => order.Add((i, g.ToArray())));
        Assert.Equal([1, 0], order.Select(o => o.Source));
        Assert.Equal(grads[0]!.ToArray(), order[1].Value);
        Assert.Equal(grads[1]!.ToArray(), order[0].Value);
    }
}
