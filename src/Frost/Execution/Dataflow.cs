using Frost.Layers;

namespace Frost.Execution;

/// <summary>What a dataflow step computes.</summary>
internal enum StepKind
{
    /// <summary>Calls a sub-layer on its inputs.</summary>
    Layer,

    /// <summary>Applies an op function to its inputs.</summary>
    Op,

    /// <summary>Elementwise rectification (an op the executor may run in place).</summary>
    Relu,
}

/// <summary>One step of a <see cref="Dataflow"/>: a layer call or an op over earlier values, producing one value.</summary>
internal sealed class DataflowStep
{
    public DataflowStep(StepKind kind, string name, Layer? layer, Func<Tensor[], Tensor>? op, int[] inputs, int output)
    {
        Kind = kind;
        Name = name;
        Layer = layer;
        Op = op;
        Inputs = inputs;
        Output = output;
    }

    public StepKind Kind { get; }

    /// <summary>The op name, or the layer's name, for messages.</summary>
    public string Name { get; }

    public Layer? Layer { get; }

    public Func<Tensor[], Tensor>? Op { get; }

    /// <summary>Value ids consumed, in argument order.</summary>
    public int[] Inputs { get; }

    /// <summary>Value id produced.</summary>
    public int Output { get; }

    public override string ToString() => $"v{Output} = {Name}({string.Join(", ", Inputs.Select(i => "v" + i))})";
}

/// <summary>
/// The computation of a <see cref="Block"/> as a graph: values are numbered (inputs first, then one per step),
/// steps run in order, and each value's consumers and last use are known before anything runs. The executor
/// uses that knowledge to release, fuse and compute in place; the block itself only says what it computes.
/// </summary>
internal sealed class Dataflow
{
    private readonly List<DataflowStep> _steps = [];
    private int[]? _lastUse;
    private int[]? _consumers;
    private int[]? _soleConsumer;

    public Dataflow(Layer owner, int inputCount)
    {
        Owner = owner;
        InputCount = inputCount;
        ValueCount = inputCount;
    }

    /// <summary>The block the graph belongs to.</summary>
    public Layer Owner { get; }

    public int InputCount { get; }

    public int ValueCount { get; private set; }

    public IReadOnlyList<DataflowStep> Steps => _steps;

    /// <summary>The value the graph returns (set when the definition completes).</summary>
    public int Output { get; private set; } = -1;

    /// <summary>For each value, the index of the last step that reads it (-1 when none does).</summary>
    public int[] LastUse => _lastUse ?? throw new InvalidOperationException("Dataflow not completed.");

    /// <summary>For each value, how many step inputs read it (a step reading it twice counts twice).</summary>
    public int[] Consumers => _consumers ?? throw new InvalidOperationException("Dataflow not completed.");

    /// <summary>For each value read exactly once, the step that reads it; -1 otherwise.</summary>
    public int[] SoleConsumer => _soleConsumer ?? throw new InvalidOperationException("Dataflow not completed.");

    public int Add(StepKind kind, string name, Layer? layer, Func<Tensor[], Tensor>? op, int[] inputs)
    {
        if (_lastUse is not null)
        {
            throw new InvalidOperationException($"The dataflow of '{Owner.Path}' is complete; values can only be used inside its definition.");
        }

        int output = ValueCount++;
        _steps.Add(new DataflowStep(kind, name, layer, op, inputs, output));
        return output;
    }

    /// <summary>Fixes the output and derives consumers and last uses.</summary>
    public void Complete(int output)
    {
        Output = output;
        var last = new int[ValueCount];
        var consumers = new int[ValueCount];
        var sole = new int[ValueCount];
        Array.Fill(last, -1);
        for (int s = 0; s < _steps.Count; s++)
        {
            foreach (int v in _steps[s].Inputs)
            {
                last[v] = s;
                consumers[v]++;
            }
        }

        for (int v = 0; v < ValueCount; v++)
        {
            sole[v] = consumers[v] == 1 && v != output ? last[v] : -1;
        }

        _lastUse = last;
        _consumers = consumers;
        _soleConsumer = sole;
    }

    /// <summary>A chain: each layer applied to the previous one's output.</summary>
    public static Dataflow Chain(Layer owner, IEnumerable<Layer> layers)
    {
        var df = new Dataflow(owner, 1);
        int v = 0;
        foreach (var l in layers)
        {
            v = df.Add(StepKind.Layer, l.Name, l, null, [v]);
        }

        df.Complete(v);
        return df;
    }

    public override string ToString() => string.Join("; ", _steps) + $"; return v{Output}";
}
