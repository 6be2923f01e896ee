using System.Text.Json.Nodes;
using Frost.Freezing;
using Frost.Layers;
using Frost.Memory;
using Frost.Optimizers;
using Frost.Text;
using Microsoft.ML.OnnxRuntime;

namespace Frost.Bench;

/// <summary>
/// A MiniLM-L6-shaped BERT encoder (vocabulary 30,522, hidden 384, 6 layers of 12 heads, FFN 1,536) with the pooler
/// and a 2-class head, as torch-peer's transformer section builds it: inference, and one AdamW step (lr 5e-5, weight
/// decay 0.01) all trainable, with the embeddings and layers 0–3 frozen, and with only the head trainable. Tokens/s,
/// effective GFLOP/s (the peer's count), managed allocation per step and the step's pooled buffers; then ONNX Runtime
/// on the real all-MiniLM-L6-v2 with the same ids.
/// </summary>
internal static class TransformerSuite
{
    private const int D = 384;
    private const int Layers = 6;

    public static void Run(Timer timer, Report report, int batch = 32, int tokens = 128)
    {
        int threads = Frost.Kernels.KernelOptions.MaxThreads;
        Console.WriteLine($"MiniLM-L6-shaped encoder + pooler + 2-class head, batch {batch} x {tokens} tokens, threads = {threads}; medians over rounds.");
        Console.WriteLine("GF/s counts matmuls only, as torch-peer: forward 2·tokens·L·(12·d² + 2·S·d) + head; a step adds 2x the forward of what trains.");
        var rng = new Rng(42);
        var model = new Classifier(BertConfig.MiniLmL6, rng);
        var (ids, mask, idsLong) = Inputs(batch, tokens, rng);
        var labels = Enumerable.Range(0, batch).Select(_ => rng.NextInt(2)).ToArray();
        double fwd = EncoderFlops(batch, tokens, Layers) + HeadFlops(batch);
        var table = new Table("mode", "trainable", "ms", "tokens/s", "GF/s", "alloc/step", "step buffers");

        void Inference()
        {
            model.Training = false;
            using var noRecord = GradientTape.NoRecording();
            using var scope = new TensorScope();
            model.Call(ids, mask);
            model.Training = true;
        }

        Measure(timer, table, report, "inference", "-", batch * tokens, fwd, Inference);

        var modes = new (string Name, Selector? Frozen, double Flops)[]
        {
            ("train step, all trainable", null, 3 * fwd),
            ("train step, emb + layers 0-3 frozen", Selector.Glob("encoder/embeddings/**") | Selector.Glob("encoder/layer[0-3]/**"),
                fwd + (2 * (EncoderFlops(batch, tokens, 2) + HeadFlops(batch)))),
            ("train step, head only", Selector.Glob("encoder/embeddings/**") | Selector.Glob("encoder/layer*/**"), fwd + (2 * HeadFlops(batch))),
        };
        foreach (var (name, frozen, flops) in modes)
        {
            model.Unfreeze();
            var adamw = new AdamW(5e-5f, weightDecay: 0.01f);
            if (frozen is not null)
            {
                new FreezePlan(model).Freeze(frozen).Apply(adamw);
            }

            void Step()
            {
                using var tape = new GradientTape();
                adamw.Minimize(Ops.CrossEntropy(model.Call(ids, mask), labels));
            }

            Measure(timer, table, report, name, $"{model.TrainableVariables.ElementCount / 1e6:F2} M", batch * tokens, flops, Step);
        }

        OnnxRuntime(timer, table, report, batch, tokens, idsLong, fwd, threads);
        table.Print();
    }

    /// <summary>The real all-MiniLM-L6-v2 in ONNX Runtime (no pooler head of 2 classes), on the same ids, with as many threads.</summary>
    private static void OnnxRuntime(Timer timer, Table table, Report report, int batch, int tokens, long[] ids, double fwd, int threads)
    {
        byte[] bytes;
        try
        {
            using var stream = MiniLmPackage.OpenModel();
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (FileNotFoundException e)
        {
            Console.WriteLine($"ONNX Runtime row skipped: {e.Message}");
            return;
        }

        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        using var session = new InferenceSession(bytes, options);
        long[] dims = [batch, tokens];
        using var idValue = OrtValue.CreateTensorValueFromMemory(ids, dims);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, ids.Length).ToArray(), dims);
        using var typeValue = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], dims);
        using var run = new RunOptions();
        string[] outputs = [.. session.OutputMetadata.Keys];
        void Infer()
        {
            using var results = session.Run(run, ["input_ids", "attention_mask", "token_type_ids"], [idValue, maskValue, typeValue], outputs);
        }

        Measure(timer, table, report, "ONNX Runtime inference (real model)", "-", batch * tokens, fwd - HeadFlops(batch) + (2.0 * batch * D * D), Infer);
    }

    private static void Measure(Timer timer, Table table, Report report, string mode, string trainable, int tokens, double flops, Action action)
    {
        BufferPool.Shared.Clear();
        action();
        long buffers = BufferPool.Shared.TouchedBytes;
        action();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        action();
        long alloc = GC.GetTotalAllocatedBytes(precise: true) - before;
        double s = timer.Median(mode, action);
        table.Add(mode, trainable, Table.F(s * 1e3), Table.F(tokens / s, 0), Table.F(flops / s / 1e9), Table.Mib(alloc), Table.Mib(buffers));
        report.AddRow("transformer", new JsonObject
        {
            ["mode"] = mode,
            ["trainable"] = trainable,
            ["ms"] = s * 1e3,
            ["tokens_per_s"] = tokens / s,
            ["gflops"] = flops / s / 1e9,
            ["allocated_bytes_per_step"] = alloc,
            ["step_buffer_bytes"] = buffers,
            ["background"] = timer.LastLoad.ToJson(),
        });
    }

    /// <summary>Random word ids in [1000, 30522) between [CLS] and [SEP], and an all-ones mask (torch-peer's inputs).</summary>
    private static (Tensor Ids, Tensor Mask, long[] Long) Inputs(int batch, int tokens, Rng rng)
    {
        var ids = new float[batch * tokens];
        for (int r = 0; r < batch; r++)
        {
            for (int t = 0; t < tokens; t++)
            {
                ids[(r * tokens) + t] = t == 0 ? 101 : t == tokens - 1 ? 102 : 1000 + rng.NextInt(30522 - 1000);
            }
        }

        return (Tensor.FromArray(ids, batch, tokens), Tensor.Ones(batch, tokens), [.. ids.Select(v => (long)v)]);
    }

    private static double EncoderFlops(long b, long s, long layers) => 2.0 * b * s * layers * ((12.0 * D * D) + (2.0 * s * D));

    private static double HeadFlops(long b) => 2.0 * b * ((D * D) + (D * 2));

    /// <summary>Encoder (pooled output) and a 2-class head, as Hugging Face's BertForSequenceClassification.</summary>
    internal sealed class Classifier : Block
    {
        public Classifier(BertConfig config, Rng rng)
        {
            Encoder = AddLayer(new BertEncoder(config, rng, name: "encoder") { Output = BertOutput.Pooled });
            var head = new Dense(Tensor.Normal(new Shape(2, config.Hidden), 0f, 0.02f, rng), Tensor.Zeros(2), "head");
            Head = AddLayer(head);
        }

        public BertEncoder Encoder { get; }

        public Dense Head { get; }

        public override int InputCount => 2;

        protected override Flow Define(IReadOnlyList<Flow> inputs) => inputs[0].Then(Encoder, inputs[1]).Then(Head);
    }
}
