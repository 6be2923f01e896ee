using Frost.Layers;
using Frost.Onnx.Import;

namespace Frost.Onnx;

/// <summary>
/// Turns ONNX models into Frost layers with readable structural names. Basic-block residual networks become
/// <see cref="Sequential"/> models of <c>stem</c>, <c>stage1</c>…, <c>head</c> (so selectors such as
/// <c>stage1/**</c> work), whose pooled output is flattened to [N, C] for a head to follow; any other graph of
/// supported ops becomes a <see cref="GraphLayer"/> with the graph's own output shape.
/// </summary>
/// <remarks>
/// The whole model is validated before any layer is built: IR version and opset (7 to 21), that every tensor is
/// written once and read after it is written (nodes given out of order are sorted; a cycle is an error), the
/// initializers' data against their dimensions, and every node's attributes, inputs and static shapes.
/// </remarks>
public static class OnnxImporter
{
    /// <summary>The ONNX op types (default domain) the importer understands, in ordinal order.</summary>
    public static IReadOnlyList<string> SupportedOps { get; } = Array.AsReadOnly([.. ImportTable.Handlers.Keys.Order(StringComparer.Ordinal)]);

    /// <summary>Imports a model.</summary>
    /// <param name="model">The parsed model.</param>
    /// <param name="name">Name of the resulting layer when it is a <see cref="GraphLayer"/>.</param>
    /// <exception cref="OnnxFormatException">The model is not valid ONNX; the message names the file and the node or tensor.</exception>
    /// <exception cref="NotSupportedException">The model is valid but uses what Frost does not import (ops, listed with counts; opsets; attributes).</exception>
    public static Layer Import(OnnxModel model, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var plan = GraphValidator.Validate(model);
        return (Layer?)ResNetImport.TryImport(plan) ?? new GraphLayer(plan, name ?? "graph");
    }

    /// <summary>Checks that <paramref name="model"/> imports, without building layers or copying weights.</summary>
    /// <exception cref="OnnxFormatException">The model is not valid ONNX; the message names the file and the node or tensor.</exception>
    /// <exception cref="NotSupportedException">The model is valid but uses what Frost does not import.</exception>
    public static void Validate(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        GraphValidator.Validate(model);
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
        var model = OnnxModel.Load(PretrainedModels.FindResNet18(packagesRoot));
        var net = Import(model) as Sequential
            ?? throw new OnnxFormatException($"{model.Source}: not the basic-block ResNet the package ships.");
        var pre = GraphValidator.Validate(OnnxModel.Load(PretrainedModels.FindResNetPreprocess(packagesRoot)));
        var preprocess = new GraphLayer(pre, "preprocess", t =>
            t.Rank == 4 && t.Shape[2] != inputSize ? Frost.Data.ImageOps.Resize(t, inputSize, inputSize) : t);
        net.Insert(0, preprocess, "preprocess");
        return net;
    }
}
