using System.Buffers.Binary;
using System.Text;

namespace Frost.Onnx.Wire;

/// <summary>
/// Reads the protobuf wire format from a byte buffer, validating every length against the bytes that remain
/// before anything is allocated, so a hostile or truncated file fails with an <see cref="OnnxFormatException"/>
/// naming the source, the field path and the byte offset.
/// </summary>
internal sealed class ProtoReader
{
    /// <summary>The deepest nesting of messages accepted (a graph inside a node attribute costs three levels).</summary>
    public const int MaxDepth = 100;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlyMemory<byte> _data;
    private readonly string _source;
    private readonly string[] _path = new string[MaxDepth + 1];
    private int _depth;
    private int _pos;
    private int _limit;
    private int _keyStart;

    public ProtoReader(ReadOnlyMemory<byte> data, string source)
    {
        _data = data;
        _source = source;
        _limit = data.Length;
    }

    /// <summary>Absolute byte offset of the next byte to read.</summary>
    public int Position => _pos;

    /// <summary>Bytes left in the message being read.</summary>
    public int Remaining => _limit - _pos;

    /// <summary>Reads the next field key; false at the end of the current message.</summary>
    public bool TryReadKey(out int field, out WireType wireType)
    {
        if (_pos >= _limit)
        {
            field = 0;
            wireType = WireType.Varint;
            return false;
        }

        int at = _pos;
        _keyStart = at;
        ulong key = ReadRawVarint("field key");
        ulong number = key >> 3;
        wireType = (WireType)(int)(key & 7);
        if (number is 0 or > 0x1FFF_FFFF)
        {
            throw ErrorAt(at, "field key", $"field number {number} is out of range");
        }

        if ((int)wireType > 5)
        {
            throw ErrorAt(at, "field key", $"invalid wire type {(int)wireType}");
        }

        field = (int)number;
        return true;
    }

    /// <summary>Reads a varint-encoded int64.</summary>
    public long ReadInt64(WireType wireType, string field)
    {
        Expect(wireType, WireType.Varint, field);
        return (long)ReadRawVarint(field);
    }

    /// <summary>Reads a varint-encoded int32 (protobuf semantics: the low 32 bits of the varint).</summary>
    public int ReadInt32(WireType wireType, string field)
    {
        Expect(wireType, WireType.Varint, field);
        return unchecked((int)ReadRawVarint(field));
    }

    /// <summary>Reads a fixed32 float.</summary>
    public float ReadFloat(WireType wireType, string field)
    {
        Expect(wireType, WireType.Fixed32, field);
        return BinaryPrimitives.ReadSingleLittleEndian(Take(4, field));
    }

    /// <summary>Reads a fixed64 double.</summary>
    public double ReadDouble(WireType wireType, string field)
    {
        Expect(wireType, WireType.Fixed64, field);
        return BinaryPrimitives.ReadDoubleLittleEndian(Take(8, field));
    }

    /// <summary>Reads a UTF-8 string; invalid UTF-8 is an error.</summary>
    public string ReadString(WireType wireType, string field)
    {
        Expect(wireType, WireType.LengthDelimited, field);
        int at = _pos;
        var bytes = Take(ReadLength(field), field);
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new OnnxFormatException(Describe(at, field, "the string is not valid UTF-8"), ex);
        }
    }

    /// <summary>Reads a bytes field into a new array.</summary>
    public byte[] ReadBytes(WireType wireType, string field) => ReadBytesSlice(wireType, field).ToArray();

    /// <summary>Reads a bytes field as a slice of the input buffer, without copying.</summary>
    public ReadOnlyMemory<byte> ReadBytesSlice(WireType wireType, string field)
    {
        Expect(wireType, WireType.LengthDelimited, field);
        int length = ReadLength(field);
        var slice = _data.Slice(_pos, length);
        _pos += length;
        return slice;
    }

    /// <summary>Appends int64 values, packed or not, to <paramref name="target"/>.</summary>
    public void ReadInt64s(WireType wireType, string field, List<long> target)
    {
        if (wireType == WireType.Varint)
        {
            target.Add((long)ReadRawVarint(field));
            return;
        }

        Expect(wireType, WireType.LengthDelimited, field);
        int end = PackedEnd(field);
        target.EnsureCapacity(target.Count + CountVarints(end, field));
        while (_pos < end)
        {
            target.Add((long)ReadRawVarint(field));
        }
    }

    /// <summary>Appends int32 values, packed or not, to <paramref name="target"/>.</summary>
    public void ReadInt32s(WireType wireType, string field, List<int> target)
    {
        if (wireType == WireType.Varint)
        {
            target.Add(unchecked((int)ReadRawVarint(field)));
            return;
        }

        Expect(wireType, WireType.LengthDelimited, field);
        int end = PackedEnd(field);
        target.EnsureCapacity(target.Count + CountVarints(end, field));
        while (_pos < end)
        {
            target.Add(unchecked((int)ReadRawVarint(field)));
        }
    }

    /// <summary>Appends float values, packed or not, to <paramref name="target"/>.</summary>
    public void ReadFloats(WireType wireType, string field, List<float> target)
    {
        if (wireType == WireType.Fixed32)
        {
            target.Add(BinaryPrimitives.ReadSingleLittleEndian(Take(4, field)));
            return;
        }

        Expect(wireType, WireType.LengthDelimited, field);
        int at = _pos;
        var bytes = Take(ReadLength(field), field);
        if (bytes.Length % 4 != 0)
        {
            throw ErrorAt(at, field, $"packed length {bytes.Length} is not a multiple of 4");
        }

        target.EnsureCapacity(target.Count + (bytes.Length / 4));
        for (int i = 0; i < bytes.Length; i += 4)
        {
            target.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes[i..]));
        }
    }

    /// <summary>Appends double values, packed or not, to <paramref name="target"/>.</summary>
    public void ReadDoubles(WireType wireType, string field, List<double> target)
    {
        if (wireType == WireType.Fixed64)
        {
            target.Add(BinaryPrimitives.ReadDoubleLittleEndian(Take(8, field)));
            return;
        }

        Expect(wireType, WireType.LengthDelimited, field);
        int at = _pos;
        var bytes = Take(ReadLength(field), field);
        if (bytes.Length % 8 != 0)
        {
            throw ErrorAt(at, field, $"packed length {bytes.Length} is not a multiple of 8");
        }

        target.EnsureCapacity(target.Count + (bytes.Length / 8));
        for (int i = 0; i < bytes.Length; i += 8)
        {
            target.Add(BinaryPrimitives.ReadDoubleLittleEndian(bytes[i..]));
        }
    }

    /// <summary>Reads an embedded message with <paramref name="read"/>, which must consume exactly its bytes.</summary>
    public T ReadMessage<T>(WireType wireType, string field, Func<ProtoReader, T> read)
    {
        Expect(wireType, WireType.LengthDelimited, field);
        int length = ReadLength(field);
        if (_depth >= MaxDepth)
        {
            throw Error(field, $"messages are nested more than {MaxDepth} deep");
        }

        int outerLimit = _limit;
        _limit = _pos + length;
        _path[_depth++] = field;
        var result = read(this);
        if (_pos != _limit)
        {
            throw Error(field, "the message was not read to its end");
        }

        _depth--;
        _limit = outerLimit;
        return result;
    }

    /// <summary>
    /// Skips a field this reader does not model, keeping its encoded bytes (key included) in
    /// <paramref name="unknown"/> so a re-saved message loses nothing. A field that onnx.proto declares as a message
    /// (see <see cref="OnnxSchema"/>) must still be a well-formed message of its type.
    /// </summary>
    public void SkipUnknown(WireType wireType, int field, ref List<ReadOnlyMemory<byte>>? unknown, string message)
    {
        int start = _keyStart;
        if (wireType == WireType.LengthDelimited && OnnxSchema.Nested(message, field) is { } nested)
        {
            ReadMessage(wireType, $"{message} field {field}", r => r.CheckMessage(nested));
        }
        else
        {
            Skip(wireType, field);
        }

        (unknown ??= []).Add(_data[start.._pos]);
    }

    /// <summary>Skips a field this reader does not model.</summary>
    public void Skip(WireType wireType, int field)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadRawVarint($"unknown field {field}");
                break;
            case WireType.Fixed64:
                Take(8, $"unknown field {field}");
                break;
            case WireType.Fixed32:
                Take(4, $"unknown field {field}");
                break;
            case WireType.LengthDelimited:
                string name = $"unknown field {field}";
                Take(ReadLength(name), name);
                break;
            default:
                throw Error($"unknown field {field}", "protobuf groups are not supported");
        }
    }

    /// <summary>Reads a message that is not modelled to its end, checking its wire format and that of the messages inside it.</summary>
    private bool CheckMessage(string message)
    {
        while (TryReadKey(out int field, out var wireType))
        {
            if (wireType == WireType.LengthDelimited && OnnxSchema.Nested(message, field) is { } nested)
            {
                ReadMessage(wireType, $"{message} field {field}", r => r.CheckMessage(nested));
            }
            else
            {
                Skip(wireType, field);
            }
        }

        return true;
    }

    /// <summary>An exception naming the source, the field path, the offset and the problem.</summary>
    public OnnxFormatException Error(string field, string problem) => ErrorAt(_pos, field, problem);

    private OnnxFormatException ErrorAt(int offset, string field, string problem) => new(Describe(offset, field, problem));

    private string Describe(int offset, string field, string problem)
    {
        var sb = new StringBuilder();
        sb.Append(_source).Append(": ").Append(problem).Append(" (in ");
        for (int i = 0; i < _depth; i++)
        {
            sb.Append(_path[i]).Append(" > ");
        }

        sb.Append(field).Append(", at byte ").Append(offset).Append(')');
        return sb.ToString();
    }

    private void Expect(WireType actual, WireType expected, string field)
    {
        if (actual != expected)
        {
            throw Error(field, $"wire type {actual} where {expected} was expected");
        }
    }

    private ulong ReadRawVarint(string field)
    {
        var span = _data.Span;
        ulong result = 0;
        int start = _pos;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _limit)
            {
                throw ErrorAt(start, field, "the data ends inside a varint");
            }

            byte b = span[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                if (shift == 63 && b > 1)
                {
                    throw ErrorAt(start, field, "the varint overflows 64 bits");
                }

                return result;
            }
        }

        throw ErrorAt(start, field, "the varint is longer than 10 bytes");
    }

    private int ReadLength(string field)
    {
        int at = _pos;
        ulong length = ReadRawVarint(field);
        if (length > (ulong)Remaining)
        {
            throw ErrorAt(at, field, $"length {length} exceeds the {Remaining} bytes left in the enclosing message");
        }

        return (int)length;
    }

    private ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count > Remaining)
        {
            throw Error(field, $"{count} bytes are needed but only {Remaining} are left in the enclosing message");
        }

        var span = _data.Span.Slice(_pos, count);
        _pos += count;
        return span;
    }

    private int PackedEnd(string field)
    {
        int length = ReadLength(field);
        return _pos + length;
    }

    private int CountVarints(int end, string field)
    {
        var span = _data.Span[_pos..end];
        int count = 0;
        foreach (byte b in span)
        {
            if (b < 0x80)
            {
                count++;
            }
        }

        if (span.Length > 0 && span[^1] >= 0x80)
        {
            throw ErrorAt(end - 1, field, "the packed values end inside a varint");
        }

        return count;
    }
}
