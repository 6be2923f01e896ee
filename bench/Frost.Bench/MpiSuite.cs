using System.Diagnostics;
using System.Text.Json.Nodes;
using Frost.Distributed;
using Frost.Distributed.Native;

namespace Frost.Bench;

/// <summary>
/// All-reduce throughput between the ranks of an MPI job (run under <c>mpirun -np 2</c>): our communicator
/// against a plain blocking MPI_Allreduce of the same buffer through the same library, interleaved round by
/// round, in place and not; then a simulated backward pass showing how much of the gradient all-reduce the
/// bucket reducer hides. Every rank runs the same fixed sequence of collectives; rank 0 prints.
/// </summary>
internal static unsafe class MpiSuite
{
    private static readonly int[] Sizes = [4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20];

    /// <summary>Runs the suite; returns whether this process is the one that writes reports (rank 0).</summary>
    public static bool Run(int rounds, Report report)
    {
        using var communicator = Communicator.Initialize(new CommunicatorOptions { Backend = CommunicatorBackend.Mpi });
        if (communicator.Size < 2)
        {
            Console.Error.WriteLine("Frost.Bench mpi: run it under a launcher with at least 2 ranks, e.g.");
            Console.Error.WriteLine("  mpirun --oversubscribe -np 2 dotnet bench/Frost.Bench/bin/Release/net10.0/Frost.Bench.dll mpi");
            return false;
        }

        bool root = communicator.IsRoot;
        if (root)
        {
            Console.WriteLine($"All-reduce (sum) of float32 buffers, {communicator.Size} ranks, {Environment.ProcessorCount} core(s) per rank; {communicator.Library}.");
            Console.WriteLine($"Load average at start (1, 5, 15 min): {LoadAverage()}; figures from a busy machine vary widely between runs.");
            Console.WriteLine("GB/s = buffer bytes / time of the slowest rank; medians over rounds. 'MPI' is a plain blocking MPI_Allreduce");
            Console.WriteLine("through the same library; ours polls a non-blocking MPI_Iallreduce (timeout-guarded); ratio = ours/MPI per round.");
            report.Set("mpi_library", communicator.Library);
            report.Set("mpi_ranks", communicator.Size);
            report.Set("load_average", LoadAverage());
        }

        Throughput(communicator, rounds, report);
        Overlap(communicator, rounds, report);
        return root;
    }

    private static void Throughput(Communicator c, int rounds, Report report)
    {
        var api = c.Api!;
        var table = new Table("size", "MPI in place", "ours in place", "ratio", "MPI", "ours", "ratio", "ours non-blocking");
        foreach (int bytes in Sizes)
        {
            int n = bytes / sizeof(float);
            var buffer = GC.AllocateArray<float>(n, pinned: true);
            var source = GC.AllocateArray<float>(n, pinned: true);
            source.AsSpan().Fill(1f);
            int iterations = Math.Clamp((64 << 20) / bytes, 2, 400);
            fixed (float* pb = buffer, ps = source)
            {
                float* b = pb, s = ps;
                Action[] variants =
                [
                    () => Expect(api, api.AllReduce(null, b, n, MpiDatatype.Float, MpiReduction.Sum)),
                    () => c.AllReduceSum(buffer.AsSpan()),
                    () => Expect(api, api.AllReduce(s, b, n, MpiDatatype.Float, MpiReduction.Sum)),
                    () => c.AllReduceSum(source, buffer),
                    () => c.StartAllReduceSum(buffer).Wait(),
                ];
                var t = Time(c, rounds, iterations, variants);
                double Rate(int v) => bytes / Stats.Median(t[v]) / 1e9;
                double Ratio(int ours, int mpi) => Stats.MedianOf(rounds, i => t[mpi][i] / t[ours][i]);
                table.Add(Size(bytes), Table.F(Rate(0), 2), Table.F(Rate(1), 2), Table.F(Ratio(1, 0), 2),
                    Table.F(Rate(2), 2), Table.F(Rate(3), 2), Table.F(Ratio(3, 2), 2), Table.F(Rate(4), 2));
                report.AddRow("mpi_allreduce", new JsonObject
                {
                    ["bytes"] = bytes,
                    ["iterations"] = iterations,
                    ["rounds"] = rounds,
                    ["mpi_inplace_gbps"] = Rate(0),
                    ["ours_inplace_gbps"] = Rate(1),
                    ["inplace_ratio"] = Ratio(1, 0),
                    ["mpi_gbps"] = Rate(2),
                    ["ours_gbps"] = Rate(3),
                    ["ratio"] = Ratio(3, 2),
                    ["ours_nonblocking_gbps"] = Rate(4),
                });
            }
        }

        if (c.IsRoot)
        {
            table.Print();
        }
    }

    /// <summary>
    /// A backward pass of 24 gradients of 2 MiB (48 MiB, about a ResNet18's worth) with 2 ms of one-core compute
    /// before each: compute alone; compute, then the same 4 MiB pieces all-reduced one after another; compute
    /// with the bucket reducer (4 MiB buckets) with and without its progress thread.
    /// </summary>
    private static void Overlap(Communicator c, int rounds, Report report)
    {
        const int Variables = 24, Elements = 1 << 19;
        var compute = TimeSpan.FromMilliseconds(2);
        var vars = Enumerable.Range(0, Variables).Select(i => new Variable($"layer{i}/kernel", Tensor.Zeros(Elements))).ToArray();
        var grads = Enumerable.Range(0, Variables).Select(_ => Tensor.Full(new Shape(Elements), 1f)).ToArray();
        var flat = new float[Variables * Elements];
        using var reducer = new GradientBucketReducer(c);
        var interval = c.ProgressInterval;

        void Backward(Action<int> ready)
        {
            for (int v = Variables - 1; v >= 0; v--)
            {
                Spin(compute);
                ready(v);
            }
        }

        void Reduce()
        {
            Backward(v => reducer.Add(vars[v], grads[v]));
            reducer.Complete();
        }

        Action[] variants =
        [
            () => Backward(_ => { }),
            () =>
            {
                // The same bytes in the same 4 MiB pieces, all-reduced after the backward pass.
                Backward(v => grads[v].AsReadOnlySpan().CopyTo(flat.AsSpan(v * Elements)));
                int piece = reducer.BucketBytes / sizeof(float);
                for (int start = 0; start < flat.Length; start += piece)
                {
                    c.AllReduceSum(flat.AsSpan(start, Math.Min(piece, flat.Length - start)));
                }
            },
            Reduce,
            () =>
            {
                c.ProgressInterval = TimeSpan.Zero;
                Reduce();
                c.ProgressInterval = interval;
            },
        ];
        var t = Time(c, rounds, 1, variants);
        double Ms(int v) => Stats.Median(t[v]) * 1e3;
        double hidden = (Ms(1) - Ms(2)) / Math.Max(1e-9, Ms(1) - Ms(0));
        if (c.IsRoot)
        {
            Console.WriteLine($"Simulated backward pass: {Variables} gradients of {Size(Elements * sizeof(float))} ({Size(Variables * Elements * sizeof(float))}), "
                + $"{compute.TotalMilliseconds:0} ms of one-core compute before each; {Size(reducer.BucketBytes)} buckets; step times are medians.");
            var table = new Table("step", "ms", "vs compute");
            string[] names = ["compute only", "compute, then all-reduce (4 MiB pieces)", "bucket reducer (progress thread)", "bucket reducer (no progress thread)"];
            for (int v = 0; v < names.Length; v++)
            {
                table.Add(names[v], Table.F(Ms(v)), Table.F(Ms(v) / Ms(0), 2));
            }

            table.Print();
            Console.WriteLine($"Bytes all-reduced per step: {reducer.LastStep.Bytes:N0} in {reducer.LastStep.Buckets} buckets; "
                + $"share of the all-reduce hidden by the reducer: {Table.Pct(hidden)}.");
            Console.WriteLine();
        }

        report.Set("mpi_overlap", new JsonObject
        {
            ["gradients"] = Variables,
            ["gradient_bytes"] = Elements * sizeof(float),
            ["compute_ms_each"] = compute.TotalMilliseconds,
            ["bucket_bytes"] = reducer.BucketBytes,
            ["bytes_per_step"] = reducer.LastStep.Bytes,
            ["compute_only_ms"] = Ms(0),
            ["compute_then_allreduce_pieces_ms"] = Ms(1),
            ["reducer_ms"] = Ms(2),
            ["reducer_no_progress_thread_ms"] = Ms(3),
            ["hidden_share"] = hidden,
        });
    }

    /// <summary>
    /// Seconds per call of each variant in each round, the slowest rank's. Variants alternate call by call
    /// (A B C A B C …, <paramref name="iterations"/> calls each per round) so a busy phase of a shared machine
    /// hits them alike; every rank runs the same sequence.
    /// </summary>
    private static double[][] Time(Communicator c, int rounds, int iterations, Action[] variants)
    {
        foreach (var v in variants)
        {
            v();
        }

        var times = variants.Select(_ => new double[rounds]).ToArray();
        var round = new double[variants.Length];
        for (int r = 0; r < rounds; r++)
        {
            Array.Clear(round);
            c.Barrier();
            for (int i = 0; i < iterations; i++)
            {
                for (int v = 0; v < variants.Length; v++)
                {
                    long start = Stopwatch.GetTimestamp();
                    variants[v]();
                    round[v] += Stopwatch.GetElapsedTime(start).TotalSeconds;
                }
            }

            c.AllReduceMax(round.AsSpan());
            for (int v = 0; v < variants.Length; v++)
            {
                times[v][r] = round[v] / iterations;
            }
        }

        return times;
    }

    internal static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static void Spin(TimeSpan duration)
    {
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            Thread.SpinWait(10);
        }
    }

    internal static void Expect(MpiApi api, int code)
    {
        if (code != MpiApi.Success)
        {
            throw new InvalidOperationException($"MPI_Allreduce failed: {api.ErrorString(code)}");
        }
    }

    private static string Size(long bytes) =>
        bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : $"{bytes >> 10} KiB";
}
