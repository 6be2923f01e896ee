using Frost.Layers;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>
/// What an op handler sees of one node: the opset, its inputs' static types, the initializers among them, and typed
/// access to its attributes. Every attribute a handler does not read is an error once it returns (ONNX Runtime rejects
/// unknown attributes too), so reading an attribute is how a handler declares it.
/// </summary>
internal sealed class NodeContext
{
    private readonly TensorInfo[] _inputs;
    private readonly IReadOnlyDictionary<string, TensorProto> _initializers;
    private readonly Func<string, bool> _isUsed;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly bool[] _consumed;

    public NodeContext(NodeProto node, long opset, string source, TensorInfo[] inputs, IReadOnlyDictionary<string, TensorProto> initializers, Func<string, bool> isUsed)
    {
        Node = node;
        Opset = opset;
        Source = source;
        _inputs = inputs;
        _initializers = initializers;
        _isUsed = isUsed;
        _consumed = new bool[node.Input.Count];
    }

    public NodeProto Node { get; }

    /// <summary>The model's default-domain opset, on which op semantics depend.</summary>
    public long Opset { get; }

    /// <summary>The model file, for messages.</summary>
    public string Source { get; }

    /// <summary>Whether input <paramref name="i"/> is given (present and not the empty name of an omitted optional input).</summary>
    public bool Has(int i) => i < Node.Input.Count && Node.Input[i].Length > 0;

    /// <summary>The static type of input <paramref name="i"/>, which must be given.</summary>
    public TensorInfo Input(int i) => Has(i) ? _inputs[i] : throw Invalid($"input {i} is required");

    /// <summary>Checks the number of inputs: between <paramref name="min"/> and <paramref name="max"/>, the first <paramref name="min"/> given.</summary>
    public void ExpectInputs(int min, int max)
    {
        // NOTE: trailing empty names count, as ONNX Runtime counts them.
        int count = Node.Input.Count;
        if (count < min || count > max)
        {
            throw Invalid($"has {Node.Input.Count} inputs; {Count(min, max)} expected");
        }

        for (int i = 0; i < min; i++)
        {
            if (!Has(i))
            {
                throw Invalid($"input {i} is required but empty");
            }
        }
    }

    /// <summary>Checks the number of outputs: between <paramref name="min"/> and <paramref name="max"/>, the first <paramref name="min"/> named.</summary>
    public void ExpectOutputs(int min, int max)
    {
        if (Node.Output.Count < min || Node.Output.Count > max)
        {
            throw Invalid($"has {Node.Output.Count} outputs; {Count(min, max)} expected");
        }

        for (int i = 0; i < min; i++)
        {
            if (Node.Output[i].Length == 0)
            {
                throw Invalid($"output {i} is required but has an empty name");
            }
        }
    }

    /// <summary>Whether output <paramref name="i"/> is named and read by another node or the graph output.</summary>
    public bool OutputUsed(int i) => i < Node.Output.Count && Node.Output[i].Length > 0 && _isUsed(Node.Output[i]);

    /// <summary>The initializer given as input <paramref name="i"/>, or null for a computed tensor.</summary>
    public TensorProto? Initializer(int i) => Has(i) ? _initializers.GetValueOrDefault(Node.Input[i]) : null;

    /// <summary>
    /// The float initializer given as input <paramref name="i"/>, which a sub-layer copies as its <paramref name="role"/>;
    /// it is not bound at run time.
    /// </summary>
    public TensorProto Weight(int i, string role)
    {
        var t = Initializer(i) ?? throw Unsupported(
            $"takes its {role} (input {i} {OnnxText.Quote(Node.Input[i])}) from a computed tensor; Frost imports {role}s stored as initializers");
        if (t.DataType != OnnxDataType.Float)
        {
            throw Invalid($"its {role} {OnnxText.Quote(t.Name)} has element type {OnnxTypeNames.Of(t.DataType)}; float expected");
        }

        _consumed[i] = true;
        return t;
    }

    /// <summary>The values of the 1-D int64 initializer given as input <paramref name="i"/> (a shape or sizes), read at import.</summary>
    public long[] ConstantInts(int i, string role)
    {
        var t = Initializer(i) ?? throw Unsupported(
            $"takes its {role} (input {i} {OnnxText.Quote(Node.Input[i])}) from a computed tensor; Frost imports {role}s stored as initializers");
        if (t.DataType != OnnxDataType.Int64 || t.Dims.Count != 1)
        {
            throw Invalid($"its {role} {OnnxText.Quote(t.Name)} is {OnnxTypeNames.Of(t.DataType)}[{string.Join(",", t.Dims)}]; a 1-D int64 tensor expected");
        }

        _consumed[i] = true;
        return t.ToInt64Array();
    }

    /// <summary>The value of the scalar bool initializer given as input <paramref name="i"/>, or null when it is computed.</summary>
    public bool? ConstantBool(int i, string role)
    {
        var t = Initializer(i);
        if (t is null)
        {
            return null;
        }

        if (t.DataType != OnnxDataType.Bool || t.Dims.Count != 0)
        {
            throw Invalid($"its {role} {OnnxText.Quote(t.Name)} is {OnnxTypeNames.Of(t.DataType)}[{string.Join(",", t.Dims)}]; a bool scalar expected");
        }

        _consumed[i] = true;
        return t.RawData.Length > 0 ? t.RawData.Span[0] != 0 : t.Int32Data[0] != 0;
    }

    /// <summary>Marks input <paramref name="i"/> as having no effect on inference, so it is not bound at run time.</summary>
    public void Unused(int i)
    {
        if (Has(i))
        {
            _consumed[i] = true;
        }
    }

    /// <summary>Whether the node carries attribute <paramref name="name"/> (which declares it).</summary>
    public bool HasAttribute(string name)
    {
        _read.Add(name);
        return Node.FindAttribute(name) is not null;
    }

    /// <summary>Declares attributes that are valid for the op but do not affect what Frost computes.</summary>
    public void Ignore(params string[] names)
    {
        foreach (string n in names)
        {
            _read.Add(n);
        }
    }

    /// <summary>An INT attribute, <paramref name="fallback"/> when absent, which must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public long Int(string name, long fallback, long min = long.MinValue, long max = long.MaxValue)
    {
        var a = Find(name, OnnxAttributeType.Int);
        long v = a?.I ?? fallback;
        if (a is not null && (v < min || v > max))
        {
            throw Invalid($"attribute {name}={v} is outside [{min}, {max}]");
        }

        return v;
    }

    /// <summary>A required INT attribute.</summary>
    public long RequiredInt(string name, long min = long.MinValue, long max = long.MaxValue)
        => Find(name, OnnxAttributeType.Int) is null ? throw Invalid($"attribute {name} is required") : Int(name, 0, min, max);

    /// <summary>
    /// An INTS attribute, or null when absent; when given it must have <paramref name="count"/> values (any number when
    /// negative), each in [<paramref name="min"/>, <paramref name="max"/>].
    /// </summary>
    public long[]? Ints(string name, int count, long min = long.MinValue, long max = long.MaxValue)
    {
        var a = Find(name, OnnxAttributeType.Ints);
        if (a is null)
        {
            return null;
        }

        if (count >= 0 && a.Ints.Count != count)
        {
            throw Invalid($"attribute {name} has {a.Ints.Count} values; {count} expected");
        }

        foreach (long v in a.Ints)
        {
            if (v < min || v > max)
            {
                throw Invalid($"attribute {name}=[{string.Join(",", a.Ints)}] has a value outside [{min}, {max}]");
            }
        }

        return [.. a.Ints];
    }

    /// <summary>A FLOAT attribute, <paramref name="fallback"/> when absent.</summary>
    public float Float(string name, float fallback) => Find(name, OnnxAttributeType.Float)?.F ?? fallback;

    /// <summary>A STRING attribute, <paramref name="fallback"/> when absent.</summary>
    public string Text(string name, string fallback) => Find(name, OnnxAttributeType.String)?.StringValue ?? fallback;

    /// <summary>A sub-layer with weights, applied to input 0.</summary>
    public NodePlan Layer(string kind, TensorInfo output, Func<Layer> build)
    {
        for (int i = 1; i < _consumed.Length; i++)
        {
            if (Has(i) && !_consumed[i])
            {
                throw new InvalidOperationException($"The {Node.OpType} handler builds a layer but ignores input {i}.");
            }
        }

        return NodePlan.ForLayer(kind, output, build);
    }

    /// <summary>A weightless step with one output.</summary>
    public NodePlan Step(TensorInfo output, Func<Tensor?[], Tensor> run, StepEmit emit) => Step([output], x => [run(x)], emit);

    /// <summary>A weightless step; every given input not read at import is bound at run time.</summary>
    public NodePlan Step(TensorInfo[] outputs, StepRun run, StepEmit emit)
    {
        var operands = Enumerable.Range(0, Node.Input.Count).Where(i => Has(i) && !_consumed[i]).ToArray();
        return NodePlan.ForStep(outputs, operands, run, emit);
    }

    /// <summary>Fails on any attribute the handler did not read: it is not defined for this op at this opset.</summary>
    public void CheckAttributesRead()
    {
        foreach (var a in Node.Attribute)
        {
            if (!_read.Contains(a.Name))
            {
                throw Invalid($"attribute {OnnxText.Quote(a.Name)} is not defined for {Node.OpType} at opset {Opset}");
            }
        }
    }

    /// <summary>The node is invalid ONNX: "file: Op node 'name': problem."</summary>
    public OnnxFormatException Invalid(string problem) => new($"{Source}: {OnnxText.Node(Node)}: {problem}.");

    /// <summary>The node is valid but uses something Frost does not import.</summary>
    public NotSupportedException Unsupported(string problem) => new($"{Source}: {OnnxText.Node(Node)}: {problem}.");

    private AttributeProto? Find(string name, OnnxAttributeType type)
    {
        _read.Add(name);
        var a = Node.FindAttribute(name);
        if (a is not null && a.Type != type)
        {
            throw Invalid($"attribute {name} is {a.Type.ToString().ToUpperInvariant()}; {type.ToString().ToUpperInvariant()} expected");
        }

        return a;
    }

    private static string Count(int min, int max) => min == max ? $"{min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
}
