namespace Frost.IO;

/// <summary>One tensor of a safetensors file: its name, element type, shape and byte range in the data area.</summary>
/// <param name="Name">The tensor's key.</param>
/// <param name="DType">Element type as spelled in the file (F32, F16, BF16, F64, I64, I32, U8, …).</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="Begin">Start offset in the data area.</param>
/// <param name="End">End offset (exclusive) in the data area.</param>
public sealed record SafetensorsEntry(string Name, string DType, int[] Shape, long Begin, long End)
{
    /// <summary>Number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);
}
