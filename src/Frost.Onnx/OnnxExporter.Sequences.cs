using Frost.Layers;
using Frost.Onnx.Export;
using Frost.Onnx.Proto;

namespace Frost.Onnx;

public static partial class OnnxExporter
{
    /// <summary>
    /// Builds the ONNX model of a text classifier: inputs <c>input_ids</c> and <c>attention_mask</c> (int64 [N, T],
    /// both axes symbolic), output <c>logits</c> (float [N, classes]), with <paramref name="metadata"/> (e.g. the class
    /// names) as the model's metadata_props.
    /// </summary>
    /// <exception cref="NotSupportedException">A layer type has no ONNX form (the message lists them), or a LoRA adapter is not merged.</exception>
    public static OnnxModel ExportTextClassifier(BertClassifier model, IReadOnlyDictionary<string, string>? metadata = null, string graphName = "frost")
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckExportable(model);

        var e = new OnnxEmitter();
        e.Unique("input_ids");
        e.Unique("attention_mask");
        e.Unique("logits");
        string output = e.Emit(model, ["input_ids", "attention_mask"]);
        var graph = e.Graph;
        graph.Node.Add(new NodeProto { OpType = "Identity", Name = "logits", Input = { output }, Output = { "logits" } });
        graph.Name = graphName;
        foreach (string name in (string[])["input_ids", "attention_mask"])
        {
            var v = new ValueInfoProto(name, OnnxDataType.Int64, 0, 0);
            v.Type!.TensorType!.Shape!.Dims[0] = new TensorShapeDimension("N");
            v.Type!.TensorType!.Shape!.Dims[1] = new TensorShapeDimension("T");
            graph.Input.Add(v);
        }

        var logits = new ValueInfoProto("logits", OnnxDataType.Float, 0, model.Classes);
        logits.Type!.TensorType!.Shape!.Dims[0] = new TensorShapeDimension("N");
        graph.Output.Add(logits);
        return Wrap(graph, graphName, metadata);
    }
}
