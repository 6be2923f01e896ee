using Frost.Onnx.Wire;

namespace Frost.Onnx.Proto;

/// <summary>One operator call in a graph: op type, input and output value names, attributes.</summary>
internal sealed class NodeProto
{
    internal Presence Presence;
    internal List<ReadOnlyMemory<byte>>? Unknown;

    /// <summary>Input value names; "" marks an omitted optional input (field 1).</summary>
    public List<string> Input { get; } = [];

    /// <summary>Output value names (field 2).</summary>
    public List<string> Output { get; } = [];

    /// <summary>The node's name, for diagnostics (field 3).</summary>
    public string Name { get; set; } = "";

    /// <summary>The operator, for example "Conv" (field 4).</summary>
    public string OpType { get; set; } = "";

    /// <summary>The attributes (field 5).</summary>
    public List<AttributeProto> Attribute { get; } = [];

    /// <summary>Documentation (field 6).</summary>
    public string DocString { get; set; } = "";

    /// <summary>The operator's domain, "" for standard ONNX (field 7).</summary>
    public string Domain { get; set; } = "";

    /// <summary>The attribute called <paramref name="name"/>, or null.</summary>
    public AttributeProto? FindAttribute(string name)
    {
        foreach (var a in Attribute)
        {
            if (a.Name == name)
            {
                return a;
            }
        }

        return null;
    }

    /// <summary>The node as "Conv name(in1, in2) -> (out) {attr=value, ...}".</summary>
    public override string ToString()
    {
        string attrs = Attribute.Count == 0 ? "" : " {" + string.Join(", ", Attribute) + "}";
        string domain = Domain.Length == 0 ? "" : Domain + ".";
        return $"{domain}{OpType} {Name}({string.Join(", ", Input)}) -> ({string.Join(", ", Output)}){attrs}";
    }

    internal static NodeProto Read(ProtoReader r)
    {
        var m = new NodeProto();
        while (r.TryReadKey(out int field, out var wt))
        {
            switch (field)
            {
                case 1: m.Input.Add(r.ReadString(wt, "NodeProto.input")); continue;
                case 2: m.Output.Add(r.ReadString(wt, "NodeProto.output")); continue;
                case 3: m.Name = r.ReadString(wt, "NodeProto.name"); break;
                case 4: m.OpType = r.ReadString(wt, "NodeProto.op_type"); break;
                case 5: m.Attribute.Add(r.ReadMessage(wt, "NodeProto.attribute", AttributeProto.Read)); continue;
                case 6: m.DocString = r.ReadString(wt, "NodeProto.doc_string"); break;
                case 7: m.Domain = r.ReadString(wt, "NodeProto.domain"); break;
                default: r.SkipUnknown(wt, field, ref m.Unknown, "NodeProto"); continue;
            }

            m.Presence.Mark(field);
        }

        return m;
    }

    internal static void Write(ProtoWriter w, NodeProto m)
    {
        foreach (string s in m.Input)
        {
            w.WriteString(1, s);
        }

        foreach (string s in m.Output)
        {
            w.WriteString(2, s);
        }

        if (m.Name.Length > 0 || m.Presence.Has(3))
        {
            w.WriteString(3, m.Name);
        }

        if (m.OpType.Length > 0 || m.Presence.Has(4))
        {
            w.WriteString(4, m.OpType);
        }

        foreach (var a in m.Attribute)
        {
            w.WriteMessage(5, a, AttributeProto.Write);
        }

        if (m.DocString.Length > 0 || m.Presence.Has(6))
        {
            w.WriteString(6, m.DocString);
        }

        if (m.Domain.Length > 0 || m.Presence.Has(7))
        {
            w.WriteString(7, m.Domain);
        }

        w.WriteRaw(m.Unknown);
    }
}
