using Frost.IO;

namespace Frost.Cli.Tests;

[Collection("console")]
public sealed class CliTests(FineTunedRun run) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Output) Run(params string[] args)
    {
        var (code, output, error) = CliRunner.Run(args);
        return (code, output + error);
    }

    [Fact]
    public void Finetune_runs_end_to_end_and_its_checkpoint_evaluates_and_exports()
    {
        var (code, output) = (run.Code, run.Output + run.Error);
        Assert.True(code == 0, output);
        Assert.Empty(run.Error);
        Assert.Contains("frozen variables bit-identical", output, StringComparison.Ordinal);
        Assert.Contains("stage4/block2", output, StringComparison.Ordinal);
        string ckpt = run.Checkpoint;
        Assert.True(File.Exists(ckpt));
        Assert.True(new FileInfo(Path.Combine(run.Folder, "training.png")).Length > 1000);
        Assert.True(File.Exists(Path.Combine(run.Folder, "model.onnx")));
        Assert.Empty(Directory.GetFiles(run.Folder, "*.tmp*"));

        // Every variable is in the checkpoint, frozen or not, with its flag.
        using var st = Safetensors.Open(ckpt);
        Assert.Contains("stem/conv/weight", st.Entries.Keys);
        Assert.Contains("\"name\":\"stem/conv/weight\",\"kind\":\"parameter\",\"trainable\":false", st.Metadata["frost.variables"], StringComparison.Ordinal);

        var (evalCode, evalOut) = Run("eval", ckpt, "--count", "64");
        Assert.True(evalCode == 0, evalOut);
        Assert.Contains("Accuracy:", evalOut, StringComparison.Ordinal);

        string onnx = Path.Combine(_dir, "again.onnx");
        var (exportCode, exportOut) = Run("export", ckpt, "--out", onnx);
        Assert.True(exportCode == 0, exportOut);
        Assert.Equal(File.ReadAllBytes(Path.Combine(run.Folder, "model.onnx")), File.ReadAllBytes(onnx));

        var (inspectCode, inspectOut) = Run("inspect", ckpt);
        Assert.True(inspectCode == 0, inspectOut);
        Assert.Contains("frozen (sha256", inspectOut, StringComparison.Ordinal);
        Assert.Contains("verified", inspectOut, StringComparison.Ordinal);
    }

    [Fact]
    public void A_selector_that_matches_nothing_fails_with_one_line()
    {
        var (code, _, error) = CliRunner.Run("finetune", "--train", "stage9/**", "--out", _dir, "--train-count", "10", "--test-count", "10");
        Assert.Equal(1, code);
        CliRunner.AssertOneLineError(error, "error: Selector glob 'stage9/**' matched no variable");
        Assert.Contains("Closest names:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_files_name_the_file()
    {
        var (code, _, error) = CliRunner.Run("eval", Path.Combine(_dir, "nope.safetensors"));
        Assert.Equal(1, code);
        CliRunner.AssertOneLineError(error, "nope.safetensors does not exist");

        string junk = Path.Combine(_dir, "junk.safetensors");
        File.WriteAllBytes(junk, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        (code, _, error) = CliRunner.Run("inspect", junk);
        Assert.Equal(1, code);
        CliRunner.AssertOneLineError(error, "junk.safetensors: header length");
    }

    [Fact]
    public void Inspect_shows_the_pretrained_model_structure()
    {
        var (code, output) = Run("inspect", "resnet18");
        Assert.True(code == 0, output);
        Assert.Contains("Conv                  22", output, StringComparison.Ordinal);
        Assert.Contains("stage4", output, StringComparison.Ordinal);
    }

    private static string Between(string text, string before, string after)
    {
        int i = text.IndexOf(before, StringComparison.Ordinal);
        Assert.True(i >= 0, $"'{before}' not in: {text}");
        i += before.Length;
        return text[i..text.IndexOf(after, i, StringComparison.Ordinal)];
    }

    [Fact]
    public void The_printed_test_accuracy_is_the_saved_models_inference_accuracy()
    {
        // Stage 4 trains with its batch norms: evaluating in training mode would both change the accuracy and
        // overwrite the running statistics saved in the checkpoint.
        var (code, output) = Run("finetune", "--size", "32", "--train-count", "128", "--test-count", "96", "--epochs", "2",
            "--batch-size", "32", "--train", "stage4/**", "head/**", "--out", _dir);
        Assert.True(code == 0, output);
        string printed = Between(output, "Test accuracy: ", "%");
        string ckpt = Path.Combine(_dir, "checkpoint.safetensors");
        var (evalCode, evalOut) = Run("eval", ckpt, "--count", "96");
        Assert.True(evalCode == 0, evalOut);
        Assert.Equal(printed, Between(evalOut, "Accuracy: ", "%"));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_dir, "metrics.csv")).Length);

        // The folder holds a run now: refused unless resumed or overwritten.
        var (again, againOut) = Run("finetune", "--size", "32", "--train-count", "128", "--test-count", "96", "--epochs", "2", "--out", _dir);
        Assert.Equal(1, again);
        Assert.Contains("--resume", againOut, StringComparison.Ordinal);

        // Resuming a finished run trains nothing more and reports the same model.
        var (resumed, resumedOut) = Run("finetune", "--size", "32", "--train-count", "128", "--test-count", "96", "--epochs", "2",
            "--batch-size", "32", "--train", "stage4/**", "head/**", "--out", _dir, "--resume");
        Assert.True(resumed == 0, resumedOut);
        Assert.Contains("Resumed", resumedOut, StringComparison.Ordinal);
        Assert.Equal(printed, Between(resumedOut, "Test accuracy: ", "%"));
    }
}
