namespace Frost.Cli.Commands;

/// <summary>Options of a fine-tuning run; the defaults are the demo.</summary>
internal sealed record FineTuneSettings
{
    /// <summary>Fraction of an image folder held out for validation when it has no val/ or test/ folder and --val-split is not given.</summary>
    public const double DefaultFolderValidationSplit = 0.2;

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

    /// <summary>Continue the run saved in the output folder.</summary>
    public bool Resume { get; init; }

    /// <summary>Replace a run already in the output folder.</summary>
    public bool Overwrite { get; init; }

    /// <summary>Stop after this many epochs without a better validation loss (0: never).</summary>
    public int EarlyStopPatience { get; init; }

    /// <summary>None, <c>head-first:E</c> or <c>gradual:E</c>.</summary>
    public string? UnfreezeSchedule { get; init; }

    /// <summary>Divide the learning rate by this factor per --train group below the head (0: no spread).</summary>
    public float LearningRateSpread { get; init; }

    /// <summary>Micro-batches per optimizer step.</summary>
    public int Accumulate { get; init; } = 1;

    /// <summary>Fraction of the training images held out for validation (0: validate on the test split).</summary>
    public double ValidationSplit { get; init; }

    /// <summary>Train data-parallel with the other processes of the MPI job this one was launched in.</summary>
    public bool Distributed { get; init; }

    /// <summary>Rank of the LoRA adapters (0: no adapters; the --train globs train the weights themselves).</summary>
    public int LoraRank { get; init; }

    /// <summary>Globs of the variables whose layers get LoRA adapters.</summary>
    public string[] LoraTargets { get; init; } = ["stage[3-4]/**/conv*/weight"];

    /// <summary>Augment training images of an image folder (random resized crop, horizontal flip).</summary>
    public bool Augment { get; init; } = true;

    /// <summary>Image folders: at most this many training images (a seeded sample), when --train-count is given.</summary>
    public int? FolderTrainCount { get; init; }

    /// <summary>Image folders: at most this many validation images (a seeded sample), when --test-count is given.</summary>
    public int? FolderTestCount { get; init; }

    /// <summary>Colour jitter of brightness, contrast and saturation for augmented images (0: off).</summary>
    public double ColorJitter { get; init; }

    /// <summary>What to do with an image file that cannot be decoded.</summary>
    public Frost.Vision.BadImagePolicy BadImages { get; init; }
}
