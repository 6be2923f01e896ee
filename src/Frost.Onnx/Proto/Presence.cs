namespace Frost.Onnx.Proto;

/// <summary>
/// Remembers which optional scalar fields a parsed message carried explicitly, so a field present with its default
/// value (protobuf 2 semantics, e.g. an empty <c>domain</c>) is written back and a re-saved file is byte-identical.
/// Only singular scalar fields are marked: repeated fields, messages and oneofs carry their presence in their value.
/// </summary>
internal struct Presence
{
    private ulong _bits;

    public readonly bool Has(int field) => field < 64 && (_bits & (1UL << field)) != 0;

    public void Mark(int field)
    {
        if (field < 64)
        {
            _bits |= 1UL << field;
        }
    }

    /// <summary>The raw bit set (bit n = field n was present).</summary>
    public readonly ulong Bits => _bits;
}
