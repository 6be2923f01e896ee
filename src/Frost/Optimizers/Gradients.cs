using System.Collections;
using System.Numerics.Tensors;

namespace Frost.Optimizers;

/// <summary>
/// Gradients keyed by variable: an entry exists only for variables that received one. Treat the tensors as
/// read-only: two variables may share one gradient tensor (e.g. the operands of an add), and optimizers never
/// modify gradients in place (clipping scales a copy).
/// </summary>
public sealed class Gradients : IReadOnlyDictionary<Variable, Tensor>
{
    private readonly Dictionary<Variable, Tensor> _map = new(ReferenceEqualityComparer.Instance);
    private readonly List<Variable> _order = [];

    /// <summary>Creates an empty set.</summary>
    public Gradients()
    {
    }

    /// <summary>Creates a set from pairs (like TensorFlow's grads-and-vars).</summary>
    /// <exception cref="ArgumentException">A gradient's shape differs from its variable's, or a variable repeats.</exception>
    public Gradients(IEnumerable<KeyValuePair<Variable, Tensor>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        foreach (var (v, g) in pairs)
        {
            Add(v, g);
        }
    }

    /// <summary>Number of variables with a gradient.</summary>
    public int Count => _order.Count;

    /// <summary>The variables, in the order they were added.</summary>
    public IEnumerable<Variable> Keys => _order;

    /// <summary>The gradients, in the order of <see cref="Keys"/>.</summary>
    public IEnumerable<Tensor> Values => _order.Select(v => _map[v]);

    /// <summary>The gradient of <paramref name="key"/>.</summary>
    public Tensor this[Variable key] => _map[key];

    /// <summary>Adds a gradient for a variable.</summary>
    /// <exception cref="ArgumentException">The shapes differ, or the variable already has a gradient.</exception>
    public void Add(Variable variable, Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(variable);
        ArgumentNullException.ThrowIfNull(gradient);
        if (gradient.Shape != variable.Shape)
        {
            throw new ArgumentException($"Gradient of shape {gradient.Shape} for variable '{variable.Name}' of shape {variable.Shape}.");
        }

        if (!_map.TryAdd(variable, gradient))
        {
            throw new ArgumentException($"Variable '{variable.Name}' already has a gradient.");
        }

        _order.Add(variable);
    }

    /// <summary>The Euclidean norm of all gradients together.</summary>
    public float GlobalNorm()
    {
        double sum = 0;
        foreach (var g in _map.Values)
        {
            float n = TensorPrimitives.Norm(g.AsReadOnlySpan());
            sum += (double)n * n;
        }

        return (float)Math.Sqrt(sum);
    }

    /// <inheritdoc/>
    public bool ContainsKey(Variable key) => _map.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(Variable key, out Tensor value) => _map.TryGetValue(key, out value!);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<Variable, Tensor>> GetEnumerator() => _order.Select(v => new KeyValuePair<Variable, Tensor>(v, _map[v])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
