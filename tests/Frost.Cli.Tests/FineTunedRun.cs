namespace Frost.Cli.Tests;

/// <summary>One small fine-tuning run whose checkpoint the command-line tests evaluate, export, inspect and damage.</summary>
public sealed class FineTunedRun : IDisposable
{
    public FineTunedRun()
    {
        Folder = Directory.CreateTempSubdirectory("frost-cli-run-").FullName;
        (Code, Output, Error) = CliRunner.Run("finetune", "--size", "32", "--train-count", "96", "--test-count", "64", "--epochs", "1",
            "--batch-size", "32", "--train", "stage4/block2/**", "head/**", "--out", Folder);
    }

    public string Folder { get; }

    public int Code { get; }

    public string Output { get; }

    public string Error { get; }

    public string Checkpoint => Path.Combine(Folder, "checkpoint.safetensors");

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>Tests that redirect the console run one at a time and share one fine-tuning run.</summary>
[CollectionDefinition("console")]
public sealed class ConsoleCollection : ICollectionFixture<FineTunedRun>;
