using System.Diagnostics;

namespace Frost.Distributed.Tests.Worker;

/// <summary>
/// What each rank runs under <c>mpirun</c>. A scenario checks its results on every rank and prints
/// "rank R: ok &lt;scenario&gt;" when they hold; a failed check prints the reason and exits 1, which makes the
/// launcher end the job.
/// </summary>
internal static class Scenarios
{
    public static readonly string[] Names = ["all", "timeout", "kill"];

    public static int Run(string scenario)
    {
        int rank = -1;
        try
        {
            switch (scenario)
            {
                case "all":
                    {
                        var communicator = Communicator.Initialize(new CommunicatorOptions { Backend = CommunicatorBackend.Mpi, Timeout = TimeSpan.FromSeconds(60) });
                        rank = communicator.Rank;
                        Check(communicator.Size >= 2, $"expected at least 2 ranks, got {communicator.Size}");
                        Console.WriteLine($"rank {rank} of {communicator.Size}: {communicator.Library}");
                        NullReferencesStayCatchable();
                        Collectives(communicator);
                        Variables(communicator);
                        Training(communicator);
                        SharedGradient(communicator);
                        LayoutMismatch(communicator);
                        communicator.Dispose();
                        var again = Record.Exception(() => Communicator.Initialize(new CommunicatorOptions { Backend = CommunicatorBackend.Mpi }));
                        Check(again is InvalidOperationException && again.Message.Contains("finalized", StringComparison.Ordinal), $"re-initializing after finalize: {again}");
                        break;
                    }

                case "timeout":
                    {
                        var communicator = Communicator.Initialize(new CommunicatorOptions { Timeout = TimeSpan.FromSeconds(1) });
                        rank = communicator.Rank;
                        if (rank == 1)
                        {
                            // Hangs: never joins the barrier in time. The job must end without it.
                            Thread.Sleep(TimeSpan.FromSeconds(60));
                        }

                        var failure = Record.Exception(communicator.Barrier);
                        Check(failure is DistributedException, $"expected the barrier to time out, got {failure}");
                        Console.WriteLine($"rank {rank}: barrier failed as expected: {failure!.Message}");
                        Console.Out.Flush();
                        communicator.Dispose(); // aborts the job
                        Console.WriteLine($"rank {rank}: Dispose returned after a timeout");
                        return 1;
                    }

                case "kill":
                    {
                        var communicator = Communicator.Initialize(new CommunicatorOptions { Timeout = TimeSpan.FromSeconds(30) });
                        rank = communicator.Rank;
                        var values = new float[1 << 16];
                        for (int i = 0; i < 1_000_000; i++)
                        {
                            if (rank == 1 && i == 20)
                            {
                                Console.WriteLine($"rank 1: killing myself (SIGKILL) in all-reduce {i}");
                                Console.Out.Flush();
                                Process.GetCurrentProcess().Kill();
                            }

                            communicator.AllReduceSum(values);
                        }

                        Console.WriteLine($"rank {rank}: the all-reduce loop ended although a rank was killed");
                        return 1;
                    }

                default:
                    Console.Error.WriteLine($"unknown scenario '{scenario}'");
                    return 2;
            }

            Console.WriteLine($"rank {rank}: ok {scenario}");
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine($"rank {rank}: FAIL {scenario}: {e}");
            return 1;
        }
    }

    /// <summary>
    /// .NET raises NullReferenceException from a SIGSEGV handler; an MPI library that installs its own (UCX does)
    /// would turn it into a fatal signal.
    /// </summary>
    private static void NullReferencesStayCatchable()
    {
        string? missing = Environment.GetEnvironmentVariable("FROST_NO_SUCH_VARIABLE");
        var e = Record.Exception(() => missing!.Length);
        Check(e is NullReferenceException, $"a null dereference after MPI initialization: {e}");
    }

    private static void Collectives(Communicator c)
    {
        int size = c.Size, rank = c.Rank;
        const int N = 1000;

        var f = new float[N];
        var d = new double[N];
        var n = new int[N];
        for (int i = 0; i < N; i++)
        {
            f[i] = rank * 1000 + i;
            d[i] = rank * 0.5 + i;
            n[i] = rank * 7 + i;
        }

        float[] sent = f.ToArray();
        var result = new float[N];
        c.AllReduceSum(sent, result);
        c.AllReduceSum(f.AsSpan());
        c.AllReduceSum(d.AsSpan());
        c.AllReduceSum(n.AsSpan());
        int ranksSum = size * (size - 1) / 2;
        for (int i = 0; i < N; i++)
        {
            Check(f[i] == ranksSum * 1000 + size * i, $"float sum [{i}] = {f[i]}");
            Check(result[i] == f[i], $"out-of-place float sum [{i}] = {result[i]}");
            Check(sent[i] == rank * 1000 + i, $"out-of-place all-reduce changed its input [{i}]");
            Check(d[i] == ranksSum * 0.5 + size * i, $"double sum [{i}] = {d[i]}");
            Check(n[i] == ranksSum * 7 + size * i, $"int sum [{i}] = {n[i]}");
        }

        var mf = new float[N];
        var mi = new int[N];
        var md = new double[N];
        for (int i = 0; i < N; i++)
        {
            mf[i] = i % size == rank ? 100 + i : -i;
            mi[i] = i % size == rank ? 100 + i : -i;
            md[i] = i % size == rank ? 100.25 + i : -i;
        }

        c.AllReduceMax(mf.AsSpan());
        c.AllReduceMax(mi.AsSpan());
        c.AllReduceMax(md.AsSpan());
        for (int i = 0; i < N; i++)
        {
            Check(mf[i] == 100 + i && mi[i] == 100 + i && md[i] == 100.25 + i, $"max [{i}] = {mf[i]}, {mi[i]}, {md[i]}");
        }

        float[] bf = [.. Enumerable.Range(0, 777).Select(i => (float)(rank * 10_000 + i))];
        byte[] bb = [.. Enumerable.Range(0, 300).Select(i => (byte)(rank + i))];
        int[] bi = [.. Enumerable.Range(0, 5).Select(i => rank * 100 + i)];
        c.Broadcast(bf.AsSpan(), root: 1);
        c.Broadcast(bb.AsSpan());
        c.Broadcast(bi.AsSpan(), root: size - 1);
        for (int i = 0; i < bf.Length; i++)
        {
            Check(bf[i] == 10_000 + i, $"float broadcast from rank 1 [{i}] = {bf[i]}");
        }

        Check(bb.Select((b, i) => b == (byte)i).All(x => x), "byte broadcast from rank 0");
        Check(bi.Select((v, i) => v == (size - 1) * 100 + i).All(x => x), "int broadcast from the last rank");
        c.Barrier();
        c.AllReduceSum(Span<float>.Empty);

        // Non-blocking: three in flight at once (4 MiB, 4 KiB, 40 B), completed out of order.
        var big = new float[1 << 20];
        var small = new float[1 << 10];
        var tiny = new float[10];
        big.AsSpan().Fill(rank + 1);
        small.AsSpan().Fill(2 * rank);
        tiny.AsSpan().Fill(0.5f);
        var r1 = c.StartAllReduceSum(big);
        var r2 = c.StartAllReduceSum(small);
        var r3 = c.StartAllReduceSum(tiny);
        r3.Wait();
        while (!r2.Test())
        {
            Thread.Yield();
        }

        r1.Wait();
        r1.Wait();
        Check(r1.IsCompleted && r2.IsCompleted && r3.IsCompleted, "requests report completion");
        Check(big.All(v => v == size * (size + 1) / 2), $"non-blocking 4 MiB sum: {big[0]}");
        Check(small.All(v => v == 2 * ranksSum), $"non-blocking 4 KiB sum: {small[0]}");
        Check(tiny.All(v => v == 0.5f * size), $"non-blocking 40 B sum: {tiny[0]}");
        Console.WriteLine($"rank {rank}: collectives ok");
    }

    private static void Variables(Communicator c)
    {
        // Different trainable initial values on every rank; the same frozen ones.
        var model = new TinyModel(seed: 100 + (ulong)c.Rank);
        Check(c.DivergentVariables(model.All).Count == 2, "before the broadcast, the two randomly initialized variables differ");
        c.BroadcastVariables(model.All);
        Check(c.DivergentVariables(model.All).Count == 0, "after the broadcast, the replicas are identical");
        var reference = new TinyModel(seed: 100);
        for (int i = 0; i < model.All.Length; i++)
        {
            Check(model.All[i].Value.AsReadOnlySpan().SequenceEqual(reference.All[i].Value.AsReadOnlySpan()), $"'{model.All[i].Name}' holds rank 0's values");
        }

        // A frozen variable that differs is never overwritten: every rank fails and names it.
        var frozen = new Variable("frozen", Tensor.Full(new Shape(3), c.Rank == 1 ? 2f : 1f), trainable: false);
        var trained = new Variable("trained", Tensor.Full(new Shape(3), c.Rank));
        var e = Record.Exception(() => c.BroadcastVariables([trained, frozen]));
        Check(e is DistributedException && e.Message.Contains("'frozen'", StringComparison.Ordinal), $"frozen mismatch: {e}");
        Check(frozen.Value[0] == (c.Rank == 1 ? 2f : 1f), "the differing frozen variable was not written");
        Check(trained.Value[0] == 0f, "the trainable variable got rank 0's value");

        // So is a frozen element of a masked variable.
        var masked = new Variable("masked", Tensor.FromArray(c.Rank, c.Rank == 1 ? 9f : 5f));
        masked.FreezeRows(1);
        e = Record.Exception(() => c.BroadcastVariables([masked]));
        Check(e is DistributedException && e.Message.Contains("'masked'", StringComparison.Ordinal), $"masked mismatch: {e}");
        Check(masked.Value[1] == (c.Rank == 1 ? 9f : 5f), "the frozen element was not written");

        // Different variable lists fail on every rank.
        var extra = new Variable("extra", Tensor.Zeros(2));
        e = Record.Exception(() => c.BroadcastVariables(c.Rank == 1 ? [trained, extra] : [trained]));
        Check(e is DistributedException && e.Message.Contains("different variables", StringComparison.Ordinal), $"list mismatch: {e}");
        Console.WriteLine($"rank {c.Rank}: variables ok");
    }

    private static void Training(Communicator c)
    {
        const int Batch = 4, Steps = 20;
        const ulong Seed = 11;

        // Data parallel: rank-specific initial values, replaced by rank 0's; 16-float buckets.
        var model = new TinyModel(seed: 5 + (ulong)c.Rank);
        c.BroadcastVariables(model.All);
        float[] w1 = model.W1.Value.ToArray(), w2 = model.W2.Value.ToArray();
        using var reducer = new GradientBucketReducer(c, bucketBytes: 64);
        model.Train(c, reducer, Batch, Steps, Seed);

        // One process with a batch Size times larger, from the same start, on a local communicator.
        var reference = new TinyModel(seed: 5);
        var local = Communicator.Initialize(new CommunicatorOptions { Backend = CommunicatorBackend.Local });
        using var localReducer = new GradientBucketReducer(local);
        reference.Train(local, localReducer, Batch * c.Size, Steps, Seed);

        Check(c.DivergentVariables(model.All).Count == 0, "replicas are bit-identical after training");
        Check(model.W1.Value.AsReadOnlySpan().SequenceEqual(w1), "the frozen kernel did not move");
        for (int i = 0; i < w2.Length; i++)
        {
            int row = i / TinyModel.Classes;
            if (row is 0 or 3)
            {
                Check(BitConverter.SingleToInt32Bits(model.W2.Value.AsReadOnlySpan()[i]) == BitConverter.SingleToInt32Bits(w2[i]), $"masked element {i} of dense2/kernel did not move");
            }
        }

        for (int v = 0; v < model.All.Length; v++)
        {
            var got = model.All[v].Value.AsReadOnlySpan();
            var want = reference.All[v].Value.AsReadOnlySpan();
            for (int i = 0; i < got.Length; i++)
            {
                Check(Math.Abs(got[i] - want[i]) <= 2e-5f + 2e-5f * Math.Abs(want[i]), $"'{model.All[v].Name}'[{i}]: {Size(c)} ranks give {got[i]}, one process {want[i]}");
            }
        }

        Check(!model.W2.Value.AsReadOnlySpan().SequenceEqual(w2), "training changed dense2/kernel");

        // 4 (dense2/bias) + 56 (16x4 kernel less 2 frozen rows) + 16 (dense1/bias) elements; with 16-float
        // buckets: the bias alone, the kernel alone (larger than a bucket), dense1/bias filling one exactly.
        var last = reducer.LastStep;
        Check(last.Variables == 3 && last.Elements == 76 && last.Bytes == 304 && last.Buckets == 3 && reducer.Steps == Steps, $"statistics: {last}");
        Console.WriteLine($"rank {c.Rank}: training ok ({Steps} steps, {last})");
    }

    private static void SharedGradient(Communicator c)
    {
        // The operands of an add may share one gradient tensor: it is averaged once, not once per variable.
        var a = new Variable("a", Tensor.Zeros(3));
        var b = new Variable("b", Tensor.Zeros(3));
        var shared = Tensor.Full(new Shape(3), 2f * (c.Rank + 1));
        using var reducer = new GradientBucketReducer(c, bucketBytes: 8);
        reducer.Add(a, shared);
        reducer.Add(b, shared);
        reducer.Complete();
        float mean = c.Size + 1;
        Check(shared.ToArray().All(x => x == mean), $"shared gradient: {string.Join(", ", shared.ToArray())}, expected {mean}");
        Console.WriteLine($"rank {c.Rank}: shared gradient ok");
    }

    private static void LayoutMismatch(Communicator c)
    {
        // Same sizes, different order on rank 1: the all-reduces match but the sums mix variables.
        var a = new Variable("a", Tensor.Zeros(4));
        var b = new Variable("b", Tensor.Zeros(4));
        var ga = Tensor.Full(new Shape(4), 1f);
        var gb = Tensor.Full(new Shape(4), 2f);
        using var reducer = new GradientBucketReducer(c);
        foreach (var v in c.Rank == 1 ? new[] { b, a } : [a, b])
        {
            reducer.Add(v, v == a ? ga : gb);
        }

        var e = Record.Exception(() => reducer.Complete());
        Check(e is DistributedException && e.Message.Contains("different gradients", StringComparison.Ordinal), $"layout mismatch: {e}");
        Check(ga.AsReadOnlySpan().ToArray().All(x => x == 1f) && gb.AsReadOnlySpan().ToArray().All(x => x == 2f), "no gradient changed");
        Check(reducer.Pending == 0, "the reducer starts a new step");
        Console.WriteLine($"rank {c.Rank}: layout check ok");
    }

    private static string Size(Communicator c) => c.Size.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("check failed: " + what);
        }
    }
}
