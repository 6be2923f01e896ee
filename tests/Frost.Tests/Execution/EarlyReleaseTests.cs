using Frost.Memory;

namespace Frost.Tests.Execution;

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

    [Fact]
    public void Activations_only_backward_reads_are_released_during_it_and_gradients_equal_unreleased_ones()
    {
        var rng = new Rng(3);
        var blocks = new[] { new Frost.Layers.BasicBlock(4, 8, 2, rng), new Frost.Layers.BasicBlock(8, 8, 1, rng) };
        var stem = new Frost.Layers.Conv2D(3, 4, 3, rng, padding: 1, useBias: false);
        var norm = new Frost.Layers.BatchNorm2D(4);
        var head = new Frost.Layers.Dense(8, 3, rng);
        var model = new Frost.Layers.Sequential(
            stem, norm, new Frost.Layers.Relu(), new Frost.Layers.MaxPool2D(2, 2), blocks[0], blocks[1],
            new Frost.Layers.GlobalAvgPool(), new Frost.Layers.Flatten(), head);
        var x = Tensor.Normal(new Shape(2, 3, 16, 16), 0, 1, rng);
        int[] labels = [0, 2];
        var variables = model.Variables.Where(v => v.Trainable).ToList();

        // Reference: every layer called on its own, so no graph run drops, overwrites or hands over anything.
        Tensor Unfused(Frost.Layers.BasicBlock b, Tensor input)
        {
            var main = b.Bn2.Call(b.Conv2.Call(Ops.Relu(b.Bn1.Call(b.Conv1.Call(input)))));
            return Ops.Relu(Ops.Add(main, b.Downsample is { } d ? d["bn"].Call(d["conv"].Call(input)) : input));
        }

        float[][] expected;
        using (var tape = new GradientTape())
        {
            var h = Ops.MaxPool2D(Ops.Relu(norm.Call(stem.Call(x))), 2, 2);
            h = Unfused(blocks[1], Unfused(blocks[0], h));
            var loss = Ops.CrossEntropy(head.Call(Ops.Reshape(Ops.GlobalAvgPool(h), 2, 8)), labels);
            expected = [.. tape.Gradient(loss, variables.ConvertAll(v => v.Value)).Select(g => g!.ToArray())];
            Assert.Equal(0, tape.ReleasedActivationBytes);
        }

        using (var tape = new GradientTape())
        {
            var loss = Ops.CrossEntropy(model.Call(x), labels);
            var grads = tape.Gradient(loss, variables.ConvertAll(v => v.Value));
            for (int i = 0; i < variables.Count; i++)
            {
                Assert.Equal(expected[i], grads[i]!.ToArray());
            }

            Assert.True(tape.ReleasedActivationBytes > 0);
            var again = Assert.Throws<InvalidOperationException>(() => tape.Gradient(loss, variables[0].Value));
            Assert.Contains("one call", again.Message, StringComparison.Ordinal);
        }

        Assert.False(x.IsReleased);
    }

    [Fact]
    public void A_recorded_relu_after_batch_norm_rectifies_its_buffer_in_place()
    {
        var rng = new Rng(4);
        var model = new Frost.Layers.Sequential(new Frost.Layers.Conv2D(2, 3, 3, rng, padding: 1), new Frost.Layers.BatchNorm2D(3), new Frost.Layers.Relu(), new Frost.Layers.Conv2D(3, 2, 1, rng));
        using var tape = new GradientTape();
        model.Call(Tensor.Normal(new Shape(2, 2, 5, 5), 0, 1, rng));
        var relu = tape.Nodes.Single(n => n.Op == "Relu");
        var norm = tape.Nodes.Single(n => n.Op == "BatchNorm2D");
        Assert.Same(norm.Output.Storage, relu.Output.Storage);
        Assert.True(relu.Output.AsReadOnlySpan().ToArray().All(v => v >= 0f));
    }

    [Fact]
    public void An_op_that_does_not_say_what_backward_reads_keeps_everything_its_step_was_given()
    {
        // The attention op's backward reads the key mask without listing it as an input; here the mask is made inside
        // the graph, so only the conservative rule keeps it alive until backward.
        var rng = new Rng(5);
        var model = new MaskedAttention(rng);
        var x = Tensor.Normal(new Shape(2, 3, 4), 0, 1, rng);
        var mask = Tensor.FromArray(new float[] { 1, 1, 0, 1, 0, 0 }, 2, 3);
        using var tape = new GradientTape();
        var loss = Ops.Sum(model.Call([x, mask]));
        var g = tape.Gradient(loss, [model.Query.OwnVariables[0].Value]);
        Assert.NotNull(g[0]);
        Assert.All(g[0]!.ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void A_kept_result_moves_out_of_its_pooled_piece()
    {
        var rng = new Rng(6);
        var model = new Frost.Layers.Sequential(new Frost.Layers.Dense(64, BufferPool.SplitFrom / 32, rng), new Frost.Layers.Relu());
        var x = Tensor.Normal(new Shape(32, 64), 0, 1, rng);
        Tensor y;
        using (GradientTape.NoRecording())
        {
            y = model.Call(x);
        }

        var expected = y.ToArray();
        Assert.Equal(y.Size, y.Storage.Array.Length); // its own array, not a piece of a pooled one
        using (var scope = new TensorScope())
        {
            // Reuse the pool hard: the kept values must not change.
            for (int i = 0; i < 4; i++)
            {
                Tensor.Empty(y.Shape).AsSpan().Fill(-1f);
            }
        }

        Assert.Equal(expected, y.ToArray());
    }

    [Fact]
    public void Backward_writing_over_an_output_gradient_gives_the_gradients_of_a_pass_that_cannot()
    {
        var rng = new Rng(7);
        var x = Tensor.Normal(new Shape(4, 3, 5, 5), 0, 1, rng);
        var gamma = new Variable("gamma", Tensor.Normal(new Shape(3), 1, 0.2f, rng));
        var beta = new Variable("beta", Tensor.Normal(new Shape(3), 0, 0.2f, rng));
        var weights = Tensor.Normal(x.Shape, 0, 1, rng);
        float[][] Run(bool alsoIntermediates)
        {
            using var tape = new GradientTape();
            tape.Watch(x);
            var normed = Ops.BatchNorm2D(x, gamma.Value, beta.Value, Tensor.Zeros(3), Tensor.Ones(3), training: true);
            var rectified = Ops.Relu(normed);

            // A residual sum hands the same gradient to both of its inputs: neither may overwrite it.
            var sum = Ops.Relu(Ops.Add(rectified, x));
            var loss = Ops.Sum(Ops.Mul(sum, weights));

            // Asking for the intermediates' gradients too means their buffers are results, so nothing may overwrite them.
            Tensor[] sources = alsoIntermediates ? [x, gamma.Value, beta.Value, normed, rectified, sum] : [x, gamma.Value, beta.Value];
            float[][] grads = [.. tape.Gradient(loss, sources).Take(3).Select(g => g!.ToArray())];
            Assert.Equal(alsoIntermediates ? 0 : 2, tape.ReusedGradientBuffers);
            return grads;
        }

        var reused = Run(alsoIntermediates: false);
        var separate = Run(alsoIntermediates: true);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(separate[i], reused[i]);
        }
    }

    private sealed class MaskedAttention : Frost.Layers.Block
    {
        public MaskedAttention(Rng rng)
            : base("attention") => Query = AddLayer(new Frost.Layers.Dense(4, 4, rng, name: "query"));

        public Frost.Layers.Dense Query { get; }

        public override int InputCount => 2;

        protected override Frost.Layers.Flow Define(IReadOnlyList<Frost.Layers.Flow> inputs)
        {
            var mask = Frost.Layers.Flow.Combine("mask copy", t => Ops.Mul(t[0], 1f), inputs[1]);
            var q = inputs[0].Then(Query);
            return Frost.Layers.Flow.Combine("attend", t => Ops.ScaledDotProductAttention(t[0], t[1], t[2], t[3], 2), q, q, q, mask);
        }
    }
}
