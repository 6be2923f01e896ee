using Frost.Onnx.Wire;

namespace Frost.Onnx.Proto;

/// <summary>A named value of a graph (an input, an output, or an intermediate) with its type.</summary>
internal sealed class ValueInfoProto
{
    internal Presence Presence;
    internal List<ReadOnlyMemory<byte>>? Unknown;

    /// <summary>Creates an empty value info.</summary>
    public ValueInfoProto()
    {
    }

    /// <summary>Creates a tensor value info with fixed dimensions.</summary>
    public ValueInfoProto(string name, OnnxDataType elemType, params ReadOnlySpan<long> dims)
    {
        Name = name;
        Type = new TypeProto { TensorType = new TensorTypeProto { ElemType = elemType, Shape = new TensorShapeProto(dims) } };
    }

    /// <summary>The value's name (field 1).</summary>
    public string Name { get; set; } = "";

    /// <summary>The value's type (field 2), or null when not declared.</summary>
    public TypeProto? Type { get; set; }

    /// <summary>Documentation (field 3).</summary>
    public string DocString { get; set; } = "";

    /// <summary>The value as "name: float[1,3,224,224]".</summary>
    public override string ToString() => $"{Name}: {Type?.ToString() ?? "(no type)"}";

    internal static ValueInfoProto Read(ProtoReader r)
    {
        var m = new ValueInfoProto();
        while (r.TryReadKey(out int field, out var wt))
        {
            switch (field)
            {
                case 1: m.Name = r.ReadString(wt, "ValueInfoProto.name"); break;
                case 2: m.Type = r.ReadMessage(wt, "ValueInfoProto.type", TypeProto.Read); continue;
                case 3: m.DocString = r.ReadString(wt, "ValueInfoProto.doc_string"); break;
                default: r.SkipUnknown(wt, field, ref m.Unknown, "ValueInfoProto"); continue;
            }

            m.Presence.Mark(field);
        }

        return m;
    }

    internal static void Write(ProtoWriter w, ValueInfoProto m)
    {
        if (m.Name.Length > 0 || m.Presence.Has(1))
        {
            w.WriteString(1, m.Name);
        }

        if (m.Type is not null)
        {
            w.WriteMessage(2, m.Type, TypeProto.Write);
        }

        if (m.DocString.Length > 0 || m.Presence.Has(3))
        {
            w.WriteString(3, m.DocString);
        }

        w.WriteRaw(m.Unknown);
    }
}
