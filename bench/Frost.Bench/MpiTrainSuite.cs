using System.Diagnostics;
using System.Text.Json.Nodes;
using Frost.Adapters;
using Frost.Data;
using Frost.Distributed;
using Frost.Distributed.Native;
using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;
using Frost.Training;

namespace Frost.Bench;

/// <summary>
/// Data-parallel training steps through the <see cref="Learner"/>: step time, throughput and bytes all-reduced per
/// step for ResNet18 at 64×64 (all trainable; stem..stage3 frozen; LoRA on stages 3–4) and a MiniLM-shaped classifier at 128 tokens
/// (embeddings and layers 0–3 frozen). Run it once alone and once under <c>mpirun -np 2</c> in one sitting
/// (<c>bench/mpi-train.sh</c> alternates them); under MPI it also times a plain blocking MPI_Allreduce of each
/// mode's bytes per step, for the rate the reducer reaches against MPI itself.
/// </summary>
internal static unsafe class MpiTrainSuite
{
    private const int Warmup = 2;

    public static bool Run(int steps, Report report)
    {
        using var communicator = Communicator.Initialize();
        using var parallel = communicator.Size > 1 ? new DataParallel(communicator) : null;
        bool root = communicator.IsRoot;
        if (root)
        {
            Console.WriteLine($"Data-parallel training steps: {communicator.Size} process(es) ({communicator.Backend}, {communicator.Library}), "
                + $"{Environment.ProcessorCount} core(s) each; {steps} timed steps after {Warmup} warm-up, medians. Load average: {MpiSuite.LoadAverage()}.");
            report.Set("ranks", communicator.Size);
            report.Set("load_average", MpiSuite.LoadAverage());
        }

        var table = new Table("mode", "batch/process", "trainable", "step ms", "examples/s", "bytes/step", "wait in reduce ms", "plain MPI all-reduce ms");
        var frozenResNet = Selector.Glob("stem/**") | Selector.Glob("stage[1-3]/**");
        var frozenBert = Selector.Glob("encoder/embeddings/**") | Selector.Glob("encoder/layer[0-3]/**");
        var modes = new (string Name, int Batch, Func<(Layer Model, IDataset Data)> Make, Selector? Frozen, bool Lora)[]
        {
            ("ResNet18 64x64, all trainable", 32, () => ResNet(32 * communicator.Size * (steps + Warmup)), null, false),
            ("ResNet18 64x64, stem..stage3 frozen", 32, () => ResNet(32 * communicator.Size * (steps + Warmup)), frozenResNet, false),
            ("ResNet18 64x64, LoRA r8 on stage3-4 convs + head", 32, () => ResNet(32 * communicator.Size * (steps + Warmup)), null, true),
            ("MiniLM 128 tokens, emb + layers 0-3 frozen", 8, () => Bert(8 * communicator.Size * (steps + Warmup), 128), frozenBert, false),
        };
        foreach (var (name, batch, make, frozen, lora) in modes)
        {
            var (model, data) = make();
            var optimizer = new AdamW(1e-4f, weightDecay: 0.01f);
            if (frozen is not null)
            {
                new FreezePlan(model).Freeze(frozen).Apply(optimizer);
            }

            if (lora)
            {
                Lora.Inject(model, Selector.Glob("stage[3-4]/**/conv*/weight"), rank: 8, alpha: 16, keepTrainable: Selector.Glob("head/**"), rng: new Rng(4), optimizer: optimizer);
            }

            var clock = new StepClock();
            var learner = new Learner(model, data, optimizer) { BatchSize = batch, Seed = 1, DataParallel = parallel };
            learner.Callbacks.Add(clock);
            learner.Fit(1);
            double stepMs = Stats.Median([.. clock.Seconds.Skip(Warmup)]) * 1e3;
            long trainable = model.TrainableVariables.ElementCount;
            long bytes = parallel is null ? trainable * sizeof(float) : parallel.LastStep.Bytes;
            double waitMs = parallel is null ? double.NaN : parallel.LastStep.Wait.TotalMilliseconds;
            double plainMs = parallel is null ? double.NaN : PlainAllReduce(communicator, bytes) * 1e3;
            double perSecond = batch * communicator.Size / (stepMs / 1e3);
            table.Add(name, batch.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{trainable / 1e6:F2} M", Table.F(stepMs), Table.F(perSecond),
                $"{bytes / 1048576.0:F1} MiB", Table.F(waitMs), Table.F(plainMs));
            report.AddRow("mpi_train", new JsonObject
            {
                ["mode"] = name,
                ["ranks"] = communicator.Size,
                ["batch_per_process"] = batch,
                ["trainable"] = trainable,
                ["step_ms"] = stepMs,
                ["examples_per_s"] = perSecond,
                ["bytes_per_step"] = bytes,
                ["reduce_wait_ms"] = double.IsNaN(waitMs) ? null : waitMs,
                ["plain_allreduce_ms"] = double.IsNaN(plainMs) ? null : plainMs,
            });
        }

        if (root)
        {
            table.Print();
            Console.WriteLine("bytes/step alone is what two processes would all-reduce: the trainable variables' gradients; frozen ones are never sent.");
        }

        return root;
    }

    /// <summary>Median seconds of a blocking MPI_Allreduce (sum, in place) of <paramref name="bytes"/> through the same library, slowest rank.</summary>
    private static double PlainAllReduce(Communicator c, long bytes)
    {
        var api = c.Api!;
        int n = (int)(bytes / sizeof(float));
        var buffer = GC.AllocateArray<float>(n, pinned: true);
        var times = new double[5];
        fixed (float* b = buffer)
        {
            for (int r = -1; r < times.Length; r++)
            {
                c.Barrier();
                long start = Stopwatch.GetTimestamp();
                MpiSuite.Expect(api, api.AllReduce(null, b, n, MpiDatatype.Float, MpiReduction.Sum));
                double[] t = [Stopwatch.GetElapsedTime(start).TotalSeconds];
                c.AllReduceMax(t.AsSpan());
                if (r >= 0)
                {
                    times[r] = t[0];
                }
            }
        }

        return Stats.Median(times);
    }

    private static (Layer, IDataset) ResNet(int count)
    {
        var rng = new Rng(1);
        var model = Frost.Layers.ResNet.ResNet18(10, rng);
        var images = Tensor.Normal(new Shape(count, 3, 64, 64), 0, 1, new Rng(2));
        var classes = Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray();
        return (model, new InMemoryDataset(images, [.. Enumerable.Range(0, count).Select(i => i % 10)], classes));
    }

    private static (Layer, IDataset) Bert(int count, int tokens)
    {
        var rng = new Rng(42);
        var model = new TransformerSuite.Classifier(BertConfig.MiniLmL6, rng);
        return (model, new TokenSet(count, tokens, new Rng(3)));
    }

    /// <summary>Times each training batch (the interval between the ends of consecutive batches).</summary>
    private sealed class StepClock : Callback
    {
        private long _last = Stopwatch.GetTimestamp();

        public List<double> Seconds { get; } = [];

        public override void OnEpochBegin(Learner learner, int epoch) => _last = Stopwatch.GetTimestamp();

        public override void OnBatchEnd(Learner learner, BatchResult batch)
        {
            long now = Stopwatch.GetTimestamp();
            Seconds.Add(Stopwatch.GetElapsedTime(_last, now).TotalSeconds);
            _last = now;
        }
    }

    /// <summary>Random token ids (a full mask) with two classes: the shape of a text batch.</summary>
    private sealed class TokenSet(int count, int tokens, Rng rng) : IDataset
    {
        private readonly Tensor _ids = Tensor.FromArray([.. Enumerable.Range(0, count * tokens).Select(_ => (float)rng.NextInt(30522))], count, tokens);

        public int Count => count;

        public IReadOnlyList<string> ClassNames { get; } = ["a", "b"];

        public bool AugmentsTraining => false;

        public int LabelOf(int index) => index % 2;

        public IEnumerable<DataBatch> Read(IReadOnlyList<int[]> batches, bool training, int epoch)
        {
            foreach (var ix in batches)
            {
                yield return new DataBatch([Ops.Gather(_ids, 0, ix), Tensor.Ones(new Shape(ix.Length, tokens))], [.. ix.Select(LabelOf)], ix);
            }
        }
    }
}
