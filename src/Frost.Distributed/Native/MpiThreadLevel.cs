namespace Frost.Distributed.Native;

/// <summary>MPI thread support levels; the values are the same in Open MPI's and MPICH's mpi.h.</summary>
internal enum MpiThreadLevel
{
    Single = 0,
    Funneled = 1,
    Serialized = 2,
    Multiple = 3,
}
