using Frost.Layers;

namespace Frost.Cli.Commands;

/// <summary>Refuses requests that need more memory than the machine has, before allocating.</summary>
internal static class MemoryBudget
{
    /// <summary>Memory the process may use: the machine's memory, or the container's limit.</summary>
    public static long MachineBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Throws when <paramref name="bytes"/> exceeds <see cref="MachineBytes"/>; the message says what needs it and what to change.</summary>
    public static void Require(string what, long bytes, string advice)
    {
        long have = MachineBytes;
        if (bytes > have)
        {
            throw new MemoryBudgetException($"{what} needs at least {LayerSummary.FormatBytes(bytes)} of memory, more than the {LayerSummary.FormatBytes(have)} this machine has; {advice}.");
        }
    }
}
