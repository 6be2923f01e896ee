using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Frost.Bench;

/// <summary>
/// Background load while a block ran: CPU time other processes used and time the hypervisor stole, in % of all CPUs
/// (from /proc/stat minus this process's own time), as torch-peer's 'bg other/steal' column measures it.
/// </summary>
internal readonly record struct Load(double OtherPercent, double StealPercent)
{
    /// <summary>No measurement (not Linux, or /proc/stat unreadable).</summary>
    public static Load Unknown { get; } = new(double.NaN, double.NaN);

    public JsonObject ToJson() => new()
    {
        ["other_pct"] = GemmSuite.Json(OtherPercent),
        ["steal_pct"] = GemmSuite.Json(StealPercent),
    };

    /// <summary>Starts measuring; <see cref="Meter.Stop"/> gives the load since then.</summary>
    public static Meter Start() => new(Stat(), Process.GetCurrentProcess().TotalProcessorTime, Stopwatch.GetTimestamp());

    /// <summary>(busy jiffies of all CPUs without steal, steal jiffies), or null when /proc/stat cannot be read.</summary>
    private static (long Busy, long Steal)? Stat()
    {
        try
        {
            string[] f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long V(int i) => i < f.Length ? long.Parse(f[i], CultureInfo.InvariantCulture) : 0;
            return (V(1) + V(2) + V(3) + V(6) + V(7), V(8));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    internal readonly record struct Meter((long Busy, long Steal)? Start, TimeSpan SelfStart, long TicksStart)
    {
        public Load Stop()
        {
            var end = Stat();
            TimeSpan self = Process.GetCurrentProcess().TotalProcessorTime - SelfStart;
            double seconds = Stopwatch.GetElapsedTime(TicksStart).TotalSeconds;
            if (Start is not { } s || end is not { } e || seconds <= 0)
            {
                return Unknown;
            }

            const double JiffiesPerSecond = 100; // USER_HZ
            double available = seconds * JiffiesPerSecond * Environment.ProcessorCount;
            double other = (e.Busy - s.Busy) - (self.TotalSeconds * JiffiesPerSecond);
            return new Load(Math.Max(0, 100 * other / available), 100 * (e.Steal - s.Steal) / available);
        }
    }
}
