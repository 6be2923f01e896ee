namespace Frost.Distributed.Native;

/// <summary>The element types the communicator exchanges.</summary>
internal enum MpiDatatype
{
    Float,
    Double,
    Int,
    Byte,
}
