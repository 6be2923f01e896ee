namespace Frost.Variables;

/// <summary>
/// Names variables of hand-written models by nesting (<c>encoder/dense/kernel</c>) and owns them: names are
/// unique among all scopes sharing one root, and a duplicate is an error. Each scope's collections are live
/// views of the variables at or below it.
/// </summary>
/// <example>
/// <code>
/// var root = new VariableScope();
/// var enc = root.Scope("encoder");
/// var w = enc.Variable("kernel", Tensor.Zeros(4, 2));          // "encoder/kernel"
/// var b = enc.Variable("bias", Tensor.Zeros(2), trainable: false);
/// root.TrainableVariables;                                     // [encoder/kernel]
/// </code>
/// </example>
public sealed class VariableScope
{
    private readonly List<Variable> _all;
    private readonly Dictionary<string, Variable> _byName;

    /// <summary>Creates a root scope with no name.</summary>
    public VariableScope()
    {
        Path = "";
        _all = [];
        _byName = new Dictionary<string, Variable>(StringComparer.Ordinal);
        Variables = new VariableCollection(Under);
        TrainableVariables = new VariableCollection(() => Under().Where(v => v.Trainable));
        NonTrainableVariables = new VariableCollection(() => Under().Where(v => !v.Trainable));
    }

    private VariableScope(VariableScope parent, string name)
    {
        Path = parent.Path.Length == 0 ? name : parent.Path + "/" + name;
        _all = parent._all;
        _byName = parent._byName;
        Variables = new VariableCollection(Under);
        TrainableVariables = new VariableCollection(() => Under().Where(v => v.Trainable));
        NonTrainableVariables = new VariableCollection(() => Under().Where(v => !v.Trainable));
    }

    /// <summary>The scope's full path ("" for a root).</summary>
    public string Path { get; }

    /// <summary>All variables at or below this scope, in creation order.</summary>
    public VariableCollection Variables { get; }

    /// <summary>The trainable variables at or below this scope (live).</summary>
    public VariableCollection TrainableVariables { get; }

    /// <summary>The frozen variables at or below this scope (live).</summary>
    public VariableCollection NonTrainableVariables { get; }

    /// <summary>A nested scope; names may not be empty or contain '/'.</summary>
    /// <exception cref="ArgumentException">The name is empty or contains '/'.</exception>
    public VariableScope Scope(string name)
    {
        CheckName(name, "scope");
        return new VariableScope(this, name);
    }

    /// <summary>Creates a variable named <c>{Path}/{name}</c> holding a copy of <paramref name="initialValue"/>.</summary>
    /// <exception cref="ArgumentException">The name is invalid or a variable with the full name exists.</exception>
    public Variable Variable(string name, Tensor initialValue, bool trainable = true)
    {
        CheckName(name, "variable");
        string full = Path.Length == 0 ? name : Path + "/" + name;
        return Add(new Variable(full, initialValue, trainable));
    }

    /// <summary>Adds an existing variable under its own full name.</summary>
    /// <exception cref="ArgumentException">A variable with that name exists in this root.</exception>
    public Variable Add(Variable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (!_byName.TryAdd(variable.Name, variable))
        {
            throw new ArgumentException($"A variable named '{variable.Name}' already exists; names must be unique.", nameof(variable));
        }

        _all.Add(variable);
        return variable;
    }

    /// <summary>The variable with the given name relative to this scope.</summary>
    /// <exception cref="KeyNotFoundException">No such variable; the message lists close names.</exception>
    public Variable this[string name]
    {
        get
        {
            string full = Path.Length == 0 ? name : Path + "/" + name;
            if (_byName.TryGetValue(full, out var v))
            {
                return v;
            }

            var close = NameMatching.Closest(full, _byName.Keys, 3);
            throw new KeyNotFoundException($"No variable '{full}'." + (close.Count > 0 ? $" Closest: {string.Join(", ", close)}." : ""));
        }
    }

    private IEnumerable<Variable> Under()
    {
        if (Path.Length == 0)
        {
            return _all;
        }

        string prefix = Path + "/";
        return _all.Where(v => v.Name.StartsWith(prefix, StringComparison.Ordinal));
    }

    private static void CheckName(string name, string what)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid {what} name '{name}': it must be non-empty and contain no '/'.", nameof(name));
        }
    }
}
