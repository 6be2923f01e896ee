using Frost.Onnx.Proto;

namespace Frost.Onnx.Tests;

/// <summary>Small hand-built models for round-trip, fuzz and ONNX Runtime tests.</summary>
internal static class SampleModels
{
    public static readonly float[] ConvWeight = [1, 0, -1, 2, 0, -2, 1, 0, -1, 0.5f, 0.5f, 0.5f, 0, 0, 0, -0.5f, -0.5f, -0.5f];
    public static readonly float[] ConvBias = [0.25f, -1f];

    /// <summary>Y = Relu(Conv(X, W, B)) with X [1,1,4,4], W [2,1,3,3], pads 1, stride 1: Y [1,2,4,4].</summary>
    public static ModelProto ConvRelu()
    {
        var graph = new GraphProto { Name = "conv_relu" };
        graph.Input.Add(new ValueInfoProto("X", OnnxDataType.Float, 1, 1, 4, 4));
        graph.Output.Add(new ValueInfoProto("Y", OnnxDataType.Float, 1, 2, 4, 4));
        graph.Initializer.Add(OnnxTensors.FromTensor(Tensor.FromArray(ConvWeight, 2, 1, 3, 3), "W"));
        var bias = new TensorProto { Name = "B", DataType = OnnxDataType.Float };
        bias.Dims.Add(2);
        bias.FloatData.AddRange(ConvBias);
        graph.Initializer.Add(bias);

        var conv = new NodeProto { Name = "conv", OpType = "Conv" };
        conv.Input.AddRange(["X", "W", "B"]);
        conv.Output.Add("C");
        conv.Attribute.Add(AttributeProto.IntList("kernel_shape", 3, 3));
        conv.Attribute.Add(AttributeProto.IntList("pads", 1, 1, 1, 1));
        conv.Attribute.Add(AttributeProto.IntList("strides", 1, 1));
        conv.Attribute.Add(AttributeProto.Int("group", 1));
        var relu = new NodeProto { Name = "relu", OpType = "Relu" };
        relu.Input.Add("C");
        relu.Output.Add("Y");
        graph.Node.AddRange([conv, relu]);
        return Model(graph, opset: 13);
    }

    /// <summary>Y = 0.5 * X * W^T + 2 * C with X [2,3], W [4,3] (transB), C [4].</summary>
    public static ModelProto Gemm()
    {
        var graph = new GraphProto { Name = "gemm" };
        graph.Input.Add(new ValueInfoProto("X", OnnxDataType.Float, 2, 3));
        graph.Output.Add(new ValueInfoProto("Y", OnnxDataType.Float, 2, 4));
        graph.Initializer.Add(OnnxTensors.FromTensor(Tensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 4, 3), "W"));
        graph.Initializer.Add(OnnxTensors.FromTensor(Tensor.FromArray([0.5f, -0.5f, 1, -1], 4), "C"));
        var gemm = new NodeProto { Name = "gemm", OpType = "Gemm" };
        gemm.Input.AddRange(["X", "W", "C"]);
        gemm.Output.Add("Y");
        gemm.Attribute.Add(AttributeProto.Float("alpha", 0.5f));
        gemm.Attribute.Add(AttributeProto.Float("beta", 2f));
        gemm.Attribute.Add(AttributeProto.Int("transB", 1));
        graph.Node.Add(gemm);
        return Model(graph, opset: 13);
    }

    /// <summary>A model that sets every modelled field at least once, including a nested subgraph.</summary>
    public static ModelProto Everything()
    {
        var then = new GraphProto { Name = "then_branch", DocString = "then" };
        then.Output.Add(new ValueInfoProto("t_out", OnnxDataType.Float, 2));
        var constant = new NodeProto { OpType = "Constant", Name = "k" };
        constant.Output.Add("t_out");
        constant.Attribute.Add(AttributeProto.Tensor("value", OnnxTensors.FromTensor(Tensor.FromArray(1f, -2f), "kv")));
        then.Node.Add(constant);
        var orElse = new GraphProto { Name = "else_branch" };
        orElse.Output.Add(new ValueInfoProto("e_out", OnnxDataType.Float, 2));

        var graph = new GraphProto { Name = "everything", DocString = "a graph with everything" };
        var input = new ValueInfoProto { Name = "cond", DocString = "the condition" };
        var shape = new TensorShapeProto();
        shape.Dims.Add(new TensorShapeDimension("batch") { Denotation = "DATA_BATCH" });
        shape.Dims.Add(new TensorShapeDimension(3));
        shape.Dims.Add(new TensorShapeDimension());
        input.Type = new TypeProto { Denotation = "TENSOR", TensorType = new TensorTypeProto { ElemType = OnnxDataType.Bool, Shape = shape } };
        graph.Input.Add(input);
        graph.Input.Add(new ValueInfoProto { Name = "unknown_rank", Type = new TypeProto { TensorType = new TensorTypeProto { ElemType = OnnxDataType.Float } } });
        graph.Output.Add(new ValueInfoProto("out", OnnxDataType.Float, 2));
        graph.ValueInfo.Add(new ValueInfoProto("mid", OnnxDataType.Double));

        graph.Initializer.Add(OnnxTensors.FromInt64("shape", 2, -1, long.MaxValue, long.MinValue));
        graph.Initializer.Add(OnnxTensors.FromInt32("ints", 0, -1, int.MaxValue, int.MinValue));
        var doubles = new TensorProto { Name = "doubles", DataType = OnnxDataType.Double, DocString = "doubles" };
        doubles.Dims.AddRange([2, 1]);
        doubles.DoubleData.AddRange([Math.PI, double.NegativeInfinity]);
        graph.Initializer.Add(doubles);
        var external = new TensorProto { Name = "ext", DataType = OnnxDataType.Float, DataLocation = 1 };
        external.Dims.Add(1000);
        external.ExternalData.Add(new StringStringEntryProto("location", "weights.bin"));
        external.ExternalData.Add(new StringStringEntryProto("offset", "0"));
        graph.Initializer.Add(external);
        var scalar = new TensorProto { Name = "scalar", DataType = OnnxDataType.Float };
        scalar.FloatData.Add(float.NaN);
        graph.Initializer.Add(scalar);

        var node = new NodeProto { Name = "if", OpType = "If", Domain = "", DocString = "branch" };
        node.Input.Add("cond");
        node.Output.Add("out");
        node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = OnnxAttributeType.Graph, G = then });
        node.Attribute.Add(new AttributeProto { Name = "else_branch", Type = OnnxAttributeType.Graph, G = orElse });
        graph.Node.Add(node);

        var custom = new NodeProto { Name = "custom", OpType = "Thing", Domain = "com.example" };
        custom.Input.AddRange(["out", ""]);
        custom.Output.Add("mid");
        custom.Attribute.Add(AttributeProto.Float("f", -0.0f));
        custom.Attribute.Add(AttributeProto.Int("i", -7));
        custom.Attribute.Add(AttributeProto.String("s", "héllo"));
        custom.Attribute.Add(AttributeProto.FloatList("floats", 1.5f, float.PositiveInfinity));
        custom.Attribute.Add(AttributeProto.IntList("ints", 0, -1, 1L << 40));
        var strings = new AttributeProto { Name = "strings", Type = OnnxAttributeType.Strings, DocString = "strs", RefAttrName = "outer" };
        strings.Strings.AddRange([[1, 2, 3], []]);
        custom.Attribute.Add(strings);
        var tensors = new AttributeProto { Name = "tensors", Type = OnnxAttributeType.Tensors };
        tensors.Tensors.Add(OnnxTensors.FromInt64("a", 1));
        tensors.Tensors.Add(OnnxTensors.FromTensor(Tensor.Zeros(0, 3), "empty"));
        custom.Attribute.Add(tensors);
        var graphs = new AttributeProto { Name = "graphs", Type = OnnxAttributeType.Graphs };
        graphs.Graphs.Add(new GraphProto { Name = "g1" });
        custom.Attribute.Add(graphs);
        graph.Node.Add(custom);

        var model = Model(graph, opset: 17);
        model.ProducerVersion = "1.0";
        model.Domain = "org.frost.tests";
        model.ModelVersion = 42;
        model.DocString = "doc";
        model.OpsetImport.Add(new OperatorSetIdProto("com.example", 1));
        model.MetadataProps.Add(new StringStringEntryProto("author", "frost"));
        return model;
    }

    private static ModelProto Model(GraphProto graph, long opset)
    {
        var model = new ModelProto { IrVersion = 7, ProducerName = "frost-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto("", opset));
        return model;
    }
}
