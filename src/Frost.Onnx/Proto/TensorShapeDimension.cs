using Frost.Onnx.Wire;

namespace Frost.Onnx.Proto;

/// <summary>One dimension of a <see cref="TensorShapeProto"/>: a fixed size, a symbolic name, or unknown.</summary>
internal sealed class TensorShapeDimension
{
    internal Presence Presence;
    internal List<ReadOnlyMemory<byte>>? Unknown;

    /// <summary>Creates an unknown dimension.</summary>
    public TensorShapeDimension()
    {
    }

    /// <summary>Creates a fixed-size dimension.</summary>
    public TensorShapeDimension(long value) => DimValue = value;

    /// <summary>Creates a symbolic dimension (for example "batch").</summary>
    public TensorShapeDimension(string param) => DimParam = param;

    /// <summary>The fixed size (field 1), or null; setting it clears <see cref="DimParam"/> (they are a oneof).</summary>
    public long? DimValue
    {
        get;
        set
        {
            field = value;
            if (value is not null)
            {
                DimParam = null;
            }
        }
    }

    /// <summary>The symbolic name (field 2), or null; setting it clears <see cref="DimValue"/>.</summary>
    public string? DimParam
    {
        get;
        set
        {
            field = value;
            if (value is not null)
            {
                DimValue = null;
            }
        }
    }

    /// <summary>An optional denotation such as "DATA_BATCH" (field 3).</summary>
    public string Denotation { get; set; } = "";

    /// <summary>The size, the symbolic name, or "?" when unknown.</summary>
    public override string ToString() => DimValue?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? DimParam ?? "?";

    internal static TensorShapeDimension Read(ProtoReader r)
    {
        var m = new TensorShapeDimension();
        while (r.TryReadKey(out int field, out var wt))
        {
            switch (field)
            {
                case 1: m.DimValue = r.ReadInt64(wt, "TensorShapeProto.Dimension.dim_value"); continue;
                case 2: m.DimParam = r.ReadString(wt, "TensorShapeProto.Dimension.dim_param"); continue;
                case 3: m.Denotation = r.ReadString(wt, "TensorShapeProto.Dimension.denotation"); break;
                default: r.SkipUnknown(wt, field, ref m.Unknown, "TensorShapeProto.Dimension"); continue;
            }

            m.Presence.Mark(field);
        }

        return m;
    }

    internal static void Write(ProtoWriter w, TensorShapeDimension m)
    {
        if (m.DimValue is long v)
        {
            w.WriteInt64(1, v);
        }

        if (m.DimParam is string p)
        {
            w.WriteString(2, p);
        }

        if (m.Denotation.Length > 0 || m.Presence.Has(3))
        {
            w.WriteString(3, m.Denotation);
        }

        w.WriteRaw(m.Unknown);
    }
}
