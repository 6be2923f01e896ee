namespace Frost.Cli.Commands;

/// <summary>Options of a fine-tuning run; the defaults are the demo.</summary>
internal sealed record FineTuneSettings
{
    public string? Data { get; init; }

    public int InputSize { get; init; } = 64;

    public int TrainCount { get; init; } = 3000;

    public int TestCount { get; init; } = 1000;

    public int Epochs { get; init; } = 3;

    public int BatchSize { get; init; } = 64;

    public float LearningRate { get; init; } = 1e-3f;

    public float HeadLearningRate { get; init; } = 3e-3f;

    public string[] Train { get; init; } = ["stage4/**", "head/**"];

    public bool TrainBatchNorm { get; init; }

    public bool CacheFrozenPrefix { get; init; } = true;

    public ulong Seed { get; init; } = 1;

    public string Output { get; init; } = Path.Combine("runs", "demo");
}
