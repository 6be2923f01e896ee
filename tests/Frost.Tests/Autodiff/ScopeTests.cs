using Frost.Memory;

namespace Frost.Tests.Autodiff;

public class ScopeTests
{
    [Fact]
    public void Disposing_a_tape_releases_its_buffers_and_reads_fail_loudly()
    {
        var w = new Variable("w", Tensor.Ones(8, 8));
        Tensor hidden;
        using (var tape = new GradientTape())
        {
            hidden = Ops.Relu(Ops.MatMul(w.Value, w.Value));
            Assert.True(tape.OwnedBuffers > 0);
        }

        Assert.True(hidden.IsReleased);
        var ex = Assert.Throws<ObjectDisposedException>(() => hidden.ToArray());
        Assert.Contains("Keep()", ex.Message, StringComparison.Ordinal);
        Assert.False(w.Value.IsReleased);
    }

    [Fact]
    public void Kept_tensors_survive_their_scope()
    {
        Tensor kept;
        using (new TensorScope())
        {
            kept = Ops.Add(Tensor.Ones(4), 1f).Keep();
        }

        Assert.Equal([2f, 2f, 2f, 2f], kept.ToArray());
    }

    [Fact]
    public void Steady_state_steps_reuse_pooled_buffers()
    {
        var w = new Variable("w", Tensor.Ones(16, 16));
        var x = Tensor.Ones(4, 16);
        void Step()
        {
            using var tape = new GradientTape();
            var loss = Ops.Mean(Ops.Square(Ops.MatMul(x, w.Value)));
            _ = tape.Gradient(loss, w.Value);
        }

        Step();
        long missesBefore = BufferPool.Shared.Misses;
        Step();
        Step();

        // Other tests share the pool, so allow a little noise, but steps must not need fresh buffers.
        Assert.True(BufferPool.Shared.Misses - missesBefore <= 2, $"{BufferPool.Shared.Misses - missesBefore} new buffers in steady state");
    }

    [Fact]
    public void Scopes_must_close_in_order()
    {
        var outer = new TensorScope();
        var inner = new TensorScope();
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        inner.Dispose();
        outer.Dispose();
    }

    [Fact]
    public void Variables_created_inside_a_scope_persist()
    {
        Variable v;
        using (new TensorScope())
        {
            v = new Variable("v", Ops.Add(Tensor.Ones(3), 2f));
        }

        Assert.Equal([3f, 3f, 3f], v.Value.ToArray());
    }
}

public class EarlyReleaseTests
{
    [Fact]
    public void Inference_releases_intermediates_but_never_the_input_or_a_view_of_it()
    {
        var rng = new Rng(1);
        var model = new Frost.Layers.Sequential(new Frost.Layers.Flatten(), new Frost.Layers.Dense(12, 4, rng), new Frost.Layers.Relu(), new Frost.Layers.Dense(4, 2, rng));
        using var scope = new TensorScope();
        var x = Tensor.Normal(new Shape(3, 3, 2, 2), 0, 1, rng);
        Tensor y;
        using (GradientTape.NoRecording())
        {
            y = model.Call(x);
        }

        Assert.False(x.IsReleased);
        Assert.Equal(36, x.ToArray().Length);
        Assert.False(y.IsReleased);
    }

    [Fact]
    public void Training_keeps_what_backward_needs_and_gives_the_same_gradients()
    {
        var rng = new Rng(2);
        var model = Frost.Layers.ResNet.Build([1, 1], 3, rng, width: 4);
        var x = Tensor.Normal(new Shape(2, 3, 16, 16), 0, 1, rng);
        float[] Grad()
        {
            using var tape = new GradientTape();
            var loss = Ops.CrossEntropy(model.Call(x), [0, 2]);
            return tape.Gradient(loss, model["stem/conv"].OwnVariables[0].Value)!.ToArray();
        }

        var first = Grad();
        Assert.Equal(first, Grad());
        Assert.False(x.IsReleased);
    }
}
