using Frost.Layers;
using Frost.Memory;
using Frost.TestKit;

namespace Frost.Tests.Execution;

/// <summary>The execution layer: memory reuse, fusion and in-place work are invisible in results and never touch what the caller owns.</summary>
public sealed class ExecutorTests
{
    private sealed class Capture(bool declares) : Layer
    {
        public Tensor? Last { get; private set; }

        protected internal override bool RetainsTensors => declares;

        protected override Tensor Forward(Tensor input)
        {
            Last = input;
            return input;
        }
    }

    private sealed class LazyInput : Layer
    {
        private Tensor? _offset;

        protected override Tensor Forward(Tensor input)
        {
            // A tensor made by user code the first time, kept in a field for later calls.
            _offset ??= Tensor.FromArray([1f, 2f, 3f], 3);
            return Ops.Add(input, _offset);
        }
    }

    private sealed class Unregistered : Block
    {
        private readonly Relu _relu = new();

        protected override Flow Define(Flow input) => input.Then(_relu);
    }

    /// <summary>A leaf of two inputs: scales the first by the second.</summary>
    private sealed class Gate : Layer
    {
        public override int InputCount => 2;

        protected override Tensor Forward(IReadOnlyList<Tensor> inputs) => Ops.Mul(inputs[0], inputs[1]);
    }

    /// <summary>A block of two inputs: relu(fc(x) · mask) + x.</summary>
    private sealed class Masked : Block
    {
        public Masked(Rng rng)
        {
            Fc = AddLayer(new Dense(4, 4, rng), "fc");
            Gate = AddLayer(new Gate(), "gate");
        }

        public Dense Fc { get; }

        public Gate Gate { get; }

        public override int InputCount => 2;

        protected override Flow Define(IReadOnlyList<Flow> inputs)
            => inputs[0].Then(Fc).Then(Gate, inputs[1]).Relu() + inputs[0];
    }

    private static Sequential Mlp(int depth, Rng rng)
    {
        var m = new Sequential();
        for (int i = 0; i < depth; i++)
        {
            m.Add(new Dense(16, 16, rng, name: $"fc{i}"));
            m.Add(new Relu(name: $"relu{i}"));
        }

        return m;
    }

    [Fact]
    public void A_layer_that_declares_it_retains_tensors_keeps_them_valid()
    {
        var cap = new Capture(declares: true);
        var model = new Sequential(new Dense(3, 4, new Rng(1)), new Relu(), cap, new Dense(4, 2, new Rng(2)));
        using var scope = new TensorScope();
        using (GradientTape.NoRecording())
        {
            model.Call(Tensor.Ones(2, 3));
        }

        Assert.False(cap.Last!.IsReleased);
        Assert.Equal(8, cap.Last.ToArray().Length);
    }

    [Fact]
    public void A_retained_intermediate_that_was_not_declared_fails_loudly_when_read()
    {
        var cap = new Capture(declares: false);
        var model = new Sequential(new Dense(3, 4, new Rng(1)), new Relu(), cap, new Dense(4, 2, new Rng(2)));
        using var scope = new TensorScope();
        using (GradientTape.NoRecording())
        {
            model.Call(Tensor.Ones(2, 3));
        }

        var ex = Assert.Throws<ObjectDisposedException>(() => cap.Last!.ToArray());
        Assert.Contains("Clone()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_user_code_creates_under_a_tape_outlives_the_tape()
    {
        var layer = new LazyInput();
        var model = new Sequential(new Dense(3, 3, new Rng(1)), layer);
        var opt = new Frost.Optimizers.Sgd(0.1f);
        for (int step = 0; step < 3; step++)
        {
            // The first step creates the cached tensor inside the tape; later steps read it.
            opt.Minimize(() => Ops.Mean(Ops.Square(model.Call(Tensor.Ones(2, 3)))));
        }

        Tensor kept;
        using (new GradientTape())
        {
            kept = Tensor.FromArray([5f, 6f], 2);
        }

        Assert.False(kept.IsReleased);
        Assert.Equal([5f, 6f], kept.ToArray());
    }

    [Fact]
    public void Variables_inputs_and_results_are_never_released_or_overwritten()
    {
        var rng = new Rng(3);
        var model = Mlp(4, rng);
        var x = Tensor.Normal(new Shape(2, 16), 0, 1, rng);
        var xBefore = x.ToArray();
        var weights = model.Variables.Select(v => v.Value.ToArray()).ToList();
        var y1 = model.Call(x);
        var y2 = model.Call(x);
        Assert.Equal(xBefore, x.ToArray());
        Assert.Equal(weights, model.Variables.Select(v => v.Value.ToArray()).ToList());
        Assert.Equal(y1.ToArray(), y2.ToArray());
        Assert.False(y1.IsReleased);
    }

    [Fact]
    public void Inference_keeps_only_the_result_alive_however_deep_the_model()
    {
        var rng = new Rng(4);
        var model = Mlp(12, rng);
        var x = Tensor.Normal(new Shape(8, 16), 0, 1, rng);
        using var scope = new TensorScope();
        using (GradientTape.NoRecording())
        {
            var y = model.Call(x);
            Assert.False(y.IsReleased);
        }

        Assert.Equal(1, scope.LiveBuffers);
    }

    [Fact]
    public void Inference_outside_a_tape_reuses_pooled_buffers_from_call_to_call()
    {
        var rng = new Rng(5);
        var model = ResNet.Build([1, 1], 3, rng, width: 8);
        model.Training = false;
        var x = Tensor.Normal(new Shape(2, 3, 32, 32), 0, 1, rng);
        var first = model.Call(x);
        long misses = BufferPool.Shared.Misses;
        var second = model.Call(x);
        var third = model.Call(x);

        // Other tests share the pool; the two results themselves may need fresh buffers.
        Assert.True(BufferPool.Shared.Misses - misses <= 4, $"{BufferPool.Shared.Misses - misses} new buffers");
        Assert.Equal(first.ToArray(), second.ToArray());
        Assert.Equal(first.ToArray(), third.ToArray());
    }

    [Fact]
    public void Fused_and_in_place_inference_equals_the_recorded_computation()
    {
        var rng = new Rng(6);
        var model = ResNet.Build([2, 1], 4, rng, width: 8);
        foreach (var bn in model.Descendants().OfType<BatchNorm2D>())
        {
            bn.RunningMean.Value.CopyFrom(Tensor.Normal(bn.RunningMean.Shape, 0, 0.1f, rng));
            bn.RunningVar.Value.CopyFrom(Tensor.Uniform(bn.RunningVar.Shape, 0.5f, 1.5f, rng));
        }

        model.Training = false;
        var x = Tensor.Normal(new Shape(2, 3, 24, 24), 0, 1, rng);
        var fast = model.Call(x);
        float[] plain;
        using (var tape = new GradientTape())
        {
            tape.Watch(x); // everything recorded: no fusion, no release, no in-place work
            plain = model.Call(x).ToArray();
        }

        AssertClose.Equal(plain, fast.ToArray(), atol: 1e-4, rtol: 1e-4);
    }

    [Fact]
    public void Call_range_equals_the_layers_run_one_by_one()
    {
        var rng = new Rng(7);
        var model = Mlp(3, rng);
        var x = Tensor.Normal(new Shape(2, 16), 0, 1, rng);
        var byRange = model.CallRange(model.CallRange(x, 0, 2), 2, model.Children.Count).ToArray();
        var y = x;
        foreach (var layer in model)
        {
            y = layer.Call(y);
        }

        Assert.Equal(y.ToArray(), byRange);
        Assert.Same(x, model.CallRange(x, 1, 1));
    }

    [Fact]
    public void Blocks_and_layers_of_several_inputs_run_and_check_their_arity()
    {
        var rng = new Rng(8);
        var block = new Masked(rng);
        var x = Tensor.Normal(new Shape(3, 4), 0, 1, rng);
        var mask = Tensor.FromArray([1f, 0f, 1f, 1f, 1f, 0f, 0f, 1f, 1f, 1f, 1f, 1f], 3, 4);
        var y = block.Call(x, mask);
        var expected = Ops.Add(Ops.Relu(Ops.Mul(block.Fc.Call(x), mask)), x);
        Assert.Equal(expected.ToArray(), y.ToArray());
        var ex = Assert.Throws<ArgumentException>(() => block.Call(x));
        Assert.Contains("takes 2 input(s), got 1", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Dense(4, 4, rng).Call(x, mask));
    }

    [Fact]
    public void A_block_cannot_use_a_layer_it_did_not_register()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Unregistered().Call(Tensor.Ones(2)));
        Assert.Contains("AddLayer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatched_conv_and_batch_norm_fail_the_same_way_with_or_without_a_tape()
    {
        var model = new Sequential(new Frost.Layers.Conv2D(1, 2, 1, new Rng(0)), new BatchNorm2D(4)) { Training = false };
        var x = Tensor.Ones(1, 1, 2, 2);
        using (GradientTape.NoRecording())
        {
            Assert.Throws<ArgumentException>(() => model.Call(x));
        }

        using var tape = new GradientTape();
        Assert.Throws<ArgumentException>(() => model.Call(x));
    }

    [Fact]
    public void Layers_contain_no_pool_release_or_fusion_calls()
    {
        // The execution layer owns memory and fusion; a layer only says what it computes.
        string[] forbidden = ["TensorScope", "BufferPool", "Storage", "ReleaseEarly", "Release(", "Keep()", "Conv2DBatchNormInference", "ShapeTrace", "Executor", "Fusion"];
        var layerFiles = Directory.EnumerateFiles(Repo.File("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(f), @"class \w+(\([^)]*\))?\s*:\s*(Layer|Block)\b"))
            .ToList();
        Assert.Contains(layerFiles, f => f.EndsWith("BasicBlock.cs", StringComparison.Ordinal));
        Assert.Contains(layerFiles, f => f.EndsWith("Sequential.cs", StringComparison.Ordinal));
        var offences = layerFiles
            .Where(f => Path.GetFileName(f) != "Block.cs")
            .SelectMany(f => forbidden.Where(w => File.ReadAllText(f).Contains(w, StringComparison.Ordinal)).Select(w => $"{Path.GetFileName(f)}: {w}"))
            .ToList();
        Assert.True(offences.Count == 0, string.Join("; ", offences));
    }
}
