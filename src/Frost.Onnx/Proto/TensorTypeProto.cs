using Frost.Onnx.Wire;

namespace Frost.Onnx.Proto;

/// <summary>A tensor type (<c>TypeProto.Tensor</c>): element type and, optionally, shape.</summary>
internal sealed class TensorTypeProto
{
    internal Presence Presence;
    internal List<ReadOnlyMemory<byte>>? Unknown;

    /// <summary>The element type (field 1).</summary>
    public OnnxDataType ElemType { get; set; }

    /// <summary>The shape (field 2); null when the rank is unknown.</summary>
    public TensorShapeProto? Shape { get; set; }

    /// <summary>The type as "float[1,3,224,224]".</summary>
    public override string ToString() => $"{OnnxTypeNames.Of(ElemType)}{Shape?.ToString() ?? "[unknown rank]"}";

    internal static TensorTypeProto Read(ProtoReader r)
    {
        var m = new TensorTypeProto();
        while (r.TryReadKey(out int field, out var wt))
        {
            switch (field)
            {
                case 1: m.ElemType = (OnnxDataType)r.ReadInt32(wt, "TypeProto.Tensor.elem_type"); break;
                case 2: m.Shape = r.ReadMessage(wt, "TypeProto.Tensor.shape", TensorShapeProto.Read); continue;
                default: r.SkipUnknown(wt, field, ref m.Unknown, "TypeProto.Tensor"); continue;
            }

            m.Presence.Mark(field);
        }

        return m;
    }

    internal static void Write(ProtoWriter w, TensorTypeProto m)
    {
        if (m.ElemType != OnnxDataType.Undefined || m.Presence.Has(1))
        {
            w.WriteInt32(1, (int)m.ElemType);
        }

        if (m.Shape is not null)
        {
            w.WriteMessage(2, m.Shape, TensorShapeProto.Write);
        }

        w.WriteRaw(m.Unknown);
    }
}
