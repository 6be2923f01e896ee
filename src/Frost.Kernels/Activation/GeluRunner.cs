using System.Numerics.Tensors;
using Frost.Kernels.Threading;

namespace Frost.Kernels.Activation;

/// <summary>GELU forward or backward over chunks of a span, split over threads by chunk.</summary>
internal sealed unsafe class GeluRunner : RangeWork
{
    /// <summary>Elements per chunk: each step of the pipeline runs over a chunk that stays in L1.</summary>
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
        Span<float> t = stackalloc float[Chunk];
        Span<float> e = stackalloc float[Chunk];
        Span<float> q = stackalloc float[Chunk];
        for (int c = begin; c < end; c++)
        {
            int start = c * Chunk, n = Math.Min(Chunk, _length - start);
            var x = new ReadOnlySpan<float>(_x + start, n);
            var y = new Span<float>(_y + start, n);
            var tn = t[..n];
            var en = e[..n];
            var qn = q[..n];

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

            if (_g == null)
            {
                TensorPrimitives.Multiply(x, qn, y);
            }
            else
            {
                // g·(Φ(x) + x·φ(x)), φ(x) = e/√(2π).
                TensorPrimitives.Multiply(x, en, tn);
                TensorPrimitives.MultiplyAdd(tn, InvSqrt2Pi, qn, tn);
                TensorPrimitives.Multiply(tn, new ReadOnlySpan<float>(_g + start, n), y);
            }
        }
    }
}
