using Frost.Onnx.Proto;

namespace Frost.Onnx;

/// <summary>A graph input or output as the model declares it: name, element type and dimensions.</summary>
public sealed class OnnxValueInfo
{
    private readonly string _text;

    internal OnnxValueInfo(ValueInfoProto value)
    {
        Name = value.Name;
        var tensor = value.Type?.TensorType;
        ElementType = tensor is null ? "" : OnnxTypeNames.Of(tensor.ElemType);
        Dims = tensor?.Shape?.Dims.Select(d => d.DimValue).ToArray();
        DimNames = tensor?.Shape?.Dims.Select(d => d.ToString()).ToArray();
        _text = value.ToString();
    }

    /// <summary>The value's name in the graph.</summary>
    public string Name { get; }

    /// <summary>The element type as ONNX tools print it ("float", "int64"); empty when the value is not a tensor.</summary>
    public string ElementType { get; }

    /// <summary>The fixed sizes, outermost first, null for a symbolic or unknown dimension; null when the rank is unknown.</summary>
    public IReadOnlyList<long?>? Dims { get; }

    /// <summary>Each dimension as text: its size, its symbolic name (for example "batch"), or "?"; null when the rank is unknown.</summary>
    public IReadOnlyList<string>? DimNames { get; }

    /// <summary>The value as "name: float[1,3,224,224]".</summary>
    public override string ToString() => _text;
}
