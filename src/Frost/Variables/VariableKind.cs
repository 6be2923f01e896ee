namespace Frost.Variables;

/// <summary>What a variable holds.</summary>
public enum VariableKind
{
    /// <summary>A learnable parameter (weights, biases); trainable unless frozen.</summary>
    Parameter,

    /// <summary>Non-learnable state updated by the layer itself (running statistics); never trainable, always saved.</summary>
    State,
}
