using Frost.Onnx.Wire;

namespace Frost.Onnx.Proto;

/// <summary>The type of a value. Frost models tensor types; other kinds (sequence, map, optional) are kept as opaque bytes.</summary>
internal sealed class TypeProto
{
    internal Presence Presence;
    internal List<ReadOnlyMemory<byte>>? Unknown;

    /// <summary>The tensor type (field 1), or null for a non-tensor type.</summary>
    public TensorTypeProto? TensorType { get; set; }

    /// <summary>An optional denotation such as "IMAGE" (field 6).</summary>
    public string Denotation { get; set; } = "";

    /// <inheritdoc/>
    public override string ToString() => TensorType?.ToString() ?? "(non-tensor type)";

    internal static TypeProto Read(ProtoReader r)
    {
        var m = new TypeProto();
        while (r.TryReadKey(out int field, out var wt))
        {
            switch (field)
            {
                case 1: m.TensorType = r.ReadMessage(wt, "TypeProto.tensor_type", TensorTypeProto.Read); continue;
                case 6: m.Denotation = r.ReadString(wt, "TypeProto.denotation"); break;
                default: r.SkipUnknown(wt, field, ref m.Unknown, "TypeProto"); continue;
            }

            m.Presence.Mark(field);
        }

        return m;
    }

    internal static void Write(ProtoWriter w, TypeProto m)
    {
        if (m.TensorType is not null)
        {
            w.WriteMessage(1, m.TensorType, TensorTypeProto.Write);
        }

        if (m.Denotation.Length > 0 || m.Presence.Has(6))
        {
            w.WriteString(6, m.Denotation);
        }

        w.WriteRaw(m.Unknown);
    }
}
