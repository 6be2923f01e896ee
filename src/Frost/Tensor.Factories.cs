namespace Frost;

public sealed partial class Tensor
{
    // NOTE: the public factories make tensors that belong to the caller (plain managed arrays, never pooled, never
    // released by a scope). Only intermediates the library makes (Empty, PooledZeros, PooledFull) come from the pool
    // and belong to the innermost scope.

    /// <summary>An intermediate of the given shape whose contents are unspecified (every element must be written).</summary>
    internal static Tensor Empty(Shape shape) => new(Storage.Allocate(shape.Size, clear: false), 0, shape);

    /// <summary>An intermediate of zeros.</summary>
    internal static Tensor PooledZeros(Shape shape) => new(Storage.Allocate(shape.Size, clear: true), 0, shape);

    /// <summary>An intermediate filled with <paramref name="value"/>.</summary>
    internal static Tensor PooledFull(Shape shape, float value)
    {
        var t = Empty(shape);
        t.AsSpan().Fill(value);
        return t;
    }

    /// <summary>A tensor owned by the caller whose contents are unspecified.</summary>
    private static Tensor Owned(Shape shape) => new(Storage.Wrap(GC.AllocateUninitializedArray<float>(shape.Size)), 0, shape);

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(Shape shape) => new(Storage.Wrap(new float[shape.Size]), 0, shape);

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => Zeros(new Shape(shape));

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(new Shape(shape), 1f);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(Shape shape) => Full(shape, 1f);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(Shape shape, float value)
    {
        var t = Owned(shape);
        t.AsSpan().Fill(value);
        return t;
    }

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(float value) => Full(Shape.Scalar, value);

    /// <summary>The values start, start+step, … below <paramref name="stop"/> (above it for a negative step), as a 1-D tensor.</summary>
    /// <exception cref="ArgumentException">The step is zero or not finite.</exception>
    public static Tensor Arange(float start, float stop, float step = 1f)
    {
        if (step == 0f || !float.IsFinite(step) || !float.IsFinite(start) || !float.IsFinite(stop))
        {
            throw new ArgumentException($"Arange: start {start}, stop {stop} and a non-zero step {step} must be finite.");
        }

        double countD = Math.Ceiling(((double)stop - start) / step);
        if (countD > int.MaxValue)
        {
            throw new ArgumentException($"Arange({start}, {stop}, {step}) would have {countD} elements.");
        }

        int count = (int)Math.Max(0, countD);
        var t = Owned(new Shape(count));
        var s = t.AsSpan();
        for (int i = 0; i < count; i++)
        {
            s[i] = (float)(start + (double)i * step);
        }

        return t;
    }

    /// <summary>A tensor with a copy of <paramref name="data"/> and the given shape.</summary>
    /// <exception cref="ArgumentException">The data length differs from the shape's element count.</exception>
    public static Tensor FromArray(ReadOnlySpan<float> data, params int[] shape)
    {
        var sh = new Shape(shape);
        if (sh.Size != data.Length)
        {
            throw new ArgumentException($"FromArray: {data.Length} values do not fill shape {sh} ({sh.Size} elements).");
        }

        var t = Owned(sh);
        data.CopyTo(t.AsSpan());
        return t;
    }

    /// <summary>A 1-D tensor with a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(params float[] data) => FromArray(data, data.Length);

    /// <summary>Wraps <paramref name="data"/> without copying: writes to either are visible in both.</summary>
    /// <exception cref="ArgumentException">The data length differs from the shape's element count.</exception>
    public static Tensor Wrap(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        var sh = new Shape(shape);
        if (sh.Size != data.Length)
        {
            throw new ArgumentException($"Wrap: {data.Length} values do not fill shape {sh} ({sh.Size} elements).");
        }

        return new Tensor(Storage.Wrap(data), 0, sh);
    }

    /// <summary>Uniform random values in [<paramref name="low"/>, <paramref name="high"/>) from <paramref name="rng"/>.</summary>
    public static Tensor Uniform(Shape shape, float low, float high, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var t = Owned(shape);
        rng.FillUniform(t.AsSpan(), low, high);
        return t;
    }

    /// <summary>Normal random values with the given mean and standard deviation from <paramref name="rng"/>.</summary>
    public static Tensor Normal(Shape shape, float mean, float std, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var t = Owned(shape);
        rng.FillNormal(t.AsSpan(), mean, std);
        return t;
    }
}
