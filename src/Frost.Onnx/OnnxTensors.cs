using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Frost.Onnx.Proto;

namespace Frost.Onnx;

/// <summary>Conversions between ONNX <see cref="TensorProto"/> and Frost tensors or integer arrays.</summary>
public static class OnnxTensors
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
