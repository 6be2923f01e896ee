using System.Diagnostics;

namespace Frost.Bench;

/// <summary>Times an action: warm-up, then the median of at least <c>reps</c> timed runs, with progress on stderr.</summary>
internal sealed class Timer(int reps)
{
    private const double MinTotalSeconds = 0.3;

    public int Reps { get; } = reps;

    /// <summary>Median seconds per call of <paramref name="action"/>.</summary>
    public double Median(string label, Action action)
    {
        Progress($"{label}: warm-up");
        var sw = Stopwatch.StartNew();
        action();
        double first = sw.Elapsed.TotalSeconds;
        int warm = first < 0.05 ? 3 : 1;
        for (int i = 0; i < warm; i++)
        {
            action();
        }

        int n = Math.Max(Reps, (int)Math.Min(200, MinTotalSeconds / Math.Max(first, 1e-6)));
        var times = new double[n];
        for (int i = 0; i < n; i++)
        {
            Progress($"{label}: rep {i + 1}/{n}");
            sw.Restart();
            action();
            times[i] = sw.Elapsed.TotalSeconds;
        }

        Array.Sort(times);
        Progress(null);
        return n % 2 == 1 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
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
