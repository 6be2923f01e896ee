using System.Buffers.Binary;
using Frost.IO;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Tests.IO;

/// <summary>Restores that must fail cleanly: a failed restore changes nothing, and damaged metadata is a format error.</summary>
public sealed class CheckpointRestoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-restore-").FullName;

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
}
