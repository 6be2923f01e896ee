namespace Frost;

/// <summary>
/// A named, persistent tensor that training may change. <see cref="Trainable"/> is the single stored truth
/// for freezing: a frozen variable's value is a constant on every tape.
/// </summary>
public sealed class Variable
{
    /// <summary>Creates a variable holding a copy of <paramref name="initialValue"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public Variable(string name, Tensor initialValue, bool trainable = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(initialValue);
        Name = name;
        Value = new Tensor(Storage.Wrap(initialValue.ToArray()), 0, initialValue.Shape) { Variable = this };
        Trainable = trainable;
    }

    /// <summary>The scoped name, e.g. <c>stage1/block0/conv1/kernel</c>.</summary>
    public string Name { get; }

    /// <summary>The current value (updated in place by optimizers).</summary>
    public Tensor Value { get; }

    /// <summary>The shape of the value.</summary>
    public Shape Shape => Value.Shape;

    /// <summary>Whether training may change this variable.</summary>
    public bool Trainable { get; set; }

    /// <summary>The variable's value, for use in ops.</summary>
    public static implicit operator Tensor(Variable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        return variable.Value;
    }

    /// <summary>Name, shape and whether it trains.</summary>
    public override string ToString() => $"{Name} {Shape} {(Trainable ? "trainable" : "frozen")}";
}
