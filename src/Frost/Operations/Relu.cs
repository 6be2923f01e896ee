using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>Elementwise <c>max(x, 0)</c>; the gradient at 0 is 0; NaN stays NaN.</summary>
    public static Tensor Relu(Tensor x) => Unary("Relu", x, static (x, y) => TensorPrimitives.Max(x, 0f, y), ReluBackward, Saved.OutputOnly, overwritesGradient: true);

    /// <summary>
    /// <see cref="Relu(Tensor)"/> written over <paramref name="x"/>'s own buffer: the result shares it, so
    /// <paramref name="x"/> must have no other reader (the executor decides). Recorded like <see cref="Relu(Tensor)"/>,
    /// whose backward reads only the output.
    /// </summary>
    internal static Tensor ReluInPlace(Tensor x)
    {
        TensorPrimitives.Max(x.AsReadOnlySpan(), 0f, x.AsSpan());
        return RecordUnary("Relu", x, new Tensor(x.Storage, x.Offset, x.Shape), ReluBackward, Saved.OutputOnly, overwritesGradient: true);
    }

    /// <summary>The gradient of max(x, 0) from its output: y &gt; 0 exactly where x &gt; 0 (NaN stays out of both).</summary>
    private static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> d)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var ys = MemoryMarshal.Cast<float, Vector<float>>(y);
            var gs = MemoryMarshal.Cast<float, Vector<float>>(g);
            var ds = MemoryMarshal.Cast<float, Vector<float>>(d);
            for (int v = 0; v < ds.Length; v++)
            {
                ds[v] = Vector.ConditionalSelect(Vector.GreaterThan(ys[v], Vector<float>.Zero), gs[v], Vector<float>.Zero);
            }

            i = ds.Length * Vector<float>.Count;
        }

        for (; i < d.Length; i++)
        {
            d[i] = y[i] > 0f ? g[i] : 0f;
        }
    }

    /// <summary>Elementwise <c>x</c> for positive x, else <c>slope · x</c>.</summary>
    public static Tensor LeakyRelu(Tensor x, float slope = 0.01f) => Unary(
        "LeakyRelu",
        x,
        (x, y) =>
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = x[i] > 0f ? x[i] : slope * x[i];
            }
        },
        (x, y, g, d) =>
        {
            for (int i = 0; i < d.Length; i++)
            {
                d[i] = x[i] > 0f ? g[i] : slope * g[i];
            }
        });
}
