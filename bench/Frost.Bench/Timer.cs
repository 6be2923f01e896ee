using System.Diagnostics;

namespace Frost.Bench;

/// <summary>
/// Times actions: warm-up, then at least <c>reps</c> timed rounds. Several actions are interleaved round by round,
/// so a slow phase of a shared machine hits all of them alike and per-round ratios stay meaningful.
/// </summary>
internal sealed class Timer(int reps)
{
    private const double MinTotalSeconds = 0.5;

    public int Reps { get; } = reps;

    /// <summary>Background load during the timed rounds of the last <see cref="Interleaved"/> (or <see cref="Median"/>) call.</summary>
    public Load LastLoad { get; private set; } = Load.Unknown;

    /// <summary>Median seconds per call of <paramref name="action"/>.</summary>
    public double Median(string label, Action action) => Stats.Median(Interleaved(label, action)[0]);

    /// <summary>Seconds per call of each action, one entry per round; all arrays have the same length.</summary>
    public double[][] Interleaved(string label, params Action[] actions)
    {
        Progress($"{label}: warm-up");
        var sw = Stopwatch.StartNew();
        foreach (Action a in actions)
        {
            a();
        }

        double first = sw.Elapsed.TotalSeconds;
        if (first < 0.05)
        {
            foreach (Action a in actions)
            {
                a();
                a();
            }
        }

        int n = Math.Max(Reps, (int)Math.Min(100, MinTotalSeconds / Math.Max(first, 1e-6)));
        var times = new double[actions.Length][];
        for (int j = 0; j < actions.Length; j++)
        {
            times[j] = new double[n];
        }

        Load.Meter meter = Load.Start();
        for (int i = 0; i < n; i++)
        {
            Progress($"{label}: round {i + 1}/{n}");
            for (int j = 0; j < actions.Length; j++)
            {
                sw.Restart();
                actions[j]();
                times[j][i] = sw.Elapsed.TotalSeconds;
            }
        }

        LastLoad = meter.Stop();
        Progress(null);
        return times;
    }

    public static void Progress(string? text)
    {
        if (Console.IsErrorRedirected)
        {
            return;
        }

        Console.Error.Write(text is null ? "\r\u001b[K" : $"\r\u001b[K  {text}");
    }
}

/// <summary>Medians of samples and of per-round ratios.</summary>
internal static class Stats
{
    public static double Median(double[] xs)
    {
        double[] s = (double[])xs.Clone();
        Array.Sort(s);
        int n = s.Length;
        return n == 0 ? double.NaN : n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /// <summary>Median over rounds of <c>f(round)</c>.</summary>
    public static double MedianOf(int rounds, Func<int, double> f)
    {
        var r = new double[rounds];
        for (int i = 0; i < rounds; i++)
        {
            r[i] = f(i);
        }

        return Median(r);
    }
}
