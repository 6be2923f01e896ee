namespace Frost.Distributed;

/// <summary>How <see cref="Communicator.Initialize(CommunicatorOptions?)"/> starts a communicator.</summary>
public sealed record CommunicatorOptions
{
    /// <summary>What carries the collectives; <see cref="CommunicatorBackend.Auto"/> by default.</summary>
    public CommunicatorBackend Backend { get; init; } = CommunicatorBackend.Auto;

    /// <summary>
    /// An MPI library to load (a file name such as <c>libmpich.so.12</c> or a path) instead of the one the
    /// launcher calls for; null to choose automatically.
    /// </summary>
    public string? Library { get; init; }

    /// <summary>
    /// How long a collective may wait for the other ranks before it fails with a
    /// <see cref="DistributedException"/> naming the rank that is missing (when it can be told): 10 minutes by
    /// default, <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for no limit. It bounds how long the
    /// other ranks wait for one that hangs; a rank that dies is reported sooner by the launcher.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often a background thread advances non-blocking collectives while the caller computes (MPI
    /// libraries move data only inside MPI calls); 1 ms by default, <see cref="TimeSpan.Zero"/> for no thread
    /// (progress then happens only in <see cref="CollectiveRequest.Test"/> and
    /// <see cref="CollectiveRequest.Wait"/>).
    /// </summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(1);
}
