using Frost.IO;
using Frost.Onnx;

namespace Frost.Cli.Tests;

[Collection("console")]
public sealed class TextFineTuneTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-text-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Jsonl(string name, int copies) => TinyTexts.Write(_dir, name, copies);

    [Fact]
    public void Finetune_minilm_on_tiny_texts_runs_end_to_end_and_keeps_the_class_names_in_checkpoint_and_onnx()
    {
        string train = Jsonl("train.jsonl", 2);
        string test = Jsonl("test.jsonl", 1);
        string output = Path.Combine(_dir, "run");
        var (code, stdout, stderr) = CliRunner.Run(
            "finetune", "--model", "minilm", "--data", train, "--test", test, "--epochs", "1", "--batch-size", "8", "--max-length", "12", "--tail", "3", "--out", output);
        Assert.True(code == 0, stdout + stderr);
        Assert.Empty(stderr);
        Assert.Contains("frozen variables bit-identical", stdout, StringComparison.Ordinal);
        Assert.Contains("Frozen prefix embeddings, layer0, layer1, layer2, layer3", stdout.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);

        using (var ckpt = Safetensors.Open(Path.Combine(output, "checkpoint.safetensors")))
        {
            Assert.Equal("[\"promo\",\"work\"]", ckpt.Metadata["class_names"]);
            Assert.Equal("minilm-classifier;max-length=12;tail=3;classes=2", ckpt.Metadata["recipe"]);
            Assert.Contains("\"name\":\"layer3/ffn/up/weight\",\"kind\":\"parameter\",\"trainable\":false", ckpt.Metadata["frost.variables"], StringComparison.Ordinal);
            Assert.Contains("\"name\":\"layer4/ffn/up/weight\",\"kind\":\"parameter\",\"trainable\":true", ckpt.Metadata["frost.variables"], StringComparison.Ordinal);
        }

        var onnx = OnnxModel.Load(Path.Combine(output, "model.onnx"));
        Assert.Equal("[\"promo\",\"work\"]", onnx.Metadata["class_names"]);
        Assert.Empty(Directory.GetFiles(output, "*.tmp*"));
    }

    [Fact]
    public void Image_options_with_minilm_and_text_options_with_resnet18_fail_with_one_line()
    {
        var (code, _, stderr) = CliRunner.Run("finetune", "--model", "minilm", "--size", "64", "--out", Path.Combine(_dir, "a"));
        Assert.Equal(1, code);
        CliRunner.AssertOneLineError(stderr, "--size applies only with --model resnet18");
        (code, _, stderr) = CliRunner.Run("finetune", "--max-length", "64", "--out", Path.Combine(_dir, "b"));
        Assert.Equal(1, code);
        CliRunner.AssertOneLineError(stderr, "--max-length applies only with --model minilm");
        (code, _, stderr) = CliRunner.Run("finetune", "--model", "gpt", "--out", Path.Combine(_dir, "c"));
        Assert.Equal(1, code);
        CliRunner.AssertOneLineError(stderr, "--model gpt is not 'resnet18' or 'minilm'");
    }

    [Theory]
    [InlineData("--max-length", "16", "--tail", "3", "--max-length 16 does not match")]
    [InlineData("--max-length", "12", "--tail", "5", "--tail 5 does not match")]
    public void Resume_with_other_max_length_or_tail_than_the_checkpoint_fails_with_one_line_naming_the_option(string lengthOption, string length, string tailOption, string tail, string expected)
    {
        string train = Jsonl("train.jsonl", 1);
        string output = Path.Combine(_dir, "run");
        Directory.CreateDirectory(output);
        string ckpt = Path.Combine(output, "checkpoint.safetensors");
        Safetensors.Write(ckpt, [("w", "F32", [1], [0f])], new Dictionary<string, string> { ["recipe"] = "minilm-classifier;max-length=12;tail=3;classes=2" });
        var (code, _, stderr) = CliRunner.Run(
            "finetune", "--model", "minilm", "--data", train, "--test", train, lengthOption, length, tailOption, tail, "--out", output, "--resume");
        Assert.Equal(1, code);
        CliRunner.AssertOneLineError(stderr, expected);
        Assert.Contains(ckpt, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_of_a_checkpoint_without_a_text_recipe_fails_with_one_line()
    {
        string train = Jsonl("train.jsonl", 1);
        string output = Path.Combine(_dir, "run");
        Directory.CreateDirectory(output);
        Safetensors.Write(Path.Combine(output, "checkpoint.safetensors"), [("w", "F32", [1], [0f])], new Dictionary<string, string> { ["recipe"] = "resnet18-pretrained;size=64;classes=2" });
        var (code, _, stderr) = CliRunner.Run("finetune", "--model", "minilm", "--data", train, "--test", train, "--out", output, "--resume");
        Assert.Equal(1, code);
        CliRunner.AssertOneLineError(stderr, "is not a text classifier's");
    }
}
