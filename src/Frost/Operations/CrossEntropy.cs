namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// Mean cross-entropy of <paramref name="logits"/> [N, C] against integer class <paramref name="labels"/>
    /// (N of them, each in 0..C-1), computed from log-softmax so large logits do not overflow.
    /// </summary>
    /// <exception cref="ArgumentException">The logits are not 2-D, the label count differs from N, or a label is out of range.</exception>
    public static Tensor CrossEntropy(Tensor logits, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.Rank != 2)
        {
            throw new ArgumentException($"CrossEntropy: logits must be [N, C], got shape {logits.Shape}.");
        }

        int n = logits.Shape[0], c = logits.Shape[1];
        if (labels.Length != n)
        {
            throw new ArgumentException($"CrossEntropy: {labels.Length} labels for logits of shape {logits.Shape} (expected {n}).");
        }

        for (int i = 0; i < n; i++)
        {
            if ((uint)labels[i] >= (uint)c)
            {
                throw new ArgumentException($"CrossEntropy: label {labels[i]} at index {i} is outside 0..{c - 1}.");
            }
        }

        var lsm = Tensor.Empty(logits.Shape);
        SoftmaxRows(logits.AsReadOnlySpan(), lsm.AsSpan(), n, c, 1, log: true);
        var ls = lsm.AsReadOnlySpan();
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            total -= ls[i * c + labels[i]];
        }

        var y = Tensor.PooledFull(Shape.Scalar, n == 0 ? float.NaN : (float)(total / n));
        var lab = (int[])labels.Clone();
        GradientTape.RecorderFor(logits)?.Record("CrossEntropy", y, [logits], (g, s) =>
        {
            // d/dlogits = (softmax − onehot) · g / N
            float scale = g.AsReadOnlySpan()[0] / n;
            var d = Tensor.Empty(logits.Shape);
            var ds = d.AsSpan();
            System.Numerics.Tensors.TensorPrimitives.Exp(lsm.AsReadOnlySpan(), ds);
            for (int i = 0; i < n; i++)
            {
                ds[i * c + lab[i]] -= 1f;
            }

            System.Numerics.Tensors.TensorPrimitives.Multiply(ds, scale, ds);
            s.Add(0, d);
        });
        return y;
    }

    /// <summary>Mean squared error <c>mean((prediction − target)²)</c>; shapes must match.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor Mse(Tensor prediction, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        CheckSameShape("Mse", prediction, target);
        return Mean(Square(Sub(prediction, target)));
    }
}
