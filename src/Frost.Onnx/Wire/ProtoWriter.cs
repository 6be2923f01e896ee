using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Frost.Onnx.Wire;

/// <summary>
/// Writes the protobuf wire format in two passes over the same code path: a sizing pass that records the length
/// of every embedded message (in visiting order), then an emitting pass into a buffer of the exact final size.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly List<int> _sizes = [];
    private byte[]? _buffer;
    private long _count;
    private int _pos;
    private int _cursor;

    /// <summary>Serializes a message by running <paramref name="write"/> twice (size, then emit).</summary>
    public static byte[] Serialize<T>(T message, Action<ProtoWriter, T> write)
    {
        var w = new ProtoWriter();
        write(w, message);
        if (w._count > Array.MaxLength)
        {
            throw new InvalidOperationException(
                $"The serialized model would be {w._count} bytes; a protobuf message cannot exceed {Array.MaxLength} bytes.");
        }

        w._buffer = new byte[w._count];
        write(w, message);
        if (w._pos != w._buffer.Length || w._cursor != w._sizes.Count)
        {
            throw new InvalidOperationException("The sizing and emitting passes of the protobuf writer disagree.");
        }

        return w._buffer;
    }

    /// <summary>Writes a varint int64 field (negative values take ten bytes).</summary>
    public void WriteInt64(int field, long value)
    {
        WriteKey(field, WireType.Varint);
        WriteVarint((ulong)value);
    }

    /// <summary>Writes a varint int32 field (negative values are sign-extended, as protobuf does).</summary>
    public void WriteInt32(int field, int value) => WriteInt64(field, value);

    /// <summary>Writes a fixed32 float field.</summary>
    public void WriteFloat(int field, float value)
    {
        WriteKey(field, WireType.Fixed32);
        if (_buffer is null)
        {
            _count += 4;
            return;
        }

        BinaryPrimitives.WriteSingleLittleEndian(_buffer.AsSpan(_pos), value);
        _pos += 4;
    }

    /// <summary>Writes a UTF-8 string field.</summary>
    public void WriteString(int field, string value)
    {
        WriteKey(field, WireType.LengthDelimited);
        int length = Encoding.UTF8.GetByteCount(value);
        WriteVarint((ulong)length);
        if (_buffer is null)
        {
            _count += length;
            return;
        }

        _pos += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_pos, length));
    }

    /// <summary>Writes a bytes field.</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteKey(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        if (_buffer is null)
        {
            _count += value.Length;
            return;
        }

        value.CopyTo(_buffer.AsSpan(_pos));
        _pos += value.Length;
    }

    /// <summary>Writes already-encoded fields (key included) kept from a parsed message.</summary>
    public void WriteRaw(List<ReadOnlyMemory<byte>>? fields)
    {
        if (fields is null)
        {
            return;
        }

        foreach (var f in fields)
        {
            if (_buffer is null)
            {
                _count += f.Length;
            }
            else
            {
                f.Span.CopyTo(_buffer.AsSpan(_pos));
                _pos += f.Length;
            }
        }
    }

    /// <summary>Writes repeated int64 values, one key per value (protobuf 2's default encoding).</summary>
    public void WriteUnpackedInt64s(int field, ReadOnlySpan<long> values)
    {
        foreach (long v in values)
        {
            WriteInt64(field, v);
        }
    }

    /// <summary>Writes repeated float values, one key per value.</summary>
    public void WriteUnpackedFloats(int field, ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            WriteFloat(field, v);
        }
    }

    /// <summary>Writes repeated int64 values as one packed field; nothing when empty.</summary>
    public void WritePackedInt64s(int field, ReadOnlySpan<long> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        long length = 0;
        foreach (long v in values)
        {
            length += VarintSize((ulong)v);
        }

        WriteKey(field, WireType.LengthDelimited);
        WriteVarint((ulong)length);
        if (_buffer is null)
        {
            _count += length;
            return;
        }

        foreach (long v in values)
        {
            WriteVarint((ulong)v);
        }
    }

    /// <summary>Writes repeated int32 values as one packed field (sign-extended varints); nothing when empty.</summary>
    public void WritePackedInt32s(int field, ReadOnlySpan<int> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        long length = 0;
        foreach (int v in values)
        {
            length += VarintSize((ulong)(long)v);
        }

        WriteKey(field, WireType.LengthDelimited);
        WriteVarint((ulong)length);
        if (_buffer is null)
        {
            _count += length;
            return;
        }

        foreach (int v in values)
        {
            WriteVarint((ulong)(long)v);
        }
    }

    /// <summary>Writes repeated float values as one packed field; nothing when empty.</summary>
    public void WritePackedFloats(int field, ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        WriteKey(field, WireType.LengthDelimited);
        WriteVarint((ulong)values.Length * 4);
        if (_buffer is null)
        {
            _count += (long)values.Length * 4;
            return;
        }

        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(_buffer.AsSpan(_pos), v);
            _pos += 4;
        }
    }

    /// <summary>Writes repeated double values as one packed field; nothing when empty.</summary>
    public void WritePackedDoubles(int field, ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        WriteKey(field, WireType.LengthDelimited);
        WriteVarint((ulong)values.Length * 8);
        if (_buffer is null)
        {
            _count += (long)values.Length * 8;
            return;
        }

        foreach (double v in values)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(_pos), v);
            _pos += 8;
        }
    }

    /// <summary>Writes an embedded message field through <paramref name="write"/>.</summary>
    public void WriteMessage<T>(int field, T message, Action<ProtoWriter, T> write)
    {
        WriteKey(field, WireType.LengthDelimited);
        if (_buffer is null)
        {
            int index = _sizes.Count;
            _sizes.Add(0);
            long start = _count;
            write(this, message);
            long size = _count - start;
            if (size > int.MaxValue)
            {
                throw new InvalidOperationException($"An embedded message of {size} bytes exceeds the protobuf limit of 2 GiB.");
            }

            _sizes[index] = (int)size;
            _count += VarintSize((ulong)size);
            return;
        }

        int expected = _sizes[_cursor++];
        WriteVarint((ulong)expected);
        int begin = _pos;
        write(this, message);
        if (_pos - begin != expected)
        {
            throw new InvalidOperationException("A message changed size between the sizing and emitting passes.");
        }
    }

    private static int VarintSize(ulong value) => value == 0 ? 1 : ((64 - BitOperations.LeadingZeroCount(value) + 6) / 7);

    private void WriteKey(int field, WireType wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        if (_buffer is null)
        {
            _count += VarintSize(value);
            return;
        }

        while (value >= 0x80)
        {
            _buffer[_pos++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_pos++] = (byte)value;
    }
}
