using System.Text.Json.Nodes;
using Frost.Kernels;
using Frost.Kernels.Blas;

namespace Frost.Bench;

/// <summary>SGEMM throughput against the machine's peak and, when installed, OpenBLAS.</summary>
internal static class GemmSuite
{
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (128, 128, 128), (256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048),
        (3136, 64, 576), (3136, 256, 64),
    ];

    public static void Run(Timer timer, Report report)
    {
        Peak peak = Peak.Measure();
        bool blas = OpenBlas.TryLoad();
        int threads = KernelOptions.MaxThreads;
        PrintPeak(peak, report);
        Console.WriteLine($"GEMM (row-major C = A·B, GFLOP/s, median of >= {timer.Reps} reps; threads = {threads}; path = {Gemm.ActivePath})");
        Console.WriteLine(blas ? $"OpenBLAS: {OpenBlas.LoadedFrom}, core '{OpenBlas.CoreName}' (set OPENBLAS_CORETYPE to override its CPU detection)" : "OpenBLAS: not found (apt-get install libopenblas0-pthread to compare)");
        bool compareAvx2 = Gemm.ActivePath == GemmPath.Avx512 && Gemm.IsSupported(GemmPath.Avx2);
        var table = new Table("M x N x K", "ours", "% AVX2 pk", "% AVX512 pk", "ours 1T", compareAvx2 ? "AVX2 path" : "-", "OpenBLAS", "ours/OBLAS", "OBLAS 1T", "1T ratio");
        foreach (var (m, n, k) in Shapes)
        {
            var rng = new Random(42);
            float[] a = RandomArray(rng, m * k), b = RandomArray(rng, k * n), c = new float[m * n];
            double flops = 2.0 * m * n * k;
            string label = $"{m}x{n}x{k}";
            double ours = flops / timer.Median($"{label} ours", () => Gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n)) / 1e9;
            double ours1 = WithThreads(1, () => flops / timer.Median($"{label} ours 1T", () => Gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n)) / 1e9);
            double avx2 = double.NaN;
            if (compareAvx2)
            {
                Gemm.ActivePath = GemmPath.Avx2;
                avx2 = flops / timer.Median($"{label} AVX2", () => Gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n)) / 1e9;
                Gemm.ActivePath = Gemm.BestPath;
            }

            double ob = double.NaN, ob1 = double.NaN;
            if (blas)
            {
                OpenBlas.SetThreads(threads);
                ob = flops / timer.Median($"{label} OpenBLAS", () => OpenBlas.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n)) / 1e9;
                OpenBlas.SetThreads(1);
                ob1 = flops / timer.Median($"{label} OpenBLAS 1T", () => OpenBlas.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n)) / 1e9;
                OpenBlas.SetThreads(threads);
            }

            table.Add(label, Table.F(ours), Table.Pct(ours / peak.Avx2Peak), Table.Pct(ours / peak.Avx512Peak), Table.F(ours1),
                Table.F(avx2), Table.F(ob), Table.F(ours / ob, 2), Table.F(ob1), Table.F(ours1 / ob1, 2));
            report.AddRow("gemm", new JsonObject
            {
                ["m"] = m,
                ["n"] = n,
                ["k"] = k,
                ["gflops"] = ours,
                ["gflops_1t"] = ours1,
                ["gflops_avx2_path"] = Json(avx2),
                ["openblas_gflops"] = Json(ob),
                ["openblas_gflops_1t"] = Json(ob1),
                ["fraction_avx2_peak"] = Json(ours / peak.Avx2Peak),
                ["fraction_avx512_peak"] = Json(ours / peak.Avx512Peak),
            });
        }

        table.Print();
    }

    internal static void PrintPeak(Peak p, Report report)
    {
        Console.WriteLine($"Machine: {p.Cores} cores; /proc/cpuinfo says {Table.F(p.NominalGHz, 2)} GHz; " +
            $"dependent-FMA clock (4-cycle latency, all cores loaded) = {Table.F(p.ClockGHz, 2)} GHz");
        Console.WriteLine($"Theoretical peak = cores x 2 FMA units x lanes x 2 x clock: AVX2 {Table.F(p.Avx2Peak)} GFLOP/s, AVX-512 {Table.F(p.Avx512Peak)} GFLOP/s");
        Console.WriteLine($"Measured FMA-loop throughput (all cores): 256-bit {Table.F(p.MeasuredAvx2)} GFLOP/s, 512-bit {Table.F(p.MeasuredAvx512)} GFLOP/s");
        Console.WriteLine();
        report.Set("peak", new JsonObject
        {
            ["cores"] = p.Cores,
            ["nominal_ghz"] = Json(p.NominalGHz),
            ["clock_ghz"] = Json(p.ClockGHz),
            ["avx2_peak_gflops"] = Json(p.Avx2Peak),
            ["avx512_peak_gflops"] = Json(p.Avx512Peak),
            ["measured_fma256_gflops"] = Json(p.MeasuredAvx2),
            ["measured_fma512_gflops"] = Json(p.MeasuredAvx512),
        });
    }

    internal static T WithThreads<T>(int threads, Func<T> f)
    {
        int saved = KernelOptions.MaxThreads;
        KernelOptions.MaxThreads = threads;
        try
        {
            return f();
        }
        finally
        {
            KernelOptions.MaxThreads = saved;
        }
    }

    internal static JsonNode? Json(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    internal static float[] RandomArray(Random rng, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        return x;
    }
}
