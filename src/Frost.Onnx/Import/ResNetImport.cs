using Frost.Layers;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>
/// Recognises basic-block residual networks in a validated graph (a Conv-BN-Relu-MaxPool stem, blocks of
/// Conv-BN-Relu-Conv-BN plus an identity or Conv-BN shortcut, Add, Relu, then pooling and an optional dense head)
/// and rebuilds them as Frost layers named <c>stem/conv</c>, <c>stage2/block0/downsample/bn</c>, <c>head/fc</c>.
/// Each layer is built from its node's validated plan.
/// </summary>
internal sealed class ResNetImport
{
    private readonly ImportPlan _plan;
    private readonly HashSet<NodeProto> _used = new(ReferenceEqualityComparer.Instance);

    private ResNetImport(ImportPlan plan) => _plan = plan;

    /// <summary>The rebuilt network, or null when the graph is not a basic-block ResNet.</summary>
    public static Sequential? TryImport(ImportPlan plan) => new ResNetImport(plan).Run();

    private Sequential? Run()
    {
        string cur = _plan.Input;

        // Stem.
        var conv = Single(cur, "Conv");
        var bn = conv is null ? null : Single(conv.Output[0], "BatchNormalization");
        var relu = bn is null ? null : Single(bn.Output[0], "Relu");
        var pool = relu is null ? null : Single(relu.Output[0], "MaxPool");
        if (pool is null)
        {
            return null;
        }

        Use(conv!, bn!, relu!, pool);
        cur = pool.Output[0];

        // Blocks, found before anything is built; a block with a projection shortcut starts a new stage.
        var blocks = new List<Block>();
        while (FindBlock(cur) is { } block)
        {
            blocks.Add(block);
            cur = block.Output;
        }

        if (blocks.Count == 0)
        {
            return null;
        }

        // Head: pooling, optional flatten, optional dense.
        NodeProto? headPool = null, flatten = null, fc = null;
        var next = Consumers(cur);
        if (next.Count == 1 && next[0].OpType is "AveragePool" or "GlobalAveragePool")
        {
            headPool = next[0];
            Use(headPool);
            cur = headPool.Output[0];
            bool global = headPool.OpType == "GlobalAveragePool" || CoversWholeMap(headPool);
            next = Consumers(cur);
            if (global && next.Count == 1 && next[0].OpType == "Flatten" && next[0].FindAttribute("axis") is null or { I: 1 })
            {
                flatten = next[0];
                Use(flatten);
                cur = flatten.Output[0];
                next = Consumers(cur);
            }

            if (next.Count == 1 && next[0].OpType == "Gemm" && _plan.PlanOf(next[0]).BuildLayer is not null)
            {
                fc = next[0];
                Use(fc);
                cur = fc.Output[0];
            }
        }

        // Every node must be accounted for and the graph output reached; otherwise this is not a plain ResNet.
        if (_used.Count != _plan.Nodes.Count || cur != _plan.Output)
        {
            return null;
        }

        var model = new Sequential();
        model.Add(new Sequential().Add(Build(conv!), "conv").Add(Build(bn!), "bn").Add(new Relu(), "relu").Add(Build(pool), "pool"), "stem");
        Sequential? stage = null;
        int stageIndex = 0;
        foreach (var b in blocks)
        {
            if (stage is null || b.Shortcut is not null)
            {
                stage = new Sequential();
                model.Add(stage, $"stage{++stageIndex}");
            }

            var downsample = b.Shortcut is { } s ? new Sequential().Add(Build(s.Conv), "conv").Add(Build(s.Bn), "bn") : null;
            var layer = new BasicBlock((Layers.Conv2D)Build(b.Conv1), (BatchNorm2D)Build(b.Bn1), (Layers.Conv2D)Build(b.Conv2), (BatchNorm2D)Build(b.Bn2), downsample);
            stage.Add(layer, $"block{stage.Children.Count}");
        }

        if (headPool is not null)
        {
            var head = new Sequential();
            head.Add(headPool.OpType == "GlobalAveragePool" || CoversWholeMap(headPool) ? new GlobalAvgPool() : Build(headPool), "pool");
            if (fc is not null)
            {
                head.Add(Build(fc), "fc");
            }

            model.Add(head, "head");
        }

        return model;
    }

    private Block? FindBlock(string input)
    {
        foreach (var c1 in Consumers(input).Where(n => n.OpType == "Conv"))
        {
            var b1 = Single(c1.Output[0], "BatchNormalization");
            var r1 = b1 is null ? null : Single(b1.Output[0], "Relu");
            var c2 = r1 is null ? null : Single(r1.Output[0], "Conv");
            var b2 = c2 is null ? null : Single(c2.Output[0], "BatchNormalization");
            var add = b2 is null ? null : Single(b2.Output[0], "Add");
            var r2 = add is null ? null : Single(add.Output[0], "Relu");
            if (r2 is null || _used.Contains(c1))
            {
                continue;
            }

            string other = add!.Input[0] == b2!.Output[0] ? add.Input[1] : add.Input[0];
            (NodeProto Conv, NodeProto Bn)? shortcut = null;
            if (other != input)
            {
                var sb = _plan.Producers.GetValueOrDefault(other);
                var sc = sb is { OpType: "BatchNormalization" } ? _plan.Producers.GetValueOrDefault(sb.Input[0]) : null;
                if (sc is not { OpType: "Conv" } || sc.Input[0] != input || Consumers(sc.Output[0]).Count != 1 || Consumers(sb!.Output[0]).Count != 1)
                {
                    continue;
                }

                shortcut = (sc, sb);
                Use(sc, sb);
            }

            Use(c1, b1!, r1!, c2!, b2, add, r2);
            return new Block(c1, b1!, c2!, b2, shortcut, r2.Output[0]);
        }

        return null;
    }

    /// <summary>Whether an average pool without padding spans the whole (statically known) map, i.e. is a global pool.</summary>
    private bool CoversWholeMap(NodeProto pool)
    {
        var x = _plan.Types[pool.Input[0]];
        var y = _plan.Types[pool.Output[0]];
        var pads = pool.FindAttribute("pads")?.Ints ?? [];
        return pads.All(p => p == 0) && x.Rank == 4 && y.Rank == 4 && y.Dim(2) == 1 && y.Dim(3) == 1
            && pool.FindAttribute("kernel_shape") is { } k && k.Ints[0] == x.Dim(2) && k.Ints[1] == x.Dim(3);
    }

    private Layer Build(NodeProto node) => _plan.PlanOf(node).BuildLayer!();

    private List<NodeProto> Consumers(string tensor) => _plan.Consumers.GetValueOrDefault(tensor) ?? [];

    private NodeProto? Single(string tensor, string op)
    {
        var c = Consumers(tensor);
        return c.Count == 1 && c[0].OpType == op && (tensor != _plan.Output) ? c[0] : null;
    }

    private void Use(params NodeProto[] nodes)
    {
        foreach (var n in nodes)
        {
            _used.Add(n);
        }
    }

    private sealed record Block(NodeProto Conv1, NodeProto Bn1, NodeProto Conv2, NodeProto Bn2, (NodeProto Conv, NodeProto Bn)? Shortcut, string Output);
}
