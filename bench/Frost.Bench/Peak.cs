using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Frost.Bench;

/// <summary>Clock and floating-point peak of this machine, measured rather than assumed.</summary>
internal sealed record Peak(
    int Cores, double NominalGHz, double ClockGHz, double Avx2Peak, double Avx512Peak, double MeasuredAvx2, double MeasuredAvx512)
{
    /// <summary>
    /// Measures the clock with a dependent chain of FMAs on one core (FMA latency: 4 cycles on Golden Cove / Sapphire
    /// Rapids; best of several short trials, so a busy machine lowers it less), and the FMA throughput with 10
    /// independent chains per core on all cores at once. Theoretical peak = cores × 2 FMA units × lanes × 2 flops × clock.
    /// </summary>
    public static Peak Measure()
    {
        int cores = Environment.ProcessorCount;
        double nominal = ReadNominalGHz();
        if (!Fma.IsSupported)
        {
            return new Peak(cores, nominal, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        Timer.Progress("measuring clock");
        const long DepIters = 20_000_000; // 4 FMAs each
        double clock = Best(9, () => OnAllCores(1, () => DepChain(DepIters)) is var t ? 4.0 * 4 * DepIters / t / 1e9 : 0);
        const long ThrIters = 20_000_000; // 10 FMAs each
        double thr256 = Best(5, () => cores * 10.0 * ThrIters * 16 / OnAllCores(cores, () => Throughput256(ThrIters)) / 1e9);
        double thr512 = Avx512F.IsSupported
            ? Best(5, () => cores * 10.0 * ThrIters * 32 / OnAllCores(cores, () => Throughput512(ThrIters)) / 1e9)
            : double.NaN;
        Timer.Progress(null);
        return new Peak(cores, nominal, clock, cores * 2 * 8 * 2 * clock, Avx512F.IsSupported ? cores * 2 * 16 * 2 * clock : double.NaN, thr256, thr512);
    }

    private static double Best(int trials, Func<double> f)
    {
        double best = 0;
        for (int i = 0; i < trials; i++)
        {
            best = Math.Max(best, f());
        }

        return best;
    }

    /// <summary>Runs <paramref name="body"/> on <paramref name="n"/> threads together; returns the slowest thread's seconds.</summary>
    private static double OnAllCores(int n, Action body)
    {
        var seconds = new double[n];
        using var start = new Barrier(n);
        var threads = new Thread[n];
        for (int i = 0; i < n; i++)
        {
            int id = i;
            threads[i] = new Thread(() =>
            {
                start.SignalAndWait();
                long t0 = Stopwatch.GetTimestamp();
                body();
                seconds[id] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            });
            threads[i].Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }

        return seconds.Max();
    }

    private static double ReadNominalGHz()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("cpu MHz", StringComparison.Ordinal))
                {
                    return double.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture) / 1000;
                }
            }
        }
        catch (IOException)
        {
        }

        return double.NaN;
    }

    private static volatile float s_sink;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DepChain(long n)
    {
        Vector256<float> x = Vector256.Create(0.5f), y = Vector256.Create(0.999f), a = x;
        for (long i = 0; i < n; i++)
        {
            a = Fma.MultiplyAdd(a, y, x);
            a = Fma.MultiplyAdd(a, y, x);
            a = Fma.MultiplyAdd(a, y, x);
            a = Fma.MultiplyAdd(a, y, x);
        }

        s_sink = a.ToScalar();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throughput256(long n)
    {
        Vector256<float> x = Vector256.Create(0.5f), y = Vector256.Create(0.999f);
        Vector256<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x;
        for (long i = 0; i < n; i++)
        {
            a0 = Fma.MultiplyAdd(a0, y, x);
            a1 = Fma.MultiplyAdd(a1, y, x);
            a2 = Fma.MultiplyAdd(a2, y, x);
            a3 = Fma.MultiplyAdd(a3, y, x);
            a4 = Fma.MultiplyAdd(a4, y, x);
            a5 = Fma.MultiplyAdd(a5, y, x);
            a6 = Fma.MultiplyAdd(a6, y, x);
            a7 = Fma.MultiplyAdd(a7, y, x);
            a8 = Fma.MultiplyAdd(a8, y, x);
            a9 = Fma.MultiplyAdd(a9, y, x);
        }

        s_sink = (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9).ToScalar();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throughput512(long n)
    {
        Vector512<float> x = Vector512.Create(0.5f), y = Vector512.Create(0.999f);
        Vector512<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x;
        for (long i = 0; i < n; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, y, x);
            a1 = Avx512F.FusedMultiplyAdd(a1, y, x);
            a2 = Avx512F.FusedMultiplyAdd(a2, y, x);
            a3 = Avx512F.FusedMultiplyAdd(a3, y, x);
            a4 = Avx512F.FusedMultiplyAdd(a4, y, x);
            a5 = Avx512F.FusedMultiplyAdd(a5, y, x);
            a6 = Avx512F.FusedMultiplyAdd(a6, y, x);
            a7 = Avx512F.FusedMultiplyAdd(a7, y, x);
            a8 = Avx512F.FusedMultiplyAdd(a8, y, x);
            a9 = Avx512F.FusedMultiplyAdd(a9, y, x);
        }

        s_sink = (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9).ToScalar();
    }
}
