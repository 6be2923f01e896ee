using Frost.Onnx.Proto;

namespace Frost.Onnx.Tests;

/// <summary>
/// Every row of the import table on small models, at the opsets where its semantics change: imported, compared with
/// ONNX Runtime on the same input, then exported (opset 17) and run by ONNX Runtime again.
/// </summary>
public class OpCatalogueTests
{
    private static readonly Dictionary<string, Func<GraphBuilder>> CaseTable = new()
    {
        ["Conv bias pads strides dilations"] = () => new GraphBuilder(13, 2, 4, 9, 8).Weight("w", 6, 4, 3, 2).Weight("b", 6)
            .Node("Conv", ["x", "w", "b"], ["y"], AttributeProto.IntList("pads", 2, 1, 0, 1), AttributeProto.IntList("strides", 2, 1), AttributeProto.IntList("dilations", 2, 1)).Output("y"),
        ["Conv groups opset 8"] = () => new GraphBuilder(8, 1, 4, 6, 6).Weight("w", 6, 2, 3, 3)
            .Node("Conv", ["x", "w"], ["y"], AttributeProto.Int("group", 2), AttributeProto.IntList("kernel_shape", 3, 3), AttributeProto.String("auto_pad", "VALID")).Output("y"),
        ["MaxPool opset 8"] = () => new GraphBuilder(8, 1, 2, 7, 7).Node("MaxPool", ["x"], ["y"], AttributeProto.IntList("kernel_shape", 3, 3), AttributeProto.IntList("strides", 2, 2), AttributeProto.IntList("pads", 1, 1, 0, 0)).Output("y"),
        ["MaxPool ceil_mode opset 12"] = () => new GraphBuilder(12, 1, 2, 8, 8).Node("MaxPool", ["x"], ["y", ""], AttributeProto.IntList("kernel_shape", 3, 3), AttributeProto.IntList("strides", 2, 2), AttributeProto.Int("ceil_mode", 1)).Output("y"),
        ["AveragePool count_include_pad"] = () => new GraphBuilder(11, 1, 2, 7, 7).Node("AveragePool", ["x"], ["y"], AttributeProto.IntList("kernel_shape", 3, 2), AttributeProto.IntList("pads", 1, 1, 1, 0), AttributeProto.Int("count_include_pad", 1)).Output("y"),
        ["AveragePool ceil_mode"] = () => new GraphBuilder(13, 1, 2, 8, 8).Node("AveragePool", ["x"], ["y"], AttributeProto.IntList("kernel_shape", 3, 3), AttributeProto.IntList("strides", 2, 2), AttributeProto.Int("ceil_mode", 1)).Output("y"),
        ["GlobalAveragePool"] = () => new GraphBuilder(13, 2, 3, 5, 4).Node("GlobalAveragePool", "x", "y").Output("y"),
        ["BatchNormalization opset 8 spatial"] = () => BatchNorm(8, AttributeProto.Int("spatial", 1)),
        ["BatchNormalization opset 9"] = () => BatchNorm(9, AttributeProto.Float("epsilon", 1e-3f)),
        ["BatchNormalization opset 15"] = () => BatchNorm(15, AttributeProto.Int("training_mode", 0)),
        ["Gemm transB alpha beta"] = () => new GraphBuilder(13, 3, 4).Weight("b", 5, 4).Weight("c", 5)
            .Node("Gemm", ["x", "b", "c"], ["y"], AttributeProto.Int("transB", 1), AttributeProto.Float("alpha", 0.5f), AttributeProto.Float("beta", 2f)).Output("y"),
        ["Gemm scalar C opset 9"] = () => new GraphBuilder(9, 3, 4).Weight("b", 4, 5).Weight("c", 1).Node("Gemm", ["x", "b", "c"], ["y"]).Output("y"),
        ["Gemm row C"] = () => new GraphBuilder(13, 3, 4).Weight("b", 4, 5).Weight("c", 1, 5).Node("Gemm", ["x", "b", "c"], ["y"]).Output("y"),
        ["Gemm without C opset 11"] = () => new GraphBuilder(11, 3, 4).Weight("b", 4, 5).Node("Gemm", ["x", "b"], ["y"]).Output("y"),
        ["MatMul weight on rank 3"] = () => new GraphBuilder(13, 2, 3, 4).Weight("b", 4, 5).Node("MatMul", ["x", "b"], ["y"]).Output("y"),
        ["MatMul batched constant"] = () => new GraphBuilder(13, 2, 3, 4).Weight("b", 2, 4, 5).Node("MatMul", ["x", "b"], ["y"]).Output("y"),
        ["MatMul constant on the left"] = () => new GraphBuilder(13, 4, 3).Weight("a", 2, 4).Node("MatMul", ["a", "x"], ["y"]).Output("y"),
        ["Relu Sigmoid Tanh Identity"] = () => new GraphBuilder(14, 2, 5).Node("Relu", "x", "a").Node("Sigmoid", "a", "b").Node("Identity", "b", "c").Node("Tanh", "c", "y").Output("y"),
        ["Dropout opset 10"] = () => new GraphBuilder(10, 2, 5).Node("Dropout", ["x"], ["d", "mask"], AttributeProto.Float("ratio", 0.3f)).Node("Relu", "d", "y").Output("y"),
        ["Dropout opset 13 inputs"] = () => WithBool(new GraphBuilder(13, 2, 5).Weight("r").Node("Dropout", ["x", "r", "t"], ["d"], AttributeProto.Int("seed", 3)).Node("Tanh", "d", "y").Output("y"), "t"),
        ["Add Sub Mul Div broadcasting"] = () => new GraphBuilder(14, 2, 3, 4).Weight("k", 3, 1).Positive("p", 4)
            .Node("Add", ["x", "k"], ["a"]).Node("Sub", ["k", "a"], ["b"]).Node("Mul", ["b", "p"], ["c"]).Node("Div", ["c", "p"], ["y"]).Output("y"),
        ["Flatten axis 0"] = () => new GraphBuilder(13, 2, 3, 4).Node("Flatten", "x", "y", AttributeProto.Int("axis", 0)).Output("y"),
        ["Flatten axis -1 opset 11"] = () => new GraphBuilder(11, 2, 3, 4).Node("Flatten", "x", "y", AttributeProto.Int("axis", -1)).Output("y"),
        ["Flatten axis 3 opset 9"] = () => new GraphBuilder(9, 2, 3, 4).Node("Flatten", "x", "y", AttributeProto.Int("axis", 3)).Output("y"),
        ["Reshape 0 and -1"] = () => new GraphBuilder(13, 2, 3, 4).Ints("s", 0, -1, 2).Node("Reshape", ["x", "s"], ["y"]).Output("y"),
        ["Reshape allowzero opset 14"] = () => new GraphBuilder(14, 2, 3, 4).Ints("s", 4, 6).Node("Reshape", ["x", "s"], ["y"], AttributeProto.Int("allowzero", 1)).Output("y"),
        ["Concat opset 8"] = () => new GraphBuilder(8, 2, 3).Weight("k", 2, 2).Node("Concat", ["x", "k", "x"], ["y"], AttributeProto.Int("axis", 1)).Output("y"),
        ["Concat negative axis"] = () => new GraphBuilder(13, 2, 3).Weight("k", 1, 3).Node("Concat", ["k", "x"], ["y"], AttributeProto.Int("axis", -2)).Output("y"),
        ["Split attribute opset 11"] = () => new GraphBuilder(11, 2, 5).Node("Split", ["x"], ["a", "b"], AttributeProto.Int("axis", 1), AttributeProto.IntList("split", 2, 3))
            .Node("Concat", ["b", "a"], ["y"], AttributeProto.Int("axis", 1)).Output("y"),
        ["Split input opset 13"] = () => new GraphBuilder(13, 2, 5).Ints("s", 4, 1).Node("Split", ["x", "s"], ["a", "b"], AttributeProto.Int("axis", -1))
            .Node("Concat", ["b", "a"], ["y"], AttributeProto.Int("axis", 1)).Output("y"),
        ["Split equal opset 13"] = () => new GraphBuilder(13, 4, 3).Node("Split", ["x"], ["a", "b"]).Node("Sub", ["b", "a"], ["y"]).Output("y"),
        ["Split num_outputs opset 18"] = () => new GraphBuilder(18, 2, 5).Node("Split", ["x"], ["a", "b", "c"], AttributeProto.Int("axis", 1), AttributeProto.Int("num_outputs", 3))
            .Node("Concat", ["c", "b", "a"], ["y"], AttributeProto.Int("axis", 1)).Output("y"),
        ["Softmax opset 11 axis 1"] = () => new GraphBuilder(11, 2, 3, 4).Node("Softmax", "x", "y", AttributeProto.Int("axis", 1)).Output("y"),
        ["Softmax opset 13 axis 1"] = () => new GraphBuilder(13, 2, 3, 4).Node("Softmax", "x", "y", AttributeProto.Int("axis", 1)).Output("y"),
        ["Transpose perm"] = () => new GraphBuilder(13, 2, 3, 4).Node("Transpose", "x", "y", AttributeProto.IntList("perm", 1, 2, 0)).Output("y"),
        ["Transpose default reverses opset 1"] = () => new GraphBuilder(7, 2, 3, 4).Node("Transpose", "x", "y").Output("y"),
        ["Transpose of a weight before MatMul"] = () => new GraphBuilder(13, 3, 4).Weight("w", 5, 4).Node("Transpose", ["w"], ["wt"], AttributeProto.IntList("perm", 1, 0))
            .Node("MatMul", ["x", "wt"], ["y"]).Output("y"),
        ["Softmax opset 8 default"] = () => new GraphBuilder(8, 2, 3, 4).Node("Softmax", "x", "y").Output("y"),
    };

    public static TheoryData<string> Cases => [.. CaseTable.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Op_imports_matching_OnnxRuntime_and_exports_equivalently(string name)
    {
        var builder = CaseTable[name]();
        byte[] bytes = builder.Bytes();
        var layer = OnnxImporter.Import(OnnxModel.Parse(bytes, name));
        long[] dims = [.. builder.Graph.Input[0].Type!.TensorType!.Shape!.Dims.Select(d => d.DimValue!.Value)];
        ValidationTests.AssertMatchesOrt(bytes, layer, dims);

        var exported = OnnxExporter.Export(layer, new Shape([.. dims.Select(d => (int)d)])).ToBytes();
        ValidationTests.AssertMatchesOrt(exported, layer, dims);
    }

    [Fact]
    public void Every_supported_op_has_a_catalogue_case()
    {
        var covered = CaseTable.Values.SelectMany(b => b().Graph.Node.Select(n => n.OpType)).ToHashSet();
        Assert.Equal([], OnnxImporter.SupportedOps.Except(covered));
    }

    private static GraphBuilder BatchNorm(long opset, AttributeProto attribute)
    {
        var b = new GraphBuilder(opset, 2, 3, 4, 4).Weight("s", 3).Weight("b", 3).Weight("m", 3).Positive("v", 3);
        return b.Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], attribute).Output("y");
    }

    private static GraphBuilder WithBool(GraphBuilder b, string name)
    {
        var t = new TensorProto { Name = name, DataType = OnnxDataType.Bool, RawData = new byte[1] };
        b.Graph.Initializer.Add(t);
        return b;
    }
}
