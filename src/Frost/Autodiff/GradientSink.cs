namespace Frost.Autodiff;

/// <summary>Collects the gradients one recorded op sends to its inputs during backpropagation.</summary>
public sealed class GradientSink
{
    private readonly GradientStore _grads;
    private Node _node = null!;
    private bool[] _needs = [];
    private bool _outputGradientFree;

    internal GradientSink(GradientStore grads) => _grads = grads;

    /// <summary>Number of gradient tensors delivered so far in this backward pass.</summary>
    internal int Delivered { get; private set; }

    /// <summary>Variables that received a gradient in this backward pass.</summary>
    internal HashSet<Variable> VariablesReached { get; } = new(ReferenceEqualityComparer.Instance);

    internal void Reset(Node node, bool[] needs, bool outputGradientFree)
    {
        _node = node;
        _needs = needs;
        _outputGradientFree = outputGradientFree;
    }

    /// <summary>
    /// The op's output gradient <paramref name="gradient"/> when its buffer may be overwritten with an input gradient of the
    /// same shape (nothing else holds it and it is not a result the caller asked for), else null. Only for backward
    /// functions that read each element of it before writing the same element.
    /// </summary>
    internal Tensor? Reusable(Tensor gradient)
    {
        if (_outputGradientFree && _grads.OwnsAlone(gradient))
        {
            Reused++;
            return gradient;
        }

        return null;
    }

    /// <summary>Number of output gradients handed out by <see cref="Reusable"/>.</summary>
    internal int Reused { get; private set; }

    /// <summary>Whether input <paramref name="input"/> needs a gradient (it leads to a requested source).</summary>
    public bool Needs(int input) => _needs[input];

    /// <summary>Adds <paramref name="gradient"/> to the gradient of input <paramref name="input"/>.</summary>
    /// <exception cref="InvalidOperationException">The shape differs from the input's, or the input was not needed.</exception>
    public void Add(int input, Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        var x = _node.Inputs[input];
        if (!_needs[input])
        {
            throw new InvalidOperationException($"{_node.Op} backward: input {input} needs no gradient but one was computed.");
        }

        if (gradient.Shape != x.Shape)
        {
            throw new InvalidOperationException(
                $"{_node.Op} backward: gradient of shape {gradient.Shape} for input {input} of shape {x.Shape}.");
        }

        Delivered++;
        if (x.Variable is { } v)
        {
            VariablesReached.Add(v);
        }

        _grads.Accumulate(x, gradient);
    }
}
