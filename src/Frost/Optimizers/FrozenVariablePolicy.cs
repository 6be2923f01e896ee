namespace Frost.Optimizers;

/// <summary>What an optimizer does with a frozen variable in an explicit variable list or gradient set.</summary>
public enum FrozenVariablePolicy
{
    /// <summary>Throw <see cref="FrozenVariableException"/> naming it (default).</summary>
    Throw,

    /// <summary>Leave it out and report a warning.</summary>
    Skip,
}
