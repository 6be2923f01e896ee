using System.Diagnostics;
using System.Text.Json.Nodes;
using Frost.Cli.Commands;
using Frost.IO;
using Frost.Layers;
using Frost.TestKit;

namespace Frost.Cli.Tests;

/// <summary>Bad input and misuse: one line on standard error, a documented exit code, no stack trace, no hang.</summary>
[Collection("console")]
public sealed class CliErrorTests(FineTunedRun run) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-cli-errors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertFails(int expectedCode, string expected, params string[] args)
    {
        var (code, output, error) = Fuzz.WithinTime(TimeSpan.FromSeconds(60), string.Join(' ', args), () => CliRunner.Run(args));
        Assert.True(code == expectedCode, $"frost {string.Join(' ', args)}: exit {code}, expected {expectedCode}\n{output}\n{error}");
        CliRunner.AssertOneLineError(error, expected);
        Assert.DoesNotContain("error", output, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("--lr Infinity is outside the accepted range (0, 1]", "finetune", "--lr", "Infinity")]
    [InlineData("--lr NaN is outside the accepted range (0, 1]", "finetune", "--lr", "NaN")]
    [InlineData("--lr -0.001 is outside the accepted range (0, 1]", "finetune", "--lr", "-0.001")]
    [InlineData("--head-lr 1E+30 is outside the accepted range (0, 1]", "finetune", "--head-lr", "1e30")]
    [InlineData("--lr Infinity is outside", "finetune", "--lr", "1e40")]
    [InlineData("--size 20000 is outside the accepted range 32..4096", "finetune", "--size", "20000")]
    [InlineData("--size 16 is outside the accepted range 32..4096", "finetune", "--size", "16")]
    [InlineData("--epochs 0 is outside the accepted range 1..10000", "finetune", "--epochs", "0")]
    [InlineData("--batch-size 0 is outside the accepted range 1..4096", "finetune", "--batch-size", "0")]
    [InlineData("--train-count -5 is outside the accepted range at least 1", "finetune", "--train-count", "-5")]
    [InlineData("--test-count 0 is outside the accepted range at least 1", "finetune", "--test-count", "0")]
    [InlineData("--train needs at least one non-empty glob", "finetune", "--train", "")]
    [InlineData("--count 0 is outside the accepted range at least 1", "eval", "x.safetensors", "--count", "0")]
    [InlineData("--count -1 is outside the accepted range at least 1", "eval", "x.safetensors", "--count", "-1")]
    [InlineData("--lr Infinity is outside the accepted range (0, 1]", "mlp", "--lr", "Infinity")]
    [InlineData("--hidden 0 is outside the accepted range 1..65536", "mlp", "--hidden", "0")]
    [InlineData("--width 100000 is outside the accepted range 1..1024", "cnn", "--width", "100000")]
    [InlineData("Cannot parse argument 'abc' for option '--lr'", "finetune", "--lr", "abc")]
    [InlineData("Cannot parse argument '99999999999' for option '--size'", "finetune", "--size", "99999999999")]
    [InlineData("Unrecognized command or argument 'bogus'", "bogus")]
    [InlineData("(see 'frost finetune --help')", "finetune", "--nope")]
    [InlineData("Unrecognized command or argument '--out'; Unrecognized command or argument 'x' (see 'frost demo text --help')", "demo", "text", "--out", "x")]
    [InlineData("(see 'frost --help')", "--nope")]
    public void Absurd_options_are_refused_naming_the_option_and_the_range(string expected, params string[] args)
        => AssertFails(CliErrors.UsageOrInput, expected, args);

    [Fact]
    public void A_size_the_machine_cannot_hold_is_refused_with_the_memory_it_needs()
    {
        AssertFails(CliErrors.OutOfMemory, "--size 4096 with 4096 images per forward pass needs at least 4864.00 GiB of memory, more than the", "finetune", "--size", "4096", "--batch-size", "4096");
        if (MemoryBudget.MachineBytes < 76L << 30)
        {
            AssertFails(CliErrors.OutOfMemory, "--size 4096 with 64 images per forward pass needs at least 76.00 GiB", "finetune", "--size", "4096");
        }
    }

    private string CheckpointWithRecipe(string recipe)
    {
        string p = Path.Combine(_dir, "recipe.safetensors");
        var rng = new Rng(1);
        Checkpoint.Save(p, new Sequential(new Dense(2, 2, rng, name: "fc")), new CheckpointOptions
        {
            Metadata = new Dictionary<string, string> { ["recipe"] = recipe },
        });
        return p;
    }

    private static string Recipe(string size = "64", string classes = "[\"a\",\"b\"]", string extra = "")
        => $"{{\"format\":\"frost.recipe/1\",\"model\":\"resnet18-pretrained\",\"image\":{{\"size\":{size},\"center_crop\":1,\"channels\":\"RGB\",\"scale\":\"0..255\",\"resize\":\"bilinear-antialias\",\"layout\":\"NCHW\"}},\"class_names\":{classes}{extra}}}";

    [Fact]
    public void A_recipe_out_of_range_is_refused_before_anything_is_built()
    {
        string p = CheckpointWithRecipe(Recipe(size: "20000"));
        long before = GC.GetTotalAllocatedBytes(precise: true);
        AssertFails(CliErrors.UsageOrInput, "recipe image.size 20000 is outside 32..4096", "eval", p);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64 << 20);
        AssertFails(CliErrors.UsageOrInput, "recipe class_names count 1 is outside 2..100000", "export", CheckpointWithRecipe(Recipe(classes: "[\"only\"]")), "--out", Path.Combine(_dir, "m.onnx"));
        AssertFails(CliErrors.UsageOrInput, "recipe image.size -64 is outside 32..4096", "eval", CheckpointWithRecipe(Recipe(size: "-64")));
        if (MemoryBudget.MachineBytes < 38L << 30)
        {
            AssertFails(CliErrors.OutOfMemory, "running the checkpoint's 2048x2048 model on 128 images at a time needs at least 38.00 GiB", "eval", CheckpointWithRecipe(Recipe(size: "2048")));
        }
    }

    [Fact]
    public void A_malformed_or_foreign_recipe_fails_closed_with_one_line()
    {
        AssertFails(CliErrors.UsageOrInput, "the model recipe is not JSON", "eval", CheckpointWithRecipe("resnet18-pretrained;size=64;classes=10"));
        AssertFails(CliErrors.UsageOrInput, "malformed model recipe", "eval", CheckpointWithRecipe(Recipe(extra: ",\"colour\":1")));
        AssertFails(CliErrors.UsageOrInput, "malformed model recipe", "eval", CheckpointWithRecipe("{\"format\":\"frost.recipe/1\",\"model\":\"resnet18-pretrained\"}"));
        AssertFails(CliErrors.UsageOrInput, "recipe class name 'a' appears twice", "eval", CheckpointWithRecipe(Recipe(classes: "[\"a\",\"a\"]")));
        AssertFails(CliErrors.UsageOrInput, "unknown model 'vgg16'", "eval", CheckpointWithRecipe(Recipe().Replace("resnet18-pretrained", "vgg16", StringComparison.Ordinal)));
        AssertFails(CliErrors.UsageOrInput, "recipe format 'frost.recipe/9' is not supported", "export", CheckpointWithRecipe(Recipe().Replace("/1", "/9", StringComparison.Ordinal)), "--out", Path.Combine(_dir, "m.onnx"));
    }

    [Fact]
    public void A_checkpoint_without_Frost_metadata_or_recipe_is_refused()
    {
        string foreign = Path.Combine(_dir, "foreign.safetensors");
        Safetensors.Write(foreign, [("w", "F32", [2], [1f, 2f])], new Dictionary<string, string> { ["format"] = "pt" });
        AssertFails(CliErrors.UsageOrInput, "not a Frost checkpoint (no Frost metadata)", "eval", foreign);
        var (code, output, error) = CliRunner.Run("inspect", foreign);
        Assert.True(code == 0, error);
        Assert.Contains("not a Frost checkpoint", output.ReplaceLineEndings(" "), StringComparison.Ordinal);

        string plain = Path.Combine(_dir, "plain.safetensors");
        Checkpoint.Save(plain, new Sequential(new Dense(2, 2, new Rng(1), name: "fc")));
        AssertFails(CliErrors.UsageOrInput, "no 'recipe' entry in the metadata", "eval", plain);
    }

    [Fact]
    public void Damaged_checkpoints_are_reported_the_same_way_by_eval_export_and_inspect()
    {
        string Copy(string name)
        {
            string p = Path.Combine(_dir, name);
            File.Copy(run.Checkpoint, p, overwrite: true);
            return p;
        }

        // A frozen tensor zeroed with its sha256 removed.
        string noHash = Copy("nohash.safetensors");
        var bytes = File.ReadAllBytes(noHash);
        var (begin, end) = SafetensorsBytes.TensorBytes(bytes, "stem/conv/weight");
        bytes.AsSpan(begin, end - begin).Clear();
        File.WriteAllBytes(noHash, bytes);
        SafetensorsBytes.EditHeader(noHash, h =>
        {
            var meta = SafetensorsBytes.Metadata(h);
            var records = JsonNode.Parse((string)meta["frost.variables"]!)!.AsArray();
            records.First(r => (string)r!["name"]! == "stem/conv/weight")!.AsObject().Remove("sha256");
            meta["frost.variables"] = records.ToJsonString();
        });

        // A frozen tensor with one bit flipped.
        string flipped = Copy("flipped.safetensors");
        bytes = File.ReadAllBytes(flipped);
        (begin, _) = SafetensorsBytes.TensorBytes(bytes, "stage1/block0/conv1/weight");
        bytes[begin + 5] ^= 0x10;
        File.WriteAllBytes(flipped, bytes);

        // Malformed records, a future format, a relabelled dtype.
        string malformed = Copy("malformed.safetensors");
        SafetensorsBytes.EditHeader(malformed, h => SafetensorsBytes.Metadata(h)["frost.variables"] = "[{\"trainable\":true}]");
        string future = Copy("future.safetensors");
        SafetensorsBytes.EditHeader(future, h => SafetensorsBytes.Metadata(h)["frost.format"] = "99");
        string relabelled = Copy("relabelled.safetensors");
        SafetensorsBytes.EditHeader(relabelled, h => h["head/fc/weight"]!["dtype"] = "I32");

        foreach (var (file, expected) in new[]
        {
            (noHash, "frozen variable 'stem/conv/weight' has no sha256"),
            (flipped, "frozen variable 'stage1/block0/conv1/weight' does not match its recorded SHA-256"),
            (malformed, "'frost.variables' is malformed"),
            (future, "Frost checkpoint format 99 is newer than this version reads"),
            (relabelled, "variable 'head/fc/weight' is stored as I32"),
        })
        {
            AssertFails(CliErrors.UsageOrInput, expected, "inspect", file);
            AssertFails(CliErrors.UsageOrInput, expected, "eval", file, "--count", "8");
            AssertFails(CliErrors.UsageOrInput, expected, "export", file, "--out", Path.Combine(_dir, "x.onnx"));
        }

        Assert.False(File.Exists(Path.Combine(_dir, "x.onnx")));
    }

    [Fact]
    public void Special_files_are_refused_without_blocking()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string fifo = Path.Combine(_dir, "pipe.safetensors");
        MakeFifo(fifo);
        foreach (var args in new[] { new[] { "inspect", fifo }, ["eval", fifo], ["export", fifo, "--out", Path.Combine(_dir, "m.onnx")] })
        {
            AssertFails(CliErrors.UsageOrInput, "pipe.safetensors is empty or not a regular file (a FIFO, socket or device)", args);
        }

        AssertFails(CliErrors.UsageOrInput, "is a directory", "inspect", _dir);
        AssertFails(CliErrors.UsageOrInput, "is a directory", "eval", _dir);

        // A data folder whose image file is a FIFO.
        string data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        MakeFifo(Path.Combine(data, "test-images.idx"));
        File.Copy(Path.Combine(Frost.TestKit.Repo.File("data", "fashion-mnist-small"), "test-labels.idx.gz"), Path.Combine(data, "test-labels.idx.gz"));
        AssertFails(CliErrors.UsageOrInput, "test-images.idx is empty or not a regular file (a FIFO, socket or device)", "eval", run.Checkpoint, "--data", data);
        AssertFails(CliErrors.UsageOrInput, "--data " + fifo + " is a file", "mlp", "--data", fifo);
        AssertFails(CliErrors.UsageOrInput, "does not exist", "cnn", "--data", Path.Combine(_dir, "nowhere"));
    }

    private static void MakeFifo(string path)
    {
        using var mk = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mk.WaitForExit();
        Assert.Equal(0, mk.ExitCode);
    }

    [Fact]
    public void A_second_writer_to_an_output_folder_gets_a_clear_error_until_the_first_ends()
    {
        string output = Path.Combine(_dir, "out");
        using (OutputFolder.Lock(output))
        {
            AssertFails(CliErrors.Output, $"--out {output} is in use by another frost run", "finetune", "--out", output, "--train-count", "10", "--test-count", "10");
            AssertFails(CliErrors.Output, "is in use by another frost run", "export", run.Checkpoint, "--out", Path.Combine(output, "m.onnx"));
        }

        // Released: the folder can be locked again; a file given as --out is refused.
        using (OutputFolder.Lock(output))
        {
        }

        File.WriteAllText(Path.Combine(_dir, "file"), "x");
        AssertFails(CliErrors.UsageOrInput, "is a file, not a folder", "finetune", "--out", Path.Combine(_dir, "file"));
    }

    [Fact]
    public void An_output_lock_held_by_a_killed_process_is_released()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // Another process takes the lock (flock) on the folder, then is killed.
        string output = Directory.CreateDirectory(Path.Combine(_dir, "held")).FullName;
        string lockFile = Path.Combine(output, OutputFolder.LockFileName);
        using var holder = Process.Start(new ProcessStartInfo("flock", ["--exclusive", "--no-fork", lockFile, "sleep", "60"]) { UseShellExecute = false })!;
        try
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(lockFile) && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(10);
            }

            Thread.Sleep(200);
            var ex = Assert.Throws<OutputException>(() => OutputFolder.Lock(output));
            Assert.Contains("is in use by another frost run", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }

        using var taken = OutputFolder.Lock(output);
        Assert.Equal(output, taken.Path);
    }

    [Fact]
    public void Out_of_memory_names_what_was_being_allocated()
    {
        var error = new StringWriter();
        var old = Console.Error;
        Console.SetError(error);
        try
        {
            int code;
            using (CliErrors.Doing("caching the frozen prefix's features for 4000 images"))
            {
                code = CliErrors.Handle(new InsufficientMemoryException());
            }

            Assert.Equal(CliErrors.OutOfMemory, code);
            Assert.Equal(CliErrors.Internal, CliErrors.Handle(new KeyNotFoundException("line one\nline two")));
            Assert.Equal(CliErrors.UsageOrInput, CliErrors.Handle(new AggregateException(new FormatException("inner"))));
        }
        finally
        {
            Console.SetError(old);
        }

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("error: out of memory while caching the frozen prefix's features for 4000 images; use a smaller --size, --batch-size or image count.", lines[0]);
        Assert.Equal("error: internal error (KeyNotFoundException): line one line two", lines[1]);
        Assert.Equal("error: inner", lines[2]);
    }

    [Fact]
    public void Long_messages_stay_on_one_line_of_standard_error()
    {
        string deep = Path.Combine(_dir, string.Join('/', Enumerable.Repeat("a-rather-long-folder-name", 6)), "missing.safetensors");
        var (code, output, error) = CliRunner.Run("inspect", deep);
        Assert.Equal(CliErrors.UsageOrInput, code);
        Assert.Empty(output);
        Assert.True(error.TrimEnd('\n').Length > 120);
        CliRunner.AssertOneLineError(error, "missing.safetensors does not exist");
    }
}
