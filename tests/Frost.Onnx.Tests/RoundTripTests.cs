using System.IO.Compression;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Tests;

public class RoundTripTests
{
    [Fact]
    public void Every_modelled_field_survives_a_round_trip()
    {
        var built = SampleModels.Everything();
        byte[] bytes = new OnnxModel(built).ToBytes();
        var parsed = OnnxModel.Parse(bytes, "everything");
        byte[] again = parsed.ToBytes();
        Assert.Equal(bytes, again);

        var reparsed = OnnxModel.Parse(again, "everything");
        ProtoAssert.Equal(parsed.Proto, reparsed.Proto);

        var g = reparsed.Graph;
        Assert.Equal("[batch,3,?]", g.Input[0].Type!.TensorType!.Shape!.ToString());
        Assert.Null(g.Input[1].Type!.TensorType!.Shape);
        Assert.Equal([2L, -1, long.MaxValue, long.MinValue], g.Initializer[0].ToInt64Array());
        Assert.Equal([0, -1, int.MaxValue, int.MinValue], g.Initializer[1].ToInt32Array());
        Assert.Equal([Math.PI, double.NegativeInfinity], g.Initializer[2].DoubleData);
        Assert.True(g.Initializer[3].HasExternalData);
        Assert.True(float.IsNaN(g.Initializer[4].ToTensor().Item()));
        var then = g.Node[0].FindAttribute("then_branch")!.G!;
        Assert.Equal([1f, -2f], then.Node[0].FindAttribute("value")!.T!.ToTensor().ToArray());
        var custom = g.Node[1];
        Assert.Equal("com.example", custom.Domain);
        Assert.Equal(["out", ""], custom.Input);
        Assert.True(float.IsNegative(custom.FindAttribute("f")!.F));
        Assert.Equal(-7, custom.FindAttribute("i")!.I);
        Assert.Equal("héllo", custom.FindAttribute("s")!.StringValue);
        Assert.Equal([0L, -1, 1L << 40], custom.FindAttribute("ints")!.Ints);
        Assert.Equal("outer", custom.FindAttribute("strings")!.RefAttrName);
        Assert.Equal([0, 3], custom.FindAttribute("tensors")!.Tensors[1].ToTensor().Shape.ToArray());
        Assert.Equal("author=frost", Assert.Single(reparsed.Proto.MetadataProps).ToString());
        Assert.Equal(42, reparsed.Proto.ModelVersion);
    }

    [Fact]
    public void Default_valued_attributes_are_written_for_their_type()
    {
        // An INT attribute holding 0 and a FLOAT attribute holding 0 still carry their value field.
        var node = new NodeProto { OpType = "X" };
        node.Attribute.Add(AttributeProto.Int("i", 0));
        node.Attribute.Add(AttributeProto.Float("f", 0));
        var model = new ModelProto { IrVersion = 7, Graph = new GraphProto() };
        model.Graph.Node.Add(node);
        var parsed = OnnxModel.Parse(new OnnxModel(model).ToBytes(), "m");
        Assert.True(parsed.Graph.Node[0].Attribute[0].Presence.Has(3));
        Assert.True(parsed.Graph.Node[0].Attribute[1].Presence.Has(2));
    }

    [Fact]
    public void Unknown_fields_inside_a_model_are_kept()
    {
        // Append an unknown field 99 (varint 5) to the model.
        var model = SampleModels.Gemm();
        byte[] bytes = new OnnxModel(model).ToBytes();
        byte[] withUnknown = [.. bytes, 0x98, 0x06, 0x05];
        var parsed = OnnxModel.Parse(withUnknown, "unknown");
        Assert.Equal(withUnknown, parsed.ToBytes());
        ProtoAssert.Equal(OnnxModel.Parse(bytes, "x").Graph, parsed.Graph);
    }

    [Fact]
    public void Save_writes_through_a_temporary_file_and_replaces_the_target()
    {
        string dir = Directory.CreateTempSubdirectory("frost-onnx-").FullName;
        try
        {
            string path = Path.Combine(dir, "model.onnx");
            File.WriteAllText(path, "old content");
            var model = new OnnxModel(SampleModels.ConvRelu());
            model.Save(path);
            Assert.Equal(model.ToBytes(), File.ReadAllBytes(path));
            Assert.Equal(["model.onnx"], Directory.GetFiles(dir).Select(Path.GetFileName));

            // A failed save (the target is a directory) leaves no temporary file behind.
            string blocked = Path.Combine(dir, "blocked.onnx");
            Directory.CreateDirectory(blocked);
            Assert.ThrowsAny<IOException>(() => model.Save(blocked));
            Assert.Equal(["model.onnx"], Directory.GetFiles(dir).Select(Path.GetFileName));

            var loaded = OnnxModel.Load(path);
            ProtoAssert.Equal(OnnxModel.Parse(model.ToBytes(), "x").Proto, loaded.Proto);
            using var stream = File.OpenRead(path);
            ProtoAssert.Equal(loaded.Proto, OnnxModel.Load(stream, "stream").Proto);

            // A stream that cannot seek (decompression) is read to its end.
            var packed = new MemoryStream();
            using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(model.ToBytes());
            }

            packed.Position = 0;
            using var unpacking = new GZipStream(packed, CompressionMode.Decompress);
            ProtoAssert.Equal(loaded.Proto, OnnxModel.Load(unpacking, "gzip").Proto);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Empty_files_and_fifos_are_refused_without_reading()
    {
        string dir = Directory.CreateTempSubdirectory("frost-onnx-").FullName;
        try
        {
            string empty = Path.Combine(dir, "empty.onnx");
            File.WriteAllBytes(empty, []);
            Assert.Contains("empty or not a regular file", Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(empty)).Message);
            if (!OperatingSystem.IsWindows())
            {
                string fifo = Path.Combine(dir, "fifo.onnx");
                using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
                {
                    mkfifo.WaitForExit();
                }

                var load = Task.Run(() => OnnxModel.Load(fifo));
                Assert.Same(load, await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(10))));
                await Assert.ThrowsAsync<OnnxFormatException>(() => load);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Non_onnx_input_is_rejected()
    {
        Assert.Throws<FileNotFoundException>(() => OnnxModel.Load("/nonexistent/model.onnx"));
        Assert.Contains("no graph", Assert.Throws<OnnxFormatException>(() => OnnxModel.Parse(Array.Empty<byte>(), "empty.onnx")).Message);
        Assert.Contains("json.onnx", Assert.Throws<OnnxFormatException>(() => OnnxModel.Parse("{\"a\": 1}"u8.ToArray(), "json.onnx")).Message);
    }
}
