using Frost.Onnx.Proto;

namespace Frost.Onnx.Tests;

/// <summary>
/// Each validation rule on a small model: the documented exception type, a one-line message that names the file, the
/// node or tensor and what was expected, and — for invalid ONNX — ONNX Runtime rejecting the same model.
/// </summary>
public class ValidationTests
{
    public enum Verdict
    {
        /// <summary>Invalid ONNX: OnnxFormatException, and ONNX Runtime rejects it too.</summary>
        Invalid,

        /// <summary>Invalid ONNX that ONNX Runtime happens to accept: OnnxFormatException.</summary>
        InvalidOrtLenient,

        /// <summary>Valid ONNX that Frost does not import: NotSupportedException.</summary>
        Unsupported,
    }

    public static TheoryData<string> Cases => [.. CaseTable.Keys];

    private static readonly Dictionary<string, (Func<ModelProto> Build, Verdict Verdict, string Fragment)> CaseTable = new()
    {
        ["flatten axis 10"] = (() => Relu(13).Node("Flatten", "y", "z", AttributeProto.Int("axis", 10)).Output("z").Build(), Verdict.Invalid, "Flatten node 'flatten1': has axis=10 for input float[1,3,8,8]; [-4, 4] expected"),
        ["negative flatten axis before opset 11"] = (() => Relu(9).Node("Flatten", "y", "z", AttributeProto.Int("axis", -1)).Output("z").Build(), Verdict.Invalid, "axis=-1"),
        ["conv pads of a million"] = (() => Conv(pads: [1_000_000, 1_000_000, 1_000_000, 1_000_000]), Verdict.Unsupported, "Conv node 'conv0': has pads [1000000,1000000,1000000,1000000], not all smaller than the window [3,3]"),
        ["conv kernel_shape 0,0"] = (() => Conv(kernel: [0, 0]), Verdict.Invalid, "attribute kernel_shape=[0,0] has a value outside [1, 2147483647]"),
        ["conv kernel_shape not the weights'"] = (() => Conv(kernel: [5, 5]), Verdict.Invalid, "has kernel_shape [5,5] but weights [4,3,3,3]"),
        ["conv stride 0"] = (() => Conv(strides: [0, 1]), Verdict.Invalid, "attribute strides=[0,1]"),
        ["conv wrong channel count"] = (() => Conv(channels: 5), Verdict.Invalid, "for 3 input channels, but its input 'x' is float[1,5,8,8]"),
        ["conv wrong input rank"] = (() => Conv(input: [1, 3, 8]), Verdict.Invalid, "gets input 'x' of type float[1,3,8], but weights [4,3,3,3] need [N, C, H, W]"),
        ["conv weights of the wrong element type"] = (() => WithInitializerType(Conv(), "w", OnnxDataType.Int64), Verdict.Invalid, "its weights 'w' has element type int64; float expected"),
        ["conv group not dividing the output channels"] = (() => Conv(weights: [4, 1, 3, 3], channels: 3, group: 3), Verdict.Invalid, "group=3, which does not divide the 4 output channels"),
        ["conv window larger than the input"] = (() => Conv(weights: [4, 3, 9, 9]), Verdict.Invalid, "larger than the input's 8"),
        ["conv auto_pad unknown"] = (() => Conv(autoPad: "BOGUS"), Verdict.Invalid, "auto_pad='BOGUS'"),
        ["input dimension of 2^32+32"] = (() => Conv(input: [1, 3, (1L << 32) + 32, 8]), Verdict.Unsupported, "graph input 'x' float[1,3,4294967328,8]: dimension 2 exceeds 2147483647"),
        ["negative input dimension"] = (() => Conv(input: [1, 3, -8, 8]), Verdict.InvalidOrtLenient, "graph input 'x' float[1,3,-8,8]: dimension 2 is negative"),
        ["int64 input into a convolution"] = (() => WithInputType(Conv(), OnnxDataType.Int64), Verdict.Unsupported, "graph input 'x' is int64[1,3,8,8]; Frost imports float inputs"),
        ["input without a type"] = (() => WithoutInputType(Conv()), Verdict.Invalid, "graph input 'x' has no type"),
        ["opset 1"] = (() => Relu(1).Output("y").Build(), Verdict.Unsupported, "opset 1; Frost imports opsets 7 to 21"),
        ["opset 100000"] = (() => Relu(100_000).Output("y").Build(), Verdict.Unsupported, "opset 100000"),
        ["no default opset"] = (() => WithoutOpset(Relu(13).Output("y").Build()), Verdict.Invalid, "imports no version of the default ONNX operator set"),
        ["ir_version 0"] = (() => WithIr(Relu(13).Output("y").Build(), 0), Verdict.Invalid, "ir_version is missing"),
        ["two writers of one tensor"] = (() => Relu(13).Node("Sigmoid", "x", "y").Output("y").Build(), Verdict.Invalid, "tensor 'y' is written by both Relu node 'relu0' and Sigmoid node 'sigmoid1'"),
        ["a node writing a graph input"] = (() => Relu(13).Node("Sigmoid", "y", "x").Output("y").Build(), Verdict.Invalid, "Sigmoid node 'sigmoid1' writes 'x', which is already a graph input or initializer"),
        ["a cycle"] = (() => new GraphBuilder(13, 1, 3, 8, 8).Node("Add", ["x", "z"], ["y"]).Node("Relu", "y", "z").Output("z").Build(), Verdict.Invalid, "the graph has a cycle: Relu node 'relu1' -> Add node 'add0' -> Relu node 'relu1'"),
        ["a node reading itself"] = (() => new GraphBuilder(13, 1, 3, 8, 8).Node("Add", ["x", "y"], ["y"]).Output("y").Build(), Verdict.Invalid, "cycle: Add node 'add0' -> Add node 'add0'"),
        ["a missing input"] = (() => Relu(13).Node("Add", ["y", "ghost"], ["z"]).Output("z").Build(), Verdict.Invalid, "Add node 'add1' reads 'ghost', which is no graph input, initializer or node output"),
        ["a graph output nothing produces"] = (() => Relu(13).Output("nope").Build(), Verdict.Invalid, "graph output 'nope' is not produced"),
        ["no graph output"] = (() => Relu(13).Build(), Verdict.InvalidOrtLenient, "the graph declares no output"),
        ["two graph inputs"] = (() => TwoInputs(), Verdict.Unsupported, "the graph has 2 inputs ('x', 'x2')"),
        ["a graph input declared twice"] = (() => DuplicateInput(), Verdict.Invalid, "graph input 'x' is declared twice"),
        ["two initializers of one name"] = (() => Relu(13).Weight("k", 1).Weight("k", 2).Output("y").Build(), Verdict.Invalid, "two initializers are named 'k'"),
        ["raw_data shorter than the dimensions"] = (() => Truncated(Conv(), "w"), Verdict.Invalid, "initializer 'w' float[4,3,3,3]: raw_data has 100 bytes; 108 elements of 4 bytes expected"),
        ["initializer dimension of 2^32+4"] = (() => WithDims(Conv(), "w", (1L << 32) + 4, 3, 3, 3), Verdict.Unsupported, "initializer 'w' [4294967300,3,3,3]: dimension 0 exceeds 2147483647"),
        ["initializer element count overflowing 64 bits"] = (() => WithDims(Conv(), "w", int.MaxValue, int.MaxValue, int.MaxValue, 3), Verdict.Invalid, "the element count overflows 64 bits"),
        ["initializer of an unknown element type"] = (() => WithInitializerType(Conv(), "w", (OnnxDataType)99), Verdict.Invalid, "initializer 'w' has unknown element type 99"),
        ["an unknown attribute"] = (() => Relu(13, AttributeProto.Int("foo", 1)).Output("y").Build(), Verdict.Invalid, "Relu node 'relu0': attribute 'foo' is not defined for Relu at opset 13"),
        ["an attribute of another opset"] = (() => Relu(13).Node("Softmax", "y", "z").Node("Dropout", "z", "d", AttributeProto.Float("ratio", 0.5f)).Output("d").Build(), Verdict.Invalid, "attribute 'ratio' is not defined for Dropout at opset 13"),
        ["an attribute twice"] = (() => Relu(13).Node("Softmax", "y", "z", AttributeProto.Int("axis", 1), AttributeProto.Int("axis", 2)).Output("z").Build(), Verdict.Invalid, "has attribute 'axis' twice"),
        ["an attribute of the wrong type"] = (() => Relu(13).Node("Softmax", "y", "z", AttributeProto.Float("axis", 1)).Output("z").Build(), Verdict.Invalid, "attribute axis is FLOAT; INT expected"),
        ["an attribute without a type"] = (() => Relu(13).Node("Softmax", "y", "z", new AttributeProto { Name = "axis", I = 1 }).Output("z").Build(), Verdict.Invalid, "attribute 'axis' has no type"),
        ["a required attribute missing"] = (() => Relu(13).Node("Concat", ["y", "y"], ["z"]).Output("z").Build(), Verdict.Invalid, "Concat node 'concat1': attribute axis is required"),
        ["an op without a type"] = (() => Relu(13).Node("", "y", "z").Output("z").Build(), Verdict.Invalid, "(no op type) node '1' has no op_type"),
        ["a domain the model does not import"] = (() => InDomain(Relu(13).Output("y").Build(), "com.example"), Verdict.Invalid, "uses operator set 'com.example', which the model does not import"),
        ["too many inputs"] = (() => new GraphBuilder(13, 1, 3, 8, 8).Node("Relu", ["x", "x"], ["y"]).Output("y").Build(), Verdict.Invalid, "Relu node 'relu0': has 2 inputs; 1 expected"),
        ["too few inputs"] = (() => Relu(13).Node("Add", ["y"], ["z"]).Output("z").Build(), Verdict.Invalid, "Add node 'add1': has 1 inputs; 2 expected"),
        ["an empty required output"] = (() => Relu(13).Node("Relu", "y", "").Output("y").Build(), Verdict.Invalid, "output 0 is required but has an empty name"),
        ["shapes that do not broadcast"] = (() => Relu(13).Weight("k", 5).Node("Add", ["y", "k"], ["z"]).Output("z").Build(), Verdict.Invalid, "cannot broadcast [1,3,8,8] with [5]"),
        ["reshape with two -1"] = (() => Relu(13).Ints("s", 1, -1, -1).Node("Reshape", ["y", "s"], ["z"]).Output("z").Build(), Verdict.Invalid, "sizes of at least 0 and at most one -1 expected"),
        ["reshape to a different element count"] = (() => Relu(13).Ints("s", 7, -1).Node("Reshape", ["y", "s"], ["z"]).Output("z").Build(), Verdict.Invalid, "cannot reshape float[1,3,8,8] to [7,-1]: 192 elements do not divide into parts of 7"),
        ["reshape copying an axis the input lacks"] = (() => Relu(13).Ints("s", 0, 0, 0, 0, 0, -1).Node("Reshape", ["y", "s"], ["z"]).Output("z").Build(), Verdict.Invalid, "0 at position 4 copies an axis the input does not have"),
        ["concat of mismatched shapes"] = (() => Relu(13).Weight("k", 1, 3, 8, 9).Node("Concat", ["y", "k"], ["z"], AttributeProto.Int("axis", 1)).Output("z").Build(), Verdict.Invalid, "the other axes must match"),
        ["uneven split"] = (() => Relu(13).Node("Split", ["y"], ["a", "b"], AttributeProto.Int("axis", 1)).Output("a").Build(), Verdict.Invalid, "into 2 equal parts"),
        ["split with neither sizes nor num_outputs at opset 18"] = (() => Relu(18).Node("Split", ["y"], ["a", "b"], AttributeProto.Int("axis", 2)).Output("a").Build(), Verdict.Invalid, "gives neither the split input nor num_outputs"),
        ["split sizes not adding up"] = (() => Relu(11).Node("Split", ["y"], ["a", "b"], AttributeProto.Int("axis", 1), AttributeProto.IntList("split", 1, 1)).Output("a").Build(), Verdict.Invalid, "which do not add up to 3"),
        ["gemm of mismatched sizes"] = (() => new GraphBuilder(13, 3, 2).Weight("b", 4, 3).Node("Gemm", ["x", "b"], ["y"]).Output("y").Build(), Verdict.Invalid, "2 columns against 4 rows"),
        ["gemm bias not broadcasting"] = (() => new GraphBuilder(13, 2, 3).Weight("b", 3, 4).Weight("c", 3).Node("Gemm", ["x", "b", "c"], ["y"]).Output("y").Build(), Verdict.Invalid, "has a bias C [3] that does not broadcast to the output [2,4]"),
        ["batch norm parameters for other channels"] = (() => BatchNorm(5), Verdict.Invalid, "has scale 's' [5]; [4] expected"),
        ["batch norm spatial attribute at opset 13"] = (() => BatchNorm(4, AttributeProto.Int("spatial", 1)), Verdict.Invalid, "attribute 'spatial' is not defined for BatchNormalization at opset 13"),
        ["batch norm in training mode"] = (() => BatchNorm(4, AttributeProto.Int("training_mode", 1), opset: 15), Verdict.Unsupported, "has training_mode=1"),
        ["max pool pads reaching the window"] = (() => Relu(13).Node("MaxPool", "y", "z", AttributeProto.IntList("kernel_shape", 2, 2), AttributeProto.IntList("pads", 2, 2, 2, 2)).Output("z").Build(), Verdict.Invalid, "has pads [2,2,2,2], not all smaller than the window [2,2]"),
        ["max pool without kernel_shape"] = (() => Relu(13).Node("MaxPool", "y", "z").Output("z").Build(), Verdict.Invalid, "attribute kernel_shape is required"),
        ["global pooling of a matrix"] = (() => new GraphBuilder(13, 2, 3).Node("GlobalAveragePool", "x", "y").Output("y").Build(), Verdict.Invalid, "at least 3 axes expected"),
        ["output declared as int64"] = (() => WithOutputType(Relu(13).Output("y").Build(), OnnxDataType.Int64), Verdict.Invalid, "tensor 'y' is declared int64 but computed as float"),
        ["an unsupported op"] = (() => Relu(13).Node("LSTM", "y", "z").Output("z").Build(), Verdict.Unsupported, "unsupported ONNX ops: LSTM (1). Supported: Add, AveragePool"),
        ["batch norm with two outputs"] = (() => BatchNorm(4, outputs: ["y", "mean"]), Verdict.Invalid, "has 2 outputs; 1 or 5 expected at opset 13"),
        ["an IR-3 initializer neither read nor an input"] = (() => WithIr(Relu(8).Weight("stray", 2).Output("y").Build(), 3), Verdict.Invalid, "initializer 'stray' is neither read nor a graph input; before IR version 4"),
        ["gemm with an infinite alpha"] = (() => new GraphBuilder(13, 2, 3).Weight("b", 3, 4).Node("Gemm", ["x", "b"], ["y"], AttributeProto.Float("alpha", float.PositiveInfinity)).Output("y").Build(), Verdict.Unsupported, "has alpha=Infinity"),
        ["dropout ratio of 1.5"] = (() => Relu(13).Node("Dropout", ["y", "r"], ["z"]).Output("z").Build().WithScalar("r", 1.5f), Verdict.Invalid, "has ratio 1.5; a value in [0, 1) expected"),
        ["a value_info of the wrong element type"] = (() => WithValueInfo(Relu(13).Node("Relu", "y", "z").Output("z").Build(), "y", OnnxDataType.Int8), Verdict.Invalid, "tensor 'y' is declared int8 but computed as float"),
        ["an output larger than a Frost tensor"] = (() => new GraphBuilder(13, 1, 1, 65536, 65536).Weight("w", 1, 1, 1, 1).Node("Conv", ["x", "w"], ["y"]).Weight("k", 2, 1, 1, 1).Node("Concat", ["y", "y"], ["z"], AttributeProto.Int("axis", 1)).Output("z").Build(), Verdict.Unsupported, "more than the 2147483647 elements a Frost tensor holds"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_rejects_with_a_one_line_message_naming_the_file_and_what_was_expected(string name)
    {
        var (build, verdict, fragment) = CaseTable[name];
        var proto = build();
        var model = new OnnxModel(proto, "bad.onnx");
        var ex = Assert.ThrowsAny<Exception>(() => OnnxImporter.Import(model));
        Assert.IsType(verdict == Verdict.Unsupported ? typeof(NotSupportedException) : typeof(OnnxFormatException), ex);
        Assert.StartsWith("bad.onnx: ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);

        // The same from bytes, through the reader, and without building layers.
        var reparsed = OnnxModel.Parse(new OnnxModel(proto).ToBytes(), "bad.onnx");
        Assert.Equal(ex.Message, Assert.ThrowsAny<Exception>(() => OnnxImporter.Validate(reparsed)).Message);

        if (verdict == Verdict.Invalid)
        {
            var dims = Feed(proto);
            Assert.Null(Ort.TryRun(new OnnxModel(proto).ToBytes(), new float[dims.Aggregate(1L, (a, b) => a * b)], dims, out _, out _));
        }
    }

    [Fact]
    public void Nodes_out_of_order_are_sorted_and_match_OnnxRuntime()
    {
        var b = new GraphBuilder(13, 2, 3, 4, 4).Weight("w", 5, 3, 3, 3).Weight("k", 5, 1, 1);
        b.Node("Add", ["c", "k"], ["d"]).Node("Relu", "d", "y").Node("Conv", ["x", "w"], ["c"], AttributeProto.IntList("pads", 1, 1, 1, 1)).Output("y");
        var layer = (Import.GraphLayer)OnnxImporter.Import(b.Model());
        Assert.Equal(["Conv", "Add", "Relu"], layer.Nodes.Select(n => n.OpType));
        AssertMatchesOrt(b.Bytes(), layer, [2, 3, 4, 4]);
    }

    [Fact]
    public void Deep_nesting_is_refused_by_the_reader()
    {
        var inner = new GraphProto { Name = "g0" };
        for (int i = 1; i < 60; i++)
        {
            var node = new NodeProto { OpType = "If", Name = $"if{i}" };
            node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = OnnxAttributeType.Graph, G = inner });
            inner = new GraphProto { Name = $"g{i}" };
            inner.Node.Add(node);
        }

        var model = new ModelProto { IrVersion = 8, Graph = inner };
        model.OpsetImport.Add(new OperatorSetIdProto("", 13));
        var ex = Assert.Throws<OnnxFormatException>(() => OnnxModel.Parse(new OnnxModel(model).ToBytes(), "deep.onnx"));
        Assert.StartsWith("deep.onnx: messages are nested more than 100 deep", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_chain_of_nodes_validates_imports_and_runs_without_recursion()
    {
        var b = new GraphBuilder(13, 1, 4);
        string cur = "x";
        for (int i = 0; i < 10_000; i++)
        {
            b.Node(i % 2 == 0 ? "Relu" : "Identity", cur, $"t{i}");
            cur = $"t{i}";
        }

        b.Output(cur);
        b.Graph.Node.Reverse();
        var layer = OnnxImporter.Import(OnnxModel.Parse(b.Bytes(), "chain.onnx"));
        Assert.Equal([0f, 0, 1, 2], layer.Call(Tensor.FromArray([-1f, 0, 1, 2], 1, 4)).ToArray());
    }

    [Fact]
    public void Names_in_messages_are_quoted_on_one_line_and_cut()
    {
        var b = Relu(13).Node("Flatten", "y", "z", AttributeProto.Int("axis", 10)).Output("z");
        b.Graph.Node[1].Name = "evil\nname" + new string('x', 500);
        var ex = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(b.Model("bad.onnx")));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains("Flatten node 'evil\\u000aname", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Message.Length < 300, ex.Message);
    }

    [Fact]
    public void Supported_ops_are_the_import_table_and_exportable_layers_the_export_tables()
    {
        Assert.Equal(Import.ImportTable.Handlers.Keys.Order(StringComparer.Ordinal), OnnxImporter.SupportedOps);
        Assert.Empty(Export.ExportTable.Emitters.Keys.Intersect(Export.SequenceRows.Emitters.Keys));
        Assert.Equal(Export.ExportTable.Emitters.Keys.Concat(Export.SequenceRows.Emitters.Keys).Select(t => t.Name).Order(StringComparer.Ordinal), OnnxExporter.ExportableLayers);
        var ex = Assert.Throws<NotSupportedException>(() => OnnxImporter.Import(Relu(13).Node("Erf", "y", "z").Output("z").Model("m.onnx")));
        Assert.EndsWith($"Supported: {string.Join(", ", OnnxImporter.SupportedOps)}.", ex.Message, StringComparison.Ordinal);
    }

    internal static void AssertMatchesOrt(byte[] bytes, Layers.Layer layer, long[] dims, double tolerance = 1e-5)
    {
        var x = Tensor.Uniform(new Shape([.. dims.Select(d => (int)d)]), -2, 2, new Rng(9));
        var expected = Ort.TryRun(bytes, x.ToArray(), dims, out var shape, out string error);
        Assert.True(expected is not null, error);
        layer.Training = false;
        using (GradientTape.NoRecording())
        {
            var y = layer.Call(x);
            Assert.Equal(shape, y.Shape.ToArray().Select(d => (long)d));
            var actual = y.ToArray();
            for (int i = 0; i < actual.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"element {i}: {actual[i]} vs {expected[i]}");
            }
        }
    }

    private static long[] Feed(ModelProto proto)
        => [.. proto.Graph!.Input.FirstOrDefault()?.Type?.TensorType?.Shape?.Dims.Select(d => Math.Clamp(d.DimValue ?? 1, 1, 64)) ?? [1]];

    private static GraphBuilder Relu(long opset, params AttributeProto[] attributes) => new GraphBuilder(opset, 1, 3, 8, 8).Node("Relu", "x", "y", attributes);

    private static ModelProto Conv(long[]? input = null, long channels = 3, long[]? weights = null, long[]? kernel = null, long[]? pads = null, long[]? strides = null, long group = 1, string? autoPad = null)
    {
        input ??= [1, channels, 8, 8];
        weights ??= [4, 3, 3, 3];
        var attributes = new List<AttributeProto>();
        if (kernel is not null)
        {
            attributes.Add(AttributeProto.IntList("kernel_shape", kernel));
        }

        if (pads is not null)
        {
            attributes.Add(AttributeProto.IntList("pads", pads));
        }

        if (strides is not null)
        {
            attributes.Add(AttributeProto.IntList("strides", strides));
        }

        if (group != 1)
        {
            attributes.Add(AttributeProto.Int("group", group));
        }

        if (autoPad is not null)
        {
            attributes.Add(AttributeProto.String("auto_pad", autoPad));
        }

        return new GraphBuilder(13, input).Weight("w", [.. weights.Select(d => (int)d)]).Node("Conv", ["x", "w"], ["y"], [.. attributes]).Output("y").Build();
    }

    private static ModelProto BatchNorm(int parameters, AttributeProto? attribute = null, long opset = 13, string[]? outputs = null)
    {
        var b = new GraphBuilder(opset, 1, 3, 8, 8).Weight("w", 4, 3, 3, 3).Node("Conv", ["x", "w"], ["c"]);
        b.Weight("s", parameters).Weight("b", parameters).Weight("m", parameters).Positive("v", parameters);
        return b.Node("BatchNormalization", ["c", "s", "b", "m", "v"], outputs ?? ["y"], attribute is null ? [] : [attribute]).Output("y").Build();
    }

    private static ModelProto WithValueInfo(ModelProto m, string name, OnnxDataType type)
    {
        m.Graph!.ValueInfo.Add(new ValueInfoProto(name, type, 1, 3, 8, 8));
        return m;
    }

    private static ModelProto TwoInputs()
    {
        var b = Relu(13).Node("Add", ["y", "x2"], ["z"]).Output("z");
        b.Graph.Input.Add(new ValueInfoProto("x2", OnnxDataType.Float, 1, 3, 8, 8));
        return b.Build();
    }

    private static ModelProto DuplicateInput()
    {
        var b = Relu(13).Output("y");
        b.Graph.Input.Add(new ValueInfoProto("x", OnnxDataType.Float, 1, 3, 8, 8));
        return b.Build();
    }

    private static ModelProto WithInitializerType(ModelProto m, string name, OnnxDataType type)
    {
        var t = m.Graph!.Initializer.Single(i => i.Name == name);
        t.DataType = type;
        if (type == OnnxDataType.Int64)
        {
            t.RawData = new byte[t.RawData.Length * 2];
        }

        return m;
    }

    private static ModelProto Truncated(ModelProto m, string name)
    {
        var t = m.Graph!.Initializer.Single(i => i.Name == name);
        t.RawData = t.RawData[..100];
        return m;
    }

    private static ModelProto WithDims(ModelProto m, string name, params long[] dims)
    {
        var t = m.Graph!.Initializer.Single(i => i.Name == name);
        t.Dims.Clear();
        t.Dims.AddRange(dims);
        return m;
    }

    private static ModelProto WithInputType(ModelProto m, OnnxDataType type)
    {
        m.Graph!.Input[0].Type!.TensorType!.ElemType = type;
        return m;
    }

    private static ModelProto WithoutInputType(ModelProto m)
    {
        m.Graph!.Input[0].Type = null;
        return m;
    }

    private static ModelProto WithOutputType(ModelProto m, OnnxDataType type)
    {
        m.Graph!.Output[0].Type!.TensorType!.ElemType = type;
        return m;
    }

    private static ModelProto WithoutOpset(ModelProto m)
    {
        m.OpsetImport.Clear();
        return m;
    }

    private static ModelProto WithIr(ModelProto m, long ir)
    {
        m.IrVersion = ir;
        return m;
    }

    private static ModelProto InDomain(ModelProto m, string domain)
    {
        m.Graph!.Node[0].Domain = domain;
        return m;
    }
}
