using System.Globalization;

namespace Frost.Bench;

/// <summary>This process's resident memory as Linux reports it in /proc/self.</summary>
internal static class ProcessMemory
{
    /// <summary>A byte figure of /proc/self/status (e.g. "VmHWM", "VmRSS"), or 0 where unavailable.</summary>
    public static long Read(string key)
    {
        if (!File.Exists("/proc/self/status"))
        {
            return 0;
        }

        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Resets VmHWM to the current resident set (Linux 4.0+).</summary>
    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");
}
