using Frost.Layers;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>
/// Runs an imported ONNX graph with Frost ops. Nodes with weights become sub-layers (<c>conv0</c>,
/// <c>batchnorm0</c>, <c>dense0</c>, …) whose variables can be frozen, trained and saved like any other;
/// constant operands (e.g. a mean image) become state variables.
/// </summary>
public sealed class GraphLayer : Layer
{
    private readonly List<Step> _steps = [];
    private readonly string _input;
    private readonly string _output;
    private readonly Dictionary<string, Variable> _constants = new(StringComparer.Ordinal);
    private readonly Func<Tensor, Tensor>? _constantMap;

    internal GraphLayer(GraphProto graph, string source, string? name, long opset, Func<Tensor, Tensor>? constantMap = null)
        : base(name)
    {
        Source = source;
        Opset = opset;
        _constantMap = constantMap;
        var inits = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Initializers = inits;
        _input = graph.Input.Select(i => i.Name).First(n => !inits.ContainsKey(n));
        _output = graph.Output[0].Name;
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        string Child(string kind)
        {
            int k = counters.GetValueOrDefault(kind);
            counters[kind] = k + 1;
            return $"{kind}{k}";
        }

        foreach (var node in graph.Node)
        {
            _steps.Add(Build(node, inits, source, Child));
        }
    }

    /// <summary>Name of the graph input the layer's input binds to.</summary>
    internal string InputName => _input;

    /// <summary>Name of the graph output the layer returns.</summary>
    internal string OutputName => _output;

    /// <summary>The graph's initializers (weights are copied into sub-layers; shape operands are used as is).</summary>
    internal IReadOnlyDictionary<string, TensorProto> Initializers { get; }

    /// <summary>The nodes and the sub-layer each became.</summary>
    internal IEnumerable<(NodeProto Node, Layer? Layer)> Steps => _steps.Select(s => (s.Node, s.Layer));

    /// <summary>Constant operands kept as state variables, by their graph name.</summary>
    internal IReadOnlyDictionary<string, Variable> Constants => _constants;

    /// <summary>The file the graph came from.</summary>
    public string Source { get; }

    /// <summary>The default-domain opset of the source model (op semantics depend on it).</summary>
    public long Opset { get; }

    /// <summary>The ONNX nodes in execution order with the sub-layer each became (null for weightless ops).</summary>
    public IReadOnlyList<(string OpType, string NodeName, string? Layer)> Nodes => _steps.Select(s => (s.Node.OpType, s.Node.Name, s.Layer?.Name)).ToList();

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input)
    {
        var env = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [_input] = input };
        foreach (var (name, v) in _constants)
        {
            env[name] = v.Value;
        }

        foreach (var step in _steps)
        {
            var outs = step.Run(env, step.Node.Input.Select(i => i.Length == 0 ? null : env.GetValueOrDefault(i)).ToArray());
            for (int i = 0; i < outs.Length; i++)
            {
                env[step.Node.Output[i]] = outs[i];
            }
        }

        return env.TryGetValue(_output, out var y) ? y : throw new InvalidOperationException($"{Source}: graph output '{_output}' was never produced.");
    }

    private sealed record Step(NodeProto Node, Layer? Layer, Func<Dictionary<string, Tensor>, Tensor?[], Tensor[]> Run);

    private Step Build(NodeProto node, Dictionary<string, TensorProto> inits, string source, Func<string, string> child)
    {
        Tensor Init(int i) => inits.TryGetValue(node.Input[i], out var t) ? t.ToTensor()
            : throw new NotSupportedException($"{source}: {node.Describe()} needs input {i} ('{node.Input[i]}') to be an initializer.");
        bool IsInit(int i) => i < node.Input.Count && inits.ContainsKey(node.Input[i]);
        void Constant(int i)
        {
            string n = node.Input[i];
            if (IsInit(i) && !_constants.ContainsKey(n))
            {
                var value = inits[n].ToTensor();
                _constants[n] = AddState(Sanitize(n), _constantMap?.Invoke(value) ?? value);
            }
        }

        switch (node.OpType)
        {
            case "Conv":
                {
                    var conv = AddLayer(NodeLayers.Conv(node, inits, source, null), child("conv"));
                    return new Step(node, conv, (_, x) => [conv.Call(x[0]!)]);
                }

            case "BatchNormalization":
                {
                    var bn = AddLayer(NodeLayers.BatchNorm(node, inits, source, null), child("batchnorm"));
                    return new Step(node, bn, (_, x) => [bn.Call(x[0]!)]);
                }

            case "Gemm":
                {
                    var dense = AddLayer(NodeLayers.Gemm(node, inits, source, null), child("dense"));
                    return new Step(node, dense, (_, x) => [dense.Call(x[0]!)]);
                }

            case "MatMul" when IsInit(1):
                {
                    var b = Init(1);
                    var dense = AddLayer(new Dense(b.Shape[0], b.Shape[1], new Rng(0), useBias: false), child("dense"));
                    dense.Weight.Value.CopyFrom(Ops.Transpose(b));
                    return new Step(node, dense, (_, x) => [dense.Call(x[0]!)]);
                }

            case "MatMul":
                return new Step(node, null, (_, x) => [Ops.MatMul(x[0]!, x[1]!)]);
            case "MaxPool":
                {
                    if (node.Ints("dilations", 1, 1).Any(d => d != 1) || node.Int("storage_order", 0) != 0)
                    {
                        throw new NotSupportedException($"{source}: {node.Describe()} uses dilations or storage_order.");
                    }

                    var k = node.Ints("kernel_shape");
                    var pool = AddLayer(new MaxPool2D((int)k[0], (int)k[1], node.Window(source, false), node.Int("ceil_mode", 0) != 0), child("maxpool"));
                    return new Step(node, pool, (_, x) => [pool.Call(x[0]!)]);
                }

            case "AveragePool":
                {
                    var k = node.Ints("kernel_shape");
                    var pool = AddLayer(new AvgPool2D((int)k[0], (int)k[1], node.Window(source, false), node.Int("count_include_pad", 0) != 0, node.Int("ceil_mode", 0) != 0), child("avgpool"));
                    return new Step(node, pool, (_, x) => [pool.Call(x[0]!)]);
                }

            case "GlobalAveragePool":
                return new Step(node, null, (_, x) => [Ops.GlobalAvgPool(x[0]!)]);
            case "Relu":
                return new Step(node, null, (_, x) => [Ops.Relu(x[0]!)]);
            case "Sigmoid":
                return new Step(node, null, (_, x) => [Ops.Sigmoid(x[0]!)]);
            case "Tanh":
                return new Step(node, null, (_, x) => [Ops.Tanh(x[0]!)]);
            case "Identity" or "Dropout":
                return new Step(node, null, (_, x) => [x[0]!]);
            case "Add" or "Sub" or "Mul" or "Div":
                {
                    if (node.Int("broadcast", 0) != 0 && node.FindAttribute("axis") is not null)
                    {
                        throw new NotSupportedException($"{source}: {node.Describe()} uses legacy axis broadcasting (opset < 7).");
                    }

                    Constant(0);
                    Constant(1);
                    Func<Tensor, Tensor, Tensor> f = node.OpType switch
                    {
                        "Add" => Ops.Add,
                        "Sub" => Ops.Sub,
                        "Mul" => Ops.Mul,
                        _ => Ops.Div,
                    };
                    return new Step(node, null, (_, x) => [f(x[0]!, x[1]!)]);
                }

            case "Flatten":
                {
                    int axis = (int)node.Int("axis", 1);
                    return new Step(node, null, (_, x) =>
                    {
                        var t = x[0]!;
                        int a = axis < 0 ? axis + t.Rank : axis;
                        return [Ops.Reshape(t, t.Shape.Product(0, a), t.Shape.Product(a, t.Rank))];
                    });
                }

            case "Reshape":
                {
                    if (!IsInit(1))
                    {
                        throw new NotSupportedException($"{source}: {node.Describe()} takes its shape from a computed tensor.");
                    }

                    var target = inits[node.Input[1]].ToInt64Array();
                    return new Step(node, null, (_, x) =>
                    {
                        var t = x[0]!;
                        var dims = target.Select((d, i) => d == 0 ? t.Shape[i] : (int)d).ToArray();
                        return [Ops.Reshape(t, dims)];
                    });
                }

            case "Concat":
                {
                    int axis = (int)node.Int("axis", 1);
                    for (int i = 0; i < node.Input.Count; i++)
                    {
                        Constant(i);
                    }

                    return new Step(node, null, (_, x) => [Ops.Concat(x.Select(t => t!).ToList(), axis)]);
                }

            case "Split":
                {
                    int axis = (int)node.Int("axis", 0);
                    long[]? sizes = node.FindAttribute("split") is { } sa ? [.. sa.Ints] : IsInit(1) ? inits[node.Input[1]].ToInt64Array() : null;
                    int outputs = node.Output.Count;
                    return new Step(node, null, (_, x) =>
                    {
                        var t = x[0]!;
                        int a = axis < 0 ? axis + t.Rank : axis;
                        int n = t.Shape[a];
                        var parts = sizes?.Select(s => (int)s).ToArray() ?? Enumerable.Repeat(n / outputs, outputs).ToArray();
                        var result = new Tensor[outputs];
                        int start = 0;
                        for (int i = 0; i < outputs; i++)
                        {
                            result[i] = Ops.Slice(t, a, start, parts[i]);
                            start += parts[i];
                        }

                        return result;
                    });
                }

            case "Softmax":
                {
                    // Before opset 13 the input is flattened to 2-D at the axis (default 1) and normalised as rows.
                    bool legacy = Opset < 13;
                    int axis = (int)node.Int("axis", legacy ? 1 : -1);
                    return new Step(node, null, (_, x) =>
                    {
                        var t = x[0]!;
                        if (!legacy)
                        {
                            return [Ops.Softmax(t, axis)];
                        }

                        int a = axis < 0 ? axis + t.Rank : axis;
                        var rows = Ops.Reshape(t, t.Shape.Product(0, a), t.Shape.Product(a, t.Rank));
                        return [Ops.Reshape(Ops.Softmax(rows, -1), t.Shape.ToArray())];
                    });
                }

            default:
                throw new NotSupportedException($"{source}: unsupported op {node.OpType}.");
        }
    }

    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_').ToArray();
        return chars.Length == 0 ? "constant" : new string(chars);
    }
}
