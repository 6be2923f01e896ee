using Frost.Layers;

namespace Frost.Execution;

/// <summary>Records the output shape of each layer call while a trace is open on this thread (for summaries).</summary>
internal sealed class ShapeTrace : IDisposable
{
    [ThreadStatic]
    private static ShapeTrace? t_current;

    private readonly ShapeTrace? _outer;

    public ShapeTrace()
    {
        _outer = t_current;
        t_current = this;
    }

    public Dictionary<Layer, Shape> Shapes { get; } = new(ReferenceEqualityComparer.Instance);

    public static void Record(Layer layer, Shape shape)
    {
        if (t_current is { } t)
        {
            t.Shapes[layer] = shape;
        }
    }

    public void Dispose() => t_current = _outer;
}
