namespace Frost.Distributed;

/// <summary>What carries a <see cref="Communicator"/>'s collectives.</summary>
public enum CommunicatorBackend
{
    /// <summary>
    /// MPI when the process was started by an MPI launcher (its library must then load) or an MPI library is
    /// named (<see cref="CommunicatorOptions.Library"/>); otherwise <see cref="Local"/>: a process started alone
    /// has no one to talk to, and MPI's singleton initialization can end the process where a partial Open MPI
    /// installation lacks its daemon.
    /// </summary>
    Auto,

    /// <summary>
    /// MPI, required: without a launcher the process is rank 0 of 1 through MPI's singleton initialization (Open
    /// MPI then starts its <c>orted</c> daemon, about a second); without a loadable library this is an error
    /// naming what to install.
    /// </summary>
    Mpi,

    /// <summary>No MPI: an in-process communicator of one rank, whose collectives leave data unchanged.</summary>
    Local,
}
