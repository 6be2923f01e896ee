using System.Text;
using Frost.Execution;
using Frost.Freezing;

namespace Frost.Layers;

/// <summary>
/// A building block of a model: owns variables and sub-layers under path names
/// (<c>stage2/block0/conv1/weight</c>), can be frozen or unfrozen as a whole, and has a training mode that
/// is separate from freezing.
/// </summary>
/// <remarks>
/// Names follow the layer tree, like PyTorch module paths: a root layer's path is empty and each child adds
/// its name. A variable's <see cref="Variable.Trainable"/> flag is the single stored truth; a layer's
/// <see cref="Trainable"/> reads and writes its parameters' flags.
/// </remarks>
public abstract class Layer
{
    private readonly List<Layer> _children = [];
    private readonly List<Variable> _variables = [];
    private readonly List<(string Name, Rng Rng)> _generators = [];
    private bool _training = true;
    private bool? _retainsTensorsDeep;

    /// <summary>Creates a layer; <paramref name="name"/> is its default name when added to a parent.</summary>
    protected Layer(string? name = null)
    {
        Name = name ?? DefaultName(GetType());
        Variables = new VariableCollection(AllVariables);
        TrainableVariables = new VariableCollection(() => AllVariables().Where(v => v.Trainable));
        NonTrainableVariables = new VariableCollection(() => AllVariables().Where(v => !v.Trainable));
    }

    /// <summary>The name within the parent.</summary>
    public string Name { get; private set; }

    /// <summary>The parent layer, or null for a root.</summary>
    public Layer? Parent { get; private set; }

    /// <summary>Path from the root: empty for a root, else the parent's path and this layer's name.</summary>
    public string Path => Parent is null ? "" : Parent.Path.Length == 0 ? Name : Parent.Path + "/" + Name;

    /// <summary>Direct sub-layers, in registration order.</summary>
    public IReadOnlyList<Layer> Children => _children;

    /// <summary>Variables this layer owns directly (not those of sub-layers).</summary>
    public IReadOnlyList<Variable> OwnVariables => _variables;

    /// <summary>All variables of this layer and its sub-layers (live view, depth-first).</summary>
    public VariableCollection Variables { get; }

    /// <summary>The trainable variables (live view).</summary>
    public VariableCollection TrainableVariables { get; }

    /// <summary>The frozen parameters and the state variables (live view).</summary>
    public VariableCollection NonTrainableVariables { get; }

    /// <summary>
    /// True when every parameter at or below this layer trains. Setting it freezes or unfreezes them all
    /// (state variables such as running statistics are never trainable).
    /// </summary>
    public bool Trainable
    {
        get => AllVariables().Where(v => v.Kind == VariableKind.Parameter).All(v => v.Trainable);
        set
        {
            foreach (var v in AllVariables())
            {
                if (v.Kind == VariableKind.Parameter)
                {
                    v.Trainable = value;
                }
            }
        }
    }

    /// <summary>
    /// Training mode (dropout active, batch statistics in batch norm) versus inference mode. Independent of
    /// freezing; setting it applies to all sub-layers. Always false at or below a layer with
    /// <see cref="AlwaysInference"/>.
    /// </summary>
    public bool Training
    {
        get
        {
            for (var l = this; l is not null; l = l.Parent)
            {
                if (l.AlwaysInference)
                {
                    return false;
                }
            }

            return _training;
        }
        set
        {
            foreach (var l in Descendants())
            {
                l._training = value;
            }
        }
    }

    /// <summary>How the parameters at or below this layer take part in training (<see cref="FreezeStatus.Of(Layer)"/>).</summary>
    public LayerStatus Status => FreezeStatus.Of(this);

    /// <summary>
    /// Whether training changes this layer's own state variables (e.g. running statistics). By default, when one
    /// of its own parameters trains; a layer that keeps its state fixed otherwise overrides it.
    /// </summary>
    protected internal virtual bool UpdatesState => _variables.Exists(v => v.Kind == VariableKind.Parameter && v.Trainable);

    /// <summary>Fingerprints this layer's state variables when they become fixed (or forgets when they may change again).</summary>
    internal void RefreshStateFingerprints()
    {
        foreach (var v in _variables)
        {
            if (v.Kind == VariableKind.State)
            {
                v.RefreshFixedFingerprint();
            }
        }
    }

    /// <summary>
    /// Keeps this layer and the layers below it in inference mode whatever <see cref="Training"/> is set to on it or
    /// an ancestor (e.g. dropout off and batch statistics fixed in a pretrained part while the rest trains).
    /// </summary>
    public bool AlwaysInference { get; set; }

    /// <summary>The training flags of this layer and its descendants, in <see cref="Descendants"/> order.</summary>
    internal bool[] CaptureModes() => [.. Descendants().Select(l => l._training)];

    /// <summary>Restores flags captured by <see cref="CaptureModes"/>.</summary>
    internal void RestoreModes(bool[] modes)
    {
        int i = 0;
        foreach (var l in Descendants())
        {
            l._training = modes[i++];
        }
    }

    /// <summary>Freezes every parameter at or below this layer.</summary>
    public void Freeze() => Trainable = false;

    /// <summary>Unfreezes every parameter at or below this layer.</summary>
    public void Unfreeze() => Trainable = true;

    /// <summary>This layer and all layers below it, depth-first, parents before children.</summary>
    public IEnumerable<Layer> Descendants()
    {
        var stack = new Stack<Layer>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var l = stack.Pop();
            yield return l;
            for (int i = l._children.Count - 1; i >= 0; i--)
            {
                stack.Push(l._children[i]);
            }
        }
    }

    /// <summary>The sub-layer at a relative path such as <c>stage1/block0</c>.</summary>
    /// <exception cref="KeyNotFoundException">No such layer; the message lists close paths.</exception>
    public Layer this[string path]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(path);
            Layer cur = this;
            foreach (var part in path.Split('/'))
            {
                cur = cur._children.FirstOrDefault(c => c.Name == part) ?? throw new KeyNotFoundException(
                    $"No layer '{path}' below '{(Path.Length == 0 ? "<root>" : Path)}'. Closest: " +
                    string.Join(", ", NameMatching.Closest(path, Descendants().Skip(1).Select(d => RelativePath(d)), 3)) + ".");
            }

            return cur;
        }
    }

    /// <summary>Runs the layer on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">The layer takes more than one input.</exception>
    public Tensor Call(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInputCount(1);
        return Executor.Call(this, [input]);
    }

    /// <summary>Runs a layer of several inputs, e.g. hidden states and an attention mask.</summary>
    /// <exception cref="ArgumentException">The number of inputs differs from <see cref="InputCount"/>.</exception>
    public Tensor Call(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var x in inputs)
        {
            ArgumentNullException.ThrowIfNull(x, nameof(inputs));
        }

        CheckInputCount(inputs.Length);
        return Executor.Call(this, (Tensor[])inputs.Clone());
    }

    /// <summary>How many inputs <see cref="Call(Tensor[])"/> takes: 1 unless the layer says otherwise.</summary>
    public virtual int InputCount => 1;

    /// <summary>The computation of a layer of one input; sub-layers are invoked through <see cref="Call(Tensor)"/>.</summary>
    /// <exception cref="NotSupportedException">The layer takes several inputs and overrides the other overload instead.</exception>
    protected virtual Tensor Forward(Tensor input)
        => throw new NotSupportedException($"{TypeName} '{Path}' defines no computation for one input.");

    /// <summary>The computation of a layer of several inputs (<see cref="InputCount"/> of them).</summary>
    protected virtual Tensor Forward(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Count == 1 ? Forward(inputs[0])
            : throw new NotSupportedException($"{TypeName} '{Path}' defines no computation for {inputs.Count} inputs.");
    }

    /// <summary>
    /// Whether <see cref="Forward(Tensor)"/> keeps references to tensors after it returns (its input, its output or an
    /// intermediate), e.g. to capture features. False by default: the library may then reuse the buffers of
    /// results nothing can read any more. A layer that keeps tensors must return true.
    /// </summary>
    protected internal virtual bool RetainsTensors => false;

    /// <summary>Whether this layer or a layer below it retains tensors (cached until the tree changes).</summary>
    internal bool RetainsTensorsDeep()
        => _retainsTensorsDeep ??= RetainsTensors || _children.Exists(c => c.RetainsTensorsDeep());

    internal Tensor InvokeForward(Tensor[] inputs) => inputs.Length == 1 ? Forward(inputs[0]) : Forward(inputs);

    private void CheckInputCount(int count)
    {
        if (count != InputCount)
        {
            throw new ArgumentException($"{TypeName} '{(Path.Length == 0 ? Name : Path)}' takes {InputCount} input(s), got {count}.");
        }
    }

    /// <summary>Called on a layer and its ancestors when sub-layers are added below it.</summary>
    private protected virtual void OnChildrenChanged() => _retainsTensorsDeep = null;

    /// <summary>Registers a sub-layer under <paramref name="name"/> (its own name when null).</summary>
    /// <exception cref="ArgumentException">The name is taken or invalid, or the layer already has a parent.</exception>
    protected T AddLayer<T>(T layer, string? name = null)
        where T : Layer => InsertLayer(_children.Count, layer, name);

    /// <summary>Registers a sub-layer at position <paramref name="index"/> among the children.</summary>
    /// <exception cref="ArgumentException">The name is taken or invalid, or the layer already has a parent.</exception>
    protected T InsertLayer<T>(int index, T layer, string? name = null)
        where T : Layer
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)index, (uint)_children.Count, nameof(index));
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.Parent is not null)
        {
            throw new ArgumentException($"Layer '{layer.Path}' already belongs to '{layer.Parent.Path}'; a layer can have one parent.", nameof(layer));
        }

        if (ReferenceEquals(layer, this) || layer.Descendants().Contains(this))
        {
            throw new ArgumentException("A layer cannot contain itself.", nameof(layer));
        }

        string n = name ?? layer.Name;
        CheckName(n);
        if (_children.Any(c => c.Name == n) || _variables.Any(v => v.LocalName == n))
        {
            throw new ArgumentException($"'{Path}' already has a member named '{n}'.", nameof(name));
        }

        layer.Name = n;
        layer.Parent = this;
        for (var l = this; l is not null; l = l.Parent)
        {
            l.OnChildrenChanged();
        }

        layer._training = _training;
        _children.Insert(index, layer);
        return layer;
    }

    /// <summary>Registers a sub-layer from library code that does not own this layer's type (e.g. an adapter).</summary>
    internal T Attach<T>(T layer, string name)
        where T : Layer => AddLayer(layer, name);

    /// <summary>Removes a sub-layer registered with <see cref="Attach{T}"/>; it becomes a root again.</summary>
    /// <exception cref="ArgumentException"><paramref name="layer"/> is not a child of this layer.</exception>
    internal void Detach(Layer layer)
    {
        if (!_children.Remove(layer))
        {
            throw new ArgumentException($"'{layer.Path}' is not a child of '{Path}'.", nameof(layer));
        }

        layer.Parent = null;
        for (var l = this; l is not null; l = l.Parent)
        {
            l.OnChildrenChanged();
        }
    }

    /// <summary>Creates a learnable parameter owned by this layer.</summary>
    protected Variable AddParameter(string name, Tensor initialValue, bool trainable = true)
        => AddVariable(name, initialValue, VariableKind.Parameter, trainable);

    /// <summary>Registers a random generator the layer draws from (e.g. dropout masks), so checkpoints can save and restore it.</summary>
    protected Rng AddGenerator(string name, Rng rng)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(rng);
        _generators.Add((name, rng));
        return rng;
    }

    /// <summary>The random generators of this layer and its sub-layers, by full name (e.g. <c>block1/dropout/rng</c>).</summary>
    public IReadOnlyList<(string Name, Rng Rng)> Generators
        => Descendants().SelectMany(l => l._generators.Select(g => (l.Path.Length == 0 ? g.Name : l.Path + "/" + g.Name, g.Rng))).ToList();

    /// <summary>Creates a state variable (never trainable, always saved), e.g. running statistics.</summary>
    protected Variable AddState(string name, Tensor initialValue)
        => AddVariable(name, initialValue, VariableKind.State, false);

    /// <summary>A short type name for tables: the class name.</summary>
    public virtual string TypeName => GetType().Name;

    /// <summary>The path of <paramref name="layer"/> relative to this one.</summary>
    public string RelativePath(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        string p = layer.Path;
        string mine = Path;
        return mine.Length == 0 ? p : p.Length > mine.Length ? p[(mine.Length + 1)..] : "";
    }

    /// <summary>A table of the layer tree: path, type, output shape for <paramref name="inputShape"/>, parameter counts, and optimizer state.</summary>
    public string Summary(Shape inputShape, Optimizers.Optimizer? optimizer = null)
        => LayerSummary.Build(this, inputShape, optimizer).ToString();

    private Variable AddVariable(string name, Tensor initialValue, VariableKind kind, bool trainable)
    {
        CheckName(name);
        if (_variables.Any(v => v.LocalName == name) || _children.Any(c => c.Name == name))
        {
            throw new ArgumentException($"Layer '{Path}' already has a member named '{name}'.", nameof(name));
        }

        var v = new Variable(this, name, initialValue, kind, trainable);
        _variables.Add(v);
        RefreshStateFingerprints();
        return v;
    }

    private IEnumerable<Variable> AllVariables() => Descendants().SelectMany(l => l._variables);

    private static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid name '{name}': it must be non-empty and contain no '/'.", nameof(name));
        }
    }

    private static string DefaultName(Type t)
    {
        var sb = new StringBuilder();
        string n = t.Name;
        int tick = n.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            n = n[..tick];
        }

        for (int i = 0; i < n.Length; i++)
        {
            if (char.IsUpper(n[i]) && i > 0 && !char.IsUpper(n[i - 1]))
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(n[i]));
        }

        return sb.ToString();
    }
}
