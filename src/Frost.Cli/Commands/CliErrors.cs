using Frost.Distributed;
using Frost.Freezing;

namespace Frost.Cli.Commands;

/// <summary>
/// Turns every failure into one line on standard error and an exit code (documented in README.md):
/// 0 success, 1 usage or input error, 2 frozen check failed, 3 training diverged, 4 output error, 5 not enough memory,
/// 6 internal error, 7 a distributed run lost a process or MPI failed.
/// </summary>
internal static class CliErrors
{
    /// <summary>An option, argument or input file is invalid: missing, not a regular file, malformed, damaged, or holding values out of range.</summary>
    public const int UsageOrInput = 1;

    /// <summary>Training finished but a frozen variable changed.</summary>
    public const int FrozenCheckFailed = 2;

    /// <summary>Training stopped on a non-finite loss; the last good checkpoint is kept.</summary>
    public const int Diverged = 3;

    /// <summary>The output folder is locked by another run, or a file could not be written.</summary>
    public const int Output = 4;

    /// <summary>The request needs more memory than the machine has (refused up front, or out of memory while allocating).</summary>
    public const int OutOfMemory = 5;

    /// <summary>An unexpected failure (a bug), still reported on one line.</summary>
    public const int Internal = 6;

    /// <summary>A distributed run lost one of its processes, or MPI failed.</summary>
    public const int Distributed = 7;

    [ThreadStatic]
    private static string? t_activity;

    /// <summary>Runs <paramref name="body"/>, reporting any failure on one line and returning its exit code.</summary>
    public static int Guard(Func<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return body();
        }
        catch (Exception e)
        {
            return Handle(e);
        }
        finally
        {
            t_activity = null;
        }
    }

    /// <summary>Names what the command is doing, for an out-of-memory message; the previous activity returns on dispose.</summary>
    public static IDisposable Doing(string what)
    {
        var previous = t_activity;
        t_activity = what;
        return new Restorer(previous);
    }

    /// <summary>Reports <paramref name="e"/> on one line and returns its exit code.</summary>
    public static int Handle(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is AggregateException { InnerExceptions.Count: 1 } one)
        {
            return Handle(one.InnerExceptions[0]);
        }

        var (code, message) = e switch
        {
            OutOfMemoryException => (OutOfMemory, $"out of memory while {t_activity ?? "running"}; use a smaller --size, --batch-size or image count."),
            MemoryBudgetException => (OutOfMemory, e.Message),
            OutputException => (Output, e.Message),
            DistributedException => (Distributed, e.Message),
            Frost.Vision.ImageDecodeException => (UsageOrInput, $"{e.Message.TrimEnd('.')}; pass --bad-images skip to leave unreadable files out."),
            UsageException or SelectorMatchException or Frost.Vision.ImageFolderException => (UsageOrInput, e.Message),
            FormatException or IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or NotSupportedException
                => (UsageOrInput, e.Message),
            _ => (Internal, $"internal error ({e.GetType().Name}): {e.Message}"),
        };
        Report(message);
        return code;
    }

    /// <summary>Writes <c>error: MESSAGE</c> to standard error as one line (no wrapping, no markup).</summary>
    public static void Report(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string line = string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Console.Error.WriteLine("error: " + line);
    }

    private sealed class Restorer(string? previous) : IDisposable
    {
        public void Dispose() => t_activity = previous;
    }
}
