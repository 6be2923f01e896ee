using System.Buffers.Binary;
using System.Text;
using Frost.Data;
using Frost.Freezing;
using Frost.IO;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Tests.IO;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static Sequential Model(ulong seed, Rng? dropoutRng = null)
    {
        var rng = new Rng(seed);
        return new Sequential(
            new Dense(5, 8, rng, name: "fc1"),
            new Relu(),
            new Dropout(0.2f, dropoutRng ?? rng.Fork()),
            new LayerNorm(8, name: "norm"),
            new Dense(8, 3, rng, name: "head"));
    }

    [Fact]
    public void Round_trip_is_bit_exact_with_flags_and_masks()
    {
        var m = Model(1);
        m["fc1"].Freeze();
        ((Dense)m["head"]).Weight.FreezeRows(0, 2);
        Checkpoint.Save(PathOf("a.safetensors"), m);

        var m2 = Model(2);
        var report = Checkpoint.Restore(PathOf("a.safetensors"), m2, FreezeStatePolicy.FromCheckpoint);
        Assert.Equal(6, report.Restored.Count);
        Assert.Equal(["fc1/weight", "fc1/bias"], report.Frozen);
        foreach (var (a, b) in m.Variables.Zip(m2.Variables))
        {
            Assert.Equal(a.Name, b.Name);
            Assert.Equal(a.Value.ToArray(), b.Value.ToArray());
            Assert.Equal(a.Trainable, b.Trainable);
            Assert.Equal(a.FreezeMask?.ToArray(), b.FreezeMask?.ToArray());
        }

        // Saving the restored model gives the same bytes.
        Checkpoint.Save(PathOf("b.safetensors"), m2);
        Assert.Equal(File.ReadAllBytes(PathOf("a.safetensors")), File.ReadAllBytes(PathOf("b.safetensors")));
    }

    [Fact]
    public void Frozen_variables_are_saved_and_restored_frozen()
    {
        var m = Model(1);
        new FreezePlan(m).TrainOnly(Selector.Glob("head/**")).Apply();
        Checkpoint.Save(PathOf("f.safetensors"), m);
        var st = Safetensors.Open(PathOf("f.safetensors"));
        Assert.Contains("fc1/weight", st.Entries.Keys);
        Assert.Contains("norm/weight", st.Entries.Keys);

        var m2 = Model(3);
        Assert.True(m2.Trainable);
        Checkpoint.Restore(PathOf("f.safetensors"), m2, FreezeStatePolicy.FromCheckpoint);
        Assert.Equal(["head/weight", "head/bias"], m2.TrainableVariables.Select(v => v.Name));
    }

    private static void Train(Sequential m, Optimizer opt, Rng dataRng, LabeledImages data, int steps)
    {
        int done = 0;
        while (done < steps)
        {
            foreach (var ix in Batches.Indices(data.Count, 16, dataRng))
            {
                if (done++ == steps)
                {
                    return;
                }

                opt.Minimize(() => Ops.CrossEntropy(m.Call(Ops.Reshape(Ops.Gather(data.Images, 0, ix), ix.Length, 5)), ix.Select(i => data.Labels[i]).ToArray()));
            }
        }
    }

    private static LabeledImages Data()
    {
        var rng = new Rng(77);
        var x = Tensor.Normal(new Shape(40, 1, 1, 5), 0, 1, rng);
        var y = Enumerable.Range(0, 40).Select(i => i % 3).ToArray();
        return new LabeledImages(x, y, ["a", "b", "c"]);
    }

    [Fact]
    public void Resume_is_exact()
    {
        var data = Data();

        // Straight: 12 steps (4 epochs of 3 batches).
        var dropA = new Rng(5);
        var a = Model(1, dropA);
        a["fc1"].Freeze();
        var optA = new Adam(0.01f) { Schedule = new CosineDecay(12), ClipGlobalNorm = 1f };
        var dataA = new Rng(9);
        Train(a, optA, dataA, data, 12);

        // 6 steps, save at the epoch boundary, restore into fresh objects, 6 more steps.
        var dropB = new Rng(5);
        var b = Model(1, dropB);
        b["fc1"].Freeze();
        var optB = new Adam(0.01f) { Schedule = new CosineDecay(12), ClipGlobalNorm = 1f };
        var dataB = new Rng(9);
        Train(b, optB, dataB, data, 6);
        var rngs = new Dictionary<string, Rng> { ["data"] = dataB, ["dropout"] = dropB };
        Checkpoint.Save(PathOf("r.safetensors"), b, new CheckpointOptions { Optimizer = optB, Rngs = rngs });

        var dropC = new Rng(123);
        var c = Model(42, dropC);
        var optC = new Adam(0.01f) { Schedule = new CosineDecay(12), ClipGlobalNorm = 1f };
        var dataC = new Rng(0);
        Checkpoint.Restore(PathOf("r.safetensors"), c, FreezeStatePolicy.FromCheckpoint, new RestoreOptions { Optimizer = optC, Rngs = new Dictionary<string, Rng> { ["data"] = dataC, ["dropout"] = dropC } });
        Assert.Equal(6, optC.Iterations);
        Assert.False(c["fc1"].Trainable);
        Train(c, optC, dataC, data, 6);

        foreach (var (va, vc) in a.Variables.Zip(c.Variables))
        {
            Assert.Equal(va.Value.ToArray(), vc.Value.ToArray());
        }
    }

    [Fact]
    public void Mismatches_are_reported_and_can_be_skipped_or_mapped()
    {
        var m = Model(1);
        Checkpoint.Save(PathOf("m.safetensors"), m);
        var rng = new Rng(1);
        var other = new Sequential(new Dense(5, 8, rng, name: "fc1"), new Dense(8, 4, rng, name: "head"), new Dense(4, 2, rng, name: "extra"));
        var ex = Assert.Throws<InvalidOperationException>(() => Checkpoint.Restore(PathOf("m.safetensors"), other, FreezeStatePolicy.FromCheckpoint));
        Assert.Contains("missing from the checkpoint: extra/weight, extra/bias", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not in the model: norm/weight, norm/bias", ex.Message, StringComparison.Ordinal);
        Assert.Contains("head/weight (model [4, 8], checkpoint [3, 8])", ex.Message, StringComparison.Ordinal);
        Assert.True(other["head"].OwnVariables[1].Value.ToArray().All(v => v == 0));

        var report = Checkpoint.Restore(PathOf("m.safetensors"), other, FreezeStatePolicy.FromCheckpoint, new RestoreOptions
        {
            Missing = MismatchPolicy.Skip,
            Unexpected = MismatchPolicy.Skip,
            ShapeMismatch = MismatchPolicy.Skip,
        });
        Assert.Equal(["fc1/bias", "fc1/weight"], report.Restored.Order());
        Assert.Equal(m["fc1"].OwnVariables[0].Value.ToArray(), other["fc1"].OwnVariables[0].Value.ToArray());

        // Renamed model: map checkpoint names onto the new scopes.
        var renamed = new Sequential(new Dense(5, 8, rng, name: "encoder"), new LayerNorm(8, name: "norm"), new Dense(8, 3, rng, name: "classifier"));
        var mapped = Checkpoint.Restore(PathOf("m.safetensors"), renamed, FreezeStatePolicy.FromCheckpoint, new RestoreOptions
        {
            MapName = n => n.Replace("fc1/", "encoder/", StringComparison.Ordinal).Replace("head/", "classifier/", StringComparison.Ordinal),
        });
        Assert.Equal(6, mapped.Restored.Count);
    }

    [Fact]
    public void An_edited_frozen_tensor_fails_its_fingerprint()
    {
        var m = Model(1);
        m["fc1"].Freeze();
        string p = PathOf("e.safetensors");
        Checkpoint.Save(p, m);
        var st = Safetensors.Open(p);
        var e = st.Entries["fc1/weight"];
        var bytes = File.ReadAllBytes(p);
        long dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        bytes[dataStart + e.Begin + 1] ^= 0x40;
        File.WriteAllBytes(p, bytes);
        var before = Model(2);
        var snapshot = before.Variables.Select(v => v.Value.ToArray()).ToList();
        var ex = Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Restore(p, before, FreezeStatePolicy.FromCheckpoint));
        Assert.Contains("'fc1/weight' does not match its recorded SHA-256", ex.Message, StringComparison.Ordinal);
        Assert.Equal(snapshot, before.Variables.Select(v => v.Value.ToArray()).ToList());
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temporary()
    {
        string p = PathOf("atomic.bin");
        File.WriteAllText(p, "old");
        Assert.Throws<IOException>(() => AtomicFile.Write(p, s =>
        {
            s.Write(Encoding.UTF8.GetBytes("half"));
            throw new IOException("disk full");
        }));
        Assert.Equal("old", File.ReadAllText(p));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Header_checks_name_the_problem()
    {
        string p = PathOf("h.safetensors");
        void WriteRaw(string json, int dataBytes)
        {
            var h = Encoding.UTF8.GetBytes(json);
            var b = new byte[8 + h.Length + dataBytes];
            BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)h.Length);
            h.CopyTo(b, 8);
            File.WriteAllBytes(p, b);
        }

        string Error(string json, int dataBytes)
        {
            WriteRaw(json, dataBytes);
            return Assert.Throws<SafetensorsFormatException>(() => Safetensors.Open(p)).Message;
        }

        Assert.Contains("overlaps", Error("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12), StringComparison.Ordinal);
        Assert.Contains("beyond", Error("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8), StringComparison.Ordinal);
        Assert.Contains("needs 8 bytes", Error("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", 4), StringComparison.Ordinal);
        Assert.Contains("unsupported dtype 'Q7'", Error("""{"a":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}}""", 8), StringComparison.Ordinal);
        Assert.Contains("not valid JSON", Error("""{"a":""", 0), StringComparison.Ordinal);
        Assert.Contains("gap", Error("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8), StringComparison.Ordinal);
        Assert.Contains("not valid JSON", Error("""{"a":{"dtype":"F32","dtype":"I32","shape":[1],"data_offsets":[0,4]}}""", 4), StringComparison.Ordinal);
        Assert.Contains("not valid JSON", Error("""{"__metadata__":{"k":"1"},"__metadata__":{"k":"2"}}""", 0), StringComparison.Ordinal);
        Assert.Contains("cover 4 bytes", Error("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8), StringComparison.Ordinal);
        File.WriteAllBytes(p, [1, 2, 3]);
        Assert.Contains("too short", Assert.Throws<SafetensorsFormatException>(() => Safetensors.Open(p)).Message, StringComparison.Ordinal);
    }
}
