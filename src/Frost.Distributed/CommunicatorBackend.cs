namespace Frost.Distributed;

/// <summary>What carries a <see cref="Communicator"/>'s collectives.</summary>
public enum CommunicatorBackend
{
    /// <summary>
    /// MPI when the process was started by an MPI launcher (its library must then load) or, without a launcher,
    /// when an MPI library loads (MPI singleton: rank 0 of 1); otherwise <see cref="Local"/>.
    /// </summary>
    Auto,

    /// <summary>MPI, required: without a loadable library this is an error naming what to install.</summary>
    Mpi,

    /// <summary>No MPI: an in-process communicator of one rank, whose collectives leave data unchanged.</summary>
    Local,
}
