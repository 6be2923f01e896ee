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
    public static int Run(FineTuneSettings s) => CliErrors.Guard(() =>
    {
        Validate(s);
        var total = Stopwatch.StartNew();
        string folder = s.Data ?? DataPaths.FashionMnistSmall;
        var train = LabeledImages.LoadIdx(folder, "train", LabeledImages.FashionMnistClasses);
        var test = LabeledImages.LoadIdx(folder, "test", LabeledImages.FashionMnistClasses);
        train = train.Take(Math.Min(s.TrainCount, train.Count));
        test = test.Take(Math.Min(s.TestCount, test.Count));
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
            TrainingOutput.Progress().Start(ctx =>
            {
                var t1 = ctx.AddTask("caching train features", maxValue: train.Count);
                trainFeatures = FrozenPrefix.Precompute(model, prefix, train.Images, 128, toInput, (d, _) => t1.Value = d);
                var t2 = ctx.AddTask("caching test features", maxValue: test.Count);
                testFeatures = FrozenPrefix.Precompute(model, prefix, test.Images, 128, toInput, (d, _) => t2.Value = d);
            });
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
        var results = TrainingOutput.RunEpochs(trainer, trainSet, testSet, s.Epochs, losses.Add);

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

        Directory.CreateDirectory(s.Output);
        string ckpt = Path.Combine(s.Output, "checkpoint.safetensors");
        string plot = Path.Combine(s.Output, "training.png");
        string onnx = Path.Combine(s.Output, "model.onnx");
        Checkpoint.Save(ckpt, model, new CheckpointOptions
        {
            Optimizer = optimizer,
            Plan = plan,
            Metadata = new Dictionary<string, string> { [Recipe.MetadataKey] = recipe.Text },
        });
        TrainingPlot.Save(plot, losses, results, stepsPerEpoch, $"ResNet18 fine-tuning, {report.TrainableParameters:N0} of {report.TrainableParameters + report.FrozenParameters:N0} parameters trained");
        model.Training = false;
        OnnxExporter.Save(model, new Shape(1, 3, s.InputSize, s.InputSize), onnx);
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(ckpt)}, {Markup.Escape(plot)}, {Markup.Escape(onnx)} (input: RGB 0..255, shape [[N, 3, {s.InputSize}, {s.InputSize}]]).");
        AnsiConsole.MarkupLine($"Done in {total.Elapsed.TotalSeconds:F0}s.");
        return check.FrozenIntact ? 0 : 2;
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

        lines.Add(report.FormatTotals());
        return string.Join('\n', lines);
    }

    private static void Validate(FineTuneSettings s)
    {
        if (s.Epochs < 1 || s.BatchSize < 1 || s.TrainCount < 1 || s.TestCount < 1 || s.InputSize < 32 || !(s.LearningRate > 0) || !(s.HeadLearningRate > 0))
        {
            throw new ArgumentException("finetune: --epochs, --batch-size, --train-count, --test-count must be positive, --size at least 32, learning rates positive.");
        }

        if (s.Train.Length == 0)
        {
            throw new ArgumentException("finetune: --train needs at least one glob (e.g. 'stage4/**').");
        }
    }
}
