using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Frost.Adapters;
using Frost.Cli.Commands;
using Frost.IO;
using Microsoft.ML.OnnxRuntime;

namespace Frost.Cli.Tests;

/// <summary><c>frost finetune --model minilm --lora</c>: a tiny run's adapter file, untouched base, merged export and resume rules.</summary>
[Collection("console")]
public sealed class TextLoraCliTests : IDisposable
{
    private static readonly string[] ClassNames = ["promo", "work"];

    private readonly string _dir = Directory.CreateTempSubdirectory("frost-text-lora-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Flat(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '│'], StringSplitOptions.RemoveEmptyEntries));

    private static string Sha256(ReadOnlySpan<float> values) => Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(values)));

    /// <summary>Logits of ONNX Runtime for int64 ids and mask [rows, length].</summary>
    private static float[] OnnxRuntimeLogits(string onnx, long[] ids, long[] mask, int rows, int length)
    {
        using var session = new InferenceSession(onnx);
        long[] dims = [rows, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, dims);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, dims);
        using var options = new RunOptions();
        using var results = session.Run(options, ["input_ids", "attention_mask"], [idsValue, maskValue], ["logits"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void A_text_lora_run_writes_the_adapter_keeps_the_base_bit_identical_exports_merged_and_refuses_another_rank_on_resume_but_resumes_the_same()
    {
        string train = TinyTexts.Write(_dir, "train.jsonl", 2);
        string test = TinyTexts.Write(_dir, "test.jsonl", 1);
        string run = Path.Combine(_dir, "run");
        string[] Args(int epochs) => ["finetune", "--model", "minilm", "--data", train, "--test", test, "--epochs", $"{epochs}", "--batch-size", "8", "--max-length", "12", "--tail", "3", "--out", run];
        var (code, stdout, stderr) = CliRunner.Run([.. Args(1), "--lora", "4"]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Empty(stderr);
        string flat = Flat(stdout);

        // Rank 4 on the 12 query and value projections (384→384): 12 · 4 · (384 + 384) adapter parameters, and the head 384→2.
        Assert.Contains("adapter parameters: 36,864; kept trainable: 770; base: 22,566,146 (22,565,376 frozen)", flat, StringComparison.Ordinal);
        Assert.Contains("Frozen prefix embeddings: cached", flat, StringComparison.Ordinal);
        Assert.Contains("frozen variables bit-identical", flat, StringComparison.Ordinal);
        Assert.DoesNotContain("still zero", flat, StringComparison.Ordinal);

        // The base in the checkpoint is the pretrained one, bit for bit; the head is new.
        var recipe = new TextRecipe(12, 3, ClassNames);
        var pretrained = recipe.Build(new Rng(0));
        var baseVariables = pretrained.Variables.Where(v => !v.Name.StartsWith("head/", StringComparison.Ordinal)).ToList();
        Assert.Equal(101, baseVariables.Count);
        using (var ckpt = Safetensors.Open(Path.Combine(run, FineTuneJob.CheckpointFile)))
        {
            Assert.Equal(4, LoraRecipe.FromJson(ckpt.Metadata[LoraRun.MetadataKey]).Rank);
            foreach (var v in baseVariables)
            {
                Assert.True(Sha256(v.Value.AsReadOnlySpan()) == Sha256(ckpt.ReadFloats(v.Name)), $"{v.Name} moved");
            }
        }

        // The adapter file: the adapters and the head only, loadable onto the pretrained base; every B has learned.
        using (var file = Safetensors.Open(Path.Combine(run, LoraRun.AdapterFile)))
        {
            var names = file.Entries.Keys.Where(k => !k.StartsWith("__", StringComparison.Ordinal)).ToList();
            Assert.Equal(6 * 2 * 2, names.Count(n => n.Contains("/lora/", StringComparison.Ordinal)));
            Assert.Equal(["head/bias", "head/weight"], names.Where(n => !n.Contains("/lora/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        }

        var lora = Lora.Load(pretrained, Path.Combine(run, LoraRun.AdapterFile));
        Assert.Equal(12, lora.Adapters.Count);
        Assert.All(lora.Adapters, a => Assert.Contains(a.B.Value.ToArray(), x => x != 0));

        // model.onnx has the adapters merged: ONNX Runtime gives the logits of the model with its adapters unmerged.
        const int Rows = 3, Length = 7;
        var ids = new long[Rows * Length];
        var mask = new long[ids.Length];
        var rng = new Rng(5);
        foreach (var (row, used) in new[] { (0, 7), (1, 4), (2, 2) })
        {
            for (int t = 0; t < used; t++)
            {
                ids[(row * Length) + t] = 1 + rng.NextInt(30_000);
                mask[(row * Length) + t] = 1;
            }
        }

        float[] ours;
        pretrained.Training = false;
        using (GradientTape.NoRecording())
        {
            ours = pretrained.Call(Tensor.FromArray([.. ids.Select(i => (float)i)], Rows, Length), Tensor.FromArray([.. mask.Select(i => (float)i)], Rows, Length)).ToArray();
        }

        float[] theirs = OnnxRuntimeLogits(Path.Combine(run, "model.onnx"), ids, mask, Rows, Length);
        Assert.Equal(ours.Length, theirs.Length);
        double worst = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-4, $"merged ONNX logits differ from the model's by up to {worst:E2}");

        // predict rebuilds the adapters from the checkpoint's recipe, merged.
        var predicted = CliRunner.Run("predict", Path.Combine(run, FineTuneJob.CheckpointFile), test);
        Assert.True(predicted.Code == 0, predicted.Output + predicted.Error);

        // Resuming with another rank, or without adapters, is refused before anything is loaded.
        (code, _, stderr) = CliRunner.Run([.. Args(2), "--lora", "2", "--resume"]);
        Assert.Equal(CliErrors.UsageOrInput, code);
        CliRunner.AssertOneLineError(stderr, "--lora 2 does not match");
        Assert.Contains("trained with --lora 4; pass --lora 4 to resume it", stderr, StringComparison.Ordinal);
        (code, _, stderr) = CliRunner.Run([.. Args(2), "--resume"]);
        Assert.Equal(CliErrors.UsageOrInput, code);
        CliRunner.AssertOneLineError(stderr, "was trained with --lora 4; pass --lora 4 to resume it");

        // With the same rank the run continues, the adapters rebuilt from the checkpoint.
        var again = CliRunner.Run([.. Args(2), "--lora", "4", "--resume"]);
        Assert.True(again.Code == 0, again.Output + again.Error);
        Assert.Contains("after epoch 1 of 2", Flat(again.Output), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("layer*/attention/querry/**", "Closest names: ")]
    [InlineData("layer0/attention/**", "LayerNorm 'layer0/attention/norm'")]
    public void A_lora_target_that_matches_nothing_or_cannot_take_an_adapter_fails_with_one_line_naming_it(string target, string expected)
    {
        string train = TinyTexts.Write(_dir, "train.jsonl", 1);
        var (code, _, stderr) = CliRunner.Run(
            "finetune", "--model", "minilm", "--data", train, "--test", train, "--max-length", "12", "--tail", "3", "--lora", "4", "--lora-targets", target, "--out", Path.Combine(_dir, "run"));
        Assert.Equal(CliErrors.UsageOrInput, code);
        CliRunner.AssertOneLineError(stderr, expected);
    }
}
