using Frost.Onnx.Wire;

namespace Frost.Onnx.Proto;

/// <summary>A computation graph: nodes in topological order, initializers (weights), inputs, outputs.</summary>
internal sealed class GraphProto
{
    internal Presence Presence;
    internal List<ReadOnlyMemory<byte>>? Unknown;

    /// <summary>The nodes, in topological order (field 1).</summary>
    public List<NodeProto> Node { get; } = [];

    /// <summary>The graph's name (field 2).</summary>
    public string Name { get; set; } = "";

    /// <summary>Constant tensors, usually the weights (field 5).</summary>
    public List<TensorProto> Initializer { get; } = [];

    /// <summary>Documentation (field 10).</summary>
    public string DocString { get; set; } = "";

    /// <summary>The graph inputs; before IR version 4 these also list the initializers (field 11).</summary>
    public List<ValueInfoProto> Input { get; } = [];

    /// <summary>The graph outputs (field 12).</summary>
    public List<ValueInfoProto> Output { get; } = [];

    /// <summary>Types of intermediate values, when known (field 13).</summary>
    public List<ValueInfoProto> ValueInfo { get; } = [];

    /// <inheritdoc/>
    public override string ToString() => $"graph {Name}: {Node.Count} nodes, {Initializer.Count} initializers";

    internal static GraphProto Read(ProtoReader r)
    {
        var m = new GraphProto();
        while (r.TryReadKey(out int field, out var wt))
        {
            switch (field)
            {
                case 1: m.Node.Add(r.ReadMessage(wt, "GraphProto.node", NodeProto.Read)); continue;
                case 2: m.Name = r.ReadString(wt, "GraphProto.name"); break;
                case 5: m.Initializer.Add(r.ReadMessage(wt, "GraphProto.initializer", TensorProto.Read)); continue;
                case 10: m.DocString = r.ReadString(wt, "GraphProto.doc_string"); break;
                case 11: m.Input.Add(r.ReadMessage(wt, "GraphProto.input", ValueInfoProto.Read)); continue;
                case 12: m.Output.Add(r.ReadMessage(wt, "GraphProto.output", ValueInfoProto.Read)); continue;
                case 13: m.ValueInfo.Add(r.ReadMessage(wt, "GraphProto.value_info", ValueInfoProto.Read)); continue;
                default: r.SkipUnknown(wt, field, ref m.Unknown, "GraphProto"); continue;
            }

            m.Presence.Mark(field);
        }

        return m;
    }

    internal static void Write(ProtoWriter w, GraphProto m)
    {
        foreach (var n in m.Node)
        {
            w.WriteMessage(1, n, NodeProto.Write);
        }

        if (m.Name.Length > 0 || m.Presence.Has(2))
        {
            w.WriteString(2, m.Name);
        }

        foreach (var t in m.Initializer)
        {
            w.WriteMessage(5, t, TensorProto.Write);
        }

        if (m.DocString.Length > 0 || m.Presence.Has(10))
        {
            w.WriteString(10, m.DocString);
        }

        foreach (var v in m.Input)
        {
            w.WriteMessage(11, v, ValueInfoProto.Write);
        }

        foreach (var v in m.Output)
        {
            w.WriteMessage(12, v, ValueInfoProto.Write);
        }

        foreach (var v in m.ValueInfo)
        {
            w.WriteMessage(13, v, ValueInfoProto.Write);
        }

        w.WriteRaw(m.Unknown);
    }
}
