namespace Frost.Optimizers;

/// <summary>An optimizer's state for one variable: its update count and named buffers (e.g. Adam's moments).</summary>
public sealed class VariableState
{
    private readonly float[][] _slots;

    internal VariableState(Variable variable, IReadOnlyList<string> slotNames)
    {
        Variable = variable;
        SlotNames = slotNames;
        _slots = new float[slotNames.Count][];
        for (int i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new float[variable.Shape.Size];
        }
    }

    /// <summary>The variable this state belongs to.</summary>
    public Variable Variable { get; }

    /// <summary>Number of updates applied to the variable by this optimizer.</summary>
    public long Step { get; internal set; }

    /// <summary>Names of the buffers, in slot order.</summary>
    public IReadOnlyList<string> SlotNames { get; }

    /// <summary>Bytes held by the buffers.</summary>
    public long Bytes => _slots.Sum(s => (long)s.Length * sizeof(float));

    /// <summary>The buffer named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such buffer.</exception>
    public ReadOnlySpan<float> Slot(string name)
    {
        for (int i = 0; i < SlotNames.Count; i++)
        {
            if (SlotNames[i] == name)
            {
                return _slots[i];
            }
        }

        throw new KeyNotFoundException($"Optimizer state for '{Variable.Name}' has no buffer '{name}' (has: {string.Join(", ", SlotNames)}).");
    }

    internal Span<float> this[int slot] => _slots[slot];

    internal float[][] RawSlots => _slots;
}
