namespace Frost.Variables;

/// <summary>Seeded weight initialisers. Fan-in and fan-out follow the layouts [in, out] (dense) and [out, in, kh, kw] (convolution).</summary>
public static class Initializers
{
    /// <summary>He (Kaiming) normal: N(0, 2/fan_in), for ReLU networks.</summary>
    /// <remarks>He et al., "Delving Deep into Rectifiers", 2015.</remarks>
    public static Tensor HeNormal(Shape shape, Rng rng)
    {
        var (fanIn, _) = Fans(shape);
        return Tensor.Normal(shape, 0f, MathF.Sqrt(2f / fanIn), rng);
    }

    /// <summary>He (Kaiming) uniform: U(±√(6/fan_in)).</summary>
    public static Tensor HeUniform(Shape shape, Rng rng)
    {
        var (fanIn, _) = Fans(shape);
        float limit = MathF.Sqrt(6f / fanIn);
        return Tensor.Uniform(shape, -limit, limit, rng);
    }

    /// <summary>Glorot (Xavier) uniform: U(±√(6/(fan_in + fan_out))).</summary>
    /// <remarks>Glorot and Bengio, "Understanding the difficulty of training deep feedforward neural networks", 2010.</remarks>
    public static Tensor GlorotUniform(Shape shape, Rng rng)
    {
        var (fanIn, fanOut) = Fans(shape);
        float limit = MathF.Sqrt(6f / (fanIn + fanOut));
        return Tensor.Uniform(shape, -limit, limit, rng);
    }

    /// <summary>Glorot (Xavier) normal: N(0, 2/(fan_in + fan_out)).</summary>
    public static Tensor GlorotNormal(Shape shape, Rng rng)
    {
        var (fanIn, fanOut) = Fans(shape);
        return Tensor.Normal(shape, 0f, MathF.Sqrt(2f / (fanIn + fanOut)), rng);
    }

    /// <summary>Fan-in and fan-out of a weight shape: [in, out] for rank 2, [out, in, k…] for rank ≥ 3, the size for rank ≤ 1.</summary>
    public static (int FanIn, int FanOut) Fans(Shape shape)
    {
        return shape.Rank switch
        {
            0 => (1, 1),
            1 => (shape[0], shape[0]),
            2 => (shape[0], shape[1]),
            _ => (shape[1] * shape.Product(2, shape.Rank), shape[0] * shape.Product(2, shape.Rank)),
        };
    }
}
