using System.Diagnostics;
using System.Globalization;
using Frost.Data;
using Frost.Freezing;
using Frost.Layers;
using Frost.Onnx;
using Frost.Optimizers;
using Frost.Training;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary>Fine-tunes the pretrained ResNet18 on an image classification set with its early layers frozen.</summary>
internal static class FineTuneJob
{
    public const string CheckpointFile = "checkpoint.safetensors";

    /// <summary>Most images per inference pass (feature caching and evaluation).</summary>
    private const int EvaluationBatch = 256;

    /// <summary>Memory an inference batch may take beyond a training batch's (the bound of <see cref="Recipe.MinimumForwardBytes(int, int)"/>).</summary>
    private const long EvaluationBatchBytes = 128L << 20;

    /// <summary>
    /// Images per inference pass: a multiple of the training batch (so the buffers of one size serve both), as many
    /// as fit <see cref="EvaluationBatchBytes"/> by the forward bound, at most <see cref="EvaluationBatch"/> unless
    /// that is less than one training batch (256 at 64x64 with batches of 64; one training batch at 224x224).
    /// </summary>
    private static int EvaluationBatchFor(FineTuneSettings s)
    {
        long fit = EvaluationBatchBytes / Recipe.MinimumForwardBytes(s.InputSize, s.BatchSize);
        long k = Math.Clamp(Math.Min(fit, EvaluationBatch / s.BatchSize), 1, EvaluationBatch);
        return (int)(k * s.BatchSize);
    }

    public static int Run(FineTuneSettings s) => CliErrors.Guard(() =>
    {
        Validate(s);
        using var distributed = s.Distributed ? DistributedRun.Start() : null;

        // Rank 0 holds the output folder and writes to it; the other ranks only read a checkpoint to resume.
        using var output = distributed is { IsRoot: false } ? null : OutputFolder.Lock(s.Output);
        var total = Stopwatch.StartNew();
        string ckpt = Path.Combine(s.Output, CheckpointFile);
        if (File.Exists(ckpt) && !s.Resume && !s.Overwrite)
        {
            throw new UsageException($"finetune: {s.Output} already holds a run ({CheckpointFile}); pass --resume to continue it or --overwrite to replace it.");
        }

        if (s.Resume && !File.Exists(ckpt))
        {
            throw new UsageException($"finetune: --resume needs {ckpt}, which does not exist.");
        }

        if (s.Resume)
        {
            LoraRun.CheckResumable(ckpt, s.LoraRank);
        }

        string folder = s.Data ?? DataPaths.FashionMnistSmall;
        var data = ImageData.ForTraining(folder, s);
        AnsiConsole.Write(new Rule("[bold]frost: fine-tune a pretrained ResNet18 with its early layers frozen[/]").LeftJustified());
        AnsiConsole.MarkupLine($"Data: {Markup.Escape(folder)}: {Markup.Escape(data.Description)}");

        var rng = new Rng(s.Seed);
        var recipe = Recipe.ForResNet18(s.InputSize, data.ClassNames);
        var model = recipe.Build(rng);
        AnsiConsole.MarkupLine($"Model: pretrained ResNet18 from {Markup.Escape(Path.GetFileName(PretrainedModels.FindResNet18()))} ({PretrainedModels.ResNet18PackageId} {PretrainedModels.ResNet18PackageVersion}) + new head 512→{recipe.Classes}");

        // --train globs, from the bottom up; the last is the head. Every selector must match.
        var groups = s.Train.Select(Selector.Glob).ToList();
        var trained = groups.Aggregate((a, b) => a | b);
        var plan = new FreezePlan(model).TrainOnly(trained);
        if (s.TrainBatchNorm)
        {
            plan.TrainBatchNorm();
        }

        var optimizer = new AdamW(s.LearningRate, weightDecay: 1e-4f) { ClipGlobalNorm = 5f };

        // With --lora, adapters train on --lora-targets, and the --train globs (the head by default) train next to them.
        var lora = s.LoraRank > 0 ? LoraRun.Inject(model, s.LoraRank, s.LoraTargets, s.TrainBatchNorm ? trained | Selector.AllLayersOfType<BatchNorm2D>() : trained, optimizer, s.Seed) : null;
        var planned = lora?.Report ?? plan.Apply(optimizer);
        var topFirst = Enumerable.Reverse(groups).ToList();
        var schedule = ParseSchedule(s.UnfreezeSchedule, topFirst);
        schedule?.Apply(model, optimizer, 0);
        AddLearningRateGroups(s, optimizer, model, topFirst);

        var testSet = data.Test;
        IDataset fitSet = data.Train, validation = testSet;
        if (s.ValidationSplit > 0 && !data.IsImageFolder)
        {
            var (t, v) = Subset.Split(data.Train, s.ValidationSplit, s.Seed);
            (fitSet, validation) = (t, v);
        }

        var learner = new Learner(model, fitSet, optimizer, validation)
        {
            BatchSize = s.BatchSize,
            AccumulationSteps = s.Accumulate,
            Seed = s.Seed,
            CacheFrozenPrefix = s.CacheFrozenPrefix,
            EvaluationBatchSize = EvaluationBatchFor(s),
            Unfreezing = schedule,
            DataParallel = distributed?.DataParallel,
        };
        learner.CheckpointMetadata[Recipe.MetadataKey] = recipe.ToJson();
        FitSetup.Apply(learner, optimizer, lora, s.Output, ckpt, s.Epochs, s.EarlyStopPatience, warmupSteps: 20, s.Resume);

        if (distributed is not null)
        {
            AnsiConsole.MarkupLine(Markup.Escape(distributed.Describe(s.BatchSize)));
        }

        var report = new FreezePlan(model).Apply();
        TrainingOutput.PrintPlan(planned.Steps, report, optimizer);
        TrainingOutput.PrintCache(learner.DescribeCache());
        if (schedule is not null)
        {
            AnsiConsole.MarkupLine($"Unfreezing: {Markup.Escape(string.Join("; ", schedule.Steps.Select(st => $"epoch {st.Epoch + 1}: {st.Group.Description}")))}");
        }

        if (TrainingOutput.FitAndReport(learner, s.Epochs, $"training on batches of {s.BatchSize} images of {s.InputSize}x{s.InputSize}", ckpt) is not (var result, var losses))
        {
            return CliErrors.Diverged;
        }

        // The accuracy printed is the model's, in inference mode, on the test split.
        ClassificationMetrics testMetrics;
        using (CliErrors.Doing($"evaluating {testSet.Count} images"))
        {
            testMetrics = learner.Evaluate(testSet);
        }

        foreach (string w in data.Warnings)
        {
            AnsiConsole.MarkupLine($"[yellow]Left out:[/] {Markup.Escape(w)}");
        }

        AnsiConsole.MarkupLine($"[bold]{(data.IsImageFolder ? "Validation" : "Test")} accuracy: {testMetrics.Accuracy:P2}[/] on {testMetrics.Count} images (inference mode; top-{testMetrics.TopK} {testMetrics.TopKAccuracy:P1})");

        var check = result.Frozen;
        TrainingOutput.PrintFrozenCheck(check, optimizer);

        if (output is null)
        {
            return check.FrozenIntact ? 0 : CliErrors.FrozenCheckFailed;
        }

        string plot = Path.Combine(s.Output, "training.png");
        string onnx = Path.Combine(s.Output, "model.onnx");
        output.Write(plot, () => TrainingPlot.Save(plot, losses, result.Epochs, learner.StepsPerEpoch * s.Accumulate, $"ResNet18 fine-tuning, {report.TrainableParameters:N0} of {report.TrainableParameters + report.FrozenParameters:N0} parameters trained"));
        LoraRun.WriteExports(lora, output, s.Output, () => output.WriteOnnx(onnx, model, recipe));
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(ckpt)}, {Markup.Escape(Path.Combine(s.Output, "metrics.csv"))}, {Markup.Escape(plot)}, {Markup.Escape(onnx)} (input: RGB 0..255, shape [[N, 3, {s.InputSize}, {s.InputSize}]]).");
        AnsiConsole.MarkupLine($"Done in {total.Elapsed.TotalSeconds:F0}s.");
        if (!check.FrozenIntact)
        {
            CliErrors.Report($"frozen check failed: {string.Join(", ", check.Moved)} changed during training.");
            return CliErrors.FrozenCheckFailed;
        }

        return 0;
    });

    /// <summary>The head's rate for the top group; with a spread, the rest from --lr down by the factor per group.</summary>
    private static void AddLearningRateGroups(FineTuneSettings s, Optimizer optimizer, Layer model, List<Selector> topFirst)
    {
        if (s.LearningRateSpread > 0 && topFirst.Count > 1)
        {
            LearningRates.Spread(optimizer, model, topFirst.Skip(1).ToList(), s.LearningRate, s.LearningRateSpread);
        }

        if (s.HeadLearningRate != s.LearningRate || s.LearningRateSpread > 0)
        {
            var taken = new HashSet<Variable>(optimizer.Groups.SelectMany(g => g.Variables), ReferenceEqualityComparer.Instance);
            var head = topFirst[0].Resolve(model).Where(v => v.Kind == VariableKind.Parameter && !taken.Contains(v)).ToList();
            if (head.Count > 0)
            {
                optimizer.AddGroup(head, learningRate: s.HeadLearningRate, name: "head");
            }
        }
    }

    private static UnfreezeSchedule? ParseSchedule(string? text, List<Selector> topFirst)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var parts = text.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int epochs) || epochs < 1
            || parts[0] is not ("head-first" or "gradual"))
        {
            throw new UsageException($"finetune: --unfreeze-schedule '{text}' is not 'head-first:E' or 'gradual:E' with E ≥ 1 epochs.");
        }

        if (topFirst.Count < 2)
        {
            throw new UsageException("finetune: --unfreeze-schedule needs at least two --train groups (the head last).");
        }

        return parts[0] == "head-first"
            ? UnfreezeSchedule.HeadFirst(topFirst[0], topFirst.Skip(1).Aggregate((a, b) => a | b), epochs)
            : UnfreezeSchedule.Gradual(topFirst, epochs);
    }

    /// <summary>Checks every option before anything is loaded or allocated.</summary>
    private static void Validate(FineTuneSettings s)
    {
        OptionRules.Range("--size", s.InputSize, Recipe.MinSize, Recipe.MaxSize);
        OptionRules.Range("--epochs", s.Epochs, 1, 10_000);
        OptionRules.Range("--batch-size", s.BatchSize, 1, 4096);
        OptionRules.Range("--train-count", s.TrainCount, 1, int.MaxValue);
        OptionRules.Range("--test-count", s.TestCount, 1, int.MaxValue);
        OptionRules.LearningRate("--lr", s.LearningRate);
        OptionRules.LearningRate("--head-lr", s.HeadLearningRate);
        OptionRules.Range("--accumulate", s.Accumulate, 1, 1024);
        OptionRules.Range("--early-stop", s.EarlyStopPatience, 0, 10_000);
        OptionRules.Fraction("--val-split", s.ValidationSplit);
        OptionRules.Factor("--lr-spread", s.LearningRateSpread);
        OptionRules.DataFolder("--data", s.Data);
        if (!(s.ColorJitter >= 0 && s.ColorJitter <= 1))
        {
            throw new UsageException($"--color-jitter {s.ColorJitter.ToString(CultureInfo.InvariantCulture)} is outside the accepted range 0..1.");
        }
        if (s.Train.Length == 0 || s.Train.Any(string.IsNullOrWhiteSpace))
        {
            throw new UsageException("--train needs at least one non-empty glob (e.g. 'stage4/**').");
        }

        LoraRun.Validate(s.LoraRank, s.LoraTargets);
        if (s.LoraRank > 0 && (s.UnfreezeSchedule is not null || s.LearningRateSpread > 0))
        {
            throw new UsageException("--lora trains adapters from the start; it does not combine with --unfreeze-schedule or --lr-spread.");
        }

        if (s.Resume && s.Overwrite)
        {
            throw new UsageException("--resume and --overwrite exclude each other.");
        }

        int batch = EvaluationBatchFor(s);
        MemoryBudget.Require($"--size {s.InputSize} with {batch} images per forward pass", Recipe.MinimumForwardBytes(s.InputSize, batch), "use a smaller --size or --batch-size");
    }
}
