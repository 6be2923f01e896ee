using System.Text.Json.Nodes;
using Frost.Freezing;
using Frost.Layers;
using Frost.Memory;
using Frost.Optimizers;

namespace Frost.Bench;

/// <summary>
/// A ResNet18-shaped network (torchvision layout: 7×7 stem, stages of [2, 2, 2, 2] basic blocks, 1000-class head):
/// inference and one training step, all trainable and with the stem and stages 1–3 frozen, with images/s,
/// effective GFLOP/s, managed allocation per step and the step's pooled buffer bytes; then the pretrained ResNet18 (the
/// package's ONNX feature extractor, whose stage 4 has 3 blocks) in inference, in Frost and in ONNX Runtime.
/// </summary>
internal static class ResNetSuite
{
    private static readonly (int Batch, int Size)[] Configs = [(16, 224), (64, 64)];

    public static void Run(Timer timer, Report report)
    {
        Console.WriteLine($"ResNet18-shaped network, threads = {Frost.Kernels.KernelOptions.MaxThreads}; medians over rounds.");
        Console.WriteLine("GF/s counts 2 FLOPs per multiply-add of convolutions and dense layers (forward); a training step counts 3x for the trained part.");
        var table = new Table("config", "mode", "ms", "images/s", "GF/s", "alloc/step", "step buffers");
        foreach (var (batch, size) in Configs)
        {
            var (model, x, labels) = Build(batch, size);
            var (total, frozenPart) = MultiplyAdds(model, size);
            string config = $"batch {batch}, {size}x{size}";

            void Inference()
            {
                model.Training = false;
                using var noRecord = GradientTape.NoRecording();
                using var scope = new TensorScope();
                model.Call(x);
                model.Training = true;
            }

            var sgd = new Sgd(0.01f, momentum: 0.9f);
            void Train()
            {
                using var tape = new GradientTape();
                sgd.Minimize(Ops.CrossEntropy(model.Call(x), labels));
            }

            Measure(timer, table, report, config, "inference", batch, 2.0 * total * batch, Inference);
            Measure(timer, table, report, config, "train step, all trainable", batch, 6.0 * total * batch, Train);
            FreezeStemToStage3(model, sgd);
            double flops = (2.0 * frozenPart + (6.0 * (total - frozenPart))) * batch;
            Measure(timer, table, report, config, "train step, stem..stage3 frozen", batch, flops, Train);
            Pretrained(timer, table, report, config, batch, size);
        }

        table.Print();
    }

    /// <summary>
    /// The pretrained ResNet18 feature extractor (the package's ONNX, imported, preprocessing included): Frost's inference,
    /// and ONNX Runtime on the same network as Frost exports it (free batch axis), same images and threads.
    /// </summary>
    private static void Pretrained(Timer timer, Table table, Report report, string config, int batch, int size)
    {
        Sequential model;
        try
        {
            model = Frost.Onnx.OnnxImporter.LoadResNet18(size);
        }
        catch (FileNotFoundException e)
        {
            Console.WriteLine($"pretrained ResNet18 rows skipped: {e.Message}");
            return;
        }

        model.Training = false;
        double flops = 2.0 * MultiplyAdds(model, size).Total * batch;
        var rng = new Rng(2);
        var x = Tensor.Uniform(new Shape(batch, 3, size, size), 0, 255, rng);
        void Infer()
        {
            using var noRecord = GradientTape.NoRecording();
            using var scope = new TensorScope();
            model.Call(x);
        }

        Measure(timer, table, report, config, "pretrained ResNet18 inference", batch, flops, Infer);

        int threads = Frost.Kernels.KernelOptions.MaxThreads;
        byte[] onnx = Frost.Onnx.OnnxExporter.Export(model, x.Shape).ToBytes();
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx, options);
        float[] images = x.ToArray();
        using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(images, [batch, 3, size, size]);
        using var run = new Microsoft.ML.OnnxRuntime.RunOptions();
        string inputName = session.InputMetadata.Keys.First();
        string[] outputs = [.. session.OutputMetadata.Keys];
        void Ort()
        {
            using var results = session.Run(run, [inputName], [input], outputs);
        }

        Measure(timer, table, report, config, "pretrained ResNet18, ONNX Runtime", batch, flops, Ort);
    }

    /// <summary>The benchmarked network (seed 1), a batch of random images and their labels.</summary>
    internal static (Sequential Model, Tensor Input, int[] Labels) Build(int batch, int size)
    {
        var rng = new Rng(1);
        var model = ResNet.ResNet18(1000, rng);
        var x = Tensor.Normal(new Shape(batch, 3, size, size), 0, 1, rng);
        return (model, x, Enumerable.Range(0, batch).Select(i => i % 1000).ToArray());
    }

    /// <summary>Freezes the stem and stages 1–3, the frozen mode of these benchmarks.</summary>
    internal static void FreezeStemToStage3(Sequential model, Optimizer optimizer) =>
        new FreezePlan(model).Freeze(Selector.Glob("stem/**") | Selector.Glob("stage1/**") | Selector.Glob("stage2/**") | Selector.Glob("stage3/**")).Apply(optimizer);

    private static void Measure(Timer timer, Table table, Report report, string config, string mode, int batch, double flops, Action action)
    {
        // Buffers a step needs: start from an empty pool and see what comes back to it.
        BufferPool.Shared.Clear();
        action();
        long buffers = BufferPool.Shared.TouchedBytes;

        // Steady state: with the pool warm, what a step still allocates on the managed heap.
        action();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        action();
        long alloc = GC.GetTotalAllocatedBytes(precise: true) - before;
        double s = timer.Median($"{config} {mode}", action);
        table.Add(config, mode, Table.F(s * 1e3), Table.F(batch / s), Table.F(flops / s / 1e9), Table.Mib(alloc), Table.Mib(buffers));
        report.AddRow("resnet", new JsonObject
        {
            ["config"] = config,
            ["mode"] = mode,
            ["ms"] = s * 1e3,
            ["images_per_s"] = batch / s,
            ["gflops"] = flops / s / 1e9,
            ["allocated_bytes_per_step"] = alloc,
            ["step_buffer_bytes"] = buffers,
            ["background"] = timer.LastLoad.ToJson(),
        });
    }

    /// <summary>Multiply-adds per image of convolutions and dense layers: all, and the part in stem..stage3.</summary>
    private static (double Total, double Frozen) MultiplyAdds(Sequential model, int size)
    {
        var summary = LayerSummary.Build(model, new Shape(1, 3, size, size));
        double total = 0, frozen = 0;
        foreach (var row in summary.Rows)
        {
            var layer = row.Path.Length == 0 ? model : model[row.Path];
            double macs = layer switch
            {
                Frost.Layers.Conv2D c when row.OutputShape is { } o => (double)o.Size * c.Weight.Shape.Product(1, 4),
                Dense d => (double)d.InFeatures * d.OutFeatures,
                _ => 0,
            };
            total += macs;
            if (!row.Path.StartsWith("stage4", StringComparison.Ordinal) && !row.Path.StartsWith("head", StringComparison.Ordinal))
            {
                frozen += macs;
            }
        }

        return (total, frozen);
    }
}
