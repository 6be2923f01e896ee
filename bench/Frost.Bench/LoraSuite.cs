using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Frost.Adapters;
using Frost.Data;
using Frost.Freezing;
using Frost.Layers;
using Frost.Onnx;
using Frost.Onnx.Import;
using Frost.Optimizers;
using Frost.Text;
using Frost.Text.Data;
using Frost.Text.Tokenization;
using Frost.Training;

namespace Frost.Bench;

/// <summary>
/// LoRA against ordinary fine-tuning on the data that ships in data/: all-MiniLM-L6-v2 on the SpamAssassin subset
/// (rank 8 on the query and value projections of all 6 layers plus a new head, against training layers 4–5 plus the
/// head), and the pretrained ResNet18 on the Fashion-MNIST subset (rank 16 on every convolution of stages 3 and 4, with
/// their batch norms and the head, against training those stages and the head). Accuracy, trainable parameters and optimizer state (also as
/// a share of full fine-tuning), adapter file size, wall time; then the base's SHA-256 before and after training, the
/// largest difference between merged and unmerged outputs, and the refusal of the adapters on a different base.
/// Subsets and epochs are small so each part takes a few minutes on 2 cores.
/// </summary>
internal static class LoraSuite
{
    public static void Run(Report report, bool text, bool vision)
    {
        Console.WriteLine($"LoRA suite, threads = {Frost.Kernels.KernelOptions.MaxThreads}, load average {LoadAverage()} at start.");
        if (text)
        {
            Text(report);
        }

        if (vision)
        {
            Vision(report);
        }
    }

    // ---------------------------------------------------------------- MiniLM on SpamAssassin

    private const int TextTrain = 800;
    private const int TextTest = 500;
    private const int MaxTokens = 128;
    private const int TextEpochs = 3;
    private const int TextBatch = 16;

    private static void Text(Report report)
    {
        string dir = RepoPath("data", "spam-assassin");
        var train = TextData.Load(Path.Combine(dir, "train.jsonl.gz"));
        var test = TextData.Load(Path.Combine(dir, "test.jsonl.gz"));
        var tokenizer = BertWordPieceTokenizer.FromMiniLm();
        var trainIds = train.Texts.Take(TextTrain).Select(t => tokenizer.Encode(t, MaxTokens)).ToArray();
        var trainLabels = train.Labels.Take(TextTrain).ToArray();
        var testIds = test.Texts.Take(TextTest).Select(t => tokenizer.Encode(t, MaxTokens)).ToArray();
        var testLabels = test.Labels.Take(TextTest).ToArray();
        Console.WriteLine($"all-MiniLM-L6-v2 + mean pooling + head 384→2 on SpamAssassin: {trainIds.Length} train, {testIds.Length} test texts, ≤ {MaxTokens} tokens, {TextEpochs} epochs of batches of {TextBatch}, AdamW.");

        // Full fine-tuning, counted (not trained): every parameter with AdamW's two buffers.
        var full = Classifier.Create(1);
        var fullReport = new FreezePlan(full).Unfreeze(Selector.All).Apply(new AdamW(1e-4f));
        long fullParams = fullReport.TrainableParameters, fullState = fullReport.OptimizerStateBytes;

        var table = new Table("run", "test acc.", "trainable", "% of full", "opt. state", "% of full", "adapter file", "s");

        // Fine-tuning layers 4-5 and the head.
        var ft = Classifier.Create(1);
        var ftOpt = new AdamW(1e-4f, weightDecay: 0.01f);
        var ftPlan = new FreezePlan(ft).TrainOnly(Selector.Glob("encoder/layer[4-5]/**") | Selector.Glob("head/**"));
        var ftReport = ftPlan.Apply(ftOpt);
        ftOpt.AddGroup([.. ft.Head.Variables], learningRate: 1e-3f, name: "head");
        var (ftAcc, ftSeconds) = TrainText(ft, ftOpt, trainIds, trainLabels, testIds, testLabels, tokenizer.PadId);
        ftPlan.VerifyFrozen().ThrowIfViolated();
        Row(table, report, "text", "fine-tune layers 4-5 + head", ftAcc, ftReport.TrainableParameters, fullParams, ftOpt.StateBytes, fullState, null, ftSeconds);

        // LoRA rank 8 on query and value of all six layers, and the head.
        var model = Classifier.Create(1);
        string baseBefore = BaseHash(model, "head/");
        var opt = new AdamW(1e-3f, weightDecay: 0.01f);
        var lora = Lora.Inject(
            model, Selector.Glob("encoder/layer*/attention/query/**") | Selector.Glob("encoder/layer*/attention/value/**"),
            rank: 8, alpha: 16, dropout: 0.1f, keepTrainable: Selector.Glob("head/**"), rng: new Rng(3), optimizer: opt);
        Console.WriteLine(lora);
        var (acc, seconds) = TrainText(model, opt, trainIds, trainLabels, testIds, testLabels, tokenizer.PadId);
        string file = Path.Combine(Path.GetTempPath(), $"frost-lora-bench-{Environment.ProcessId}.safetensors");
        lora.Save(file);
        long fileBytes = new FileInfo(file).Length;
        Row(table, report, "text", "LoRA r8 q,v (6 layers) + head", acc, lora.Report.TrainableParameters, fullParams, opt.StateBytes, fullState, fileBytes, seconds);
        table.Print();
        Console.WriteLine($"difference LoRA − fine-tuning: {(acc - ftAcc) * 100:+0.00;-0.00} points");
        Checks(report, "text", model, lora, file, baseBefore, ["head/"], () => TextLogits(model, testIds.Take(32).ToArray(), tokenizer.PadId),
            other => other["encoder/layer3/ffn/up"].Variables[0].Value.AsSpan()[7] += 1e-6f, () => Classifier.Create(1));
        File.Delete(file);
    }

    private static (double Accuracy, double Seconds) TrainText(Classifier model, Optimizer opt, int[][] ids, int[] labels, int[][] testIds, int[] testLabels, int pad)
    {
        var sw = Stopwatch.StartNew();
        int steps = TextEpochs * ((ids.Length + TextBatch - 1) / TextBatch);
        opt.Schedule = new LinearWarmup(steps / 10, new CosineDecay(steps - (steps / 10)));
        var rng = new Rng(5);
        var order = Enumerable.Range(0, ids.Length).ToArray();
        for (int epoch = 0; epoch < TextEpochs; epoch++)
        {
            model.Training = true;
            rng.Shuffle(order.AsSpan());
            double loss = 0;
            for (int start = 0; start < order.Length; start += TextBatch)
            {
                var rows = order.Skip(start).Take(TextBatch).ToArray();
                var (x, mask) = Pad(rows.Select(i => ids[i]).ToArray(), pad);
                var y = rows.Select(i => labels[i]).ToArray();
                using var tape = new GradientTape();
                var l = Ops.CrossEntropy(model.Call(x, mask), y);
                loss += l.ToArray()[0] * rows.Length;
                opt.Minimize(l);
            }

            Console.WriteLine($"  epoch {epoch + 1}: train loss {loss / order.Length:F4}, {sw.Elapsed.TotalSeconds:F0}s");
        }

        int correct = 0;
        var logits = TextLogits(model, testIds, pad);
        for (int i = 0; i < testLabels.Length; i++)
        {
            correct += (logits[2 * i + 1] > logits[2 * i] ? 1 : 0) == testLabels[i] ? 1 : 0;
        }

        return ((double)correct / testLabels.Length, sw.Elapsed.TotalSeconds);
    }

    private static float[] TextLogits(Classifier model, int[][] ids, int pad)
    {
        model.Training = false;
        var all = new List<float>();
        using var noRecord = GradientTape.NoRecording();
        for (int start = 0; start < ids.Length; start += 64)
        {
            var (x, mask) = Pad(ids.Skip(start).Take(64).ToArray(), pad);
            all.AddRange(model.Call(x, mask).ToArray());
        }

        return [.. all];
    }

    private static (Tensor Ids, Tensor Mask) Pad(int[][] rows, int pad)
    {
        int length = rows.Max(r => r.Length);
        var ids = new float[rows.Length * length];
        var mask = new float[ids.Length];
        ids.AsSpan().Fill(pad);
        for (int i = 0; i < rows.Length; i++)
        {
            for (int t = 0; t < rows[i].Length; t++)
            {
                ids[(i * length) + t] = rows[i][t];
                mask[(i * length) + t] = 1;
            }
        }

        return (Tensor.Wrap(ids, rows.Length, length), Tensor.Wrap(mask, rows.Length, length));
    }

    /// <summary>all-MiniLM-L6-v2's encoder, mean pooling over the kept tokens, and a new 2-class head.</summary>
    private sealed class Classifier : Block
    {
        private Classifier(BertEncoder encoder, Rng rng)
        {
            Encoder = AddLayer(encoder, "encoder");
            Head = AddLayer(new Dense(Tensor.Normal(new Shape(2, encoder.Config.Hidden), 0f, 0.02f, rng), Tensor.Zeros(2), "head"));
        }

        public BertEncoder Encoder { get; }

        public Dense Head { get; }

        public override int InputCount => 2;

        public static Classifier Create(ulong seed)
            => new(BertImport.FromOnnx(OnnxModel.Load(MiniLmPackage.OpenModel(), "all-MiniLM-L6-v2")), new Rng(seed));

        protected override Flow Define(IReadOnlyList<Flow> inputs)
            => Flow.Combine("mean_pool", t => SentenceEmbedder.MeanPool(t[0], t[1], normalize: false), inputs[0].Then(Encoder, inputs[1]), inputs[1]).Then(Head);
    }

    // ---------------------------------------------------------------- ResNet18 on Fashion-MNIST

    private const int ImageTrain = 3000;
    private const int ImageTest = 1000;
    private const int ImageSize = 64;
    private const int ImageEpochs = 5;

    private static void Vision(Report report)
    {
        string dir = RepoPath("data", "fashion-mnist-small");
        var train = LabeledImages.LoadIdx(dir, "train", LabeledImages.FashionMnistClasses, ImageTrain);
        var test = LabeledImages.LoadIdx(dir, "test", LabeledImages.FashionMnistClasses, ImageTest);
        var trainSet = InMemoryDataset.From(train, ImageInput);
        var testSet = InMemoryDataset.From(test, ImageInput);
        Console.WriteLine($"pretrained ResNet18 + head 512→10 on Fashion-MNIST: {train.Count} train, {test.Count} test images at {ImageSize}x{ImageSize}, {ImageEpochs} epochs of batches of 64, AdamW.");
        var stages = Selector.Glob("stage3/**") | Selector.Glob("stage4/**");
        var table = new Table("run", "test acc.", "trainable", "% of stages 3-4", "opt. state", "s");

        var ft = ResNet(1);
        long stageParams = stages.Resolve(ft).Where(v => v.Kind == VariableKind.Parameter).Sum(v => (long)v.Shape.Size);
        var ftOpt = new AdamW(1e-3f, weightDecay: 1e-4f);
        var ftReport = new FreezePlan(ft).TrainOnly(stages | Selector.Glob("head/**")).Apply(ftOpt);
        var (ftAcc, ftSeconds) = TrainImages(ft, ftOpt, trainSet, testSet);
        long ftStage = ftReport.TrainableParameters - 5130;
        VisionRow(table, report, "train stages 3-4 + head", ftAcc, ftReport.TrainableParameters, ftStage, stageParams, ftOpt.StateBytes, ftSeconds);

        var model = ResNet(1);
        string baseBefore = BaseHash(model, "head/fc/", "stage[3-4]/**/bn*/*");
        // Adapters learn more slowly than the weights themselves: a higher rate. The stages' batch norms keep training
        // (scale and shift, with batch statistics), as they do when the stages train.
        var opt = new AdamW(3e-3f, weightDecay: 1e-4f);
        var lora = Lora.Inject(
            model, Selector.Glob("stage[3-4]/**/conv*/weight"), rank: 16, alpha: 32,
            keepTrainable: Selector.Glob("head/**") | Selector.Glob("stage[3-4]/**/bn*/*"), rng: new Rng(3), optimizer: opt);
        Console.WriteLine(lora);
        var (acc, seconds) = TrainImages(model, opt, trainSet, testSet);
        long stagePart = lora.Report.TrainableParameters - 5130;
        VisionRow(table, report, "LoRA r16 on stage 3-4 convs (+ their BN) + head", acc, lora.Report.TrainableParameters, stagePart, stageParams, opt.StateBytes, seconds);
        table.Print();
        Console.WriteLine($"difference LoRA − training the stages: {(acc - ftAcc) * 100:+0.00;-0.00} points");
        string file = Path.Combine(Path.GetTempPath(), $"frost-lora-bench-{Environment.ProcessId}.safetensors");
        lora.Save(file);
        Console.WriteLine($"adapter file: {new FileInfo(file).Length / 1024.0:F0} KiB");
        var probe = ImageInput(Ops.Slice(test.Images, 0, 0, 16));
        Checks(report, "vision", model, lora, file, baseBefore, ["head/fc/", "stage[3-4]/**/bn*/*"], () => { model.Training = false; return model.Call(probe).ToArray(); },
            other => other["stage2/block1/bn2"].Variables[2].Value.AsSpan()[0] += 1e-3f, () => ResNet(1));
        File.Delete(file);
    }

    private static Tensor ImageInput(Tensor batch)
        => Ops.Mul(ImageOps.RepeatChannels(ImageOps.Resize(batch, ImageSize, ImageSize), 3), 255f);

    private static Sequential ResNet(ulong seed)
    {
        var model = OnnxImporter.LoadResNet18(ImageSize);
        ((Sequential)model["head"]).Add(new Dense(512, 10, new Rng(seed), name: "fc"));
        return model;
    }

    private static (double Accuracy, double Seconds) TrainImages(Sequential model, Optimizer opt, IDataset train, IDataset test)
    {
        var sw = Stopwatch.StartNew();
        var learner = new Learner(model, train, opt) { BatchSize = 64, Seed = 1, EvaluationBatchSize = 256 };
        int steps = ImageEpochs * learner.StepsPerEpoch;
        opt.Schedule = new LinearWarmup(20, new CosineDecay(steps - 20, 0.02f));
        Console.WriteLine($"  feature cache: {learner.DescribeCache().Reason}");
        var result = learner.Fit(ImageEpochs);
        result.Frozen.ThrowIfViolated();
        foreach (var e in result.Epochs)
        {
            Console.WriteLine($"  epoch {e.Epoch}: train loss {e.TrainLoss:F4}, train accuracy {e.TrainAccuracy:P1}");
        }

        return (learner.Evaluate(test).Accuracy, sw.Elapsed.TotalSeconds);
    }

    // ---------------------------------------------------------------- shared

    /// <summary>Base bit-identical, merged = unmerged, wrong base refused; printed and reported.</summary>
    private static void Checks(Report report, string part, Layer model, LoraInjection lora, string file, string baseBefore, string[] kept,
        Func<float[]> outputs, Action<Layer> perturb, Func<Layer> freshBase)
    {
        string baseAfter = BaseHash(model, kept);
        var check = lora.VerifyFrozen();
        var unmerged = outputs();
        Lora.Merge(model);
        var merged = outputs();
        Lora.Unmerge(model);
        double maxDiff = unmerged.Zip(merged, (a, b) => Math.Abs(a - b)).Max();
        double maxAbs = unmerged.Max(v => Math.Abs(v));
        bool restored = BaseHash(model, kept) == baseBefore;

        var fresh = freshBase();
        Lora.Load(fresh, file);
        bool reloaded = outputs is not null;
        var other = freshBase();
        perturb(other);
        string refusal;
        try
        {
            Lora.Load(other, file);
            refusal = "NOT REFUSED";
        }
        catch (AdapterBaseMismatchException e)
        {
            refusal = $"refused, naming '{e.Variable}'";
        }

        Console.WriteLine($"base SHA-256 before {baseBefore[..16]}…, after training {baseAfter[..16]}… ({(baseAfter == baseBefore ? "bit-identical" : "CHANGED")}); {check}");
        Console.WriteLine($"merged vs unmerged outputs: max |difference| {maxDiff:E2} (outputs up to {maxAbs:F2}); after unmerge the base is {(restored ? "bit-identical again" : "CHANGED")}");
        Console.WriteLine($"adapters on a base with one changed element: {refusal}; on the same base: loaded");
        report.AddRow("lora_checks", new JsonObject
        {
            ["part"] = part,
            ["base_bit_identical"] = baseAfter == baseBefore,
            ["frozen_checked"] = check.Checked,
            ["inert_adapters"] = check.InertAdapters.Count,
            ["merged_max_abs_difference"] = maxDiff,
            ["unmerge_restores_base"] = restored,
            ["wrong_base"] = refusal,
            ["reloaded"] = reloaded,
        });
    }

    private static void Row(Table table, Report report, string part, string run, double acc, long trainable, long fullParams, long state, long fullState, long? fileBytes, double seconds)
    {
        table.Add(run, $"{acc:P2}", trainable.ToString("N0", CultureInfo.InvariantCulture), $"{100.0 * trainable / fullParams:F3} %",
            $"{state / 1024.0:F0} KiB", $"{100.0 * state / fullState:F3} %", fileBytes is { } b ? $"{b / 1024.0:F0} KiB" : "-", Table.F(seconds, 0));
        report.AddRow("lora_" + part, new JsonObject
        {
            ["run"] = run,
            ["accuracy"] = acc,
            ["trainable_parameters"] = trainable,
            ["full_parameters"] = fullParams,
            ["optimizer_state_bytes"] = state,
            ["full_optimizer_state_bytes"] = fullState,
            ["adapter_file_bytes"] = fileBytes,
            ["seconds"] = seconds,
        });
    }

    private static void VisionRow(Table table, Report report, string run, double acc, long trainable, long stagePart, long stageParams, long state, double seconds)
    {
        table.Add(run, $"{acc:P2}", trainable.ToString("N0", CultureInfo.InvariantCulture), $"{100.0 * stagePart / stageParams:F2} %", $"{state / 1024.0:F0} KiB", Table.F(seconds, 0));
        report.AddRow("lora_vision", new JsonObject
        {
            ["run"] = run,
            ["accuracy"] = acc,
            ["trainable_parameters"] = trainable,
            ["stage_parameters_trained"] = stagePart,
            ["stage_parameters"] = stageParams,
            ["optimizer_state_bytes"] = state,
            ["seconds"] = seconds,
        });
    }

    /// <summary>SHA-256 over every base variable in model order: adapters and what trains next to them (a prefix or a glob) excluded.</summary>
    private static string BaseHash(Layer model, params string[] kept)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var keptVars = kept.Where(k => k.Contains('*', StringComparison.Ordinal)).SelectMany(g => Selector.Glob(g).Resolve(model)).ToHashSet();
        foreach (var v in model.Variables.Where(v => v.Owner is not LoraAdapter && !keptVars.Contains(v) && !kept.Any(k => v.Name.StartsWith(k, StringComparison.Ordinal))))
        {
            h.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.Value.AsReadOnlySpan()));
        }

        return Convert.ToHexStringLower(h.GetHashAndReset());
    }

    private static string RepoPath(params string[] parts)
    {
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
        {
            string p = Path.Combine([d.FullName, .. parts]);
            if (Directory.Exists(p))
            {
                return p;
            }
        }

        throw new DirectoryNotFoundException($"{Path.Combine(parts)} not found above {Directory.GetCurrentDirectory()}; run from the repository.");
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
