using Frost.Layers;

namespace Frost.Freezing;

/// <summary>What selectors resolve against: a model's variables and, when there is one, its layer tree.</summary>
public sealed class SelectionContext
{
    private SelectionContext(IReadOnlyList<Variable> variables, Layer? root)
    {
        Variables = variables;
        Root = root;
    }

    /// <summary>All candidate variables, in model order.</summary>
    public IReadOnlyList<Variable> Variables { get; }

    /// <summary>The model's root layer, when selecting within a layer tree.</summary>
    public Layer? Root { get; }

    /// <summary>Selects among the variables of a layer tree (names relative to <paramref name="root"/>).</summary>
    public static SelectionContext Of(Layer root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return new SelectionContext(root.Variables.ToList(), root);
    }

    /// <summary>Selects among a list of variables (layer selectors are not available).</summary>
    public static SelectionContext Of(IEnumerable<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return new SelectionContext(variables.ToList(), null);
    }

    /// <summary>The name a selector sees: relative to the root layer when there is one.</summary>
    public string NameOf(Variable v)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (Root is null || Root.Path.Length == 0)
        {
            return v.Name;
        }

        string prefix = Root.Path + "/";
        return v.Name.StartsWith(prefix, StringComparison.Ordinal) ? v.Name[prefix.Length..] : v.Name;
    }
}
