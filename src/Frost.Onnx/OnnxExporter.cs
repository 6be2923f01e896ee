using Frost.Adapters;
using Frost.Layers;
using Frost.Onnx.Export;
using Frost.Onnx.Proto;

namespace Frost.Onnx;

/// <summary>
/// Exports Frost models in inference form as ONNX (opset 17): batch norm uses running statistics, dropout and
/// stop-gradient vanish, initializers carry the variables' names. The batch dimension is symbolic.
/// </summary>
public static partial class OnnxExporter
{
    /// <summary>The opset written.</summary>
    public const int Opset = 17;

    /// <summary>The layer types (class names) that have an ONNX form, in ordinal order.</summary>
    public static IReadOnlyList<string> ExportableLayers { get; } = Array.AsReadOnly([.. ExportTable.Emitters.Keys.Concat(SequenceRows.Emitters.Keys).Select(t => t.Name).Order(StringComparer.Ordinal)]);

    /// <summary>Builds the ONNX model of <paramref name="model"/> for inputs shaped like <paramref name="inputShape"/> (its first axis is the batch).</summary>
    /// <exception cref="NotSupportedException">A layer type has no ONNX form (the message lists them), or a LoRA adapter is not merged.</exception>
    public static OnnxModel Export(Layer model, Shape inputShape, string graphName = "frost")
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckExportable(model);
        var outShape = LayerSummary.Build(model, inputShape).Rows[0].OutputShape
            ?? throw new InvalidOperationException("ONNX export: could not trace the model's output shape.");
        var e = new OnnxEmitter();
        e.Unique("input");
        string output = e.Emit(model, "input");
        var graph = e.Graph;
        if (output == "input")
        {
            throw new NotSupportedException("ONNX export: the model is an identity and has no nodes.");
        }

        // Name the result "output" for callers.
        foreach (var n in graph.Node)
        {
            for (int i = 0; i < n.Output.Count; i++)
            {
                n.Output[i] = n.Output[i] == output ? "output" : n.Output[i];
            }

            for (int i = 0; i < n.Input.Count; i++)
            {
                n.Input[i] = n.Input[i] == output ? "output" : n.Input[i];
            }
        }

        graph.Name = graphName;
        graph.Input.Add(Value("input", inputShape));
        graph.Output.Add(Value("output", outShape));
        return Wrap(graph, graphName, null);
    }

    /// <summary>A model around <paramref name="graph"/>: IR 8, the opset written, Frost as producer, and <paramref name="metadata"/> as metadata_props.</summary>
    private static OnnxModel Wrap(GraphProto graph, string graphName, IReadOnlyDictionary<string, string>? metadata)
    {
        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Frost",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto("", Opset));
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            proto.MetadataProps.Add(new StringStringEntryProto(key, value));
        }

        return new OnnxModel(proto, graphName);
    }

    /// <summary>Exports and saves atomically to <paramref name="path"/>.</summary>
    /// <exception cref="NotSupportedException">A layer type has no ONNX form; the message lists them.</exception>
    public static void Save(Layer model, Shape inputShape, string path) => Export(model, inputShape).Save(path);

    private static ValueInfoProto Value(string name, Shape shape)
    {
        var v = new ValueInfoProto(name, OnnxDataType.Float, [.. shape.ToArray().Select(d => (long)d)]);
        v.Type!.TensorType!.Shape!.Dims[0] = new TensorShapeDimension("N");
        return v;
    }

    /// <summary>Refuses unmerged adapters and layer types without an ONNX form (merged adapters compute nothing).</summary>
    private static void CheckExportable(Layer model)
    {
        if (model.Descendants().OfType<LoraAdapter>().FirstOrDefault(a => !a.Merged) is { } unmerged)
        {
            throw new NotSupportedException(
                $"ONNX export: the LoRA adapter of '{unmerged.Target.Path}' is not merged; Lora.Merge(model) folds the adapters into the base weights for export.");
        }

        var unsupported = model.Descendants().Where(l => l is not LoraAdapter && !OnnxEmitter.Exports(l.GetType())).Select(l => l.TypeName).Distinct().ToList();
        if (unsupported.Count > 0)
        {
            throw new NotSupportedException(
                $"ONNX export: no ONNX form for layer type(s) {string.Join(", ", unsupported)}. Exportable: {string.Join(", ", ExportableLayers)}.");
        }
    }
}
