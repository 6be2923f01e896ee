using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>
/// Lookups over a graph for structural matching: who produces and who consumes a tensor, which tensors are constants
/// (initializers or Constant nodes) and their values.
/// </summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);

    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        foreach (var t in graph.Initializer)
        {
            _constants.TryAdd(t.Name, t);
        }

        Initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var n in graph.Node)
        {
            foreach (var o in n.Output)
            {
                _producers.TryAdd(o, n);
            }

            // NOTE: a Shape node reads only a tensor's dimensions; it is not a consumer of its values.
            foreach (var i in n.OpType == "Shape" ? [] : n.Input)
            {
                if (!_consumers.TryGetValue(i, out var list))
                {
                    _consumers[i] = list = [];
                }

                list.Add(n);
            }

            if (n.OpType == "Constant" && n.Output.Count == 1 && n.FindAttribute("value")?.T is { } value)
            {
                _constants.TryAdd(n.Output[0], value);
            }
        }
    }

    public GraphProto Graph { get; }

    /// <summary>Names of the initializers.</summary>
    public IReadOnlySet<string> Initializers { get; }

    /// <summary>The graph inputs that are not initializers.</summary>
    public IEnumerable<string> DataInputs => Graph.Input.Select(i => i.Name).Where(n => !Initializers.Contains(n));

    public NodeProto? Producer(string tensor) => _producers.GetValueOrDefault(tensor);

    /// <summary>The nodes that read <paramref name="tensor"/>'s values (Shape nodes excluded).</summary>
    public IReadOnlyList<NodeProto> Consumers(string tensor) => _consumers.GetValueOrDefault(tensor) ?? [];

    /// <summary>The value of an initializer or Constant node output, or null for a computed tensor.</summary>
    public TensorProto? Constant(string tensor) => _constants.GetValueOrDefault(tensor);

    /// <summary>The values of a numeric constant (float, int32 or int64), or null when the tensor is computed or of another type.</summary>
    public double[]? Numbers(string tensor)
    {
        var t = Constant(tensor);
        return t?.DataType switch
        {
            OnnxDataType.Float => [.. t.ToTensor().ToArray().Select(v => (double)v)],
            OnnxDataType.Int64 => [.. t.ToInt64Array().Select(v => (double)v)],
            OnnxDataType.Int32 => [.. t.ToInt32Array().Select(v => (double)v)],
            _ => null,
        };
    }

    /// <summary>The single value of a one-element numeric constant, or null.</summary>
    public double? Scalar(string tensor) => Numbers(tensor) is [var v] ? v : null;
}
