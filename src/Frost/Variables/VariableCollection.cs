using System.Collections;

namespace Frost.Variables;

/// <summary>
/// A live, read-only view of variables: every enumeration reflects the current variables and their
/// current flags, so freezing or unfreezing never leaves a stale list behind.
/// </summary>
public sealed class VariableCollection : IReadOnlyList<Variable>
{
    private readonly Func<IEnumerable<Variable>> _source;

    /// <summary>Creates a view over a source that is re-read on every access.</summary>
    public VariableCollection(Func<IEnumerable<Variable>> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <summary>The number of variables in the view now.</summary>
    public int Count => _source().Count();

    /// <summary>The variable at <paramref name="index"/> in the view now.</summary>
    public Variable this[int index] => _source().ElementAt(index);

    /// <summary>The variable with the given full name, or null.</summary>
    public Variable? Find(string name) => _source().FirstOrDefault(v => v.Name == name);

    /// <summary>Total number of elements.</summary>
    public long ParameterCount => _source().Sum(v => (long)v.Shape.Size);

    /// <inheritdoc/>
    public IEnumerator<Variable> GetEnumerator() => _source().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
