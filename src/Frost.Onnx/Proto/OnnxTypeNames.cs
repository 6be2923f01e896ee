namespace Frost.Onnx.Proto;

/// <summary>Short lower-case names of ONNX element types, as ONNX tools print them ("float", "int64").</summary>
internal static class OnnxTypeNames
{
    public static string Of(OnnxDataType type) => type switch
    {
        OnnxDataType.Float => "float",
        OnnxDataType.UInt8 => "uint8",
        OnnxDataType.Int8 => "int8",
        OnnxDataType.UInt16 => "uint16",
        OnnxDataType.Int16 => "int16",
        OnnxDataType.Int32 => "int32",
        OnnxDataType.Int64 => "int64",
        OnnxDataType.String => "string",
        OnnxDataType.Bool => "bool",
        OnnxDataType.Float16 => "float16",
        OnnxDataType.Double => "double",
        OnnxDataType.UInt32 => "uint32",
        OnnxDataType.UInt64 => "uint64",
        OnnxDataType.Complex64 => "complex64",
        OnnxDataType.Complex128 => "complex128",
        OnnxDataType.BFloat16 => "bfloat16",
        OnnxDataType.Undefined => "undefined",
        _ => $"type{(int)type}",
    };
}
