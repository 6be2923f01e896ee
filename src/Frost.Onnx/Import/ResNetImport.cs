using Frost.Layers;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>
/// Recognises basic-block residual networks (a Conv-BN-Relu-MaxPool stem, blocks of Conv-BN-Relu-Conv-BN plus
/// an identity or Conv-BN shortcut, Add, Relu, then pooling and an optional dense head) and rebuilds them as
/// Frost layers named <c>stem/conv</c>, <c>stage2/block0/downsample/bn</c>, <c>head/fc</c>.
/// </summary>
internal sealed class ResNetImport
{
    private readonly GraphProto _graph;
    private readonly string _source;
    private readonly Dictionary<string, TensorProto> _inits;
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly HashSet<NodeProto> _used = new(ReferenceEqualityComparer.Instance);

    private ResNetImport(GraphProto graph, string source)
    {
        _graph = graph;
        _source = source;
        _inits = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var n in graph.Node)
        {
            foreach (var i in n.Input)
            {
                if (!_consumers.TryGetValue(i, out var list))
                {
                    _consumers[i] = list = [];
                }

                list.Add(n);
            }
        }
    }

    /// <summary>The rebuilt network, or null when the graph is not a basic-block ResNet.</summary>
    public static Sequential? TryImport(GraphProto graph, string source) => new ResNetImport(graph, source).Run();

    private Sequential? Run()
    {
        string cur = _graph.Input.Select(i => i.Name).First(n => !_inits.ContainsKey(n));

        // Stem.
        var conv = Single(cur, "Conv");
        var bn = conv is null ? null : Single(conv.Output[0], "BatchNormalization");
        var relu = bn is null ? null : Single(bn.Output[0], "Relu");
        var pool = relu is null ? null : Single(relu.Output[0], "MaxPool");
        if (pool is null)
        {
            return null;
        }

        var model = new Sequential();
        var maxPoolWindow = pool.Ints("kernel_shape");
        model.Add(new Sequential(Conv(conv!, "conv"), Bn(bn!, "bn"), new Relu(name: "relu"),
            new MaxPool2D((int)maxPoolWindow[0], (int)maxPoolWindow[1], pool.Window(_source, false), pool.Int("ceil_mode", 0) != 0, name: "pool")), "stem");
        Use(conv!, bn!, relu!, pool);
        cur = pool.Output[0];

        // Blocks; a block with a projection shortcut starts a new stage.
        Sequential? stage = null;
        int stageIndex = 0;
        while (true)
        {
            var block = Block(cur);
            if (block is null)
            {
                break;
            }

            if (stage is null || block.Value.Layer.Downsample is not null)
            {
                stage = new Sequential();
                model.Add(stage, $"stage{++stageIndex}");
            }

            stage.Add(block.Value.Layer, $"block{stage.Children.Count}");
            cur = block.Value.Output;
        }

        if (stageIndex == 0)
        {
            return null;
        }

        // Head: pooling, optional flatten, optional dense.
        var head = new Sequential();
        var next = Consumers(cur);
        if (next.Count == 1 && next[0].OpType is "AveragePool" or "GlobalAveragePool")
        {
            var p = next[0];
            if (p.OpType == "GlobalAveragePool" || CoversWholeMap(p, cur))
            {
                head.Add(new GlobalAvgPool(name: "pool"));
            }
            else
            {
                var k = p.Ints("kernel_shape");
                head.Add(new AvgPool2D((int)k[0], (int)k[1], p.Window(_source, false), p.Int("count_include_pad", 0) != 0, name: "pool"));
            }

            Use(p);
            cur = p.Output[0];
            next = Consumers(cur);
            if (next.Count == 1 && next[0].OpType == "Flatten" && next[0].Int("axis", 1) == 1 && head.Children[0] is GlobalAvgPool)
            {
                Use(next[0]);
                cur = next[0].Output[0];
                next = Consumers(cur);
            }

            if (next.Count == 1 && next[0].OpType == "Gemm" && next[0].Int("transA", 0) == 0 && _inits.ContainsKey(next[0].Input[1]))
            {
                head.Add(NodeLayers.Gemm(next[0], _inits, _source, "fc"));
                Use(next[0]);
                cur = next[0].Output[0];
            }
        }

        if (head.Children.Count > 0)
        {
            model.Add(head, "head");
        }

        // Every node must be accounted for and the graph output reached; otherwise this is not a plain ResNet.
        return _used.Count == _graph.Node.Count && cur == _graph.Output[0].Name ? model : null;
    }

    private (BasicBlock Layer, string Output)? Block(string input)
    {
        var cons = Consumers(input);
        foreach (var c1 in cons.Where(n => n.OpType == "Conv"))
        {
            var b1 = Single(c1.Output[0], "BatchNormalization");
            var r1 = b1 is null ? null : Single(b1.Output[0], "Relu");
            var c2 = r1 is null ? null : Single(r1.Output[0], "Conv");
            var b2 = c2 is null ? null : Single(c2.Output[0], "BatchNormalization");
            var add = b2 is null ? null : Single(b2.Output[0], "Add");
            var r2 = add is null ? null : Single(add.Output[0], "Relu");
            if (r2 is null)
            {
                continue;
            }

            string other = add!.Input[0] == b2!.Output[0] ? add.Input[1] : add.Input[0];
            Sequential? downsample = null;
            var shortcutNodes = new List<NodeProto>();
            if (other != input)
            {
                var sb = Producer(other);
                var sc = sb is { OpType: "BatchNormalization" } ? Producer(sb.Input[0]) : null;
                if (sc is not { OpType: "Conv" } || sc.Input[0] != input || Consumers(sc.Output[0]).Count != 1)
                {
                    continue;
                }

                downsample = new Sequential(Conv(sc, "conv"), Bn(sb!, "bn"));
                shortcutNodes.AddRange([sc, sb!]);
            }

            Use([c1, b1!, r1!, c2!, b2, add, r2, .. shortcutNodes]);
            return (new BasicBlock(Conv(c1, "conv1"), Bn(b1!, "bn1"), Conv(c2!, "conv2"), Bn(b2, "bn2"), downsample), r2.Output[0]);
        }

        return null;
    }

    private bool CoversWholeMap(NodeProto pool, string input)
    {
        var k = pool.Ints("kernel_shape");
        var pads = pool.Ints("pads", 0, 0, 0, 0);
        var info = _graph.ValueInfo.Concat(_graph.Output).FirstOrDefault(v => v.Name == input)?.Type?.TensorType?.Shape?.Dims;
        return pads.All(p => p == 0) && info is { Count: 4 } && info[2].DimValue == k[0] && info[3].DimValue == k[1];
    }

    private Layers.Conv2D Conv(NodeProto node, string name) => NodeLayers.Conv(node, _inits, _source, name);

    private BatchNorm2D Bn(NodeProto node, string name) => NodeLayers.BatchNorm(node, _inits, _source, name);

    private List<NodeProto> Consumers(string tensor) => _consumers.GetValueOrDefault(tensor) ?? [];

    private NodeProto? Single(string tensor, string op)
    {
        var c = Consumers(tensor);
        return c.Count == 1 && c[0].OpType == op ? c[0] : null;
    }

    private NodeProto? Producer(string tensor) => _graph.Node.FirstOrDefault(n => n.Output.Contains(tensor));

    private void Use(params NodeProto[] nodes)
    {
        foreach (var n in nodes)
        {
            _used.Add(n);
        }
    }
}
