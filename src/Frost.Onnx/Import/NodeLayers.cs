using Frost.Layers;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>Builds the Frost layer for an ONNX node with weights, copying the weights from the initializers.</summary>
internal static class NodeLayers
{
    public static Layers.Conv2D Conv(NodeProto node, IReadOnlyDictionary<string, TensorProto> inits, string source, string? name)
    {
        var w = inits.TryGetValue(node.Input[1], out var t) ? t.ToTensor()
            : throw new NotSupportedException($"{source}: {node.Describe()} takes its weights from a computed tensor.");
        var p = node.Window(source, withGroups: true);
        bool hasBias = node.Input.Count > 2 && node.Input[2].Length > 0;
        if (hasBias && !inits.ContainsKey(node.Input[2]))
        {
            throw new NotSupportedException($"{source}: {node.Describe()} takes its bias from a computed tensor.");
        }

        var conv = new Layers.Conv2D(w.Shape[1] * p.Groups, w.Shape[0], w.Shape[2], w.Shape[3], new Rng(0), p, useBias: hasBias, name: name);
        conv.Weight.Value.CopyFrom(w);
        if (hasBias)
        {
            conv.Bias!.Value.CopyFrom(inits[node.Input[2]].ToTensor());
        }

        return conv;
    }

    /// <summary>ONNX momentum weighs the old running value; Frost's weighs the new batch.</summary>
    public static BatchNorm2D BatchNorm(NodeProto node, IReadOnlyDictionary<string, TensorProto> inits, string source, string? name)
    {
        for (int i = 1; i <= 4; i++)
        {
            if (!inits.ContainsKey(node.Input[i]))
            {
                throw new NotSupportedException($"{source}: {node.Describe()} takes input {i} from a computed tensor.");
            }
        }

        if (node.Int("spatial", 1) != 1)
        {
            throw new NotSupportedException($"{source}: {node.Describe()} uses spatial=0 (per-activation statistics).");
        }

        var scale = inits[node.Input[1]].ToTensor();
        var bn = new BatchNorm2D(scale.Size, 1f - node.Float("momentum", 0.9f), node.Float("epsilon", 1e-5f), name);
        bn.Weight.Value.CopyFrom(scale);
        bn.Bias.Value.CopyFrom(inits[node.Input[2]].ToTensor());
        bn.RunningMean.Value.CopyFrom(inits[node.Input[3]].ToTensor());
        bn.RunningVar.Value.CopyFrom(inits[node.Input[4]].ToTensor());
        return bn;
    }

    /// <summary>A Gemm (transA = 0) as a dense layer: weight [out, in] = alpha·Bᵀ (B itself when transB), bias = beta·C.</summary>
    public static Dense Gemm(NodeProto node, IReadOnlyDictionary<string, TensorProto> inits, string source, string? name)
    {
        if (node.Int("transA", 0) != 0 || !inits.ContainsKey(node.Input[1]))
        {
            throw new NotSupportedException($"{source}: {node.Describe()} has transA=1 or computed weights.");
        }

        var b = inits[node.Input[1]].ToTensor();
        var weight = node.Int("transB", 0) != 0 ? b : Ops.Transpose(b);
        bool hasBias = node.Input.Count > 2 && node.Input[2].Length > 0;
        if (hasBias && !inits.ContainsKey(node.Input[2]))
        {
            throw new NotSupportedException($"{source}: {node.Describe()} takes its bias C from a computed tensor.");
        }

        var dense = new Dense(weight.Shape[1], weight.Shape[0], new Rng(0), useBias: hasBias, name: name);
        dense.Weight.Value.CopyFrom(Ops.Mul(weight, node.Float("alpha", 1f)));
        if (dense.Bias is { } bias)
        {
            // C broadcasts: a scalar or one value per output.
            var c = Ops.Mul(inits[node.Input[2]].ToTensor(), node.Float("beta", 1f));
            if (c.Size != 1 && c.Size != dense.OutFeatures)
            {
                throw new NotSupportedException($"{source}: {node.Describe()} has a bias C of shape {c.Shape}; expected a scalar or {dense.OutFeatures} values.");
            }

            bias.Value.CopyFrom(c.Size == 1 ? Tensor.Full(bias.Shape, c.AsReadOnlySpan()[0]) : Ops.Reshape(c, dense.OutFeatures));
        }

        return dense;
    }
}
