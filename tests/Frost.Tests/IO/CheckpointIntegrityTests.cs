using System.Text;
using System.Text.Json.Nodes;
using Frost.Freezing;
using Frost.IO;
using Frost.Layers;
using Frost.TestKit;

namespace Frost.Tests.IO;

/// <summary>A Frost checkpoint missing or contradicting what Frost always writes is reported as damaged, naming what is wrong.</summary>
public sealed class CheckpointIntegrityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-integrity-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Sequential Model(ulong seed)
    {
        var rng = new Rng(seed);
        return new Sequential(new Dense(5, 8, rng, name: "fc1"), new Relu(), new LayerNorm(8, name: "norm"), new Dense(8, 3, rng, name: "head"));
    }

    /// <summary>A checkpoint with fc1 frozen and two rows of head/weight masked.</summary>
    private string Saved(string name = "c.safetensors")
    {
        var m = Model(1);
        m["fc1"].Freeze();
        ((Dense)m["head"]).Weight.FreezeRows(0, 2);
        string p = Path.Combine(_dir, name);
        Checkpoint.Save(p, m);
        return p;
    }

    private static void ZeroTensor(string path, string tensor)
    {
        var bytes = File.ReadAllBytes(path);
        var (begin, end) = SafetensorsBytes.TensorBytes(bytes, tensor);
        bytes.AsSpan(begin, end - begin).Clear();
        File.WriteAllBytes(path, bytes);
    }

    private static JsonArray Records(JsonObject header) => JsonNode.Parse((string)SafetensorsBytes.Metadata(header)["frost.variables"]!)!.AsArray();

    private static void SetRecords(JsonObject header, JsonArray records) => SafetensorsBytes.Metadata(header)["frost.variables"] = records.ToJsonString();

    /// <summary>Restoring fails with a format error containing <paramref name="expected"/>, and the target model is untouched.</summary>
    private static void AssertDamaged(string path, string expected)
    {
        var target = Model(2);
        var before = target.Variables.Select(v => (v.Value.ToArray(), v.Trainable)).ToList();
        var ex = Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Restore(path, target, FreezeStatePolicy.FromCheckpoint));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(before.Select(b => b.Item1), target.Variables.Select(v => v.Value.ToArray()));
        Assert.Equal(before.Select(b => b.Trainable), target.Variables.Select(v => v.Trainable));

        // inspect-style reading (header only) and full verification agree.
        Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Verify(path));
    }

    [Fact]
    public void A_zeroed_frozen_tensor_without_its_sha256_is_damaged()
    {
        string p = Saved();
        ZeroTensor(p, "fc1/weight");
        SafetensorsBytes.EditHeader(p, h =>
        {
            var records = Records(h);
            records.First(r => (string)r!["name"]! == "fc1/weight")!.AsObject().Remove("sha256");
            SetRecords(h, records);
        });
        AssertDamaged(p, "frozen variable 'fc1/weight' has no sha256");
    }

    [Fact]
    public void A_zeroed_frozen_tensor_without_its_record_is_damaged()
    {
        string p = Saved();
        ZeroTensor(p, "fc1/weight");
        SafetensorsBytes.EditHeader(p, h =>
        {
            var records = Records(h);
            records.Remove(records.First(r => (string)r!["name"]! == "fc1/weight"));
            SetRecords(h, records);
        });
        AssertDamaged(p, "tensor 'fc1/weight' has no record in 'frost.variables'");
    }

    [Theory]
    [InlineData("frost.variablez", "unknown reserved metadata key 'frost.variablez'")]
    [InlineData("frost,variables", "metadata key 'frost.variables' is missing")]
    [InlineData("frosT.variables", "metadata key 'frost.variables' is missing")]
    public void A_damaged_variables_key_is_reported(string damagedKey, string expected)
    {
        string p = Saved();
        ZeroTensor(p, "fc1/weight");
        var bytes = File.ReadAllBytes(p);
        int at = Encoding.UTF8.GetString(bytes, 0, SafetensorsBytes.DataStart(bytes)).IndexOf("\"frost.variables\"", StringComparison.Ordinal) + 1;
        Encoding.UTF8.GetBytes(damagedKey).CopyTo(bytes, at); // same length: one byte changed
        File.WriteAllBytes(p, bytes);
        AssertDamaged(p, expected);
    }

    [Fact]
    public void A_damaged_format_key_leaves_a_damaged_file_not_a_foreign_one()
    {
        string p = Saved();
        SafetensorsBytes.EditHeader(p, h =>
        {
            var meta = SafetensorsBytes.Metadata(h);
            meta["frost.formaT"] = (string)meta["frost.format"]!;
            meta.Remove("frost.format");
        });
        AssertDamaged(p, "unknown reserved metadata key 'frost.formaT'");
    }

    [Theory]
    [InlineData("99", "format 99 is newer than this version reads (formats 1 and 2)")]
    [InlineData("1.0", "'frost.format' is '1.0', not a known format")]
    [InlineData("", "'frost.format' is '', not a known format")]
    public void An_unknown_format_is_refused(string format, string expected)
    {
        string p = Saved();
        SafetensorsBytes.EditHeader(p, h => SafetensorsBytes.Metadata(h)["frost.format"] = format);
        var ex = Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Restore(p, Model(2), FreezeStatePolicy.FromCheckpoint));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_float_tensor_relabelled_as_integer_is_damaged()
    {
        string p = Saved();
        SafetensorsBytes.EditHeader(p, h => h["fc1/weight"]!["dtype"] = "I32");
        AssertDamaged(p, "variable 'fc1/weight' is stored as I32; Frost writes F32");

        string q = Saved("t.safetensors");
        SafetensorsBytes.EditHeader(q, h => h["head/bias"]!["dtype"] = "I32");
        AssertDamaged(q, "variable 'head/bias' is stored as I32");

        string r = Saved("m.safetensors");
        SafetensorsBytes.EditHeader(r, h => h["__mask__/head/weight"]!["dtype"] = "I8");
        Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Restore(r, Model(2), FreezeStatePolicy.FromCheckpoint));
    }

    [Theory]
    [InlineData("""[{"name":"fc1/weight"}]""", "'frost.variables' is malformed")]
    [InlineData("""[{"kind":"parameter","trainable":false}]""", "'frost.variables' is malformed")]
    [InlineData("""[{"name":"fc1/weight","kind":"parameter","trainable":"false"}]""", "'frost.variables' is malformed")]
    [InlineData("""[{"name":null,"kind":"parameter","trainable":false}]""", "'frost.variables' is malformed")]
    [InlineData("""[{"name":"fc1/weight","kind":"parameter","trainable":true,"extra":1}]""", "'frost.variables' is malformed")]
    [InlineData("""[{"name":"fc1/weight","name":"fc1/bias","kind":"parameter","trainable":true}]""", "'frost.variables' is malformed")]
    [InlineData("""{"name":"fc1/weight"}""", "'frost.variables' is malformed")]
    [InlineData("""[null]""", "null record")]
    [InlineData("""null""", "'frost.variables' is malformed")]
    [InlineData("""[{"name":"fc1/weight","kind":"weights","trainable":true}]""", "unknown kind 'weights'")]
    [InlineData("""[{"name":"norm/weight","kind":"state","trainable":true}]""", "state variable 'norm/weight' is marked trainable")]
    [InlineData("""[{"name":"fc1/weight","kind":"parameter","trainable":true,"sha256":"00"}]""", "trainable variable 'fc1/weight' has a sha256")]
    [InlineData("""[{"name":"fc1/weight","kind":"parameter","trainable":false,"sha256":"XYZ"}]""", "sha256 of variable 'fc1/weight' is not 64 lowercase hex digits")]
    [InlineData("""[{"name":"ghost","kind":"parameter","trainable":true}]""", "variable 'ghost' is recorded but its tensor is missing")]
    [InlineData("{", "'frost.variables' is malformed")]
    public void Malformed_variable_records_name_the_problem(string json, string expected)
    {
        string p = Saved();
        SafetensorsBytes.EditHeader(p, h => SafetensorsBytes.Metadata(h)["frost.variables"] = json);
        AssertDamaged(p, expected);
    }

    [Fact]
    public void A_removed_or_renamed_mask_is_damaged()
    {
        string p = Saved();
        SafetensorsBytes.EditHeader(p, h =>
        {
            var records = Records(h);
            records.First(r => (string)r!["name"]! == "head/weight")!.AsObject().Remove("mask");
            SetRecords(h, records);
        });
        AssertDamaged(p, "trainable variable 'head/weight' has a sha256");

        SafetensorsBytes.EditHeader(p, h =>
        {
            var records = Records(h);
            records.First(r => (string)r!["name"]! == "head/weight")!.AsObject().Remove("sha256");
            SetRecords(h, records);
        });
        AssertDamaged(p, "tensor '__mask__/head/weight' is reserved but no record refers to it");

        p = Saved("renamed.safetensors");
        SafetensorsBytes.EditHeader(p, h =>
        {
            var records = Records(h);
            records.First(r => (string)r!["name"]! == "head/weight")!["mask"] = "__mask__/head/bias";
            SetRecords(h, records);
        });
        AssertDamaged(p, "names the mask tensor '__mask__/head/bias', expected '__mask__/head/weight'");
    }

    [Fact]
    public void Damage_found_by_inspecting_the_header_matches_the_restore()
    {
        string p = Saved();
        using (var file = Safetensors.Open(p))
        {
            var info = CheckpointInfo.Read(file);
            Assert.True(info.IsFrostCheckpoint);
            Assert.False(info.IsPartial);
            var fc1 = info.Variables.Single(v => v.Name == "fc1/weight");
            Assert.False(fc1.Trainable);
            Assert.NotNull(fc1.Sha256);
            Assert.Equal("__mask__/head/weight", info.Variables.Single(v => v.Name == "head/weight").MaskTensor);
            Assert.Equal(VariableKind.Parameter, info.Variables.Single(v => v.Name == "norm/weight").Kind);
        }

        Assert.True(Checkpoint.Verify(p).IsFrostCheckpoint);
        ZeroTensor(p, "fc1/weight");
        var ex = Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Verify(p));
        Assert.Contains("'fc1/weight' does not match its recorded SHA-256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_without_Frost_metadata_needs_an_explicit_unverified_load()
    {
        var m = Model(1);
        string p = Path.Combine(_dir, "foreign.safetensors");
        Safetensors.Write(p, m.Variables.Select(v => (v.Name, "F32", v.Shape.ToArray(), v.Value.ToArray())).ToList(), new Dictionary<string, string> { ["format"] = "pt" });

        var target = Model(2);
        var ex = Assert.Throws<InvalidOperationException>(() => Checkpoint.Restore(p, target, FreezeStatePolicy.FromCheckpoint));
        Assert.Contains("not a Frost checkpoint", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AllowUnverified", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<InvalidOperationException>(() => Checkpoint.Restore(p, target, FreezeStatePolicy.FromCheckpoint, new RestoreOptions { AllowUnverified = true }));
        Assert.Contains("KeepCurrent", ex.Message, StringComparison.Ordinal);
        Assert.NotEqual(m.Variables[0].Value.ToArray(), target.Variables[0].Value.ToArray());

        target["fc1"].Freeze();
        var report = Checkpoint.Restore(p, target, FreezeStatePolicy.KeepCurrent, new RestoreOptions { AllowUnverified = true });
        Assert.False(report.Verified);
        Assert.Contains("unverified", report.ToString(), StringComparison.Ordinal);
        Assert.Equal(m.Variables.Select(v => v.Value.ToArray()), target.Variables.Select(v => v.Value.ToArray()));
        Assert.False(target["fc1"].Trainable);
    }

    [Fact]
    public void A_partial_save_is_marked_and_a_restore_reports_what_it_does_not_cover()
    {
        var m = Model(1);
        new FreezePlan(m).TrainOnly(Selector.Glob("head/**")).Apply();
        string p = Path.Combine(_dir, "partial.safetensors");
        Checkpoint.SavePartial(p, m.TrainableVariables);
        using (var file = Safetensors.Open(p))
        {
            Assert.Equal("true", file.Metadata["frost.partial"]);
            Assert.True(CheckpointInfo.Read(file).IsPartial);
            Assert.Equal(["head/weight", "head/bias"], file.Entries.Keys.Order(StringComparer.Ordinal).Reverse());
        }

        var target = Model(2);
        var ex = Assert.Throws<InvalidOperationException>(() => Checkpoint.Restore(p, target, FreezeStatePolicy.KeepCurrent));
        Assert.Contains("the checkpoint is partial (2 variables) and does not cover: fc1/weight, fc1/bias, norm/weight, norm/bias", ex.Message, StringComparison.Ordinal);

        var report = Checkpoint.Restore(p, target, FreezeStatePolicy.KeepCurrent, new RestoreOptions { Missing = MismatchPolicy.Skip });
        Assert.True(report.IsPartial);
        Assert.Equal(["fc1/weight", "fc1/bias", "norm/weight", "norm/bias"], report.Missing);
        Assert.Equal(["head/weight", "head/bias"], report.Restored);
        Assert.Contains("from a partial checkpoint", report.ToString(), StringComparison.Ordinal);

        // A whole-model save is not partial.
        Checkpoint.Save(p, m);
        Assert.False(Checkpoint.Verify(p).IsPartial);
    }

    [Fact]
    public void The_freeze_state_policy_decides_and_reports_which_flags_change()
    {
        var saved = Model(1);
        saved["fc1"].Freeze();
        string p = Path.Combine(_dir, "flags.safetensors");
        Checkpoint.Save(p, saved);

        // A model whose plan trains only the head: fc1 and norm are frozen, head trains.
        Sequential Planned()
        {
            var m = Model(2);
            new FreezePlan(m).TrainOnly(Selector.Glob("head/**")).Apply();
            return m;
        }

        var keep = Planned();
        var report = Checkpoint.Restore(p, keep, FreezeStatePolicy.KeepCurrent);
        Assert.Equal(["norm/weight", "norm/bias"], report.FreezeChanges.Select(c => c.Name));
        Assert.All(report.FreezeChanges, c => Assert.False(c.Applied));
        Assert.All(report.FreezeChanges, c => Assert.True(c.TrainableInCheckpoint && !c.TrainableBefore));
        Assert.Equal(["head/weight", "head/bias"], keep.TrainableVariables.Select(v => v.Name));
        Assert.Equal(saved.Variables.Select(v => v.Value.ToArray()), keep.Variables.Select(v => v.Value.ToArray()));
        Assert.Contains("norm/weight: frozen → trainable (kept)", report.ToString(), StringComparison.Ordinal);

        var fail = Planned();
        var before = fail.Variables.Select(v => v.Value.ToArray()).ToList();
        var ex = Assert.Throws<InvalidOperationException>(() => Checkpoint.Restore(p, fail, FreezeStatePolicy.FailOnDifference));
        Assert.Contains("norm/weight: frozen → trainable", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was restored", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, fail.Variables.Select(v => v.Value.ToArray()));

        var take = Planned();
        report = Checkpoint.Restore(p, take, FreezeStatePolicy.FromCheckpoint);
        Assert.Equal(["norm/weight", "norm/bias"], report.FreezeChanges.Select(c => c.Name));
        Assert.All(report.FreezeChanges, c => Assert.True(c.Applied));
        Assert.Equal(["norm/weight", "norm/bias", "head/weight", "head/bias"], take.TrainableVariables.Select(v => v.Name));

        // Same flags: no change to report, and FailOnDifference restores.
        var same = Model(3);
        same["fc1"].Freeze();
        report = Checkpoint.Restore(p, same, FreezeStatePolicy.FailOnDifference);
        Assert.Empty(report.FreezeChanges);
        Assert.Equal(saved.Variables.Select(v => v.Value.ToArray()), same.Variables.Select(v => v.Value.ToArray()));
    }

    [Fact]
    public void A_mask_difference_is_a_freeze_state_difference()
    {
        var saved = Model(1);
        ((Dense)saved["head"]).Weight.FreezeRows(1);
        string p = Path.Combine(_dir, "mask.safetensors");
        Checkpoint.Save(p, saved);
        var target = Model(2);
        var ex = Assert.Throws<InvalidOperationException>(() => Checkpoint.Restore(p, target, FreezeStatePolicy.FailOnDifference));
        Assert.Contains("head/weight: trainable, mask differs", ex.Message, StringComparison.Ordinal);
        var report = Checkpoint.Restore(p, target, FreezeStatePolicy.FromCheckpoint);
        Assert.Equal(((Dense)saved["head"]).Weight.FreezeMask!.ToArray(), ((Dense)target["head"]).Weight.FreezeMask!.ToArray());
        Assert.Single(report.FreezeChanges);
    }

    [Fact]
    public void An_undefined_policy_value_is_refused()
        => Assert.Throws<ArgumentOutOfRangeException>(() => Checkpoint.Restore(Saved(), Model(2), (FreezeStatePolicy)7));

    [Fact]
    public void Optimizer_buffers_of_the_wrong_type_or_unreferenced_are_damaged()
    {
        var m = Model(1);
        var opt = new Frost.Optimizers.Adam();
        opt.Minimize(() => Ops.Sum(m.Call(Tensor.Ones(2, 5))));
        string p = Path.Combine(_dir, "opt.safetensors");
        Checkpoint.Save(p, m, new CheckpointOptions { Optimizer = opt });
        SafetensorsBytes.EditHeader(p, h => h["__optimizer__/m/head/bias"]!["dtype"] = "I32");
        AssertDamaged(p, "optimizer buffer '__optimizer__/m/head/bias' is missing or not F32 [3]");

        Checkpoint.Save(p, m, new CheckpointOptions { Optimizer = opt });
        SafetensorsBytes.EditHeader(p, h => SafetensorsBytes.Metadata(h).Remove("frost.optimizer"));
        AssertDamaged(p, "is reserved but no record refers to it");
    }

    [Fact]
    public void Header_edits_that_keep_the_structure_fail_the_header_digest()
    {
        var m = Model(1);
        m["fc1"].Freeze();
        var opt = new Frost.Optimizers.Adam();
        opt.Minimize(() => Ops.Sum(m.Call(Tensor.Ones(2, 5))));
        var data = new Rng(4);
        string p = Path.Combine(_dir, "digest.safetensors");
        void Save() => Checkpoint.Save(p, m, new CheckpointOptions
        {
            Optimizer = opt,
            Plan = new FreezePlan(m).Freeze(Selector.Glob("fc1/**")),
            Rngs = new Dictionary<string, Rng> { ["data"] = data },
            Metadata = new Dictionary<string, string> { ["recipe"] = "size=64" },
        });

        var edits = new (string What, Action<JsonObject> Edit)[]
        {
            ("generator word", h => SafetensorsBytes.Metadata(h)["frost.rng"] = ((string)SafetensorsBytes.Metadata(h)["frost.rng"]!).Replace("[\"", "[\"1", StringComparison.Ordinal)),
            ("optimizer step", h => SafetensorsBytes.Metadata(h)["frost.optimizer"] = ((string)SafetensorsBytes.Metadata(h)["frost.optimizer"]!).Replace("\"iterations\":1", "\"iterations\":7", StringComparison.Ordinal)),
            ("plan text", h => SafetensorsBytes.Metadata(h)["frost.freeze_plan"] = "[\"freeze glob 'fc2/**'\"]"),
            ("user metadata", h => SafetensorsBytes.Metadata(h)["recipe"] = "size=65"),
            ("added user metadata", h => SafetensorsBytes.Metadata(h)["note"] = "x"),
            ("swapped offsets of two trainable tensors", h =>
            {
                var a = h["norm/weight"]!["data_offsets"]!.DeepClone();
                h["norm/weight"]!["data_offsets"] = h["norm/bias"]!["data_offsets"]!.DeepClone();
                h["norm/bias"]!["data_offsets"] = a;
            }),
        };
        foreach (var (what, edit) in edits)
        {
            Save();
            SafetensorsBytes.EditHeader(p, edit);
            var ex = Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Restore(p, Model(2), FreezeStatePolicy.FromCheckpoint));
            Assert.True(ex.Message.Contains("does not match 'frost.header_sha256': the header was edited", StringComparison.Ordinal), $"{what}: {ex.Message}");
        }

        Save();
        SafetensorsBytes.EditHeader(p, h => SafetensorsBytes.Metadata(h).Remove("frost.header_sha256"));
        AssertDamaged(p, "metadata key 'frost.header_sha256' is missing");
    }

    [Fact]
    public void Format_1_checkpoints_without_the_header_digest_still_restore()
    {
        string p = Saved();
        SafetensorsBytes.EditHeader(p, h =>
        {
            var meta = SafetensorsBytes.Metadata(h);
            meta["frost.format"] = "1";
            meta.Remove("frost.header_sha256");
        });
        var target = Model(2);
        Checkpoint.Restore(p, target, FreezeStatePolicy.FromCheckpoint);
        Assert.False(target["fc1"].Trainable);

        // Format 1 still fails closed on everything else.
        ZeroTensor(p, "fc1/weight");
        AssertDamaged(p, "'fc1/weight' does not match its recorded SHA-256");
        SafetensorsBytes.EditHeader(p, h => SafetensorsBytes.Metadata(h)["frost.header_sha256"] = "00");
        AssertDamaged(p, "format 1 has no 'frost.header_sha256'");
    }
}
