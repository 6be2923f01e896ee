namespace Frost.Layers;

/// <summary>Rectified linear unit, <see cref="Ops.Relu"/>.</summary>
public sealed class Relu(string? name = null) : Layer(name)
{
    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input) => Ops.Relu(input);
}

/// <summary>Gaussian error linear unit, <see cref="Ops.Gelu"/>.</summary>
public sealed class Gelu(bool approximate = false, string? name = null) : Layer(name)
{
    /// <summary>Whether the tanh approximation is used.</summary>
    public bool Approximate { get; } = approximate;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input) => Ops.Gelu(input, Approximate);
}

/// <summary>Hyperbolic tangent, <see cref="Ops.Tanh"/>.</summary>
public sealed class Tanh(string? name = null) : Layer(name)
{
    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input) => Ops.Tanh(input);
}

/// <summary>Logistic sigmoid, <see cref="Ops.Sigmoid"/>.</summary>
public sealed class Sigmoid(string? name = null) : Layer(name)
{
    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input) => Ops.Sigmoid(input);
}

/// <summary>Collapses all axes after the first: [N, …] → [N, features].</summary>
public sealed class Flatten(string? name = null) : Layer(name)
{
    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input) => Ops.Flatten(input);
}

/// <summary>
/// Passes values through and blocks gradients (<see cref="Ops.StopGradient"/>): everything before it gets no
/// gradient from what follows. Variables' flags are not changed.
/// </summary>
public sealed class StopGradient(string? name = null) : Layer(name)
{
    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input) => Ops.StopGradient(input);
}

/// <summary>Inverted dropout while training, identity in inference mode; seeded by its own generator.</summary>
public sealed class Dropout : Layer
{
    private readonly Rng _rng;

    /// <summary>Creates the layer.</summary>
    public Dropout(float rate, Rng rng, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), $"Dropout: rate must be in [0, 1), got {rate}.");
        }

        Rate = rate;
        _rng = AddGenerator("rng", rng.Fork());
    }

    /// <summary>Probability of zeroing an element.</summary>
    public float Rate { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input) => Ops.Dropout(input, Rate, _rng, Training);
}
