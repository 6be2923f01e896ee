namespace Frost.Distributed.Tests;

/// <summary>One MPI singleton communicator for the whole test run, finalized at its end.</summary>
public sealed class MpiSingletonFixture : IDisposable
{
    public Communicator? Communicator { get; } =
        MpiEnvironment.LibraryLoads ? Communicator.Initialize(new CommunicatorOptions { Backend = CommunicatorBackend.Mpi }) : null;

    public void Dispose() => Communicator?.Dispose();
}
