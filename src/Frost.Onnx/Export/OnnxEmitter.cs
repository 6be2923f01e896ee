using Frost.Layers;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Export;

/// <summary>
/// Builds the ONNX graph of an export: unique node and tensor names, initializers from variables (each written once),
/// and <see cref="Emit(Layer, string)"/>, which looks a layer up in <see cref="ExportTable"/>.
/// </summary>
internal sealed class OnnxEmitter
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<Variable, string> _variables = new(ReferenceEqualityComparer.Instance);
    private int _counter;

    public GraphProto Graph { get; } = new();

    /// <summary>Emits <paramref name="layer"/> applied to the tensor named <paramref name="x"/>; returns its output's name.</summary>
    /// <exception cref="NotSupportedException">The layer type has no ONNX form.</exception>
    public string Emit(Layer layer, string x)
    {
        string path = layer.Path.Length == 0 ? layer.Name : layer.Path;
        if (ExportTable.Emitters.GetValueOrDefault(layer.GetType()) is { } emit)
        {
            return emit(this, layer, path, x);
        }

        return Emit(layer, [x]);
    }

    /// <summary>Emits a layer of several inputs (<see cref="SequenceRows"/>) applied to the tensors named <paramref name="inputs"/>.</summary>
    /// <exception cref="NotSupportedException">The layer type has no ONNX form.</exception>
    public string Emit(Layer layer, IReadOnlyList<string> inputs)
    {
        string path = layer.Path.Length == 0 ? layer.Name : layer.Path;
        var emit = SequenceRows.Emitters.GetValueOrDefault(layer.GetType())
            ?? throw new NotSupportedException($"ONNX export: no ONNX form for layer '{path}' ({layer.TypeName}) with {inputs.Count} input(s).");
        return emit(this, layer, path, inputs);
    }

    /// <summary>Whether layers of type <paramref name="type"/> have an ONNX form.</summary>
    public static bool Exports(Type type) => ExportTable.Emitters.ContainsKey(type) || SequenceRows.Emitters.ContainsKey(type);

    /// <summary>Adds a node with one output; returns the output's name.</summary>
    public string Node(string op, string name, IEnumerable<string> inputs, IEnumerable<AttributeProto>? attributes = null)
        => Nodes(op, name, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputs"/> outputs; returns their names.</summary>
    public string[] Nodes(string op, string name, IEnumerable<string> inputs, int outputs, IEnumerable<AttributeProto>? attributes = null)
    {
        var n = new NodeProto { OpType = op, Name = Unique(name) };
        n.Input.AddRange(inputs);
        var names = new string[outputs];
        for (int i = 0; i < outputs; i++)
        {
            names[i] = Unique(outputs == 1 ? name + ":out" : $"{name}:out{i}");
        }

        n.Output.AddRange(names);
        if (attributes is not null)
        {
            n.Attribute.AddRange(attributes);
        }

        Graph.Node.Add(n);
        return names;
    }

    /// <summary>The initializer holding <paramref name="v"/>'s value, named after the variable (added on first use).</summary>
    public string Initializer(Variable v)
    {
        if (!_variables.TryGetValue(v, out string? name))
        {
            name = AddInitializer(OnnxTensors.FromTensor(v.Value, Unique(v.Name)));
            _variables[v] = name;
        }

        return name;
    }

    /// <summary>A float scalar initializer.</summary>
    public string Scalar(string name, float value) => AddInitializer(OnnxTensors.FromTensor(Tensor.Scalar(value), Unique(name)));

    /// <summary>A 1-D int64 initializer (a shape, sizes or axes).</summary>
    public string Int64s(string name, params ReadOnlySpan<long> values) => AddInitializer(OnnxTensors.FromInt64(Unique(name), values));

    /// <summary>A name not used yet in the graph, derived from <paramref name="name"/>.</summary>
    public string Unique(string name)
    {
        string n = name.Length == 0 ? "t" : name;
        string stem = n;
        while (!_names.Add(n))
        {
            n = $"{stem}_{++_counter}";
        }

        return n;
    }

    private string AddInitializer(TensorProto t)
    {
        Graph.Initializer.Add(t);
        return t.Name;
    }
}
