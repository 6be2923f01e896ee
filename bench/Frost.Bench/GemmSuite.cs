using System.Text.Json.Nodes;
using Frost.Kernels;
using Frost.Kernels.Blas;

namespace Frost.Bench;

/// <summary>SGEMM throughput against the machine's peak and, when installed, OpenBLAS (interleaved round by round).</summary>
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
        Console.WriteLine($"SGEMM, row-major C = A·B, GFLOP/s = median over rounds; threads = {threads}; path = {Gemm.ActivePath}.");
        Console.WriteLine(blas
            ? $"OpenBLAS: {OpenBlas.LoadedFrom}, core '{OpenBlas.CoreName}' (OPENBLAS_CORETYPE overrides its CPU detection). " +
              "Ours and OpenBLAS run alternately; 'ours/OB' is the median of per-round ratios."
            : "OpenBLAS: not found (apt-get install libopenblas0-pthread to compare).");
        bool compareAvx2 = Gemm.ActivePath == GemmPath.Avx512 && Gemm.IsSupported(GemmPath.Avx2);
        var table = new Table("M x N x K", "ours", "% AVX2 pk", "% AVX512 pk", compareAvx2 ? "AVX2 path" : "-", "OpenBLAS", "ours/OB",
            "ours 1T", "OB 1T", "1T ours/OB");
        foreach (var (m, n, k) in Shapes)
        {
            var rng = new Random(42);
            float[] a = RandomArray(rng, m * k), b = RandomArray(rng, k * n), c = new float[m * n];
            double flops = 2.0 * m * n * k;
            string label = $"{m}x{n}x{k}";
            void Ours() => Gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
            void Ours1() => WithThreads(1, Ours);
            void Avx2()
            {
                Gemm.ActivePath = GemmPath.Avx2;
                Ours();
                Gemm.ActivePath = Gemm.BestPath;
            }

            void Ob()
            {
                OpenBlas.SetThreads(threads);
                OpenBlas.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
            }

            void Ob1()
            {
                OpenBlas.SetThreads(1);
                OpenBlas.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
            }

            var actions = new List<Action> { Ours, Ours1 };
            if (compareAvx2)
            {
                actions.Add(Avx2);
            }

            if (blas)
            {
                actions.Add(Ob);
                actions.Add(Ob1);
            }

            double[][] t = timer.Interleaved(label, [.. actions]);
            int rounds = t[0].Length;
            double Gf(double[] ts) => flops / Stats.Median(ts) / 1e9;
            double ours = Gf(t[0]), ours1 = Gf(t[1]);
            double avx2 = compareAvx2 ? Gf(t[2]) : double.NaN;
            int ob = compareAvx2 ? 3 : 2;
            double obg = blas ? Gf(t[ob]) : double.NaN, ob1 = blas ? Gf(t[ob + 1]) : double.NaN;
            double ratio = blas ? Stats.MedianOf(rounds, i => t[ob][i] / t[0][i]) : double.NaN;
            double ratio1 = blas ? Stats.MedianOf(rounds, i => t[ob + 1][i] / t[1][i]) : double.NaN;
            table.Add(label, Table.F(ours), Table.Pct(ours / peak.Avx2Peak), Table.Pct(ours / peak.Avx512Peak), Table.F(avx2),
                Table.F(obg), Table.F(ratio, 2), Table.F(ours1), Table.F(ob1), Table.F(ratio1, 2));
            report.AddRow("gemm", new JsonObject
            {
                ["m"] = m,
                ["n"] = n,
                ["k"] = k,
                ["rounds"] = rounds,
                ["gflops"] = ours,
                ["gflops_1t"] = ours1,
                ["gflops_avx2_path"] = Json(avx2),
                ["openblas_gflops"] = Json(obg),
                ["openblas_gflops_1t"] = Json(ob1),
                ["ours_over_openblas"] = Json(ratio),
                ["ours_over_openblas_1t"] = Json(ratio1),
                ["fraction_avx2_peak"] = Json(ours / peak.Avx2Peak),
                ["fraction_avx512_peak"] = Json(ours / peak.Avx512Peak),
                ["background"] = timer.LastLoad.ToJson(),
            });
        }

        OpenBlas.SetThreads(threads);
        table.Print();
    }

    internal static void PrintPeak(Peak p, Report report)
    {
        Console.WriteLine($"Machine: {p.Cores} cores; /proc/cpuinfo 'cpu MHz' {Table.F(p.NominalGHz, 2)} GHz; " +
            $"clock from a dependent FMA chain (4-cycle latency, one core, best of 9) {Table.F(p.ClockGHz, 2)} GHz");
        Console.WriteLine($"Theoretical peak = cores x 2 FMA units x lanes x 2 flops x clock: AVX2 {Table.F(p.Avx2Peak)} GFLOP/s, " +
            $"AVX-512 {Table.F(p.Avx512Peak)} GFLOP/s");
        Console.WriteLine($"Measured FMA-loop throughput, all cores (best of 5): 256-bit {Table.F(p.MeasuredAvx2)} GFLOP/s, " +
            $"512-bit {Table.F(p.MeasuredAvx512)} GFLOP/s");
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

    internal static void WithThreads(int threads, Action f)
    {
        int saved = KernelOptions.MaxThreads;
        KernelOptions.MaxThreads = threads;
        try
        {
            f();
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
