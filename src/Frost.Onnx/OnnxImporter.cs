using Frost.Layers;
using Frost.Onnx.Import;

namespace Frost.Onnx;

/// <summary>
/// Turns ONNX models into Frost layers with readable structural names. Basic-block residual networks become
/// <see cref="Sequential"/> models of <c>stem</c>, <c>stage1</c>…, <c>head</c> (so selectors such as
/// <c>stage1/**</c> work), whose pooled output is flattened to [N, C] for a head to follow; any other graph of
/// supported ops becomes a <see cref="GraphLayer"/> with the graph's own output shape.
/// </summary>
public static class OnnxImporter
{
    /// <summary>The ONNX op types the importer understands.</summary>
    public static IReadOnlySet<string> SupportedOps { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Conv", "BatchNormalization", "Relu", "Sigmoid", "Tanh", "MaxPool", "AveragePool", "GlobalAveragePool", "Add", "Sub",
        "Mul", "Div", "Flatten", "Gemm", "MatMul", "Reshape", "Concat", "Split", "Softmax", "Identity", "Dropout",
    };

    /// <summary>Imports a model.</summary>
    /// <param name="model">The parsed model.</param>
    /// <param name="name">Name of the resulting layer.</param>
    /// <exception cref="NotSupportedException">The graph uses ops Frost does not import; the message lists them with counts.</exception>
    public static Layer Import(OnnxModel model, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckSupported(model);
        var graph = model.Graph;
        Layer layer = (Layer?)ResNetImport.TryImport(graph, model.Source) ?? new GraphLayer(graph, model.Source, name ?? "graph", Opset(model));
        return layer;
    }

    private static long Opset(OnnxModel model)
        => model.Proto.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 1;

    /// <summary>Throws, listing every unsupported op type and its count, when the model cannot be imported.</summary>
    /// <exception cref="NotSupportedException">Some ops are unsupported.</exception>
    public static void CheckSupported(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var bad = model.Graph.Node.Where(n => !SupportedOps.Contains(n.OpType) || n.Domain is not ("" or "ai.onnx"))
            .GroupBy(n => n.Domain.Length > 0 ? $"{n.Domain}.{n.OpType}" : n.OpType)
            .Select(g => $"{g.Key} ({g.Count()})").ToList();
        if (bad.Count > 0)
        {
            throw new NotSupportedException($"{model.Source}: unsupported ONNX ops: {string.Join(", ", bad)}. Supported: {string.Join(", ", SupportedOps.Order())}.");
        }
    }

    /// <summary>
    /// The pretrained ResNet-18 feature extractor from the <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>
    /// package, with its preprocessing as the first layer: input RGB images [N, 3, size, size] on a 0..255
    /// scale, output 512 features per image. Layers: <c>preprocess</c> (RGB→BGR, minus the mean image, resized
    /// to <paramref name="inputSize"/>), <c>stem</c>, <c>stage1</c>…<c>stage4</c> (2, 2, 2, 3 blocks), and
    /// <c>head</c> (global average pooling).
    /// </summary>
    /// <param name="inputSize">Image side length; the network was trained at 224.</param>
    /// <param name="packagesRoot">NuGet packages folder (the default cache when null).</param>
    /// <exception cref="FileNotFoundException">The package is not restored; the message says what to restore.</exception>
    public static Sequential LoadResNet18(int inputSize = 224, string? packagesRoot = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 32);
        var net = (Sequential)Import(OnnxModel.Load(PretrainedModels.FindResNet18(packagesRoot)));
        var pre = OnnxModel.Load(PretrainedModels.FindResNetPreprocess(packagesRoot));
        CheckSupported(pre);
        var preprocess = new GraphLayer(pre.Graph, pre.Source, "preprocess", Opset(pre), t =>
            t.Rank == 4 && t.Shape[2] != inputSize ? Frost.Data.ImageOps.Resize(t, inputSize, inputSize) : t);
        net.Insert(0, preprocess, "preprocess");
        return net;
    }
}
