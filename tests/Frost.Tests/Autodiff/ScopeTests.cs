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
