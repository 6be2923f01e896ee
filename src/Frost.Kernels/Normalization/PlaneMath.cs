using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Frost.Kernels.Normalization;

/// <summary>Vector loops over one plane used by batch normalisation (optionally masked by a ReLU output).</summary>
internal static class PlaneMath
{
    /// <summary><c>y = x·scale + shift</c>, then max(·, 0) if <paramref name="relu"/> (NaN stays NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Affine(ReadOnlySpan<float> x, float scale, float shift, bool relu, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            Vector<float> vs = new(scale), vt = new(shift);
            ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            Span<Vector<float>> vy = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (; i < vx.Length; i++)
            {
                Vector<float> v = (vx[i] * vs) + vt;

                // NOTE: select on v < 0 rather than Max so a NaN input stays NaN, as the scalar tail does.
                vy[i] = relu ? Vector.ConditionalSelect(Vector.LessThan(v, Vector<float>.Zero), Vector<float>.Zero, v) : v;
            }

            i *= Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            float v = (x[i] * scale) + shift;
            y[i] = relu && v < 0f ? 0f : v;
        }
    }

    /// <summary>Σ (x − m)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float SumSquaredDeviation(ReadOnlySpan<float> x, float m)
    {
        int i = 0;
        float sum = 0f;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            var vm = new Vector<float>(m);
            ReadOnlySpan<Vector<float>> v = MemoryMarshal.Cast<float, Vector<float>>(x);
            for (; i < v.Length; i++)
            {
                Vector<float> d = v[i] - vm;
                acc += d * d;
            }

            sum = Vector.Sum(acc);
            i *= Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            float d = x[i] - m;
            sum += d * d;
        }

        return sum;
    }

    /// <summary>(Σ g, Σ g·(x − m)) where g = dy, or dy where y &gt; 0 if <paramref name="y"/> is not empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (float SumDy, float SumDyDev) GradientSums(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, float m, ReadOnlySpan<float> y)
    {
        bool masked = !y.IsEmpty, dev = !x.IsEmpty;
        int i = 0;
        float sumDy = 0f, sumDyDev = 0f;
        if (Vector.IsHardwareAccelerated && dy.Length >= Vector<float>.Count)
        {
            Vector<float> a = Vector<float>.Zero, b = Vector<float>.Zero, vm = new(m);
            ReadOnlySpan<Vector<float>> vdy = MemoryMarshal.Cast<float, Vector<float>>(dy);
            ReadOnlySpan<Vector<float>> vx = dev ? MemoryMarshal.Cast<float, Vector<float>>(x) : default;
            ReadOnlySpan<Vector<float>> vy = masked ? MemoryMarshal.Cast<float, Vector<float>>(y) : default;
            for (; i < vdy.Length; i++)
            {
                Vector<float> g = masked ? Vector.ConditionalSelect(Vector.GreaterThan(vy[i], Vector<float>.Zero), vdy[i], Vector<float>.Zero) : vdy[i];
                a += g;
                if (dev)
                {
                    b += g * (vx[i] - vm);
                }
            }

            sumDy = Vector.Sum(a);
            sumDyDev = Vector.Sum(b);
            i *= Vector<float>.Count;
        }

        for (; i < dy.Length; i++)
        {
            float g = masked && !(y[i] > 0f) ? 0f : dy[i];
            sumDy += g;
            if (dev)
            {
                sumDyDev += g * (x[i] - m);
            }
        }

        return (sumDy, sumDyDev);
    }

    /// <summary><c>out = a·g + b·x + c</c> where g = dy, or dy where y &gt; 0 if <paramref name="y"/> is not empty; x may be
    /// empty when b is 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Combine(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> y, float a, float b, float c, Span<float> output)
    {
        bool masked = !y.IsEmpty, useX = !x.IsEmpty;
        int i = 0;
        if (Vector.IsHardwareAccelerated && dy.Length >= Vector<float>.Count)
        {
            Vector<float> va = new(a), vb = new(b), vc = new(c);
            ReadOnlySpan<Vector<float>> vdy = MemoryMarshal.Cast<float, Vector<float>>(dy);
            ReadOnlySpan<Vector<float>> vx = useX ? MemoryMarshal.Cast<float, Vector<float>>(x) : default;
            ReadOnlySpan<Vector<float>> vy = masked ? MemoryMarshal.Cast<float, Vector<float>>(y) : default;
            Span<Vector<float>> vo = MemoryMarshal.Cast<float, Vector<float>>(output);
            for (; i < vdy.Length; i++)
            {
                Vector<float> g = masked ? Vector.ConditionalSelect(Vector.GreaterThan(vy[i], Vector<float>.Zero), vdy[i], Vector<float>.Zero) : vdy[i];
                vo[i] = useX ? (va * g) + (vb * vx[i]) + vc : (va * g) + vc;
            }

            i *= Vector<float>.Count;
        }

        for (; i < dy.Length; i++)
        {
            float g = masked && !(y[i] > 0f) ? 0f : dy[i];
            output[i] = useX ? (a * g) + (b * x[i]) + c : (a * g) + c;
        }
    }
}
