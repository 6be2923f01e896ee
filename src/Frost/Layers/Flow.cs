using Frost.Execution;

namespace Frost.Layers;

/// <summary>
/// A value in the computation a <see cref="Block"/> defines: the block's input, or the result of a sub-layer or
/// an op applied to earlier values. Flows exist only inside <see cref="Block"/>'s definition; they describe what
/// is computed, and the library decides how (order, memory reuse, fusion).
/// </summary>
/// <example>
/// <code>
/// protected override Flow Define(Flow x)
/// {
///     var y = x.Then(Conv1).Then(Bn1).Relu().Then(Conv2).Then(Bn2);
///     return (y + (Downsample is null ? x : x.Then(Downsample))).Relu();
/// }
/// </code>
/// </example>
public sealed class Flow
{
    internal Flow(Dataflow graph, int id)
    {
        Graph = graph;
        Id = id;
    }

    internal Dataflow Graph { get; }

    internal int Id { get; }

    /// <summary>
    /// The result of <paramref name="layer"/> (a sub-layer of the block) applied to this value, followed by
    /// <paramref name="more"/> inputs for a layer of several (e.g. <c>h.Then(attention, mask)</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The layer is not a direct sub-layer of the block being defined, or it takes another number of inputs.</exception>
    public Flow Then(Layer layer, params Flow[] more)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(more);
        foreach (var m in more)
        {
            CheckSameGraph(m);
        }

        if (layer.InputCount != 1 + more.Length)
        {
            throw new ArgumentException($"Layer '{layer.Name}' ({layer.TypeName}) takes {layer.InputCount} input(s); {1 + more.Length} given in block '{Graph.Owner.Path}'.", nameof(more));
        }

        if (!ReferenceEquals(layer.Parent, Graph.Owner))
        {
            string owner = Graph.Owner.Path.Length == 0 ? Graph.Owner.TypeName : $"'{Graph.Owner.Path}'";
            throw new ArgumentException(
                $"Block {owner} uses layer '{layer.Name}' ({layer.TypeName}) that is not one of its sub-layers; register it with AddLayer first, so its variables belong to the model.",
                nameof(layer));
        }

        return new Flow(Graph, Graph.Add(StepKind.Layer, layer.Name, layer, null, [Id, .. more.Select(m => m.Id)]));
    }

    /// <summary>The elementwise rectification <c>max(x, 0)</c> of this value (<see cref="Ops.Relu"/>).</summary>
    public Flow Relu() => new(Graph, Graph.Add(StepKind.Relu, "relu", null, static x => Ops.Relu(x[0]), [Id]));

    /// <summary>The result of an op on this value, e.g. <c>x.Apply("gelu", t => Ops.Gelu(t))</c>.</summary>
    public Flow Apply(string name, Func<Tensor, Tensor> op)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(op);
        return new Flow(Graph, Graph.Add(StepKind.Op, name, null, x => op(x[0]), [Id]));
    }

    /// <summary>The result of a two-operand op on this value and <paramref name="other"/>.</summary>
    public Flow Apply(string name, Func<Tensor, Tensor, Tensor> op, Flow other)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(op);
        CheckSameGraph(other);
        return new Flow(Graph, Graph.Add(StepKind.Op, name, null, x => op(x[0], x[1]), [Id, other.Id]));
    }

    /// <summary>
    /// The result of an op on several values of the same block, in order, e.g.
    /// <c>Flow.Combine("attention", t =&gt; Ops.ScaledDotProductAttention(t[0], t[1], t[2], t[3], heads), q, k, v, mask)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No value is given, or the values belong to different blocks.</exception>
    public static Flow Combine(string name, Func<IReadOnlyList<Tensor>, Tensor> op, params Flow[] inputs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0)
        {
            throw new ArgumentException($"Flow.Combine '{name}': needs at least one value.", nameof(inputs));
        }

        foreach (var f in inputs)
        {
            inputs[0].CheckSameGraph(f);
        }

        var graph = inputs[0].Graph;
        return new Flow(graph, graph.Add(StepKind.Op, name, null, x => op(x), [.. inputs.Select(f => f.Id)]));
    }

    /// <summary>The elementwise sum of two values (<see cref="Ops.Add(Tensor, Tensor)"/>), broadcasting.</summary>
    public static Flow operator +(Flow left, Flow right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Apply("add", Ops.Add, right);
    }

    /// <summary>The elementwise sum of two values; the named form of <c>+</c>.</summary>
    public static Flow Add(Flow left, Flow right) => left + right;

    private void CheckSameGraph(Flow other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(other.Graph, Graph))
        {
            throw new ArgumentException($"A value of block '{other.Graph.Owner.Path}' was used in the definition of block '{Graph.Owner.Path}'.", nameof(other));
        }
    }
}
