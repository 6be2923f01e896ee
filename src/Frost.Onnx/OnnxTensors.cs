using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Frost.Onnx.Proto;

namespace Frost.Onnx;

/// <summary>Conversions between ONNX <see cref="TensorProto"/> and Frost tensors or integer arrays.</summary>
internal static class OnnxTensors
{
    /// <summary>The FLOAT tensor as a Frost tensor (from raw_data or float_data).</summary>
    /// <exception cref="OnnxFormatException">Not FLOAT, external data, bad dimensions, or a data length that does not match them.</exception>
    public static Tensor ToTensor(this TensorProto proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        int[] shape = ToShape(proto);
        int count = Count(proto, shape);
        ExpectType(proto, OnnxDataType.Float, "ToTensor");
        var tensor = Tensor.Zeros(shape);
        var dest = tensor.AsSpan();
        if (!proto.RawData.IsEmpty)
        {
            var raw = RawBytes(proto, count, sizeof(float));
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(dest);
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    dest[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
                }
            }
        }
        else
        {
            TypedData(proto, proto.FloatData.Count, count, "float_data");
            CollectionsMarshal.AsSpan(proto.FloatData).CopyTo(dest);
        }

        return tensor;
    }

    /// <summary>The INT64 tensor's values, row-major (from raw_data or int64_data).</summary>
    /// <exception cref="OnnxFormatException">Not INT64, external data, or inconsistent data.</exception>
    public static long[] ToInt64Array(this TensorProto proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        int count = Count(proto, ToShape(proto));
        ExpectType(proto, OnnxDataType.Int64, "ToInt64Array");
        if (!proto.RawData.IsEmpty)
        {
            var raw = RawBytes(proto, count, sizeof(long));
            long[] values = new long[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(i * 8)..]);
            }

            return values;
        }

        TypedData(proto, proto.Int64Data.Count, count, "int64_data");
        return [.. proto.Int64Data];
    }

    /// <summary>The INT32 tensor's values, row-major (from raw_data or int32_data).</summary>
    /// <exception cref="OnnxFormatException">Not INT32, external data, or inconsistent data.</exception>
    public static int[] ToInt32Array(this TensorProto proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        int count = Count(proto, ToShape(proto));
        ExpectType(proto, OnnxDataType.Int32, "ToInt32Array");
        if (!proto.RawData.IsEmpty)
        {
            var raw = RawBytes(proto, count, sizeof(int));
            int[] values = new int[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(i * 4)..]);
            }

            return values;
        }

        TypedData(proto, proto.Int32Data.Count, count, "int32_data");
        return [.. proto.Int32Data];
    }

    /// <summary>The tensor's dimensions as Frost sizes.</summary>
    /// <exception cref="OnnxFormatException">A dimension is negative, or the element count exceeds what a Frost tensor holds.</exception>
    public static int[] ToShape(this TensorProto proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        int[] shape = new int[proto.Dims.Count];
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long d = proto.Dims[i];
            if (d < 0 || d > int.MaxValue)
            {
                throw new OnnxFormatException($"Tensor '{proto.Name}': dimension {i} is {d}.");
            }

            count *= d;
            if (count > int.MaxValue)
            {
                throw new OnnxFormatException($"Tensor '{proto.Name}' [{string.Join(",", proto.Dims)}] has more than {int.MaxValue} elements.");
            }

            shape[i] = (int)d;
        }

        return shape;
    }

    /// <summary>
    /// Checks, without allocating, that an initializer's element type is known and that its data holds exactly the
    /// elements its dimensions declare (sizes multiplied with overflow checks, so a dimension of 2^32+32 cannot pass as 32).
    /// </summary>
    /// <exception cref="OnnxFormatException">The tensor is malformed; the message starts with <paramref name="source"/>.</exception>
    /// <exception cref="NotSupportedException">The element type or a dimension is beyond what Frost reads.</exception>
    internal static void CheckData(TensorProto proto, string source)
    {
        string name = $"{source}: initializer {Import.OnnxText.Quote(proto.Name)}";
        string dims = $"[{string.Join(",", proto.Dims)}]";
        int size = ElementSize(proto.DataType);
        if (proto.DataType == OnnxDataType.Undefined || (int)proto.DataType > 23 || (int)proto.DataType < 0)
        {
            throw new OnnxFormatException($"{name} has {(proto.DataType == OnnxDataType.Undefined ? "no element type" : $"unknown element type {(int)proto.DataType}")}.");
        }

        if (size == 0)
        {
            throw new NotSupportedException($"{name} has element type {OnnxTypeNames.Of(proto.DataType)}, which Frost does not read.");
        }

        if (proto.HasExternalData)
        {
            string location = proto.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value ?? "?";
            throw new OnnxFormatException(
                $"{name} keeps its data in an external file ({Import.OnnxText.Quote(location)}); Frost reads only models with the weights inside the .onnx file.");
        }

        long count = 1;
        for (int i = 0; i < proto.Dims.Count; i++)
        {
            long d = proto.Dims[i];
            if (d < 0)
            {
                throw new OnnxFormatException($"{name} {dims}: dimension {i} is negative.");
            }

            if (d > int.MaxValue)
            {
                throw new NotSupportedException($"{name} {dims}: dimension {i} exceeds {int.MaxValue}, the largest Frost tensors have.");
            }

            if (d != 0 && count > long.MaxValue / d)
            {
                throw new OnnxFormatException($"{name} {dims}: the element count overflows 64 bits.");
            }

            count *= d;
        }

        int typed = proto.FloatData.Count + proto.Int32Data.Count + proto.Int64Data.Count + proto.DoubleData.Count;
        if (!proto.RawData.IsEmpty || proto.Presence.Has(9))
        {
            if (typed > 0)
            {
                throw new OnnxFormatException($"{name} {dims} holds both raw_data and typed values.");
            }

            if (proto.DataType == OnnxDataType.String)
            {
                throw new OnnxFormatException($"{name} is a string tensor with raw_data, which strings cannot use.");
            }

            if (count > long.MaxValue / size || proto.RawData.Length != count * size)
            {
                throw new OnnxFormatException(
                    $"{name} {OnnxTypeNames.Of(proto.DataType)}{dims}: raw_data has {proto.RawData.Length} bytes; {count} elements of {size} bytes expected.");
            }

            return;
        }

        (int actual, string field) = proto.DataType switch
        {
            OnnxDataType.Float => (proto.FloatData.Count, "float_data"),
            OnnxDataType.Int64 => (proto.Int64Data.Count, "int64_data"),
            OnnxDataType.Double => (proto.DoubleData.Count, "double_data"),
            OnnxDataType.Int32 or OnnxDataType.Int16 or OnnxDataType.Int8 or OnnxDataType.UInt16 or OnnxDataType.UInt8
                or OnnxDataType.Bool or OnnxDataType.Float16 or OnnxDataType.BFloat16 => (proto.Int32Data.Count, "int32_data"),

            // Strings, unsigned 32/64-bit and complex values live in fields Frost does not model; they are never read.
            _ => (-1, ""),
        };
        if (actual >= 0 && (actual != count || typed != actual))
        {
            throw new OnnxFormatException(
                $"{name} {OnnxTypeNames.Of(proto.DataType)}{dims}: {field} has {actual} values{(typed != actual ? $" (and {typed - actual} in other fields)" : "")}; {count} expected.");
        }
    }

    /// <summary>Bytes per element in raw_data; 0 for types Frost does not read (8-bit floats, 4-bit integers).</summary>
    private static int ElementSize(OnnxDataType type) => type switch
    {
        OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 4,
        OnnxDataType.UInt8 or OnnxDataType.Int8 or OnnxDataType.Bool => 1,
        OnnxDataType.UInt16 or OnnxDataType.Int16 or OnnxDataType.Float16 or OnnxDataType.BFloat16 => 2,
        OnnxDataType.Int64 or OnnxDataType.Double or OnnxDataType.UInt64 or OnnxDataType.Complex64 => 8,
        OnnxDataType.Complex128 => 16,
        OnnxDataType.String => 1,
        _ => 0,
    };

    /// <summary>A FLOAT tensor named <paramref name="name"/> holding a copy of <paramref name="tensor"/> in raw_data.</summary>
    public static TensorProto FromTensor(Tensor tensor, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(name);
        var values = tensor.AsReadOnlySpan();
        byte[] raw = new byte[values.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(raw);
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
            }
        }

        var proto = new TensorProto { Name = name, DataType = OnnxDataType.Float, RawData = raw };
        foreach (int d in tensor.Shape.Dims)
        {
            proto.Dims.Add(d);
        }

        return proto;
    }

    /// <summary>A 1-D INT64 tensor (a shape or axes constant) holding <paramref name="values"/> in int64_data.</summary>
    public static TensorProto FromInt64(string name, params ReadOnlySpan<long> values)
    {
        ArgumentNullException.ThrowIfNull(name);
        var proto = new TensorProto { Name = name, DataType = OnnxDataType.Int64 };
        proto.Dims.Add(values.Length);
        proto.Int64Data.AddRange(values);
        return proto;
    }

    /// <summary>A 1-D INT32 tensor holding <paramref name="values"/> in int32_data.</summary>
    public static TensorProto FromInt32(string name, params ReadOnlySpan<int> values)
    {
        ArgumentNullException.ThrowIfNull(name);
        var proto = new TensorProto { Name = name, DataType = OnnxDataType.Int32 };
        proto.Dims.Add(values.Length);
        proto.Int32Data.AddRange(values);
        return proto;
    }

    private static int Count(TensorProto proto, int[] shape)
    {
        if (proto.HasExternalData)
        {
            string location = proto.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value ?? "?";
            throw new OnnxFormatException(
                $"Tensor '{proto.Name}' keeps its data in an external file ('{location}'); Frost reads only models with the weights inside the .onnx file.");
        }

        int count = 1;
        foreach (int d in shape)
        {
            count *= d;
        }

        return count;
    }

    private static void ExpectType(TensorProto proto, OnnxDataType expected, string method)
    {
        if (proto.DataType != expected)
        {
            throw new OnnxFormatException(
                $"Tensor '{proto.Name}' has element type {OnnxTypeNames.Of(proto.DataType)}; {method} reads {OnnxTypeNames.Of(expected)} tensors.");
        }
    }

    private static ReadOnlySpan<byte> RawBytes(TensorProto proto, int count, int elementSize)
    {
        long expected = (long)count * elementSize;
        if (proto.RawData.Length != expected)
        {
            throw new OnnxFormatException(
                $"Tensor '{proto.Name}' [{string.Join(",", proto.Dims)}]: raw_data has {proto.RawData.Length} bytes, {expected} expected ({count} x {elementSize}).");
        }

        return proto.RawData.Span;
    }

    private static void TypedData(TensorProto proto, int actual, int count, string field)
    {
        if (actual != count)
        {
            throw new OnnxFormatException(
                $"Tensor '{proto.Name}' [{string.Join(",", proto.Dims)}]: {field} has {actual} values, {count} expected.");
        }
    }
}
