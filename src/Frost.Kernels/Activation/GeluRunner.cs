using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Frost.Kernels.Threading;

namespace Frost.Kernels.Activation;

/// <summary>GELU forward or backward over chunks of a span, split over threads by chunk.</summary>
internal sealed unsafe class GeluRunner : RangeWork
{
    /// <summary>Elements per task unit (and per step of the portable pipeline, which stays in L1).</summary>
    private const int Chunk = 1024;

    // Abramowitz and Stegun 7.1.26: erf(z) ≈ 1 − t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·exp(−z²), t = 1/(1 + p·z), z ≥ 0.
    private const float P = 0.3275911f;
    private const float A1 = 0.254829592f;
    private const float A2 = -0.284496736f;
    private const float A3 = 1.421413741f;
    private const float A4 = -1.453152027f;
    private const float A5 = 1.061405429f;
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float InvSqrt2Pi = 0.39894228040143268f;

    [ThreadStatic] private static GeluRunner? t_runner;

    private int _length;
    private float* _x;
    private float* _g;
    private float* _y;

    public static GeluRunner Current => t_runner ??= new GeluRunner();

    /// <summary>Forward when <paramref name="g"/> is null (y = gelu(x)), else backward (y = g·gelu'(x)).</summary>
    public void Run(int length, float* x, float* g, float* y)
    {
        _length = length;
        _x = x;
        _g = g;
        _y = y;
        try
        {
            Dispatch((length + Chunk - 1) / Chunk, 8L * Chunk);
        }
        finally
        {
            _x = _g = _y = null;
        }
    }

    /// <inheritdoc/>
    protected override void Run(int begin, int end)
    {
        for (int c = begin; c < end; c++)
        {
            int start = c * Chunk, n = Math.Min(Chunk, _length - start);
            float* x = _x + start, y = _y + start, g = _g == null ? null : _g + start;
            int done = Vector512.IsHardwareAccelerated ? Wide512(x, g, y, n) : Vector256.IsHardwareAccelerated ? Wide256(x, g, y, n) : 0;
            if (done < n)
            {
                Portable(x + done, g == null ? null : g + done, y + done, n - done);
            }
        }
    }

    /// <summary>Whole 512-bit vectors of the chunk; returns how many elements were done.</summary>
    private static int Wide512(float* x, float* g, float* y, int n)
    {
        int i = 0;
        for (; i + Vector512<float>.Count <= n; i += Vector512<float>.Count)
        {
            var v = Vector512.Load(x + i);
            var t = Vector512<float>.One / (Vector512<float>.One + (Vector512.Abs(v) * Vector512.Create(P * InvSqrt2)));
            var e = Vector512.Exp(v * v * Vector512.Create(-0.5f));
            var poly = (((((((Vector512.Create(A5) * t) + Vector512.Create(A4)) * t) + Vector512.Create(A3)) * t) + Vector512.Create(A2)) * t) + Vector512.Create(A1);
            var q = poly * t * e * Vector512.Create(0.5f);
            var cdf = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(v, Vector512<float>.Zero), Vector512<float>.One - q, q);
            var r = g == null ? v * cdf : Vector512.Load(g + i) * (cdf + (v * e * Vector512.Create(InvSqrt2Pi)));
            r.Store(y + i);
        }

        return i;
    }

    /// <summary>Whole 256-bit vectors of the chunk; returns how many elements were done.</summary>
    private static int Wide256(float* x, float* g, float* y, int n)
    {
        int i = 0;
        for (; i + Vector256<float>.Count <= n; i += Vector256<float>.Count)
        {
            var v = Vector256.Load(x + i);
            var t = Vector256<float>.One / (Vector256<float>.One + (Vector256.Abs(v) * Vector256.Create(P * InvSqrt2)));
            var e = Vector256.Exp(v * v * Vector256.Create(-0.5f));
            var poly = (((((((Vector256.Create(A5) * t) + Vector256.Create(A4)) * t) + Vector256.Create(A3)) * t) + Vector256.Create(A2)) * t) + Vector256.Create(A1);
            var q = poly * t * e * Vector256.Create(0.5f);
            var cdf = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(v, Vector256<float>.Zero), Vector256<float>.One - q, q);
            var r = g == null ? v * cdf : Vector256.Load(g + i) * (cdf + (v * e * Vector256.Create(InvSqrt2Pi)));
            r.Store(y + i);
        }

        return i;
    }

    /// <summary>Any length on any hardware, as a pipeline of span operations.</summary>
    private static void Portable(float* px, float* pg, float* py, int n)
    {
        Span<float> tn = stackalloc float[n];
        Span<float> en = stackalloc float[n];
        Span<float> qn = stackalloc float[n];
        var x = new ReadOnlySpan<float>(px, n);
        var y = new Span<float>(py, n);

        // t = 1 / (1 + p·|x|/√2); e = exp(−x²/2).
        TensorPrimitives.Abs(x, tn);
        TensorPrimitives.Multiply(tn, P * InvSqrt2, tn);
        TensorPrimitives.Add(tn, 1f, tn);
        TensorPrimitives.Reciprocal(tn, tn);
        TensorPrimitives.Multiply(x, x, en);
        TensorPrimitives.Multiply(en, -0.5f, en);
        TensorPrimitives.Exp(en, en);

        // q = ½·t·poly(t)·e = ½·erfc(|x|/√2), so Φ(x) = ½ + sign(x)·(½ − q).
        TensorPrimitives.Multiply(tn, A5, qn);
        TensorPrimitives.Add(qn, A4, qn);
        TensorPrimitives.FusedMultiplyAdd(qn, tn, A3, qn);
        TensorPrimitives.FusedMultiplyAdd(qn, tn, A2, qn);
        TensorPrimitives.FusedMultiplyAdd(qn, tn, A1, qn);
        TensorPrimitives.Multiply(qn, tn, qn);
        TensorPrimitives.Multiply(qn, en, qn);
        TensorPrimitives.Multiply(qn, -0.5f, qn);
        TensorPrimitives.Add(qn, 0.5f, qn);
        TensorPrimitives.CopySign(qn, x, qn);
        TensorPrimitives.Add(qn, 0.5f, qn); // Φ(x)

        if (pg == null)
        {
            TensorPrimitives.Multiply(x, qn, y);
        }
        else
        {
            // g·(Φ(x) + x·φ(x)), φ(x) = e/√(2π).
            TensorPrimitives.Multiply(x, en, tn);
            TensorPrimitives.MultiplyAdd(tn, InvSqrt2Pi, qn, tn);
            TensorPrimitives.Multiply(tn, new ReadOnlySpan<float>(pg, n), y);
        }
    }
}
