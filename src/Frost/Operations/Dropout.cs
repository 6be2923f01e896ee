using Frost.Operations.Primitives;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// Inverted dropout: each element is zeroed with probability <paramref name="rate"/> and the rest scaled
    /// by 1/(1−rate), using <paramref name="rng"/> so a seed gives the same mask. Identity when not training.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is outside [0, 1).</exception>
    public static Tensor Dropout(Tensor x, float rate, Rng rng, bool training = true)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(rng);
        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), $"Dropout: rate must be in [0, 1), got {rate}.");
        }

        if (!training || rate == 0f)
        {
            return x;
        }

        var mask = Tensor.Empty(x.Shape);
        var ms = mask.AsSpan();
        float keep = 1f / (1f - rate);
        for (int i = 0; i < ms.Length; i++)
        {
            ms[i] = rng.NextFloat() < rate ? 0f : keep;
        }

        var y = Tensor.Empty(x.Shape);
        MultiplyOperator.Apply(x.AsReadOnlySpan(), ms, y.AsSpan());
        GradientTape.RecorderFor(x)?.Record("Dropout", y, [x], (g, s) =>
        {
            var d = Tensor.Empty(x.Shape);
            MultiplyOperator.Apply(g.AsReadOnlySpan(), mask.AsReadOnlySpan(), d.AsSpan());
            s.Add(0, d);
        });
        return y;
    }
}
