using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>A validated graph, ready to become layers: nodes in topological order, each with its plan, and every tensor's static type.</summary>
internal sealed class ImportPlan
{
    private Dictionary<NodeProto, int>? _index;

    /// <summary>The model file, for messages.</summary>
    public required string Source { get; init; }

    /// <summary>The default-domain opset.</summary>
    public required long Opset { get; init; }

    /// <summary>The nodes in an order where every tensor is produced before it is read.</summary>
    public required IReadOnlyList<NodeProto> Nodes { get; init; }

    /// <summary>What each node of <see cref="Nodes"/> becomes.</summary>
    public required IReadOnlyList<NodePlan> Plans { get; init; }

    /// <summary>The one graph input the layer is fed.</summary>
    public required string Input { get; init; }

    /// <summary>The graph output the layer returns.</summary>
    public required string Output { get; init; }

    /// <summary>The initializers by name.</summary>
    public required IReadOnlyDictionary<string, TensorProto> Initializers { get; init; }

    /// <summary>The static type of every tensor the graph computes or holds.</summary>
    public required IReadOnlyDictionary<string, TensorInfo> Types { get; init; }

    /// <summary>The nodes that read each tensor, in <see cref="Nodes"/> order.</summary>
    public required IReadOnlyDictionary<string, List<NodeProto>> Consumers { get; init; }

    /// <summary>The node that writes each computed tensor.</summary>
    public required IReadOnlyDictionary<string, NodeProto> Producers { get; init; }

    /// <summary>The plan of <paramref name="node"/>.</summary>
    public NodePlan PlanOf(NodeProto node)
    {
        _index ??= Nodes.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        return Plans[_index[node]];
    }
}
