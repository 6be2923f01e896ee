using System.Runtime.InteropServices;
using Frost.Onnx.Wire;

namespace Frost.Onnx.Proto;

/// <summary>
/// A serialized tensor (an initializer or a constant): dimensions, element type and data, either in
/// <see cref="RawData"/> (little-endian) or in the typed fields (<see cref="FloatData"/>, <see cref="Int64Data"/>, ...).
/// </summary>
/// <remarks>
/// Conversion to Frost tensors lives in <see cref="OnnxTensors"/>. A parsed <see cref="RawData"/> is a slice of the
/// loaded file's buffer (no copy).
/// </remarks>
internal sealed class TensorProto
{
    internal Presence Presence;
    internal List<ReadOnlyMemory<byte>>? Unknown;

    /// <summary>The dimensions, outermost first; empty for a scalar (field 1).</summary>
    public List<long> Dims { get; } = [];

    /// <summary>The element type (field 2).</summary>
    public OnnxDataType DataType { get; set; }

    /// <summary>Float values (field 4, packed).</summary>
    public List<float> FloatData { get; } = [];

    /// <summary>Int32 values, also used for the narrower integer types, bool and float16 (field 5, packed).</summary>
    public List<int> Int32Data { get; } = [];

    /// <summary>Int64 values (field 7, packed).</summary>
    public List<long> Int64Data { get; } = [];

    /// <summary>The tensor's name (field 8).</summary>
    public string Name { get; set; } = "";

    /// <summary>The values as little-endian bytes, the usual encoding for weights (field 9).</summary>
    public ReadOnlyMemory<byte> RawData { get; set; }

    /// <summary>Double values (field 10, packed).</summary>
    public List<double> DoubleData { get; } = [];

    /// <summary>Documentation (field 12).</summary>
    public string DocString { get; set; } = "";

    /// <summary>Where the data lives when <see cref="DataLocation"/> is external: location, offset, length (field 13).</summary>
    public List<StringStringEntryProto> ExternalData { get; } = [];

    /// <summary>0 when the data is in this message, 1 when it is in an external file (field 14).</summary>
    public int DataLocation { get; set; }

    /// <summary>True when the data is stored outside the model file, which Frost does not read.</summary>
    public bool HasExternalData => DataLocation == 1 || ExternalData.Count > 0;

    /// <summary>The element count implied by <see cref="Dims"/>, or -1 if a dimension is negative or the product overflows.</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (long d in Dims)
            {
                if (d < 0 || (d > 0 && n > long.MaxValue / d))
                {
                    return -1;
                }

                n *= d;
            }

            return n;
        }
    }

    /// <summary>The tensor as "name: float[64,3,7,7]".</summary>
    public override string ToString() => $"{Name}: {OnnxTypeNames.Of(DataType)}[{string.Join(",", Dims)}]";

    internal static TensorProto Read(ProtoReader r)
    {
        var m = new TensorProto();
        while (r.TryReadKey(out int field, out var wt))
        {
            switch (field)
            {
                case 1: r.ReadInt64s(wt, "TensorProto.dims", m.Dims); continue;
                case 2: m.DataType = (OnnxDataType)r.ReadInt32(wt, "TensorProto.data_type"); break;
                case 4: r.ReadFloats(wt, "TensorProto.float_data", m.FloatData); continue;
                case 5: r.ReadInt32s(wt, "TensorProto.int32_data", m.Int32Data); continue;
                case 7: r.ReadInt64s(wt, "TensorProto.int64_data", m.Int64Data); continue;
                case 8: m.Name = r.ReadString(wt, "TensorProto.name"); break;
                case 9: m.RawData = r.ReadBytesSlice(wt, "TensorProto.raw_data"); break;
                case 10: r.ReadDoubles(wt, "TensorProto.double_data", m.DoubleData); continue;
                case 12: m.DocString = r.ReadString(wt, "TensorProto.doc_string"); break;
                case 13: m.ExternalData.Add(r.ReadMessage(wt, "TensorProto.external_data", StringStringEntryProto.Read)); continue;
                case 14: m.DataLocation = r.ReadInt32(wt, "TensorProto.data_location"); break;
                default: r.SkipUnknown(wt, field, ref m.Unknown, "TensorProto"); continue;
            }

            m.Presence.Mark(field);
        }

        return m;
    }

    internal static void Write(ProtoWriter w, TensorProto m)
    {
        // NOTE: dims is a non-packed repeated field in onnx.proto (protobuf 2), the typed data fields are packed.
        w.WriteUnpackedInt64s(1, CollectionsMarshal.AsSpan(m.Dims));
        if (m.DataType != OnnxDataType.Undefined || m.Presence.Has(2))
        {
            w.WriteInt32(2, (int)m.DataType);
        }

        w.WritePackedFloats(4, CollectionsMarshal.AsSpan(m.FloatData));
        w.WritePackedInt32s(5, CollectionsMarshal.AsSpan(m.Int32Data));
        w.WritePackedInt64s(7, CollectionsMarshal.AsSpan(m.Int64Data));
        if (m.Name.Length > 0 || m.Presence.Has(8))
        {
            w.WriteString(8, m.Name);
        }

        if (!m.RawData.IsEmpty || m.Presence.Has(9))
        {
            w.WriteBytes(9, m.RawData.Span);
        }

        w.WritePackedDoubles(10, CollectionsMarshal.AsSpan(m.DoubleData));
        if (m.DocString.Length > 0 || m.Presence.Has(12))
        {
            w.WriteString(12, m.DocString);
        }

        foreach (var e in m.ExternalData)
        {
            w.WriteMessage(13, e, StringStringEntryProto.Write);
        }

        if (m.DataLocation != 0 || m.Presence.Has(14))
        {
            w.WriteInt32(14, m.DataLocation);
        }

        w.WriteRaw(m.Unknown);
    }
}
