using Frost.Layers;

namespace Frost.Onnx.Import;

/// <summary>
/// Runs an imported ONNX graph with Frost ops, node by node in a validated topological order. Nodes with weights
/// become sub-layers (<c>conv0</c>, <c>batchnorm0</c>, <c>dense0</c>, …) whose variables can be frozen, trained and
/// saved like any other; constant operands (e.g. a mean image) become state variables.
/// </summary>
public sealed class GraphLayer : Layer
{
    private readonly GraphStep[] _steps;
    private readonly string[] _tensors;
    private readonly int _input;
    private readonly int _output;
    private readonly int _inputRank;
    private readonly Dictionary<string, Variable> _constants = new(StringComparer.Ordinal);
    private readonly (int Slot, Variable Value)[] _constantSlots;

    internal GraphLayer(ImportPlan plan, string? name, Func<Tensor, Tensor>? constantMap = null)
        : base(name)
    {
        Source = plan.Source;
        Opset = plan.Opset;
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        int Slot(string tensor)
        {
            if (!slots.TryGetValue(tensor, out int s))
            {
                slots[tensor] = s = slots.Count;
            }

            return s;
        }

        _input = Slot(plan.Input);
        _inputRank = plan.Types[plan.Input].Rank;
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        var members = new HashSet<string>(StringComparer.Ordinal);
        string Member(string stem, bool numbered)
        {
            // Sub-layers are numbered per kind (conv0, conv1); constants keep their sanitized graph name unless taken.
            int k = numbered ? counters.GetValueOrDefault(stem) : 0;
            string candidate = numbered ? $"{stem}{k}" : stem;
            while (!members.Add(candidate))
            {
                candidate = $"{stem}{(numbered ? "" : "_")}{++k}";
            }

            if (numbered)
            {
                counters[stem] = k + 1;
            }

            return candidate;
        }

        var constants = new List<(int, Variable)>();
        var steps = new List<GraphStep>(plan.Nodes.Count);
        for (int k = 0; k < plan.Nodes.Count; k++)
        {
            var node = plan.Nodes[k];
            var p = plan.Plans[k];
            var inputs = Enumerable.Repeat(-1, node.Input.Count).ToArray();
            foreach (int j in p.Operands)
            {
                string tensor = node.Input[j];
                inputs[j] = Slot(tensor);
                if (plan.Initializers.TryGetValue(tensor, out var init) && !_constants.ContainsKey(tensor))
                {
                    var value = init.ToTensor();
                    var v = AddState(Member(Sanitize(tensor), numbered: false), constantMap?.Invoke(value) ?? value);
                    _constants[tensor] = v;
                    constants.Add((inputs[j], v));
                }
            }

            var outputs = node.Output.Select(o => o.Length == 0 ? -1 : Slot(o)).ToArray();
            Layer? layer = null;
            if (p.BuildLayer is not null)
            {
                layer = AddLayer(p.BuildLayer(), Member(p.LayerKind!, numbered: true));
            }

            steps.Add(new GraphStep(node.OpType, node.Name, inputs, outputs, layer, p.Run, p.Emit));
        }

        _output = Slot(plan.Output);
        _steps = [.. steps];
        _constantSlots = [.. constants];
        _tensors = new string[slots.Count];
        foreach (var (tensor, s) in slots)
        {
            _tensors[s] = tensor;
        }
    }

    /// <summary>The file the graph came from.</summary>
    public string Source { get; }

    /// <summary>The default-domain opset of the source model (op semantics depend on it).</summary>
    public long Opset { get; }

    /// <summary>The ONNX nodes in execution order with the sub-layer each became (null for weightless ops).</summary>
    public IReadOnlyList<(string OpType, string NodeName, string? Layer)> Nodes => [.. _steps.Select(s => (s.OpType, s.NodeName, s.Layer?.Name))];

    /// <summary>The steps in execution order.</summary>
    internal IReadOnlyList<GraphStep> Steps => _steps;

    /// <summary>The graph's tensor names, indexed by the slots the steps use.</summary>
    internal IReadOnlyList<string> Tensors => _tensors;

    /// <summary>The slot of the graph input the layer's input binds to.</summary>
    internal int InputSlot => _input;

    /// <summary>The slot of the graph output the layer returns.</summary>
    internal int OutputSlot => _output;

    /// <summary>Constant operands kept as state variables, by their graph name.</summary>
    internal IReadOnlyDictionary<string, Variable> Constants => _constants;

    /// <summary>Constant operands kept as state variables, by slot.</summary>
    internal IReadOnlyList<(int Slot, Variable Value)> ConstantSlots => _constantSlots;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input)
    {
        if (_inputRank >= 0 && input.Rank != _inputRank)
        {
            throw new ArgumentException($"{Source}: graph input {OnnxText.Quote(_tensors[_input])} has rank {_inputRank}; got {input.Shape}.", nameof(input));
        }

        var env = new Tensor?[_tensors.Length];
        env[_input] = input;
        foreach (var (slot, v) in _constantSlots)
        {
            env[slot] = v.Value;
        }

        foreach (var step in _steps)
        {
            var args = new Tensor?[step.Inputs.Length];
            for (int i = 0; i < args.Length; i++)
            {
                args[i] = step.Inputs[i] < 0 ? null : env[step.Inputs[i]];
            }

            var outs = step.Layer is { } layer ? [layer.Call(args[0]!)] : step.Run!(args);
            for (int i = 0; i < outs.Length && i < step.Outputs.Length; i++)
            {
                if (step.Outputs[i] >= 0)
                {
                    env[step.Outputs[i]] = outs[i];
                }
            }
        }

        return env[_output]!;
    }

    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_').ToArray();
        return chars.Length == 0 ? "constant" : new string(chars);
    }
}
