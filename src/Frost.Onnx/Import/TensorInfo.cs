using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>
/// What the importer knows statically about a tensor of the graph: its element type and its dimensions, inferred
/// from the declared graph input and the initializers. <see cref="Dims"/> is null when the rank is unknown; a
/// dimension of -1 is unknown (symbolic, such as a batch size).
/// </summary>
internal readonly record struct TensorInfo(OnnxDataType Type, long[]? Dims)
{
    /// <summary>The rank, or -1 when unknown.</summary>
    public int Rank => Dims?.Length ?? -1;

    /// <summary>True when every dimension is known.</summary>
    public bool IsFullyKnown => Dims is not null && Array.TrueForAll(Dims, d => d >= 0);

    /// <summary>The element count when every dimension is known, else -1; saturates at <see cref="long.MaxValue"/>.</summary>
    public long ElementCount
    {
        get
        {
            if (!IsFullyKnown)
            {
                return -1;
            }

            long n = 1;
            foreach (long d in Dims!)
            {
                n = d != 0 && n > long.MaxValue / d ? long.MaxValue : n * d;
            }

            return n;
        }
    }

    /// <summary>A float tensor of the given dimensions.</summary>
    public static TensorInfo Float(params long[]? dims) => new(OnnxDataType.Float, dims);

    /// <summary>Dimension <paramref name="axis"/> (negative counts from the end), or -1 when unknown.</summary>
    public long Dim(int axis) => Dims is null ? -1 : Dims[axis < 0 ? axis + Dims.Length : axis];

    /// <summary>The type as "float[1,3,?,?]".</summary>
    public override string ToString() =>
        OnnxTypeNames.Of(Type) + (Dims is null ? "[unknown rank]" : "[" + string.Join(",", Dims.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]");
}
