using Frost.Onnx.Proto;
using Frost.Onnx.Wire;

namespace Frost.Onnx.Tests;

public class WireTests
{
    [Theory]
    [InlineData(0L, "00")]
    [InlineData(1L, "01")]
    [InlineData(127L, "7F")]
    [InlineData(128L, "8001")]
    [InlineData(300L, "AC02")]
    [InlineData(long.MaxValue, "FFFFFFFFFFFFFFFF7F")]
    [InlineData(-1L, "FFFFFFFFFFFFFFFFFF01")]
    [InlineData(long.MinValue, "80808080808080808001")]
    public void Int64_varints_match_the_protobuf_encoding(long value, string hex)
    {
        byte[] bytes = ProtoWriter.Serialize(value, (w, v) => w.WriteInt64(1, v));
        Assert.Equal("08" + hex, Convert.ToHexString(bytes));

        var r = new ProtoReader(bytes, "test");
        Assert.True(r.TryReadKey(out int field, out var wt));
        Assert.Equal((1, WireType.Varint), (field, wt));
        Assert.Equal(value, r.ReadInt64(wt, "v"));
        Assert.False(r.TryReadKey(out _, out _));
    }

    [Fact]
    public void Negative_Int32_is_sign_extended_to_ten_bytes()
    {
        byte[] bytes = ProtoWriter.Serialize(-2, (w, v) => w.WriteInt32(3, v));
        Assert.Equal("18FEFFFFFFFFFFFFFFFF01", Convert.ToHexString(bytes));
        var r = new ProtoReader(bytes, "test");
        r.TryReadKey(out _, out var wt);
        Assert.Equal(-2, r.ReadInt32(wt, "v"));
    }

    [Fact]
    public void Repeated_scalars_are_read_packed_and_unpacked()
    {
        long[] values = [1, -1, 300, 0];
        byte[] packed = ProtoWriter.Serialize(values, (w, v) => w.WritePackedInt64s(7, v));
        byte[] unpacked = ProtoWriter.Serialize(values, (w, v) => w.WriteUnpackedInt64s(7, v));
        Assert.NotEqual(packed, unpacked);
        foreach (byte[] bytes in new[] { packed, unpacked })
        {
            var r = new ProtoReader(bytes, "test");
            var list = new List<long>();
            while (r.TryReadKey(out _, out var wt))
            {
                r.ReadInt64s(wt, "v", list);
            }

            Assert.Equal(values, list);
        }

        float[] floats = [1.5f, float.NaN, -0f];
        foreach (byte[] bytes in new[]
        {
            ProtoWriter.Serialize(floats, (w, v) => w.WritePackedFloats(4, v)),
            ProtoWriter.Serialize(floats, (w, v) => w.WriteUnpackedFloats(4, v)),
        })
        {
            var r = new ProtoReader(bytes, "test");
            var list = new List<float>();
            while (r.TryReadKey(out _, out var wt))
            {
                r.ReadFloats(wt, "v", list);
            }

            Assert.Equal(floats.Select(BitConverter.SingleToInt32Bits), list.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void Unknown_fields_of_every_wire_type_are_kept_and_written_back()
    {
        // A StringStringEntryProto with key "k", then unknown fields 5 (varint), 6 (fixed64), 7 (bytes), 8 (fixed32).
        byte[] bytes = Convert.FromHexString("0A016B" + "289601" + "310102030405060708" + "3A03414243" + "4501020304");
        var r = new ProtoReader(bytes, "test");
        var entry = StringStringEntryProto.Read(r);
        Assert.Equal("k", entry.Key);
        Assert.Equal(4, entry.Unknown!.Count);
        Assert.Equal(bytes, ProtoWriter.Serialize(entry, StringStringEntryProto.Write));
    }

    [Fact]
    public void Fields_kept_as_bytes_must_hold_the_message_onnx_proto_declares()
    {
        // NodeProto field 9 is metadata_props (StringStringEntryProto): a well-formed entry is kept and written back ...
        byte[] good = Convert.FromHexString("2204436F6E76" + "4A05" + "0A016B1200");
        var node = NodeProto.Read(new ProtoReader(good, "test"));
        Assert.Equal("Conv", node.OpType);
        Assert.Equal(good, ProtoWriter.Serialize(node, NodeProto.Write));

        // ... one whose content is not a message is refused, as a protobuf parser with the schema refuses it.
        byte[] bad = Convert.FromHexString("2204436F6E76" + "4A0142");
        var ex = Assert.Throws<OnnxFormatException>(() => NodeProto.Read(new ProtoReader(bad, "bad.onnx")));
        Assert.Contains("NodeProto field 9", ex.Message);

        // An unknown field that onnx.proto does not declare stays opaque.
        byte[] opaque = Convert.FromHexString("2204436F6E76" + "F2030142");
        Assert.Equal(opaque, ProtoWriter.Serialize(NodeProto.Read(new ProtoReader(opaque, "test")), NodeProto.Write));
    }

    [Theory]
    [InlineData("0A", "ends inside a varint")] // key for field 1 (bytes) with no length
    [InlineData("0A05414243", "length 5 exceeds the 3 bytes left")]
    [InlineData("0AFFFFFFFFFFFFFFFF7F", "exceeds the 0 bytes left")]
    [InlineData("10FFFFFFFFFFFFFFFFFF7F", "overflows 64 bits")]
    [InlineData("10FFFFFFFFFFFFFFFFFFFF01", "longer than 10 bytes")]
    [InlineData("00", "field number 0 is out of range")]
    [InlineData("2B", "groups are not supported")] // unknown field 5 as a start-group
    [InlineData("0E", "invalid wire type 6")]
    [InlineData("0801", "Varint where LengthDelimited was expected")] // domain sent as a varint
    [InlineData("0A02C328", "not valid UTF-8")]
    public void MalformedDataFailsWithADescriptiveFormatException(string hex, string expected)
    {
        byte[] bytes = Convert.FromHexString(hex);
        var ex = Assert.Throws<OnnxFormatException>(() => OperatorSetIdProto.Read(new ProtoReader(bytes, "bad.onnx")));
        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("bad.onnx: ", ex.Message);
    }

    [Fact]
    public void Packed_lengths_are_checked_before_allocating()
    {
        // float_data (field 4, bytes) claiming 2^31-1 bytes, in a 9-byte message.
        byte[] bytes = Convert.FromHexString("22FFFFFFFF07000000");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<OnnxFormatException>(() => TensorProto.Read(new ProtoReader(bytes, "t")));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("TensorProto.float_data", ex.Message);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");

        // Packed floats whose length is not a multiple of 4, and packed varints cut inside a value.
        Assert.Contains("multiple of 4", Assert.Throws<OnnxFormatException>(() => TensorProto.Read(new ProtoReader(Convert.FromHexString("2203000000"), "t"))).Message);
        Assert.Contains("end inside a varint", Assert.Throws<OnnxFormatException>(() => TensorProto.Read(new ProtoReader(Convert.FromHexString("3A020180"), "t"))).Message);
    }

    [Fact]
    public void Errors_name_the_field_path()
    {
        var model = SampleModels.ConvRelu();
        model.Graph!.Initializer[0].RawData = new byte[40];
        byte[] bytes = new OnnxModel(model).ToBytes();
        // Find the raw_data key (field 9, bytes: 0x4A) followed by its length 40 (0x28) and make the length lie.
        int at = bytes.AsSpan().IndexOf(new byte[] { 0x4A, 0x28 });
        bytes[at + 1] = 0x7F;
        var ex = Assert.Throws<OnnxFormatException>(() => OnnxModel.Parse(bytes, "conv.onnx"));
        Assert.Contains("ModelProto.graph > GraphProto.initializer > TensorProto.raw_data", ex.Message);
        Assert.Contains("length 127 exceeds", ex.Message);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_fails()
    {
        // AttributeProto.g -> GraphProto.node -> NodeProto.attribute -> AttributeProto.g ... built inside out.
        byte[] inner = [];
        for (int level = 0; level < 200; level++)
        {
            inner = Wrap(0x0A, Wrap(0x2A, Wrap(0x32, inner))); // graph.node { node.attribute { attr.g { ... } } }
        }

        byte[] model = Wrap(0x3A, inner); // ModelProto.graph
        var ex = Assert.Throws<OnnxFormatException>(() => OnnxModel.Parse(model, "deep.onnx"));
        Assert.Contains($"nested more than {ProtoReader.MaxDepth} deep", ex.Message);

        static byte[] Wrap(byte key, byte[] payload)
        {
            var w = new List<byte> { key };
            uint n = (uint)payload.Length;
            while (n >= 0x80)
            {
                w.Add((byte)(n | 0x80));
                n >>= 7;
            }

            w.Add((byte)n);
            w.AddRange(payload);
            return [.. w];
        }
    }
}
