namespace Frost.Cli.Commands;

/// <summary>Options of a text fine-tuning run; the defaults are <c>frost demo text</c>.</summary>
internal sealed record TextFineTuneSettings
{
    /// <summary>The learning rate of LoRA adapters when --lr is not given: low-rank updates start at zero and need a higher rate than whole layers.</summary>
    public const float LoraLearningRate = 1e-3f;

    /// <summary>Training texts: JSON lines, CSV, or a folder per class (default: the shipped spam set).</summary>
    public string? Data { get; init; }

    /// <summary>Test texts in the same forms (default: the shipped test split with the shipped data, else a held-out share of --data).</summary>
    public string? Test { get; init; }

    /// <summary>Word pieces per text, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; init; } = 128;

    /// <summary>Pieces kept from the end of a text that is too long.</summary>
    public int TailPieces { get; init; } = 32;

    public int Epochs { get; init; } = 3;

    public int BatchSize { get; init; } = 32;

    public float LearningRate { get; init; } = 2e-4f;

    public float HeadLearningRate { get; init; } = 2e-3f;

    public string[] Train { get; init; } = ["layer[4-5]/**", "head/**"];

    public bool CacheFrozenPrefix { get; init; } = true;

    public ulong Seed { get; init; } = 1;

    public string Output { get; init; } = Path.Combine("runs", "demo-text");

    public bool Resume { get; init; }

    public bool Overwrite { get; init; }

    public int EarlyStopPatience { get; init; }

    public int Accumulate { get; init; } = 1;

    /// <summary>Fraction of --data held out as the test split when no --test is given.</summary>
    public double TestSplit { get; init; } = 0.2;

    /// <summary>Rank of the LoRA adapters (0: no adapters; the --train globs train the weights themselves).</summary>
    public int LoraRank { get; init; }

    /// <summary>Globs of the variables whose layers get LoRA adapters.</summary>
    public string[] LoraTargets { get; init; } = LoraRun.AttentionTargets;
}
