using System.Collections;

namespace Frost.Layers;

/// <summary>Applies its layers in order, each to the previous one's output.</summary>
public sealed class Sequential : Block, IEnumerable<Layer>
{
    /// <summary>Creates a stack of layers named by their own names (repeats get _1, _2, …).</summary>
    public Sequential(params Layer[] layers)
        : this(null, layers)
    {
    }

    /// <summary>Creates a named stack of layers.</summary>
    public Sequential(string? name, params Layer[] layers)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var l in layers)
        {
            Add(l);
        }
    }

    /// <summary>Appends a layer under <paramref name="name"/> (its own name, made unique, when null).</summary>
    public Sequential Add(Layer layer, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        string n = name ?? Unique(layer.Name);
        AddLayer(layer, n);
        return this;
    }

    /// <summary>Inserts a layer at <paramref name="index"/> under <paramref name="name"/> (its own name, made unique, when null).</summary>
    public Sequential Insert(int index, Layer layer, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        InsertLayer(index, layer, name ?? Unique(layer.Name));
        return this;
    }

    /// <summary>Runs only the layers at positions [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public Tensor CallRange(Tensor input, int start, int end)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)start, (uint)Children.Count, nameof(start));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)end, (uint)Children.Count, nameof(end));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, end, nameof(start));
        return CallSteps(input, start, end);
    }

    /// <inheritdoc/>
    public IEnumerator<Layer> GetEnumerator() => Children.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    protected override Flow Define(Flow input) => Children.Aggregate(input, (x, layer) => x.Then(layer));

    private string Unique(string baseName)
    {
        if (Children.All(c => c.Name != baseName))
        {
            return baseName;
        }

        for (int i = 1; ; i++)
        {
            string n = $"{baseName}_{i}";
            if (Children.All(c => c.Name != n))
            {
                return n;
            }
        }
    }
}
