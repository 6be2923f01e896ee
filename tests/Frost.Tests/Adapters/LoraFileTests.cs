using Frost.Adapters;
using Frost.Freezing;
using Frost.IO;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Tests.Adapters;

public sealed class LoraFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-lora-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Trains adapters on fc1 and fc2 with the head kept trainable; returns the model and its saved adapter file.</summary>
    private (Sequential Model, LoraInjection Lora, string Path) Trained(string name, ulong seed, int rank = 2)
    {
        var model = LoraTests.Base();
        var (x, y) = LoraTests.Data();
        var adam = new Adam(1e-2f);
        var lora = Lora.Inject(model, Selector.Glob("fc*/weight"), rank: rank, alpha: 4, keepTrainable: Selector.Glob("head/**"), rng: new Rng(seed), optimizer: adam);
        for (int step = 0; step < 10; step++)
        {
            adam.Minimize(() => Ops.CrossEntropy(model.Call(x), y));
        }

        string path = Path.Combine(_dir, name);
        lora.Save(path);
        model.Training = false;
        return (model, lora, path);
    }

    [Fact]
    public void An_adapter_file_holds_only_the_adapters_and_kept_variables_and_loads_onto_a_fresh_base()
    {
        var (trained, _, path) = Trained("a.safetensors", 5);
        using (var file = Safetensors.Open(path))
        {
            Assert.Equal(
                ["fc1/lora/a", "fc1/lora/b", "fc2/lora/a", "fc2/lora/b", "head/bias", "head/weight"],
                file.Entries.Keys.Where(k => !k.StartsWith("__", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            Assert.True(CheckpointInfo.Read(file).IsPartial);
        }

        Assert.Equal([path], Directory.GetFiles(_dir));   // no temporary file left behind

        var fresh = LoraTests.Base();
        var x = LoraTests.Data().X;
        var loaded = Lora.Load(fresh, path);
        fresh.Training = false;
        Assert.Equal(trained.Call(x).ToArray(), fresh.Call(x).ToArray());
        Assert.Equal(["fc1", "fc2"], loaded.Recipe.Layers);
        Assert.Equal(2, loaded.Recipe.Rank);
        Assert.Equal(4f, loaded.Recipe.Alpha);
        Assert.Equal("glob 'fc*/weight'", loaded.Recipe.Targets);
        Assert.Equal(["head/weight", "head/bias"], loaded.Recipe.KeptTrainable);
        Assert.Equal(["fc1/lora/a", "fc1/lora/b", "fc2/lora/a", "fc2/lora/b", "head/weight", "head/bias"], fresh.TrainableVariables.Select(v => v.Name));
    }

    [Fact]
    public void Loading_onto_a_different_base_is_an_error_naming_the_first_differing_variable()
    {
        var (_, _, path) = Trained("a.safetensors", 5);

        var other = LoraTests.Base(seed: 2);
        var e = Assert.Throws<AdapterBaseMismatchException>(() => Lora.Load(other, path));
        Assert.Equal("fc1/weight", e.Variable);
        Assert.Contains("not the base these adapters were trained on", e.Message, StringComparison.Ordinal);
        Assert.Contains("'fc1/weight' has other values", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(Lora.Adapters(other));
        Assert.True(other.Trainable);

        // One element of one deep variable is enough.
        var edited = LoraTests.Base();
        edited["norm"].Variables[1].Value.AsSpan()[3] += 1e-6f;
        Assert.Equal("norm/bias", Assert.Throws<AdapterBaseMismatchException>(() => Lora.Load(edited, path)).Variable);

        var rng = new Rng(1);
        var smaller = new Sequential(new Dense(6, 12, rng, name: "fc1"), new Relu(), new Dense(12, 12, rng, name: "fc2"), new Dense(12, 3, rng, name: "head"));
        Assert.Equal("norm/weight", Assert.Throws<AdapterBaseMismatchException>(() => Lora.Load(smaller, path)).Variable);
    }

    [Fact]
    public void Several_adapters_for_one_base_can_be_switched()
    {
        var (a, _, pathA) = Trained("a.safetensors", 5);
        var (b, _, pathB) = Trained("b.safetensors", 6, rank: 3);
        var x = LoraTests.Data().X;
        var ya = a.Call(x).ToArray();
        var yb = b.Call(x).ToArray();
        Assert.NotEqual(ya, yb);

        var model = LoraTests.Base();
        string baseBefore = LoraTests.BaseHash(model);
        model.Training = false;
        Lora.Load(model, pathA);
        Assert.Equal(ya, model.Call(x).ToArray());
        Assert.Equal(3, Lora.Load(model, pathB).Recipe.Rank);
        Assert.Equal(yb, model.Call(x).ToArray());
        Lora.Load(model, pathA);
        Assert.Equal(ya, model.Call(x).ToArray());
        Assert.Equal(baseBefore, LoraTests.BaseHash(model));
    }

    [Fact]
    public void A_merged_model_cannot_save_or_load_adapters()
    {
        var (model, lora, path) = Trained("a.safetensors", 5);
        Lora.Merge(model);
        Assert.Contains("Lora.Unmerge", Assert.Throws<InvalidOperationException>(() => lora.Save(Path.Combine(_dir, "m.safetensors"))).Message, StringComparison.Ordinal);
        Assert.Contains("Lora.Unmerge", Assert.Throws<InvalidOperationException>(() => Lora.Load(model, path)).Message, StringComparison.Ordinal);
        Lora.Unmerge(model);
        Lora.Load(model, path);
    }

    [Fact]
    public void A_full_checkpoint_or_an_edited_record_is_refused_with_one_line_naming_the_file()
    {
        var full = Path.Combine(_dir, "full.safetensors");
        Checkpoint.Save(full, LoraTests.Base());
        var e = Assert.Throws<InvalidOperationException>(() => Lora.Load(LoraTests.Base(), full));
        Assert.StartsWith(full + ": not a LoRA adapter file", e.Message, StringComparison.Ordinal);

        var (_, _, path) = Trained("a.safetensors", 5);
        var bytes = File.ReadAllBytes(path);
        int at = System.Text.Encoding.UTF8.GetString(bytes).IndexOf("rank\\\":2", StringComparison.Ordinal);
        Assert.True(at > 0);
        bytes[at + 7] = (byte)'5';
        File.WriteAllBytes(path, bytes);
        var damaged = Assert.Throws<SafetensorsFormatException>(() => Lora.Load(LoraTests.Base(), path));
        Assert.StartsWith(path + ":", damaged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Batch_norm_kept_training_travels_with_the_adapters_running_statistics_included()
    {
        Sequential Conv()
        {
            var rng = new Rng(9);
            return new Sequential(
                new Frost.Layers.Conv2D(2, 4, 3, rng, padding: 1, name: "conv"), new BatchNorm2D(4, name: "bn"), new Relu(),
                new GlobalAvgPool(name: "pool"), new Dense(4, 2, rng, name: "head"));
        }

        var model = Conv();
        var x = Tensor.Normal(new Shape(8, 2, 5, 5), 1, 2, new Rng(3));
        int[] y = [0, 1, 0, 1, 1, 0, 1, 0];
        var adam = new Adam(1e-2f);
        var lora = Lora.Inject(model, Selector.Glob("conv/weight"), 2, 4, keepTrainable: Selector.Glob("bn/**") | Selector.Glob("head/**"), optimizer: adam);
        for (int step = 0; step < 5; step++)
        {
            adam.Minimize(() => Ops.CrossEntropy(model.Call(x), y));
        }

        string path = Path.Combine(_dir, "bn.safetensors");
        lora.Save(path);
        var fresh = Conv();
        Lora.Load(fresh, path);
        model.Training = fresh.Training = false;
        Assert.Equal(model.Call(x).ToArray(), fresh.Call(x).ToArray());
        Assert.Equal(((BatchNorm2D)model["bn"]).RunningMean.Value.ToArray(), ((BatchNorm2D)fresh["bn"]).RunningMean.Value.ToArray());
    }
}
