using Frost.Distributed;
using Spectre.Console;

namespace Frost.Cli.Commands;

/// <summary>
/// One process's part of a data-parallel run started by <c>mpirun -np N frost ... --distributed</c>: the
/// communicator, the learner's bridge to it, and a silent console on every rank but 0.
/// </summary>
internal sealed class DistributedRun : IDisposable
{
    private readonly Communicator _communicator;
    private readonly IAnsiConsole _console;

    private DistributedRun(Communicator communicator)
    {
        _communicator = communicator;
        DataParallel = new DataParallel(communicator);
        _console = AnsiConsole.Console;
        if (!IsRoot)
        {
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        }
    }

    /// <summary>The learner's bridge to the other ranks.</summary>
    public DataParallel DataParallel { get; }

    /// <summary>Whether this process writes the outputs and the display (rank 0).</summary>
    public bool IsRoot => _communicator.Rank == 0;

    /// <summary>A line for the display: ranks, library, and the batch per process and per update.</summary>
    public string Describe(int batchSize)
        => $"Distributed: {_communicator.Size} processes over {_communicator.Backend} ({_communicator.Library}); {batchSize} images per process, {batchSize * _communicator.Size} per update.";

    /// <summary>Joins the MPI job this process was launched in (rank 0 of 1 without a launcher).</summary>
    /// <exception cref="UsageException">No MPI library can be loaded or initialized.</exception>
    public static DistributedRun Start()
    {
        try
        {
            return new DistributedRun(Communicator.Initialize());
        }
        catch (DistributedException e)
        {
            throw new UsageException($"--distributed: {e.Message}");
        }
    }

    /// <summary>Restores the console and leaves the MPI job.</summary>
    public void Dispose()
    {
        AnsiConsole.Console = _console;
        DataParallel.Dispose();
        _communicator.Dispose();
    }
}
