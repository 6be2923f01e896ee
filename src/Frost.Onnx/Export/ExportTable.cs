using Frost.Layers;
using Frost.Onnx.Import;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Export;

/// <summary>Writes <paramref name="layer"/>, applied to the tensor named <paramref name="x"/>, as ONNX nodes; returns the output's name.</summary>
internal delegate string LayerEmit(OnnxEmitter emitter, Layer layer, string path, string x);

/// <summary>
/// The one table of the layer types Frost exports, from exact type to emitter (opset <see cref="OnnxExporter.Opset"/>,
/// inference form). The exporter's list of exportable layers is its keys; exporting a new layer is one row here.
/// </summary>
internal static class ExportTable
{
    public static IReadOnlyDictionary<Type, LayerEmit> Emitters { get; } = Build();

    private static Dictionary<Type, LayerEmit> Build()
    {
        var t = new Dictionary<Type, LayerEmit>();
        Row<Sequential>(t, (e, s, _, x) => s.Children.Aggregate(x, (h, c) => e.Emit(c, h)));
        Row<Layers.Conv2D>(t, Conv);
        Row<BatchNorm2D>(t, (e, bn, p, x) => e.Node("BatchNormalization", p, [x, e.Initializer(bn.Weight), e.Initializer(bn.Bias), e.Initializer(bn.RunningMean), e.Initializer(bn.RunningVar)],
            [AttributeProto.Float("epsilon", bn.Epsilon), AttributeProto.Float("momentum", 1f - bn.Momentum)]));
        Row<Relu>(t, (e, _, p, x) => e.Node("Relu", p, [x]));
        Row<Layers.Tanh>(t, (e, _, p, x) => e.Node("Tanh", p, [x]));
        Row<Layers.Sigmoid>(t, (e, _, p, x) => e.Node("Sigmoid", p, [x]));
        Row<Gelu>(t, (e, g, p, x) => g.Approximate ? GeluTanh(e, p, x) : GeluErf(e, p, x));
        Row<MaxPool2D>(t, (e, m, p, x) => e.Node("MaxPool", p, [x], [.. Window(m.KernelHeight, m.KernelWidth, m.Settings), AttributeProto.Int("ceil_mode", m.CeilMode ? 1 : 0)]));
        Row<AvgPool2D>(t, (e, a, p, x) => e.Node("AveragePool", p, [x], [.. Window(a.KernelHeight, a.KernelWidth, a.Settings),
            AttributeProto.Int("ceil_mode", a.CeilMode ? 1 : 0), AttributeProto.Int("count_include_pad", a.CountIncludePad ? 1 : 0)]));
        Row<GlobalAvgPool>(t, (e, g, p, x) =>
        {
            string y = e.Node("GlobalAveragePool", p, [x]);
            return g.KeepDims ? y : e.Node("Flatten", p + "/flatten", [y], [AttributeProto.Int("axis", 1)]);
        });
        Row<Layers.Flatten>(t, (e, _, p, x) => e.Node("Flatten", p, [x], [AttributeProto.Int("axis", 1)]));
        Row<Dense>(t, (e, d, p, x) =>
        {
            string y = e.Node("MatMul", p, [x, e.Node("Transpose", p + "/weight_t", [e.Initializer(d.Weight)], [AttributeProto.IntList("perm", 1, 0)])]);
            return d.Bias is { } b ? e.Node("Add", p + "/bias", [y, e.Initializer(b)]) : y;
        });
        Row<Layers.Dropout>(t, (_, _, _, x) => x);
        Row<StopGradient>(t, (_, _, _, x) => x);
        Row<BasicBlock>(t, (e, b, p, x) =>
        {
            string h = e.Node("Relu", p + "/relu1", [e.Emit(b.Bn1, e.Emit(b.Conv1, x))]);
            h = e.Emit(b.Bn2, e.Emit(b.Conv2, h));
            string shortcut = b.Downsample is null ? x : e.Emit(b.Downsample, x);
            return e.Node("Relu", p + "/relu2", [e.Node("Add", p + "/add", [h, shortcut])]);
        });
        Row<LayerNorm>(t, (e, ln, p, x) => e.Node("LayerNormalization", p, [x, e.Initializer(ln.Weight), e.Initializer(ln.Bias)],
            [AttributeProto.Int("axis", -1), AttributeProto.Float("epsilon", ln.Epsilon)]));
        Row<Embedding>(t, (e, emb, p, x) =>
        {
            string ids = e.Node("Cast", p + "/cast", [x], [AttributeProto.Int("to", (long)OnnxDataType.Int64)]);
            return e.Node("Gather", p, [e.Initializer(emb.Weight), ids], [AttributeProto.Int("axis", 0)]);
        });
        Row<GraphLayer>(t, Graph);
        return t;
    }

    private static void Row<T>(Dictionary<Type, LayerEmit> table, Func<OnnxEmitter, T, string, string, string> emit)
        where T : Layer => table.Add(typeof(T), (e, l, p, x) => emit(e, (T)l, p, x));

    private static string Conv(OnnxEmitter e, Layers.Conv2D c, string p, string x)
    {
        var s = c.Settings;
        List<string> inputs = c.Bias is { } b ? [x, e.Initializer(c.Weight), e.Initializer(b)] : [x, e.Initializer(c.Weight)];
        return e.Node("Conv", p, inputs, [
            AttributeProto.IntList("kernel_shape", c.Weight.Shape[2], c.Weight.Shape[3]),
            AttributeProto.IntList("strides", s.StrideH, s.StrideW),
            AttributeProto.IntList("pads", s.PadTop, s.PadLeft, s.PadBottom, s.PadRight),
            AttributeProto.IntList("dilations", s.DilationH, s.DilationW),
            AttributeProto.Int("group", s.Groups)]);
    }

    /// <summary>An imported graph, node by node: sub-layers through this table, weightless steps through their import handler's form.</summary>
    private static string Graph(OnnxEmitter e, GraphLayer g, string prefix, string x)
    {
        var names = new string[g.Tensors.Count];
        names[g.InputSlot] = x;
        foreach (var (slot, v) in g.ConstantSlots)
        {
            names[slot] = e.Initializer(v);
        }

        foreach (var step in g.Steps)
        {
            if (step.Layer is not null)
            {
                names[step.Outputs[0]] = e.Emit(step.Layer, names[step.Inputs[0]]);
                continue;
            }

            var inputs = step.Inputs.Select(s => s < 0 ? "" : names[s]).ToList();
            var outputs = step.Emit!(e, $"{prefix}/{(step.NodeName.Length > 0 ? step.NodeName : step.OpType)}", inputs);
            for (int i = 0; i < outputs.Count && i < step.Outputs.Length; i++)
            {
                if (step.Outputs[i] >= 0)
                {
                    names[step.Outputs[i]] = outputs[i];
                }
            }
        }

        return names[g.OutputSlot];
    }

    internal static string GeluErf(OnnxEmitter e, string p, string x)
    {
        // 0.5·x·(1 + erf(x/√2))
        string erf = e.Node("Erf", p + "/erf", [e.Node("Div", p + "/div", [x, e.Scalar(p + "/sqrt2", MathF.Sqrt(2f))])]);
        string onePlus = e.Node("Add", p + "/add", [erf, e.Scalar(p + "/one", 1f)]);
        return e.Node("Mul", p + "/half", [e.Node("Mul", p, [x, onePlus]), e.Scalar(p + "/half_value", 0.5f)]);
    }

    private static string GeluTanh(OnnxEmitter e, string p, string x)
    {
        // 0.5·x·(1 + tanh(√(2/π)(x + 0.044715 x³)))
        string cube = e.Node("Mul", p + "/x3", [e.Node("Mul", p + "/x2", [x, x]), x]);
        string inner = e.Node("Add", p + "/inner", [x, e.Node("Mul", p + "/c", [cube, e.Scalar(p + "/coef", 0.044715f)])]);
        string tanh = e.Node("Tanh", p + "/tanh", [e.Node("Mul", p + "/scale", [inner, e.Scalar(p + "/k", MathF.Sqrt(2f / MathF.PI))])]);
        string onePlus = e.Node("Add", p + "/add", [tanh, e.Scalar(p + "/one", 1f)]);
        return e.Node("Mul", p + "/half", [e.Node("Mul", p, [x, onePlus]), e.Scalar(p + "/half_value", 0.5f)]);
    }

    private static AttributeProto[] Window(int kh, int kw, Conv2DSettings s) =>
    [
        AttributeProto.IntList("kernel_shape", kh, kw),
        AttributeProto.IntList("strides", s.StrideH, s.StrideW),
        AttributeProto.IntList("pads", s.PadTop, s.PadLeft, s.PadBottom, s.PadRight),
    ];
}
