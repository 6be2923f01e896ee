using Frost.Onnx.Wire;

namespace Frost.Onnx.Proto;

/// <summary>The shape of a tensor type: its dimensions, outermost first (an empty list is a scalar).</summary>
internal sealed class TensorShapeProto
{
    internal List<ReadOnlyMemory<byte>>? Unknown;

    /// <summary>Creates an empty (scalar) shape.</summary>
    public TensorShapeProto()
    {
    }

    /// <summary>Creates a shape of fixed sizes.</summary>
    public TensorShapeProto(params ReadOnlySpan<long> dims)
    {
        foreach (long d in dims)
        {
            Dims.Add(new TensorShapeDimension(d));
        }
    }

    /// <summary>The dimensions (field 1).</summary>
    public List<TensorShapeDimension> Dims { get; } = [];

    /// <summary>The shape as "[1,3,224,224]", with symbolic names and "?" for unknown sizes.</summary>
    public override string ToString() => "[" + string.Join(",", Dims) + "]";

    internal static TensorShapeProto Read(ProtoReader r)
    {
        var m = new TensorShapeProto();
        while (r.TryReadKey(out int field, out var wt))
        {
            switch (field)
            {
                case 1: m.Dims.Add(r.ReadMessage(wt, "TensorShapeProto.dim", TensorShapeDimension.Read)); continue;
                default: r.SkipUnknown(wt, field, ref m.Unknown, "TensorShapeProto"); break;
            }
        }

        return m;
    }

    internal static void Write(ProtoWriter w, TensorShapeProto m)
    {
        foreach (var d in m.Dims)
        {
            w.WriteMessage(1, d, TensorShapeDimension.Write);
        }

        w.WriteRaw(m.Unknown);
    }
}
