using System.Buffers.Binary;
using Frost.Freezing;
using Frost.IO;
using Frost.Layers;
using Frost.Memory;
using Frost.Optimizers;

namespace Frost.Tests;

/// <summary>Cases found in review: each failed before its fix.</summary>
public sealed class ReviewRegressionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-review-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Sequential Model(ulong seed) => new(new Dense(3, 4, new Rng(seed), name: "fc"), new Relu(), new Dense(4, 2, new Rng(seed + 1), name: "out"));

    private static void Step(Sequential m, Optimizer opt)
        => opt.Minimize(() => Ops.CrossEntropy(m.Call(Tensor.Ones(2, 3)), [0, 1]));

    [Fact]
    public void A_restore_that_fails_on_optimizer_state_changes_nothing()
    {
        var saved = Model(1);
        var sgdMomentum = new Sgd(0.1f, momentum: 0.9f);
        Step(saved, sgdMomentum);
        string p = Path.Combine(_dir, "m.safetensors");
        Checkpoint.Save(p, saved, new CheckpointOptions { Optimizer = sgdMomentum });

        var target = Model(7);
        var plain = new Sgd(0.1f);
        Step(target, plain);
        var before = target.Variables.Select(v => v.Value.ToArray()).ToList();
        int stateBefore = plain.State.Count;
        var ex = Assert.Throws<InvalidOperationException>(() => Checkpoint.Restore(p, target, FreezeStatePolicy.FromCheckpoint, new RestoreOptions { Optimizer = plain }));
        Assert.Contains("buffers [momentum]", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, target.Variables.Select(v => v.Value.ToArray()).ToList());
        Assert.Equal(stateBefore, plain.State.Count);
    }

    [Fact]
    public void A_crafted_mask_is_a_format_error_and_changes_nothing()
    {
        var m = Model(1);
        ((Dense)m["fc"]).Weight.FreezeRows(0);
        string p = Path.Combine(_dir, "mask.safetensors");
        Checkpoint.Save(p, m);

        // Turn a mask byte into 2: a value no mask may hold.
        var bytes = File.ReadAllBytes(p);
        var st = Safetensors.Open(p);
        var e = st.Entries["__mask__/fc/weight"];
        long dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        bytes[dataStart + e.Begin] = 2;
        File.WriteAllBytes(p, bytes);

        var target = Model(5);
        var before = target.Variables.Select(v => v.Value.ToArray()).ToList();
        var ex = Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Restore(p, target, FreezeStatePolicy.FromCheckpoint));
        Assert.Contains("values other than 0 and 1", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, target.Variables.Select(v => v.Value.ToArray()).ToList());
    }

    [Fact]
    public void Malformed_optimizer_metadata_is_a_format_error()
    {
        var m = Model(1);
        var opt = new Adam();
        Step(m, opt);
        string p = Path.Combine(_dir, "o.safetensors");
        Checkpoint.Save(p, m, new CheckpointOptions { Optimizer = opt });
        // Rewrite the file with a variable name that is a number in the optimizer metadata.
        var st = Safetensors.Open(p);
        var meta = st.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        string optimizerJson = meta["frost.optimizer"];
        meta["frost.optimizer"] = optimizerJson.Replace("\"name\":\"fc/weight\"", "\"name\":5", StringComparison.Ordinal);
        Assert.NotEqual(optimizerJson, meta["frost.optimizer"]);
        var tensors = st.Entries.Values.OrderBy(e => e.Begin).Select(e => (e.Name, e.DType, e.Shape, st.ReadFloats(e.Name))).ToList();
        Safetensors.Write(p, tensors, meta);
        Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Restore(p, Model(2), FreezeStatePolicy.FromCheckpoint, new RestoreOptions { Optimizer = new Adam() }));
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

    private sealed class Capture : Layer
    {
        public Tensor? Last { get; private set; }

        protected override Tensor Forward(Tensor input)
        {
            Last = input;
            return input;
        }
    }

    [Fact]
    public void Tensors_a_user_layer_keeps_are_not_released_early()
    {
        var cap = new Capture();
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
    public void Layer_and_except_selectors_cannot_match_nothing_silently()
    {
        var root = new VariableScope();
        var a = root.Scope("a").Variable("w", Tensor.Zeros(2));
        root.Scope("b").Variable("w", Tensor.Zeros(2));
        var ctx = SelectionContext.Of(root.Variables);
        var foreign = new Dense(1, 1, new Rng(0));
        Assert.Throws<SelectorMatchException>(() => (Selector.Layer(foreign) | Selector.Glob("a/*")).Resolve(ctx));
        var ex = Assert.Throws<SelectorMatchException>(() => (Selector.Glob("a/*") - Selector.Glob("b/*")).Resolve(ctx));
        Assert.Contains("removes nothing", ex.Message, StringComparison.Ordinal);
        Assert.Equal([a], (Selector.All - Selector.Glob("b/*")).Resolve(ctx));
    }

    [Fact]
    public void Freezing_a_layer_directly_drops_its_optimizer_state_at_the_next_step()
    {
        var m = Model(1);
        var opt = new Adam();
        Step(m, opt);
        Assert.Equal(4, opt.State.Count);
        m["fc"].Freeze();
        Step(m, opt);
        Assert.Equal(["out/weight", "out/bias"], opt.State.Keys.Select(v => v.Name).Order().Reverse());
        string p = Path.Combine(_dir, "s.safetensors");
        Checkpoint.Save(p, m, new CheckpointOptions { Optimizer = opt });
        Assert.DoesNotContain("__optimizer__/m/fc/weight", Safetensors.Open(p).Entries.Keys);
    }
}
