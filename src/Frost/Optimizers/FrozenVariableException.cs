namespace Frost.Optimizers;

/// <summary>An explicit variable list, or a set of gradients, names a frozen variable.</summary>
public sealed class FrozenVariableException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="variable"/>.</summary>
    public FrozenVariableException(Variable variable, string context)
        : base($"{context}: variable '{variable?.Name}' is frozen (Trainable = false) and will not be updated. " +
               "Remove it from the list, unfreeze it, or set FrozenVariablePolicy.Skip to skip frozen variables with a warning.")
    {
        ArgumentNullException.ThrowIfNull(variable);
        Variable = variable;
    }

    /// <summary>The frozen variable.</summary>
    public Variable Variable { get; }
}
