using Frost.Onnx.Wire;

namespace Frost.Onnx.Proto;

/// <summary>The top-level ONNX message: format version, operator sets, producer, and the main graph.</summary>
internal sealed class ModelProto
{
    internal Presence Presence;
    internal List<ReadOnlyMemory<byte>>? Unknown;

    /// <summary>The ONNX IR version the model follows (field 1).</summary>
    public long IrVersion { get; set; }

    /// <summary>The tool that produced the model (field 2).</summary>
    public string ProducerName { get; set; } = "";

    /// <summary>The producer's version (field 3).</summary>
    public string ProducerVersion { get; set; } = "";

    /// <summary>A reverse-DNS namespace for the model (field 4).</summary>
    public string Domain { get; set; } = "";

    /// <summary>The model's own version (field 5).</summary>
    public long ModelVersion { get; set; }

    /// <summary>Documentation (field 6).</summary>
    public string DocString { get; set; } = "";

    /// <summary>The main graph (field 7).</summary>
    public GraphProto? Graph { get; set; }

    /// <summary>The operator sets the model uses (field 8).</summary>
    public List<OperatorSetIdProto> OpsetImport { get; } = [];

    /// <summary>Free-form metadata (field 14).</summary>
    public List<StringStringEntryProto> MetadataProps { get; } = [];

    /// <summary>The version of the default ONNX operator set ("" or "ai.onnx"), or 0 when none is imported.</summary>
    public long DefaultOpsetVersion
    {
        get
        {
            foreach (var o in OpsetImport)
            {
                if (o.Domain is "" or "ai.onnx")
                {
                    return o.Version;
                }
            }

            return 0;
        }
    }

    internal static ModelProto Read(ProtoReader r)
    {
        var m = new ModelProto();
        while (r.TryReadKey(out int field, out var wt))
        {
            switch (field)
            {
                case 1: m.IrVersion = r.ReadInt64(wt, "ModelProto.ir_version"); break;
                case 2: m.ProducerName = r.ReadString(wt, "ModelProto.producer_name"); break;
                case 3: m.ProducerVersion = r.ReadString(wt, "ModelProto.producer_version"); break;
                case 4: m.Domain = r.ReadString(wt, "ModelProto.domain"); break;
                case 5: m.ModelVersion = r.ReadInt64(wt, "ModelProto.model_version"); break;
                case 6: m.DocString = r.ReadString(wt, "ModelProto.doc_string"); break;
                case 7: m.Graph = r.ReadMessage(wt, "ModelProto.graph", GraphProto.Read); continue;
                case 8: m.OpsetImport.Add(r.ReadMessage(wt, "ModelProto.opset_import", OperatorSetIdProto.Read)); continue;
                case 14: m.MetadataProps.Add(r.ReadMessage(wt, "ModelProto.metadata_props", StringStringEntryProto.Read)); continue;
                default: r.SkipUnknown(wt, field, ref m.Unknown, "ModelProto"); continue;
            }

            m.Presence.Mark(field);
        }

        return m;
    }

    internal static void Write(ProtoWriter w, ModelProto m)
    {
        if (m.IrVersion != 0 || m.Presence.Has(1))
        {
            w.WriteInt64(1, m.IrVersion);
        }

        if (m.ProducerName.Length > 0 || m.Presence.Has(2))
        {
            w.WriteString(2, m.ProducerName);
        }

        if (m.ProducerVersion.Length > 0 || m.Presence.Has(3))
        {
            w.WriteString(3, m.ProducerVersion);
        }

        if (m.Domain.Length > 0 || m.Presence.Has(4))
        {
            w.WriteString(4, m.Domain);
        }

        if (m.ModelVersion != 0 || m.Presence.Has(5))
        {
            w.WriteInt64(5, m.ModelVersion);
        }

        if (m.DocString.Length > 0 || m.Presence.Has(6))
        {
            w.WriteString(6, m.DocString);
        }

        if (m.Graph is not null)
        {
            w.WriteMessage(7, m.Graph, GraphProto.Write);
        }

        foreach (var o in m.OpsetImport)
        {
            w.WriteMessage(8, o, OperatorSetIdProto.Write);
        }

        foreach (var e in m.MetadataProps)
        {
            w.WriteMessage(14, e, StringStringEntryProto.Write);
        }

        w.WriteRaw(m.Unknown);
    }
}
