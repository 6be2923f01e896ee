using System.Diagnostics;
using Frost.Freezing;
using Frost.IO;
using Frost.Layers;
using Frost.Optimizers;
using Frost.Text;
using Frost.Text.Data;
using Frost.Text.Tokenization;
using Frost.Training;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary>
/// Fine-tunes all-MiniLM-L6-v2 with a new head on a text classification set: the embeddings and lower layers frozen
/// (their outputs cached per text), the top layers and the head trained.
/// </summary>
internal static class TextFineTuneJob
{
    /// <summary>Texts per inference pass (feature caching and evaluation).</summary>
    private const int EvaluationBatch = 64;

    /// <summary>The shipped spam set: train and test splits as gzip JSON lines.</summary>
    public static string SpamAssassin => Path.Combine(AppContext.BaseDirectory, "data", "spam-assassin");

    public static int Run(TextFineTuneSettings s) => CliErrors.Guard(() =>
    {
        Validate(s);
        using var output = OutputFolder.Lock(s.Output);
        var total = Stopwatch.StartNew();
        string ckpt = Path.Combine(s.Output, FineTuneJob.CheckpointFile);
        if (File.Exists(ckpt) && !s.Resume && !s.Overwrite)
        {
            throw new UsageException($"finetune: {s.Output} already holds a run ({FineTuneJob.CheckpointFile}); pass --resume to continue it or --overwrite to replace it.");
        }

        if (s.Resume && !File.Exists(ckpt))
        {
            throw new UsageException($"finetune: --resume needs {ckpt}, which does not exist.");
        }

        if (s.Resume)
        {
            CheckResumable(ckpt, s);
            LoraRun.CheckResumable(ckpt, s.LoraRank);
        }

        AnsiConsole.Write(new Rule($"[bold]frost: fine-tune all-MiniLM-L6-v2 to classify texts, {(s.LoraRank > 0 ? "with LoRA adapters on its frozen base" : "its lower layers frozen")}[/]").LeftJustified());
        var (trainTexts, testTexts, source) = LoadTexts(s);
        var tokenizer = BertWordPieceTokenizer.FromMiniLm();
        var train = TokenizedTexts.Encode(trainTexts, tokenizer, s.MaxLength, s.TailPieces);
        var test = TokenizedTexts.Encode(testTexts, tokenizer, s.MaxLength, s.TailPieces);
        AnsiConsole.MarkupLine($"Data: {Markup.Escape(source)}: {train.Count} train, {test.Count} test texts; classes {Markup.Escape(string.Join(", ", train.ClassNames))}");
        AnsiConsole.MarkupLine($"Tokens: at most {s.MaxLength} word pieces per text ([[CLS]] and [[SEP]] included); {train.Truncated + test.Truncated} longer texts keep their first {s.MaxLength - 2 - s.TailPieces} and last {s.TailPieces} pieces.");

        var rng = new Rng(s.Seed);
        var recipe = new TextRecipe(s.MaxLength, s.TailPieces, train.ClassNames);
        var model = recipe.Build(rng);
        AnsiConsole.MarkupLine($"Model: all-MiniLM-L6-v2 from {MiniLmPackage.PackageId} {MiniLmPackage.PackageVersion} + mean pooling over the mask + new head {model.Config.Hidden}→{recipe.ClassNames.Count}");

        // --train globs, from the bottom up; the last is the head. Every selector must match.
        var groups = s.Train.Select(Selector.Glob).ToList();
        var optimizer = new AdamW(s.LearningRate, weightDecay: 1e-2f) { ClipGlobalNorm = 1f };

        // With --lora, adapters train on --lora-targets, and the --train globs (the head by default) train next to them.
        var trained = groups.Aggregate((a, b) => a | b);
        var lora = s.LoraRank > 0 ? LoraRun.Inject(model, s.LoraRank, s.LoraTargets, trained, optimizer, s.Seed) : null;
        var planned = lora?.Report ?? new FreezePlan(model).TrainOnly(trained).Apply(optimizer);
        if (s.HeadLearningRate != s.LearningRate && (groups.Count > 1 || lora is not null))
        {
            var head = groups[^1].Resolve(model).Where(v => v.Kind == VariableKind.Parameter).ToList();
            optimizer.AddGroup(head, learningRate: s.HeadLearningRate, name: "head");
        }

        var learner = new Learner(model, train, optimizer, test)
        {
            BatchSize = s.BatchSize,
            AccumulationSteps = s.Accumulate,
            Seed = s.Seed,
            Sampler = new LengthBucketBatches(s.Seed),
            CacheFrozenPrefix = s.CacheFrozenPrefix,
            EvaluationBatchSize = EvaluationBatch,
        };
        learner.CheckpointMetadata[TextRecipe.MetadataKey] = recipe.Text;
        learner.CheckpointMetadata[TextRecipe.ClassNamesKey] = recipe.ClassNamesJson;
        FitSetup.Apply(learner, optimizer, lora, s.Output, ckpt, s.Epochs, s.EarlyStopPatience, warmupSteps: 10, s.Resume);

        var report = new FreezePlan(model).Apply();
        TrainingOutput.PrintPlan(planned.Steps, report, optimizer);
        TrainingOutput.PrintCache(learner.DescribeCache(), " (hidden states of each text's own length)");

        if (TrainingOutput.FitAndReport(learner, s.Epochs, $"training on batches of {s.BatchSize} texts of up to {s.MaxLength} pieces", ckpt) is not (var result, var losses))
        {
            return CliErrors.Diverged;
        }

        // The accuracy printed is the model's, in inference mode, on the test split.
        ClassificationMetrics testMetrics;
        using (CliErrors.Doing($"evaluating {test.Count} texts"))
        {
            testMetrics = learner.Evaluate(test);
        }

        AnsiConsole.MarkupLine($"[bold]Test accuracy: {testMetrics.Accuracy:P2}[/] on {test.Count} texts (inference mode; macro F1 {testMetrics.MacroF1:P2})");
        AnsiConsole.WriteLine(testMetrics.FormatPerClass());

        var check = result.Frozen;
        TrainingOutput.PrintFrozenCheck(check, optimizer);

        string plot = Path.Combine(s.Output, "training.png");
        string onnx = Path.Combine(s.Output, "model.onnx");
        output.Write(plot, () => TrainingPlot.Save(plot, losses, result.Epochs, learner.StepsPerEpoch * s.Accumulate, $"MiniLM fine-tuning, {report.TrainableParameters:N0} of {report.TrainableParameters + report.FrozenParameters:N0} parameters trained"));
        LoraRun.WriteExports(lora, output, s.Output, () => output.Write(onnx, () => TextOnnx.Save(onnx, model, recipe)));
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(ckpt)}, {Markup.Escape(Path.Combine(s.Output, "metrics.csv"))}, {Markup.Escape(plot)}, {Markup.Escape(onnx)} (inputs: input_ids and attention_mask [[N, T]] int64; output: logits; class names in its metadata).");
        AnsiConsole.MarkupLine($"Done in {total.Elapsed.TotalSeconds:F0}s.");
        if (!check.FrozenIntact)
        {
            CliErrors.Report($"frozen check failed: {string.Join(", ", check.Moved)} changed during training.");
            return CliErrors.FrozenCheckFailed;
        }

        return 0;
    });

    /// <summary>The train and test texts: the shipped spam set, --data with --test, or --data split by class.</summary>
    private static (LabeledTexts Train, LabeledTexts Test, string Source) LoadTexts(TextFineTuneSettings s)
    {
        if (s.Data is null)
        {
            string folder = SpamAssassin;
            string trainFile = Path.Combine(folder, "train.jsonl.gz");
            using (CliErrors.Doing($"reading {trainFile}"))
            {
                var train = TextData.Load(trainFile);
                var test = TextData.Load(s.Test ?? Path.Combine(folder, "test.jsonl.gz"), new TextDataOptions { ClassNames = train.ClassNames });
                return (train, test, folder);
            }
        }

        using (CliErrors.Doing($"reading {s.Data}"))
        {
            var all = TextData.Load(s.Data);
            if (s.Test is not null)
            {
                return (all, TextData.Load(s.Test, new TextDataOptions { ClassNames = all.ClassNames }), s.Data);
            }

            var (train, test) = Split(all, s.TestSplit, s.Seed);
            if (train.Count == 0 || test.Count == 0)
            {
                throw new UsageException($"--test-split {s.TestSplit} of the {all.Count} texts in {s.Data} leaves no training or no test text; pass --test FILE.");
            }

            return (train, test, $"{s.Data} ({s.TestSplit:P0} of each class held out as the test split)");
        }
    }

    /// <summary>A seeded split holding out <paramref name="fraction"/> of each class.</summary>
    private static (LabeledTexts Train, LabeledTexts Test) Split(LabeledTexts all, double fraction, ulong seed)
    {
        var rng = new Rng(seed ^ 0x5EED5EEDUL);
        var train = new List<int>();
        var test = new List<int>();
        for (int c = 0; c < all.ClassNames.Count; c++)
        {
            int[] members = [.. Enumerable.Range(0, all.Count).Where(i => all.Labels[i] == c)];
            rng.Shuffle(members.AsSpan());
            int held = (int)Math.Round(members.Length * fraction);
            test.AddRange(members[..held]);
            train.AddRange(members[held..]);
        }

        train.Sort();
        test.Sort();
        return (all.Subset(train), all.Subset(test));
    }

    /// <summary>Refuses --resume when the checkpoint was trained on texts cut differently (--max-length, --tail).</summary>
    private static void CheckResumable(string ckpt, TextFineTuneSettings s)
    {
        string? text;
        using (CliErrors.Doing($"reading {ckpt}"))
        {
            using var file = Safetensors.Open(ckpt);
            file.Metadata.TryGetValue(TextRecipe.MetadataKey, out text);
        }

        if (text is null)
        {
            throw new UsageException($"finetune: {ckpt} has no '{TextRecipe.MetadataKey}' entry; --resume continues only a run of 'frost finetune --model minilm' or 'frost demo text'.");
        }

        var (maxLength, tail, _) = TextRecipe.ParseFields(text, ckpt);
        if (maxLength != s.MaxLength)
        {
            throw new UsageException($"finetune: --max-length {s.MaxLength} does not match {ckpt}, trained with --max-length {maxLength}; pass --max-length {maxLength} to resume it or --overwrite to start over.");
        }

        if (tail != s.TailPieces)
        {
            throw new UsageException($"finetune: --tail {s.TailPieces} does not match {ckpt}, trained with --tail {tail}; pass --tail {tail} to resume it or --overwrite to start over.");
        }
    }

    /// <summary>Checks every option before anything is loaded or allocated.</summary>
    private static void Validate(TextFineTuneSettings s)
    {
        OptionRules.Range("--max-length", s.MaxLength, 3, BertConfig.MiniLmL6.MaxPositions);
        OptionRules.Range("--tail", s.TailPieces, 0, s.MaxLength - 3);
        OptionRules.Range("--epochs", s.Epochs, 1, 10_000);
        OptionRules.Range("--batch-size", s.BatchSize, 1, 4096);
        OptionRules.LearningRate("--lr", s.LearningRate);
        OptionRules.LearningRate("--head-lr", s.HeadLearningRate);
        OptionRules.Range("--accumulate", s.Accumulate, 1, 1024);
        OptionRules.Range("--early-stop", s.EarlyStopPatience, 0, 10_000);
        OptionRules.Fraction("--test-split", s.TestSplit);
        foreach (var (option, path) in new[] { ("--data", s.Data), ("--test", s.Test) })
        {
            if (path is not null && !File.Exists(path) && !Directory.Exists(path))
            {
                throw new UsageException($"{option} {path} does not exist (expected a JSON lines or CSV file with 'text' and 'label', or a folder per class of .txt files).");
            }
        }

        if (s.Train.Length == 0 || s.Train.Any(string.IsNullOrWhiteSpace))
        {
            throw new UsageException("--train needs at least one non-empty glob (e.g. 'layer[4-5]/**' 'head/**').");
        }

        LoraRun.Validate(s.LoraRank, s.LoraTargets);

        if (s.Resume && s.Overwrite)
        {
            throw new UsageException("--resume and --overwrite exclude each other.");
        }
    }
}
