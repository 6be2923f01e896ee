namespace Frost.Distributed.Native;

/// <summary>The reduction operations the communicator applies.</summary>
internal enum MpiReduction
{
    Sum,
    Max,
}
