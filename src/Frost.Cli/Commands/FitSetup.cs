using Frost.Adapters;
using Frost.Optimizers;
using Frost.Training;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary>What both fine-tuning jobs set up on a learner before fitting.</summary>
internal static class FitSetup
{
    /// <summary>
    /// Records the adapters' recipe (when <paramref name="lora"/> is given) in the checkpoint metadata, adds the
    /// metrics log, a checkpoint after every epoch and early stopping (<paramref name="earlyStop"/> &gt; 0), sets a
    /// linear warm-up of at most <paramref name="warmupSteps"/> steps then cosine decay over
    /// <paramref name="epochs"/>, and continues <paramref name="ckpt"/> when <paramref name="resume"/> says so.
    /// </summary>
    public static void Apply(Learner learner, Optimizer optimizer, LoraInjection? lora, string output, string ckpt, int epochs, int earlyStop, int warmupSteps, bool resume)
    {
        if (lora is not null)
        {
            learner.CheckpointMetadata[LoraRun.MetadataKey] = lora.Recipe.ToJson();
        }

        learner.Callbacks.Add(new CsvMetricsLog(Path.Combine(output, "metrics.csv")));
        learner.Callbacks.Add(new CheckpointEvery(ckpt));
        if (earlyStop > 0)
        {
            learner.Callbacks.Add(new EarlyStopping(earlyStop));
        }

        int stepsPerEpoch = learner.StepsPerEpoch;
        int warmup = Math.Min(warmupSteps, stepsPerEpoch);
        optimizer.Schedule = new LinearWarmup(warmup, new CosineDecay(Math.Max(1, (epochs * stepsPerEpoch) - warmup), 0.02f));
        if (resume)
        {
            learner.Resume(ckpt);
            AnsiConsole.MarkupLine($"Resumed {Markup.Escape(ckpt)} after epoch {learner.Epoch} of {epochs}.");
        }
    }
}
