namespace Frost.Freezing;

/// <summary>How a variable takes part in training (<see cref="FreezeStatus.Of(Variable)"/>).</summary>
/// <remarks>
/// A freeze mask (<see cref="Variable.FreezeMask"/>) is a separate notion: a trainable variable may keep some of its
/// elements fixed; its status stays <see cref="Trainable"/>.
/// </remarks>
public enum VariableStatus
{
    /// <summary>A parameter the optimizer updates.</summary>
    Trainable,

    /// <summary>A parameter that keeps its value.</summary>
    Frozen,

    /// <summary>State (e.g. running statistics) that its layer updates while training.</summary>
    State,

    /// <summary>State whose layer never updates it (its parameters are frozen, or it was told to keep its statistics).</summary>
    FixedState,
}
