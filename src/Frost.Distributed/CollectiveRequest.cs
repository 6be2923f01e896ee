using System.Buffers;
using System.Diagnostics;

namespace Frost.Distributed;

/// <summary>
/// A non-blocking collective in flight, from <see cref="Communicator.StartAllReduceSum(Memory{float})"/>: its
/// memory belongs to the collective until <see cref="Test"/> returns true or <see cref="Wait"/> returns.
/// </summary>
public sealed class CollectiveRequest
{
    private readonly Communicator _owner;
    private MemoryHandle _pin;
    private volatile bool _completed;
    private string? _error;

    /// <summary>The MPI request (an Open MPI pointer or an MPICH integer); tested only under the owner's lock.</summary>
    internal nint Handle;

    /// <summary>A request that completed when it started (a local communicator's).</summary>
    internal CollectiveRequest(Communicator owner, CollectiveDescription what)
    {
        _owner = owner;
        What = what;
        Started = Stopwatch.GetTimestamp();
        _completed = true;
    }

    internal CollectiveRequest(Communicator owner, CollectiveDescription what, nint handle, MemoryHandle pin)
    {
        _owner = owner;
        What = what;
        Handle = handle;
        _pin = pin;
        Started = Stopwatch.GetTimestamp();
    }

    /// <summary>Whether the collective has completed (the result is in place).</summary>
    public bool IsCompleted => _completed;

    /// <summary>What the collective is, for messages, e.g. "all-reduce (sum) of 1,024 floats".</summary>
    internal CollectiveDescription What { get; }

    /// <summary>When it started (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    internal long Started { get; }

    /// <summary>Advances the collective once without waiting; true when it has completed.</summary>
    /// <exception cref="DistributedException">The collective failed.</exception>
    public bool Test() => _owner.TestRequest(this);

    /// <summary>Waits until the collective completes, at most the communicator's timeout from its start.</summary>
    /// <exception cref="DistributedException">The collective failed or timed out.</exception>
    public void Wait() => _owner.WaitRequest(this);

    /// <summary>What it is and whether it has completed.</summary>
    public override string ToString() => $"{What} ({(_completed ? "completed" : "in flight")})";

    /// <summary>Marks the request completed (or failed with <paramref name="error"/>) and unpins its memory.</summary>
    internal void Finish(string? error)
    {
        _error = error;
        _pin.Dispose();
        _pin = default;
        _completed = true;
    }

    internal void ThrowIfFailed()
    {
        if (_error is not null)
        {
            throw new DistributedException(_error);
        }
    }
}
