using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>Handlers of the ops with weight matrices or per-channel parameters: Gemm, MatMul, BatchNormalization.</summary>
internal static class LinearOps
{
    /// <summary>Gemm (opsets 7, 9, 11, 13) as a dense layer: A·B (or A·Bᵀ) scaled by alpha, plus beta·C for a scalar or per-output C.</summary>
    public static NodePlan Gemm(NodeContext n)
    {
        n.ExpectInputs(n.Opset >= 11 ? 2 : 3, 3);
        n.ExpectOutputs(1, 1);
        var a = n.Input(0);
        if (a.Rank >= 0 && a.Rank != 2)
        {
            throw n.Invalid($"gets A {OnnxText.Quote(n.Node.Input[0])} of type {a}; a matrix expected");
        }

        if (n.Int("transA", 0, 0, 1) != 0)
        {
            throw n.Unsupported("has transA=1; Frost imports Gemm with its input untransposed");
        }

        bool transB = n.Int("transB", 0, 0, 1) != 0;
        float alpha = n.Float("alpha", 1f), beta = n.Float("beta", 1f);
        if (!float.IsFinite(alpha))
        {
            throw n.Unsupported($"has alpha={alpha}; Frost folds alpha into the weights, which needs a finite value");
        }

        var b = n.Weight(1, "weights B");
        if (b.Dims.Count != 2)
        {
            throw n.Invalid($"has B [{string.Join(",", b.Dims)}]; a matrix expected");
        }

        long k = transB ? b.Dims[1] : b.Dims[0], cols = transB ? b.Dims[0] : b.Dims[1];
        if (k < 1 || cols < 1)
        {
            throw n.Unsupported($"has an empty B [{string.Join(",", b.Dims)}]");
        }

        if (a.Dim(1) >= 0 && a.Dim(1) != k)
        {
            throw n.Invalid($"multiplies A {a} by B [{string.Join(",", b.Dims)}]{(transB ? " transposed" : "")}: {a.Dim(1)} columns against {k} rows");
        }

        var c = n.Has(2) ? n.Weight(2, "bias C") : null;
        if (c is not null)
        {
            var cd = c.Dims;
            bool broadcasts = cd.Count switch
            {
                0 => true,
                1 => cd[0] == 1 || cd[0] == cols,
                2 => (cd[0] == 1 || cd[0] == a.Dim(0) || a.Dim(0) < 0) && (cd[1] == 1 || cd[1] == cols),
                _ => false,
            };
            if (!broadcasts)
            {
                throw n.Invalid($"has a bias C [{string.Join(",", cd)}] that does not broadcast to the output [{(a.Dim(0) < 0 ? "?" : a.Dim(0))},{cols}]");
            }

            if (cd.Count == 2 && cd[0] != 1)
            {
                throw n.Unsupported($"has a bias C [{string.Join(",", cd)}] with one row per example; Frost imports a scalar or one value per output");
            }
        }

        // NOTE: with beta = 0 the bias is left out, as ONNX Runtime leaves out C (even one holding infinities).
        var bias = beta == 0f ? null : c;
        return n.Layer("dense", TensorInfo.Float(a.Dim(0), cols), () => NodeLayers.Dense(b, transB, alpha, bias, beta));
    }

    /// <summary>MatMul (opsets 1, 9, 13): a dense layer when B is a matrix initializer, else the batched product.</summary>
    public static NodePlan MatMul(NodeContext n)
    {
        n.ExpectInputs(2, 2);
        n.ExpectOutputs(1, 1);
        var a = n.Input(0);
        var b = n.Input(1);
        if (a.Rank == 0 || b.Rank == 0)
        {
            throw n.Invalid($"multiplies {a} by {b}; MatMul needs at least one axis on each side");
        }

        var init = n.Initializer(1);
        if (init is not null && init.DataType == OnnxDataType.Float && init.Dims.Count == 2)
        {
            var weight = n.Weight(1, "weights");
            long k = weight.Dims[0], cols = weight.Dims[1];
            if (k < 1 || cols < 1)
            {
                throw n.Unsupported($"has empty weights [{string.Join(",", weight.Dims)}]");
            }

            if (a.Rank > 0 && a.Dim(-1) >= 0 && a.Dim(-1) != k)
            {
                throw n.Invalid($"multiplies {a} by weights [{k},{cols}]: {a.Dim(-1)} against {k}");
            }

            long[]? dims = a.Dims is null ? null : [.. a.Dims[..^1], cols];
            return n.Layer("dense", TensorInfo.Float(dims), () => NodeLayers.Dense(weight, transposed: false, 1f, null, 1f));
        }

        if (a.Rank is 1 || b.Rank is 1)
        {
            throw n.Unsupported($"multiplies {a} by {b}; Frost imports MatMul of vectors only against a weight matrix");
        }

        long[]? outDims = null;
        if (a.Dims is not null && b.Dims is not null)
        {
            if (a.Dim(-1) >= 0 && b.Dim(-2) >= 0 && a.Dim(-1) != b.Dim(-2))
            {
                throw n.Invalid($"multiplies {a} by {b}: {a.Dim(-1)} against {b.Dim(-2)}");
            }

            var batch = ElementwiseOps.Broadcast(n, a.Dims[..^2], b.Dims[..^2]);
            outDims = [.. batch, a.Dim(-2), b.Dim(-1)];
        }

        return n.Step(TensorInfo.Float(outDims), x => Ops.MatMul(x[0]!, x[1]!), (e, name, i) => [e.Node("MatMul", name, [i[0], i[1]])]);
    }

    /// <summary>BatchNormalization (opsets 7, 9, 14, 15) in inference form over NCHW input.</summary>
    public static NodePlan BatchNormalization(NodeContext n)
    {
        n.ExpectInputs(5, 5);
        n.ExpectOutputs(1, n.Opset >= 14 ? 3 : 5);
        if (n.Node.Output.Count != 1 && n.Node.Output.Count != (n.Opset >= 14 ? 3 : 5))
        {
            throw n.Invalid($"has {n.Node.Output.Count} outputs; 1 or {(n.Opset >= 14 ? 3 : 5)} expected at opset {n.Opset}");
        }

        for (int i = 1; i < n.Node.Output.Count; i++)
        {
            if (n.OutputUsed(i))
            {
                throw n.Unsupported($"returns its batch statistics (output {i}); Frost imports batch norm in inference form");
            }
        }

        if (n.Opset < 9 && n.Int("spatial", 1, 0, 1) != 1)
        {
            throw n.Unsupported("uses spatial=0 (statistics per activation); Frost normalises per channel");
        }

        if (n.Opset >= 14 && n.Int("training_mode", 0, 0, 1) != 0)
        {
            throw n.Unsupported("has training_mode=1; Frost imports batch norm in inference form");
        }

        float epsilon = n.Float("epsilon", 1e-5f), momentum = n.Float("momentum", 0.9f);
        if (!(epsilon >= 0f && float.IsFinite(epsilon)))
        {
            throw n.Invalid($"has epsilon={epsilon}; a finite value of at least 0 expected");
        }

        if (!(momentum >= 0f && momentum <= 1f))
        {
            throw n.Unsupported($"has momentum={momentum}; Frost keeps running statistics as a weighted mean, with momentum in [0, 1]");
        }

        var x = n.Input(0);
        if (x.Rank >= 0 && x.Rank != 4)
        {
            throw x.Rank >= 2
                ? n.Unsupported($"normalises input {x}; Frost imports batch norm over NCHW images")
                : n.Invalid($"gets input {x}; at least [N, C] expected");
        }

        string[] roles = ["scale", "bias", "mean", "variance"];
        var p = new TensorProto[4];
        long channels = x.Dim(1);
        for (int i = 0; i < 4; i++)
        {
            p[i] = n.Weight(i + 1, roles[i]);
            if (p[i].Dims.Count != 1 || p[i].Dims[0] < 1 || (channels >= 0 && p[i].Dims[0] != channels))
            {
                throw n.Invalid($"has {roles[i]} {OnnxText.Quote(p[i].Name)} [{string.Join(",", p[i].Dims)}]; [{(channels >= 0 ? channels : "C")}] expected");
            }

            channels = p[i].Dims[0];
        }

        return n.Layer("batchnorm", x with { Type = OnnxDataType.Float }, () => NodeLayers.BatchNorm(p[0], p[1], p[2], p[3], momentum, epsilon));
    }
}
