using Frost.Onnx.Proto;

namespace Frost.Onnx.Tests.Fuzz;

/// <summary>The valid models the fuzz tests start from: small graphs covering every supported op across opsets, and the real ResNet18.</summary>
internal static class FuzzSeeds
{
    private static readonly Lazy<byte[]> s_resNet18Raw = new(() =>
    {
        // The real model with its float_data weights re-encoded as raw_data, which the reader slices without copying,
        // so that each mutant parses in about a millisecond.
        var model = OnnxModel.Parse(TestFiles.ResNet18Bytes, "resnet18");
        var g = model.Graph;
        for (int i = 0; i < g.Initializer.Count; i++)
        {
            g.Initializer[i] = OnnxTensors.FromTensor(g.Initializer[i].ToTensor(), g.Initializer[i].Name);
        }

        return model.ToBytes();
    });

    /// <summary>ResNet18.onnx with raw_data weights.</summary>
    public static byte[] ResNet18Raw => s_resNet18Raw.Value;

    public static IReadOnlyList<(string Name, byte[] Bytes)> Small { get; } =
    [
        ("conv_relu", new OnnxModel(SampleModels.ConvRelu()).ToBytes()),
        ("gemm", new OnnxModel(SampleModels.Gemm()).ToBytes()),
        ("mini_resnet_opset8", MiniResNet().Bytes()),
        ("shapes_opset13", Shapes().Bytes()),
        ("legacy_opset11", Legacy().Bytes()),
        ("opset18", Opset18().Bytes()),
    ];

    /// <summary>A basic-block ResNet in miniature (recognised by the structural importer): stem, two blocks (one projecting), pooled head.</summary>
    public static GraphBuilder MiniResNet()
    {
        var b = new GraphBuilder(8, 1, 3, 16, 16);
        void ConvBn(string x, string name, int cin, int cout, int k, int stride, string y)
        {
            b.Weight(name + "_w", cout, cin, k, k).Weight(name + "_s", cout).Weight(name + "_b", cout).Weight(name + "_m", cout).Positive(name + "_v", cout);
            b.Node("Conv", [x, name + "_w"], [name + "_c"], AttributeProto.IntList("kernel_shape", k, k), AttributeProto.IntList("strides", stride, stride),
                AttributeProto.IntList("pads", k / 2, k / 2, k / 2, k / 2), AttributeProto.Int("group", 1));
            b.Node("BatchNormalization", [name + "_c", name + "_s", name + "_b", name + "_m", name + "_v"], [y], AttributeProto.Float("epsilon", 1e-5f), AttributeProto.Int("spatial", 1));
        }

        ConvBn("x", "stem", 3, 4, 3, 2, "s1");
        b.Node("Relu", "s1", "s2").Node("MaxPool", ["s2"], ["p"], AttributeProto.IntList("kernel_shape", 3, 3), AttributeProto.IntList("strides", 2, 2), AttributeProto.IntList("pads", 1, 1, 1, 1));
        ConvBn("p", "b1a", 4, 4, 3, 1, "b1a_y");
        b.Node("Relu", "b1a_y", "b1a_r");
        ConvBn("b1a_r", "b1b", 4, 4, 3, 1, "b1b_y");
        b.Node("Add", ["b1b_y", "p"], ["b1_sum"]).Node("Relu", "b1_sum", "b1");
        ConvBn("b1", "b2a", 4, 8, 3, 2, "b2a_y");
        b.Node("Relu", "b2a_y", "b2a_r");
        ConvBn("b2a_r", "b2b", 8, 8, 3, 1, "b2b_y");
        ConvBn("b1", "b2s", 4, 8, 1, 2, "b2s_y");
        b.Node("Add", ["b2b_y", "b2s_y"], ["b2_sum"]).Node("Relu", "b2_sum", "b2");
        b.Node("GlobalAveragePool", "b2", "g").Node("Flatten", "g", "f", AttributeProto.Int("axis", 1));
        b.Weight("fc_w", 5, 8).Weight("fc_b", 5).Node("Gemm", ["f", "fc_w", "fc_b"], ["y"], AttributeProto.Int("transB", 1)).Output("y");
        return b;
    }

    /// <summary>Reshape, a dense MatMul, Split by sizes, activations, Concat, Softmax and arithmetic with constants (opset 13).</summary>
    public static GraphBuilder Shapes()
    {
        var b = new GraphBuilder(13, 2, 3, 4, 4).Ints("shape", 0, -1).Weight("w", 48, 6).Ints("sizes", 2, 4).Weight("k", 6).Positive("p", 1, 6);
        b.Node("Reshape", ["x", "shape"], ["r"]).Node("MatMul", ["r", "w"], ["m"]).Node("Split", ["m", "sizes"], ["a", "c"], AttributeProto.Int("axis", 1));
        b.Node("Sigmoid", "a", "a2").Node("Tanh", "c", "c2").Node("Concat", ["c2", "a2"], ["cat"], AttributeProto.Int("axis", -1));
        b.Node("Softmax", "cat", "s", AttributeProto.Int("axis", -1)).Node("Mul", ["s", "k"], ["t1"]).Node("Sub", ["k", "t1"], ["t2"]).Node("Div", ["t2", "p"], ["t3"]);
        return b.Node("Identity", "t3", "y").Output("y");
    }

    /// <summary>Opset-11 forms: Split by attribute, row-wise Softmax, Dropout with a ratio attribute, padded average pooling, Gemm with a scalar C.</summary>
    public static GraphBuilder Legacy()
    {
        var b = new GraphBuilder(11, 2, 4, 6, 6).Weight("b", 3, 18).Weight("c", 1);
        b.Node("AveragePool", ["x"], ["p"], AttributeProto.IntList("kernel_shape", 2, 2), AttributeProto.IntList("strides", 2, 2),
            AttributeProto.IntList("pads", 1, 1, 0, 0), AttributeProto.Int("count_include_pad", 1));
        b.Node("Split", ["p"], ["u", "v"], AttributeProto.Int("axis", 1), AttributeProto.IntList("split", 2, 2)).Node("Add", ["u", "v"], ["w"]);
        b.Node("Softmax", "w", "s", AttributeProto.Int("axis", 1)).Node("Dropout", ["s"], ["d"], AttributeProto.Float("ratio", 0.2f));
        b.Node("Flatten", "d", "f", AttributeProto.Int("axis", 1)).Node("Gemm", ["f", "b", "c"], ["y"], AttributeProto.Int("transB", 1), AttributeProto.Float("beta", 0.5f));
        return b.Output("y");
    }

    /// <summary>Opset-18 forms: Split by num_outputs, Reshape with allowzero, Dropout with ratio and training_mode inputs, batch norm with training_mode 0.</summary>
    public static GraphBuilder Opset18()
    {
        var b = new GraphBuilder(18, 1, 3, 5, 5).Weight("s", 3).Weight("b", 3).Weight("m", 3).Positive("v", 3).Ints("shape", 1, 25, 3);
        b.Graph.Initializer.Add(OnnxTensors.FromTensor(Tensor.Scalar(0.25f), "r"));
        b.Graph.Initializer.Add(new TensorProto { Name = "t", DataType = OnnxDataType.Bool, RawData = new byte[1] });
        b.Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["n"], AttributeProto.Int("training_mode", 0));
        b.Node("Dropout", ["n", "r", "t"], ["d"]).Node("Split", ["d"], ["a", "c", "e"], AttributeProto.Int("axis", 2), AttributeProto.Int("num_outputs", 3));
        b.Node("Concat", ["e", "a", "c"], ["cat"], AttributeProto.Int("axis", 2)).Node("Reshape", ["cat", "shape"], ["y"], AttributeProto.Int("allowzero", 1));
        return b.Output("y");
    }
}
