using System.Diagnostics;
using Frost.Data;
using Frost.Freezing;
using Frost.IO;
using Frost.Layers;
using Frost.Onnx;
using Frost.Optimizers;
using Frost.Training;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary>Fine-tunes the pretrained ResNet18 on an image classification set with its early layers frozen.</summary>
internal static class FineTuneJob
{
    /// <summary>Images per forward pass when caching the frozen prefix's features.</summary>
    private const int CacheBatch = 128;

    public static int Run(FineTuneSettings s) => CliErrors.Guard(() =>
    {
        Validate(s);
        using var output = OutputFolder.Lock(s.Output);
        var total = Stopwatch.StartNew();
        string folder = s.Data ?? DataPaths.FashionMnistSmall;
        var train = CliData.Load(folder, "train", s.TrainCount, "--train-count");
        var test = CliData.Load(folder, "test", s.TestCount, "--test-count");
        AnsiConsole.Write(new Rule("[bold]frost: fine-tune a pretrained ResNet18 with its early layers frozen[/]").LeftJustified());
        AnsiConsole.MarkupLine($"Data: {Markup.Escape(folder)}: {train.Count} train, {test.Count} test images, {train.Images.Shape[2]}x{train.Images.Shape[3]} → {s.InputSize}x{s.InputSize} RGB");

        var rng = new Rng(s.Seed);
        var recipe = new Recipe(s.InputSize, train.ClassNames.Count);
        var model = recipe.Build(rng);
        AnsiConsole.MarkupLine($"Model: pretrained ResNet18 from {Markup.Escape(Path.GetFileName(PretrainedModels.FindResNet18()))} ({PretrainedModels.ResNet18PackageId} {PretrainedModels.ResNet18PackageVersion}) + new head 512→{recipe.Classes}");

        // Freeze everything except the selected parts; every selector must match.
        var trainSelector = s.Train.Select(Selector.Glob).Aggregate((a, b) => a | b);
        var plan = new FreezePlan(model).TrainOnly(trainSelector);
        if (s.TrainBatchNorm)
        {
            plan.TrainBatchNorm();
        }

        var optimizer = new AdamW(s.LearningRate, weightDecay: 1e-4f) { ClipGlobalNorm = 5f };
        var report = plan.Apply(optimizer);
        AnsiConsole.Write(new Panel(Markup.Escape(Condense(report))).Header("freeze plan").Expand());

        var head = model["head"].TrainableVariables.ToList();
        if (head.Count > 0 && s.HeadLearningRate != s.LearningRate)
        {
            optimizer.AddGroup(head, learningRate: s.HeadLearningRate, name: "head");
        }

        // Frozen, deterministic leading layers run once per image instead of once per epoch.
        int prefix = s.CacheFrozenPrefix ? FrozenPrefix.Length(model) : 0;
        var toInput = ImageInput.For(s.InputSize);
        LabeledImages trainSet = train, testSet = test;
        Func<Tensor, Tensor> transform = toInput;
        if (prefix > 0)
        {
            string names = string.Join(", ", model.Children.Take(prefix).Select(c => c.Name));
            AnsiConsole.MarkupLine($"Frozen prefix [bold]{Markup.Escape(names)}[/]: computed once per image and cached (no recomputation, no activations kept).");
            Tensor? trainFeatures = null, testFeatures = null;
            using (CliErrors.Doing($"caching the frozen prefix's features for {train.Count + test.Count} images"))
            {
                TrainingOutput.Progress().Start(ctx =>
                {
                    var t1 = ctx.AddTask("caching train features", maxValue: train.Count);
                    trainFeatures = FrozenPrefix.Precompute(model, prefix, train.Images, CacheBatch, toInput, (d, _) => t1.Value = d);
                    var t2 = ctx.AddTask("caching test features", maxValue: test.Count);
                    testFeatures = FrozenPrefix.Precompute(model, prefix, test.Images, CacheBatch, toInput, (d, _) => t2.Value = d);
                });
            }
            trainSet = new LabeledImages(trainFeatures!, train.Labels, train.ClassNames);
            testSet = new LabeledImages(testFeatures!, test.Labels, test.ClassNames);
            transform = x => x;
            AnsiConsole.MarkupLine($"Cached features: {Markup.Escape(trainFeatures!.Shape.ToString())} ({LayerSummary.FormatBytes((long)(trainFeatures.Size + testFeatures!.Size) * 4)})");
        }

        int stepsPerEpoch = Batches.Count(trainSet.Count, s.BatchSize);
        optimizer.Schedule = new LinearWarmup(Math.Min(20, stepsPerEpoch), new CosineDecay((s.Epochs * stepsPerEpoch) - Math.Min(20, stepsPerEpoch), 0.02f));
        int end = model.Children.Count;
        var trainer = new ClassifierTrainer((x, _) => model.CallRange(transform(x), prefix, end), optimizer)
        {
            BatchSize = s.BatchSize,
            Rng = rng.Fork(),
        };
        var losses = new List<float>();
        List<EpochResult> results;
        using (CliErrors.Doing($"training on batches of {s.BatchSize} images"))
        {
            results = TrainingOutput.RunEpochs(trainer, trainSet, testSet, s.Epochs, losses.Add);
        }

        TrainingOutput.PrintEpochs(results);
        AnsiConsole.MarkupLine($"[bold]Test accuracy: {results[^1].TestAccuracy:P2}[/] on {test.Count} images");

        var check = plan.VerifyFrozen();
        AnsiConsole.MarkupLine(check.FrozenIntact
            ? $"[green]Frozen check:[/] {check.Checked} frozen variables bit-identical to their SHA-256 fingerprints."
            : $"[red]Frozen check failed:[/] {Markup.Escape(string.Join(", ", check.Moved))}");
        if (check.NeverChanged.Count > 0)
        {
            AnsiConsole.MarkupLine($"[yellow]Trainable but unchanged:[/] {Markup.Escape(string.Join(", ", check.NeverChanged))}");
        }

        AnsiConsole.MarkupLine($"Optimizer state: {LayerSummary.FormatBytes(optimizer.StateBytes)} for {optimizer.State.Count} trainable variables (none for frozen ones).");

        string ckpt = Path.Combine(s.Output, "checkpoint.safetensors");
        string plot = Path.Combine(s.Output, "training.png");
        string onnx = Path.Combine(s.Output, "model.onnx");
        output.Write(ckpt, () => Checkpoint.Save(ckpt, model, new CheckpointOptions
        {
            Optimizer = optimizer,
            Plan = plan,
            Metadata = new Dictionary<string, string> { [Recipe.MetadataKey] = recipe.Text },
        }));
        output.Write(plot, () => TrainingPlot.Save(plot, losses, results, stepsPerEpoch, $"ResNet18 fine-tuning, {report.TrainableParameters:N0} of {report.TrainableParameters + report.FrozenParameters:N0} parameters trained"));
        model.Training = false;
        output.WriteOnnx(onnx, model, new Shape(1, 3, s.InputSize, s.InputSize));
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(ckpt)}, {Markup.Escape(plot)}, {Markup.Escape(onnx)} (input: RGB 0..255, shape [[N, 3, {s.InputSize}, {s.InputSize}]]).");
        AnsiConsole.MarkupLine($"Done in {total.Elapsed.TotalSeconds:F0}s.");
        if (!check.FrozenIntact)
        {
            CliErrors.Report($"frozen check failed: {string.Join(", ", check.Moved)} changed during training.");
            return CliErrors.FrozenCheckFailed;
        }

        return 0;
    });


    /// <summary>The plan's steps and totals, with per-variable rows folded by top-level block.</summary>
    private static string Condense(FreezeReport report)
    {
        var lines = report.Steps.ToList();
        foreach (var g in report.Rows.GroupBy(r => r.Name.Split('/')[0]))
        {
            long p = g.Where(r => !r.IsState).Sum(r => r.Parameters);
            var statuses = g.Where(r => !r.IsState).Select(r => r.Label).Distinct().ToList();
            string status = statuses.Count == 0 ? "constants" : string.Join("/", statuses);
            lines.Add($"  {g.Key,-12} {g.Count(),3} variables  {p,12:N0} params  {status}");
        }

        var totals = report.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        lines.Add(totals);
        return string.Join('\n', lines);
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
        OptionRules.DataFolder("--data", s.Data);
        if (s.Train.Length == 0 || s.Train.Any(string.IsNullOrWhiteSpace))
        {
            throw new UsageException("--train needs at least one non-empty glob (e.g. 'stage4/**').");
        }

        int batch = s.CacheFrozenPrefix ? Math.Max(s.BatchSize, CacheBatch) : s.BatchSize;
        var recipe = new Recipe(s.InputSize, LabeledImages.FashionMnistClasses.Count);
        MemoryBudget.Require($"--size {s.InputSize} with {batch} images per forward pass", recipe.MinimumForwardBytes(batch), "use a smaller --size or --batch-size");
    }
}
