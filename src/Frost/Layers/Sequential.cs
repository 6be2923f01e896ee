using System.Collections;

namespace Frost.Layers;

/// <summary>Applies its layers in order, each to the previous one's output.</summary>
public sealed class Sequential : Layer, IEnumerable<Layer>
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
        var x = input;
        bool previousKeepsNothing = true;
        for (int i = start; i < end; i++)
        {
            // A result may be released once consumed only if neither its producer nor its consumer keeps tensors.
            var child = Children[i];
            bool keepsNothing = child.KeepsNoTensorsDeep();
            bool mayRelease = previousKeepsNothing && keepsNothing;
            previousKeepsNothing = keepsNothing;

            // Convolution + inference-mode batch norm (+ ReLU) run fused when nothing is recorded.
            if (i + 1 < end && Children[i] is Conv2D conv && Children[i + 1] is BatchNorm2D bn)
            {
                bool relu = i + 2 < end && Children[i + 2] is Relu;
                if (bn.TryFuse(conv, x, relu) is { } fused)
                {
                    if (relu)
                    {
                        ShapeTrace.Record(Children[i + 2], fused.Shape);
                    }

                    x = mayRelease ? ReleaseConsumed(x, fused, input) : fused;
                    i += relu ? 2 : 1;
                    continue;
                }
            }

            var y = child.Call(x);
            x = mayRelease ? ReleaseConsumed(x, y, input) : y;
        }

        return x;
    }

    /// <inheritdoc/>
    public IEnumerator<Layer> GetEnumerator() => Children.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input) => CallRange(input, 0, Children.Count);

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
