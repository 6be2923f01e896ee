using Frost.Layers;
using Frost.Onnx.Import;
using Frost.Onnx.Proto;

namespace Frost.Onnx;

/// <summary>
/// Exports Frost models in inference form as ONNX (opset 17): batch norm uses running statistics, dropout and
/// stop-gradient vanish, initializers carry the variables' names. The batch dimension is symbolic.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The opset written.</summary>
    public const int Opset = 17;

    /// <summary>Builds the ONNX model of <paramref name="model"/> for inputs shaped like <paramref name="inputShape"/> (its first axis is the batch).</summary>
    /// <exception cref="NotSupportedException">A layer type has no ONNX form; the message lists them.</exception>
    public static OnnxModel Export(Layer model, Shape inputShape, string graphName = "frost")
    {
        ArgumentNullException.ThrowIfNull(model);
        var unsupported = model.Descendants().Where(l => !Supported(l)).Select(l => l.TypeName).Distinct().ToList();
        if (unsupported.Count > 0)
        {
            throw new NotSupportedException($"ONNX export: no ONNX form for layer type(s) {string.Join(", ", unsupported)}.");
        }

        var outShape = LayerSummary.Build(model, inputShape).Rows[0].OutputShape
            ?? throw new InvalidOperationException("ONNX export: could not trace the model's output shape.");
        var e = new Emitter();
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

        output = "output";
        graph.Name = graphName;
        graph.Input.Add(Value("input", inputShape));
        graph.Output.Add(Value(output, outShape));
        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Frost",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto("", Opset));
        return new OnnxModel(proto, graphName);
    }

    /// <summary>Exports and saves atomically to <paramref name="path"/>.</summary>
    public static void Save(Layer model, Shape inputShape, string path) => Export(model, inputShape).Save(path);

    private static bool Supported(Layer l) => l is Sequential or Layers.Conv2D or BatchNorm2D or Relu or Layers.Tanh or Layers.Sigmoid or Gelu or MaxPool2D
        or AvgPool2D or GlobalAvgPool or Flatten or Dense or Dropout or StopGradient or BasicBlock or LayerNorm or Embedding or GraphLayer
        || l.Parent is GraphLayer;

    private static ValueInfoProto Value(string name, Shape shape)
    {
        var v = new ValueInfoProto(name, OnnxDataType.Float, shape.ToArray().Select(d => (long)d).ToArray());
        v.Type!.TensorType!.Shape!.Dims[0] = new TensorShapeDimension("N");
        return v;
    }

    private sealed class Emitter
    {
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private int _counter;

        public GraphProto Graph { get; } = new();

        public string Emit(Layer layer, string x)
        {
            string p = layer.Path.Length == 0 ? layer.Name : layer.Path;
            switch (layer)
            {
                case Sequential s:
                    foreach (var c in s.Children)
                    {
                        x = Emit(c, x);
                    }

                    return x;
                case Layers.Conv2D c:
                    {
                        var st = c.Settings;
                        var inputs = new List<string> { x, Init(c.Weight) };
                        if (c.Bias is { } b)
                        {
                            inputs.Add(Init(b));
                        }

                        return Node("Conv", p, inputs, [
                            AttributeProto.IntList("kernel_shape", c.Weight.Shape[2], c.Weight.Shape[3]),
                        AttributeProto.IntList("strides", st.StrideH, st.StrideW),
                        AttributeProto.IntList("pads", st.PadTop, st.PadLeft, st.PadBottom, st.PadRight),
                        AttributeProto.IntList("dilations", st.DilationH, st.DilationW),
                        AttributeProto.Int("group", st.Groups)]);
                    }

                case BatchNorm2D bn:
                    return Node("BatchNormalization", p, [x, Init(bn.Weight), Init(bn.Bias), Init(bn.RunningMean), Init(bn.RunningVar)],
                        [AttributeProto.Float("epsilon", bn.Epsilon), AttributeProto.Float("momentum", 1f - bn.Momentum)]);
                case Relu:
                    return Node("Relu", p, [x]);
                case Layers.Tanh:
                    return Node("Tanh", p, [x]);
                case Layers.Sigmoid:
                    return Node("Sigmoid", p, [x]);
                case Gelu g:
                    return g.Approximate ? GeluTanh(p, x) : GeluErf(p, x);
                case MaxPool2D m:
                    return Node("MaxPool", p, [x], [.. Window(m.KernelHeight, m.KernelWidth, m.Settings), AttributeProto.Int("ceil_mode", m.CeilMode ? 1 : 0)]);
                case AvgPool2D a:
                    return Node("AveragePool", p, [x], [.. Window(a.KernelHeight, a.KernelWidth, a.Settings),
                        AttributeProto.Int("ceil_mode", a.CeilMode ? 1 : 0), AttributeProto.Int("count_include_pad", a.CountIncludePad ? 1 : 0)]);
                case GlobalAvgPool gap:
                    {
                        string y = Node("GlobalAveragePool", p, [x]);
                        return gap.KeepDims ? y : Node("Flatten", p + "/flatten", [y], [AttributeProto.Int("axis", 1)]);
                    }

                case Flatten:
                    return Node("Flatten", p, [x], [AttributeProto.Int("axis", 1)]);
                case Dense d:
                    {
                        string y = Node("MatMul", p, [x, Node("Transpose", p + "/weight_t", [Init(d.Weight)], [AttributeProto.IntList("perm", 1, 0)])]);
                        return d.Bias is { } b ? Node("Add", p + "/bias", [y, Init(b)]) : y;
                    }

                case Dropout or StopGradient:
                    return x;
                case BasicBlock blk:
                    {
                        string h = Node("Relu", p + "/relu1", [Emit(blk.Bn1, Emit(blk.Conv1, x))]);
                        h = Emit(blk.Bn2, Emit(blk.Conv2, h));
                        string shortcut = blk.Downsample is null ? x : Emit(blk.Downsample, x);
                        return Node("Relu", p + "/relu2", [Node("Add", p + "/add", [h, shortcut])]);
                    }

                case LayerNorm ln:
                    return Node("LayerNormalization", p, [x, Init(ln.Weight), Init(ln.Bias)], [AttributeProto.Int("axis", -1), AttributeProto.Float("epsilon", ln.Epsilon)]);
                case Embedding emb:
                    {
                        string ix = Node("Cast", p + "/cast", [x], [AttributeProto.Int("to", (long)OnnxDataType.Int64)]);
                        return Node("Gather", p, [Init(emb.Weight), ix], [AttributeProto.Int("axis", 0)]);
                    }

                case GraphLayer g:
                    return EmitGraph(g, x);
                default:
                    throw new NotSupportedException($"ONNX export: no ONNX form for layer '{p}' ({layer.TypeName}).");
            }
        }

        private string EmitGraph(GraphLayer g, string x)
        {
            var rename = new Dictionary<string, string>(StringComparer.Ordinal) { [g.InputName] = x };
            foreach (var (name, v) in g.Constants)
            {
                rename[name] = Init(v);
            }

            string prefix = g.Path.Length == 0 ? g.Name : g.Path;
            foreach (var (node, layer) in g.Steps)
            {
                if (layer is not null)
                {
                    rename[node.Output[0]] = Emit(layer, rename[node.Input[0]]);
                    continue;
                }

                var inputs = node.Input.Select(i => i.Length == 0 ? "" : rename.TryGetValue(i, out var r) ? r : OperandInit(g, prefix, i)).ToList();
                if (node.OpType is "Dropout" or "Identity")
                {
                    rename[node.Output[0]] = inputs[0];
                    continue;
                }

                if (node.OpType == "Softmax" && g.Opset < 13)
                {
                    // Opset 17 softmax normalises one axis; the old form normalised rows of the 2-D flattening.
                    int axis = (int)(node.FindAttribute("axis")?.I ?? 1);
                    string rows = Node("Flatten", $"{prefix}/{node.Name}/flatten", [inputs[0]], [AttributeProto.Int("axis", axis)]);
                    string sm = Node("Softmax", $"{prefix}/{node.Name}", [rows], [AttributeProto.Int("axis", -1)]);
                    string shape = Node("Shape", $"{prefix}/{node.Name}/shape", [inputs[0]]);
                    rename[node.Output[0]] = Node("Reshape", $"{prefix}/{node.Name}/reshape", [sm, shape]);
                    continue;
                }

                var copy = new NodeProto { OpType = node.OpType, Name = Unique($"{prefix}/{node.Name}"), Domain = node.Domain };
                copy.Input.AddRange(inputs);
                foreach (var o in node.Output)
                {
                    string n = Unique($"{prefix}/{o}");
                    rename[o] = n;
                    copy.Output.Add(n);
                }

                // Only attributes whose meaning is the same in opset 17; Split's sizes became an input in opset 13.
                foreach (var a in node.Attribute)
                {
                    if (node.OpType == "Split" && a.Name == "split")
                    {
                        copy.Input.Add(AddInit(OnnxTensors.FromInt64(Unique($"{prefix}/split_sizes"), [.. a.Ints])));
                    }
                    else if (a.Name == "axis" && node.OpType is "Flatten" or "Concat" or "Split" or "Softmax")
                    {
                        copy.Attribute.Add(a);
                    }
                }

                Graph.Node.Add(copy);
            }

            return rename[g.OutputName];
        }

        private string OperandInit(GraphLayer g, string prefix, string name)
        {
            var t = g.Initializers.TryGetValue(name, out var found) ? found
                : throw new InvalidOperationException($"ONNX export: operand '{name}' of graph layer '{prefix}' is unknown.");
            var copy = new TensorProto { Name = Unique($"{prefix}/{name}"), DataType = t.DataType, RawData = t.RawData };
            copy.Dims.AddRange(t.Dims);
            copy.FloatData.AddRange(t.FloatData);
            copy.Int64Data.AddRange(t.Int64Data);
            copy.Int32Data.AddRange(t.Int32Data);
            return AddInit(copy);
        }

        private string GeluErf(string p, string x)
        {
            // 0.5·x·(1 + erf(x/√2))
            string e = Node("Erf", p + "/erf", [Node("Div", p + "/div", [x, Scalar(p + "/sqrt2", MathF.Sqrt(2f))])]);
            string onePlus = Node("Add", p + "/add", [e, Scalar(p + "/one", 1f)]);
            return Node("Mul", p + "/half", [Node("Mul", p, [x, onePlus]), Scalar(p + "/half_value", 0.5f)]);
        }

        private string GeluTanh(string p, string x)
        {
            // 0.5·x·(1 + tanh(√(2/π)(x + 0.044715 x³)))
            string cube = Node("Mul", p + "/x3", [Node("Mul", p + "/x2", [x, x]), x]);
            string inner = Node("Add", p + "/inner", [x, Node("Mul", p + "/c", [cube, Scalar(p + "/coef", 0.044715f)])]);
            string t = Node("Tanh", p + "/tanh", [Node("Mul", p + "/scale", [inner, Scalar(p + "/k", MathF.Sqrt(2f / MathF.PI))])]);
            string onePlus = Node("Add", p + "/add", [t, Scalar(p + "/one", 1f)]);
            return Node("Mul", p + "/half", [Node("Mul", p, [x, onePlus]), Scalar(p + "/half_value", 0.5f)]);
        }

        private string Scalar(string name, float value) => AddInit(OnnxTensors.FromTensor(Tensor.Scalar(value), Unique(name)));

        private static AttributeProto[] Window(int kh, int kw, Conv2DSettings s) =>
        [
            AttributeProto.IntList("kernel_shape", kh, kw),
            AttributeProto.IntList("strides", s.StrideH, s.StrideW),
            AttributeProto.IntList("pads", s.PadTop, s.PadLeft, s.PadBottom, s.PadRight),
        ];

        private string Init(Variable v)
        {
            if (_names.Contains(v.Name))
            {
                return v.Name;
            }

            return AddInit(OnnxTensors.FromTensor(v.Value, Unique(v.Name)));
        }

        private string AddInit(TensorProto t)
        {
            Graph.Initializer.Add(t);
            return t.Name;
        }

        private string Node(string op, string name, IEnumerable<string> inputs, IEnumerable<AttributeProto>? attributes = null)
        {
            var n = new NodeProto { OpType = op, Name = Unique(name) };
            n.Input.AddRange(inputs);
            string output = Unique(name + ":out");
            n.Output.Add(output);
            if (attributes is not null)
            {
                n.Attribute.AddRange(attributes);
            }

            Graph.Node.Add(n);
            return output;
        }

        private string Unique(string name)
        {
            string n = name.Length == 0 ? "t" : name;
            while (!_names.Add(n))
            {
                n = $"{name}_{++_counter}";
            }

            return n;
        }
    }
}
