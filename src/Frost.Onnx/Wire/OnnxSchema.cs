namespace Frost.Onnx.Wire;

/// <summary>
/// Which fields of the messages in onnx.proto hold nested messages, and of which type. Fields Frost does not model are
/// kept as bytes, but their content is still checked against this table (as a protobuf parser with the full schema
/// would parse it), so a damaged model-local function or sparse initializer is not accepted as opaque bytes.
/// </summary>
internal static class OnnxSchema
{
    private static readonly Dictionary<string, Dictionary<int, string>> s_nested = new(StringComparer.Ordinal)
    {
        ["ModelProto"] = new() { [7] = "GraphProto", [8] = "OperatorSetIdProto", [14] = "StringStringEntryProto", [20] = "TrainingInfoProto", [25] = "FunctionProto" },
        ["GraphProto"] = new()
        {
            [1] = "NodeProto",
            [5] = "TensorProto",
            [11] = "ValueInfoProto",
            [12] = "ValueInfoProto",
            [13] = "ValueInfoProto",
            [14] = "TensorAnnotation",
            [15] = "SparseTensorProto",
            [16] = "StringStringEntryProto",
        },
        ["NodeProto"] = new() { [5] = "AttributeProto", [9] = "StringStringEntryProto" },
        ["AttributeProto"] = new()
        {
            [5] = "TensorProto",
            [6] = "GraphProto",
            [10] = "TensorProto",
            [11] = "GraphProto",
            [14] = "TypeProto",
            [15] = "TypeProto",
            [22] = "SparseTensorProto",
            [23] = "SparseTensorProto",
        },
        ["ValueInfoProto"] = new() { [2] = "TypeProto", [4] = "StringStringEntryProto" },
        ["TensorProto"] = new() { [3] = "TensorProto.Segment", [13] = "StringStringEntryProto", [16] = "StringStringEntryProto" },
        ["TensorProto.Segment"] = new(),
        ["SparseTensorProto"] = new() { [1] = "TensorProto", [2] = "TensorProto" },
        ["TensorShapeProto"] = new() { [1] = "TensorShapeProto.Dimension" },
        ["TensorShapeProto.Dimension"] = new(),
        ["TypeProto"] = new()
        {
            [1] = "TypeProto.Tensor",
            [4] = "TypeProto.Sequence",
            [5] = "TypeProto.Map",
            [7] = "TypeProto.Opaque",
            [8] = "TypeProto.SparseTensor",
            [9] = "TypeProto.Optional",
        },
        ["TypeProto.Tensor"] = new() { [2] = "TensorShapeProto" },
        ["TypeProto.Sequence"] = new() { [1] = "TypeProto" },
        ["TypeProto.Map"] = new() { [2] = "TypeProto" },
        ["TypeProto.Optional"] = new() { [1] = "TypeProto" },
        ["TypeProto.SparseTensor"] = new() { [2] = "TensorShapeProto" },
        ["TypeProto.Opaque"] = new(),
        ["OperatorSetIdProto"] = new(),
        ["StringStringEntryProto"] = new(),
        ["TensorAnnotation"] = new() { [2] = "StringStringEntryProto" },
        ["TrainingInfoProto"] = new() { [1] = "GraphProto", [2] = "GraphProto", [3] = "StringStringEntryProto", [4] = "StringStringEntryProto" },
        ["FunctionProto"] = new() { [7] = "NodeProto", [9] = "OperatorSetIdProto", [11] = "AttributeProto", [12] = "ValueInfoProto", [14] = "StringStringEntryProto" },
    };

    /// <summary>The message type of field <paramref name="field"/> of <paramref name="message"/>, or null when it is not a message.</summary>
    public static string? Nested(string message, int field)
        => s_nested.TryGetValue(message, out var fields) && fields.TryGetValue(field, out string? type) ? type : null;
}
