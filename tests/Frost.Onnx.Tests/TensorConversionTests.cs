using Frost.Onnx.Proto;

namespace Frost.Onnx.Tests;

public class TensorConversionTests
{
    [Fact]
    public void Float_tensors_round_trip_through_raw_data()
    {
        var t = Tensor.FromArray([1.5f, -0f, float.NaN, float.MaxValue, 1e-45f, -3f], 2, 3);
        var proto = OnnxTensors.FromTensor(t, "w");
        Assert.Equal([2L, 3], proto.Dims);
        Assert.Equal(OnnxDataType.Float, proto.DataType);
        Assert.Equal(24, proto.RawData.Length);
        Assert.Equal("0000C03F", Convert.ToHexString(proto.RawData.Span[..4])); // 1.5f little-endian
        var back = proto.ToTensor();
        Assert.Equal([2, 3], back.Shape.ToArray());
        Assert.Equal(t.ToArray().Select(BitConverter.SingleToInt32Bits), back.ToArray().Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Float_data_and_scalars_convert()
    {
        var proto = new TensorProto { Name = "s", DataType = OnnxDataType.Float };
        proto.FloatData.Add(2.5f);
        var scalar = proto.ToTensor();
        Assert.Equal(0, scalar.Rank);
        Assert.Equal(2.5f, scalar.Item());

        var empty = OnnxTensors.FromTensor(Tensor.Zeros(3, 0), "e");
        Assert.Equal([3, 0], empty.ToTensor().Shape.ToArray());
    }

    [Fact]
    public void Integer_shape_tensors_convert_from_raw_and_typed_data()
    {
        Assert.Equal([1L, -1, 224], OnnxTensors.FromInt64("s", 1, -1, 224).ToInt64Array());
        Assert.Equal([7, -8], OnnxTensors.FromInt32("s", 7, -8).ToInt32Array());

        var raw64 = new TensorProto { Name = "r", DataType = OnnxDataType.Int64, RawData = Convert.FromHexString("0100000000000000FFFFFFFFFFFFFFFF") };
        raw64.Dims.Add(2);
        Assert.Equal([1L, -1], raw64.ToInt64Array());
        var raw32 = new TensorProto { Name = "r", DataType = OnnxDataType.Int32, RawData = Convert.FromHexString("02000000FEFFFFFF") };
        raw32.Dims.Add(2);
        Assert.Equal([2, -2], raw32.ToInt32Array());
    }

    [Fact]
    public void Inconsistent_tensors_fail_with_clear_messages()
    {
        var shortRaw = new TensorProto { Name = "w", DataType = OnnxDataType.Float, RawData = new byte[10] };
        shortRaw.Dims.AddRange([2, 2]);
        Assert.Contains("raw_data has 10 bytes, 16 expected", Assert.Throws<OnnxFormatException>(() => shortRaw.ToTensor()).Message);

        var fewFloats = new TensorProto { Name = "w", DataType = OnnxDataType.Float };
        fewFloats.Dims.Add(3);
        fewFloats.FloatData.Add(1);
        Assert.Contains("float_data has 1 values, 3 expected", Assert.Throws<OnnxFormatException>(() => fewFloats.ToTensor()).Message);

        Assert.Contains("element type int64; ToTensor reads float", Assert.Throws<OnnxFormatException>(() => OnnxTensors.FromInt64("s", 1).ToTensor()).Message);
        Assert.Contains("ToInt32Array reads int32", Assert.Throws<OnnxFormatException>(() => OnnxTensors.FromInt64("s", 1).ToInt32Array()).Message);

        var negative = new TensorProto { Name = "n", DataType = OnnxDataType.Float };
        negative.Dims.Add(-1);
        Assert.Contains("dimension 0 is -1", Assert.Throws<OnnxFormatException>(() => negative.ToTensor()).Message);

        var huge = new TensorProto { Name = "h", DataType = OnnxDataType.Float };
        huge.Dims.AddRange([1 << 20, 1 << 20]);
        Assert.Contains("more than", Assert.Throws<OnnxFormatException>(() => huge.ToTensor()).Message);

        var external = new TensorProto { Name = "x", DataType = OnnxDataType.Float, DataLocation = 1 };
        external.Dims.Add(4);
        external.ExternalData.Add(new StringStringEntryProto("location", "weights.bin"));
        Assert.Contains("external file ('weights.bin')", Assert.Throws<OnnxFormatException>(() => external.ToTensor()).Message);
    }
}
