using System.Runtime.InteropServices;
using System.Text;
using Frost.Onnx.Wire;

namespace Frost.Onnx.Proto;

/// <summary>A named attribute of a node; <see cref="Type"/> says which value field is in use.</summary>
internal sealed class AttributeProto
{
    internal Presence Presence;
    internal List<ReadOnlyMemory<byte>>? Unknown;

    /// <summary>The attribute's name (field 1).</summary>
    public string Name { get; set; } = "";

    /// <summary>Which value field is in use (field 20).</summary>
    public OnnxAttributeType Type { get; set; }

    /// <summary>A float value (field 2).</summary>
    public float F { get; set; }

    /// <summary>An int64 value (field 3).</summary>
    public long I { get; set; }

    /// <summary>A byte-string value, usually UTF-8 text (field 4).</summary>
    public byte[] S { get; set; } = [];

    /// <summary>A tensor value (field 5).</summary>
    public TensorProto? T { get; set; }

    /// <summary>A graph value, for control-flow ops (field 6).</summary>
    public GraphProto? G { get; set; }

    /// <summary>Float list (field 7).</summary>
    public List<float> Floats { get; } = [];

    /// <summary>Int64 list (field 8).</summary>
    public List<long> Ints { get; } = [];

    /// <summary>Byte-string list (field 9).</summary>
    public List<byte[]> Strings { get; } = [];

    /// <summary>Tensor list (field 10).</summary>
    public List<TensorProto> Tensors { get; } = [];

    /// <summary>Graph list (field 11).</summary>
    public List<GraphProto> Graphs { get; } = [];

    /// <summary>Documentation (field 13).</summary>
    public string DocString { get; set; } = "";

    /// <summary>In a function body, the name of the caller's attribute this one refers to (field 21).</summary>
    public string RefAttrName { get; set; } = "";

    /// <summary><see cref="S"/> decoded as UTF-8.</summary>
    public string StringValue => Encoding.UTF8.GetString(S);

    /// <summary>An INT attribute.</summary>
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = OnnxAttributeType.Int, I = value };

    /// <summary>A FLOAT attribute.</summary>
    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = OnnxAttributeType.Float, F = value };

    /// <summary>A STRING attribute holding UTF-8 text.</summary>
    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = OnnxAttributeType.String, S = Encoding.UTF8.GetBytes(value) };

    /// <summary>An INTS attribute.</summary>
    public static AttributeProto IntList(string name, params ReadOnlySpan<long> values)
    {
        var a = new AttributeProto { Name = name, Type = OnnxAttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A FLOATS attribute.</summary>
    public static AttributeProto FloatList(string name, params ReadOnlySpan<float> values)
    {
        var a = new AttributeProto { Name = name, Type = OnnxAttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    /// <summary>A TENSOR attribute.</summary>
    public static AttributeProto Tensor(string name, TensorProto value) => new() { Name = name, Type = OnnxAttributeType.Tensor, T = value };

    /// <summary>The attribute as "name=value" in a compact text form.</summary>
    public override string ToString()
    {
        string value = Type switch
        {
            OnnxAttributeType.Float => F.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            OnnxAttributeType.Int => I.ToString(System.Globalization.CultureInfo.InvariantCulture),
            OnnxAttributeType.String => $"\"{StringValue}\"",
            OnnxAttributeType.Tensor => T?.ToString() ?? "(no tensor)",
            OnnxAttributeType.Graph => $"graph {G?.Name}",
            OnnxAttributeType.Floats => "[" + string.Join(",", Floats.Select(f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]",
            OnnxAttributeType.Ints => "[" + string.Join(",", Ints) + "]",
            OnnxAttributeType.Strings => "[" + string.Join(",", Strings.Select(s => $"\"{Encoding.UTF8.GetString(s)}\"")) + "]",
            OnnxAttributeType.Tensors => $"{Tensors.Count} tensors",
            OnnxAttributeType.Graphs => $"{Graphs.Count} graphs",
            _ => $"({Type})",
        };
        return $"{Name}={value}";
    }

    internal static AttributeProto Read(ProtoReader r)
    {
        var m = new AttributeProto();
        while (r.TryReadKey(out int field, out var wt))
        {
            switch (field)
            {
                case 1: m.Name = r.ReadString(wt, "AttributeProto.name"); break;
                case 2: m.F = r.ReadFloat(wt, "AttributeProto.f"); break;
                case 3: m.I = r.ReadInt64(wt, "AttributeProto.i"); break;
                case 4: m.S = r.ReadBytes(wt, "AttributeProto.s"); break;
                case 5: m.T = r.ReadMessage(wt, "AttributeProto.t", TensorProto.Read); continue;
                case 6: m.G = r.ReadMessage(wt, "AttributeProto.g", GraphProto.Read); continue;
                case 7: r.ReadFloats(wt, "AttributeProto.floats", m.Floats); continue;
                case 8: r.ReadInt64s(wt, "AttributeProto.ints", m.Ints); continue;
                case 9: m.Strings.Add(r.ReadBytes(wt, "AttributeProto.strings")); continue;
                case 10: m.Tensors.Add(r.ReadMessage(wt, "AttributeProto.tensors", TensorProto.Read)); continue;
                case 11: m.Graphs.Add(r.ReadMessage(wt, "AttributeProto.graphs", GraphProto.Read)); continue;
                case 13: m.DocString = r.ReadString(wt, "AttributeProto.doc_string"); break;
                case 20: m.Type = (OnnxAttributeType)r.ReadInt32(wt, "AttributeProto.type"); break;
                case 21: m.RefAttrName = r.ReadString(wt, "AttributeProto.ref_attr_name"); break;
                default: r.SkipUnknown(wt, field, ref m.Unknown, "AttributeProto"); continue;
            }

            m.Presence.Mark(field);
        }

        return m;
    }

    internal static void Write(ProtoWriter w, AttributeProto m)
    {
        if (m.Name.Length > 0 || m.Presence.Has(1))
        {
            w.WriteString(1, m.Name);
        }

        // NOTE: the value field named by Type is always written, even when it holds the default (ONNX checkers
        // test for its presence); floats and ints are non-packed repeated fields in onnx.proto.
        if (m.Type == OnnxAttributeType.Float || BitConverter.SingleToInt32Bits(m.F) != 0 || m.Presence.Has(2))
        {
            w.WriteFloat(2, m.F);
        }

        if (m.Type == OnnxAttributeType.Int || m.I != 0 || m.Presence.Has(3))
        {
            w.WriteInt64(3, m.I);
        }

        if (m.Type == OnnxAttributeType.String || m.S.Length > 0 || m.Presence.Has(4))
        {
            w.WriteBytes(4, m.S);
        }

        if (m.T is not null)
        {
            w.WriteMessage(5, m.T, TensorProto.Write);
        }

        if (m.G is not null)
        {
            w.WriteMessage(6, m.G, GraphProto.Write);
        }

        w.WriteUnpackedFloats(7, CollectionsMarshal.AsSpan(m.Floats));
        w.WriteUnpackedInt64s(8, CollectionsMarshal.AsSpan(m.Ints));
        foreach (byte[] s in m.Strings)
        {
            w.WriteBytes(9, s);
        }

        foreach (var t in m.Tensors)
        {
            w.WriteMessage(10, t, TensorProto.Write);
        }

        foreach (var g in m.Graphs)
        {
            w.WriteMessage(11, g, GraphProto.Write);
        }

        if (m.DocString.Length > 0 || m.Presence.Has(13))
        {
            w.WriteString(13, m.DocString);
        }

        if (m.Type != OnnxAttributeType.Undefined || m.Presence.Has(20))
        {
            w.WriteInt32(20, (int)m.Type);
        }

        if (m.RefAttrName.Length > 0 || m.Presence.Has(21))
        {
            w.WriteString(21, m.RefAttrName);
        }

        w.WriteRaw(m.Unknown);
    }
}
