namespace Frost.Onnx.Import;

/// <summary>
/// Validates one node (its attributes, inputs and static shapes, with the opset in hand) and plans what it becomes;
/// throws <see cref="OnnxFormatException"/> for invalid ONNX and <see cref="NotSupportedException"/> for valid ONNX
/// that Frost does not import, naming the file and the node.
/// </summary>
internal delegate NodePlan OpHandler(NodeContext node);

/// <summary>
/// The one table of the ONNX ops Frost imports (default domain), from op type to handler. The importer's list of
/// supported ops is its keys; supporting a new op is one row here and its handler.
/// </summary>
internal static class ImportTable
{
    public static IReadOnlyDictionary<string, OpHandler> Handlers { get; } = new Dictionary<string, OpHandler>(StringComparer.Ordinal)
    {
        ["Add"] = ElementwiseOps.Binary("Add", Ops.Add),
        ["AveragePool"] = WindowOps.AveragePool,
        ["BatchNormalization"] = LinearOps.BatchNormalization,
        ["Concat"] = ShapeOps.Concat,
        ["Conv"] = WindowOps.Conv,
        ["Div"] = ElementwiseOps.Binary("Div", Ops.Div),
        ["Dropout"] = ElementwiseOps.Dropout,
        ["Flatten"] = ShapeOps.Flatten,
        ["Gemm"] = LinearOps.Gemm,
        ["GlobalAveragePool"] = WindowOps.GlobalAveragePool,
        ["Identity"] = ElementwiseOps.Identity,
        ["MatMul"] = LinearOps.MatMul,
        ["MaxPool"] = WindowOps.MaxPool,
        ["Mul"] = ElementwiseOps.Binary("Mul", Ops.Mul),
        ["Relu"] = ElementwiseOps.Unary("Relu", Ops.Relu),
        ["Reshape"] = ShapeOps.Reshape,
        ["Sigmoid"] = ElementwiseOps.Unary("Sigmoid", Ops.Sigmoid),
        ["Softmax"] = ElementwiseOps.Softmax,
        ["Split"] = ShapeOps.Split,
        ["Sub"] = ElementwiseOps.Binary("Sub", Ops.Sub),
        ["Tanh"] = ElementwiseOps.Unary("Tanh", Ops.Tanh),
        ["Transpose"] = ShapeOps.Transpose,
    };
}
