namespace Frost.Distributed;

/// <summary>
/// A communication failure: no MPI library could be loaded, MPI reported an error, or a collective did not
/// complete within the communicator's timeout because another rank died, hangs or runs different code.
/// </summary>
public sealed class DistributedException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public DistributedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public DistributedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public DistributedException()
    {
    }
}
