using Frost.Adapters;
using Frost.Cli.Commands;
using Frost.IO;

namespace Frost.Cli.Tests;

/// <summary><c>frost finetune --lora</c>: options checked up front, and a small run whose outputs eval and export read.</summary>
[Collection("console")]
public sealed class LoraCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-cli-lora-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("--lora -1 is outside the accepted range 0..4096", "--lora", "-1")]
    [InlineData("--lora-targets needs at least one non-empty glob", "--lora", "4", "--lora-targets", "")]
    [InlineData("does not combine with --unfreeze-schedule", "--lora", "4", "--train", "stage4/**", "head/**", "--unfreeze-schedule", "head-first:1")]
    public void Lora_options_are_refused_before_anything_is_loaded(string expected, params string[] args)
    {
        var (code, _, error) = CliRunner.Run(["finetune", "--out", _dir, .. args]);
        Assert.Equal(CliErrors.UsageOrInput, code);
        CliRunner.AssertOneLineError(error, expected);
    }

    [Theory]
    [InlineData("--lora 2 does not match", "--lora", "2")]
    [InlineData("was trained with --lora 4; pass --lora 4 to resume it", "--epochs", "2")]
    public void Resume_with_another_lora_rank_than_the_checkpoint_is_refused_before_anything_is_loaded(string expected, params string[] args)
    {
        string ckpt = Path.Combine(_dir, FineTuneJob.CheckpointFile);
        var recipe = new LoraRecipe("glob 'stage4/**/conv*/weight'", ["stage4/0/conv1"], 4, 8, 0.05f, ["head/fc/weight"]);
        Safetensors.Write(ckpt, [("w", "F32", [1], [0f])], new Dictionary<string, string> { [LoraRun.MetadataKey] = recipe.ToJson() });
        var (code, _, error) = CliRunner.Run(["finetune", "--out", _dir, "--resume", .. args]);
        Assert.Equal(CliErrors.UsageOrInput, code);
        CliRunner.AssertOneLineError(error, expected);
    }

    [Fact]
    public void A_lora_run_trains_adapters_and_the_head_only_and_its_checkpoint_evaluates_and_exports()
    {
        string run = Path.Combine(_dir, "run");
        var (code, output, error) = CliRunner.Run(
            "finetune", "--lora", "2", "--lora-targets", "stage4/**/conv*/weight", "--size", "32", "--epochs", "1",
            "--train-count", "64", "--test-count", "32", "--batch-size", "32", "--out", run);
        Assert.True(code == 0, output + error);
        Assert.Contains("trainable params: ", output, StringComparison.Ordinal);
        Assert.Contains("frozen variables bit-identical", output, StringComparison.Ordinal);

        using (var file = Safetensors.Open(Path.Combine(run, LoraRun.AdapterFile)))
        {
            var names = file.Entries.Keys.Where(k => !k.StartsWith("__", StringComparison.Ordinal)).ToList();
            Assert.Equal(7 * 2, names.Count(n => n.Contains("/lora/", StringComparison.Ordinal)));   // 7 convolutions in stage 4
            Assert.Equal(["head/fc/bias", "head/fc/weight"], names.Where(n => !n.Contains("/lora/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        }

        var model = Recipe.ForResNet18(32, [.. Enumerable.Range(0, 10).Select(i => $"c{i}")]).Build(new Rng(0));
        Assert.Equal(7, Lora.Load(model, Path.Combine(run, LoraRun.AdapterFile)).Adapters.Count);

        var eval = CliRunner.Run("eval", Path.Combine(run, FineTuneJob.CheckpointFile));
        Assert.True(eval.Code == 0, eval.Output + eval.Error);
        var export = CliRunner.Run("export", Path.Combine(run, FineTuneJob.CheckpointFile), "--out", Path.Combine(_dir, "again.onnx"));
        Assert.True(export.Code == 0, export.Output + export.Error);
        Assert.True(File.Exists(Path.Combine(run, "model.onnx")));
    }
}
