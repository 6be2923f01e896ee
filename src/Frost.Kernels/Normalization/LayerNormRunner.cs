using System.Numerics.Tensors;
using Frost.Kernels.Internal;
using Frost.Kernels.Threading;

namespace Frost.Kernels.Normalization;

/// <summary>
/// Per-row layer-norm work split over threads by groups of rows. Parameter gradients are summed per group into its own
/// slot and the groups are added in order afterwards, so the sums do not depend on the thread count.
/// </summary>
internal sealed unsafe class LayerNormRunner : RangeWork
{
    /// <summary>Rows per group of the parameter-gradient sums (fixed, so the summation order is too).</summary>
    private const int GroupRows = 32;

    [ThreadStatic] private static LayerNormRunner? t_runner;

    private bool _backward;
    private int _rows;
    private int _f;
    private float _eps;
    private float* _x;
    private float* _dy;
    private float* _gamma;
    private float* _beta;
    private float* _y;
    private float* _mean;
    private float* _invStd;
    private float* _dx;
    private float* _partials;
    private bool _paramGrads;

    public static LayerNormRunner Current => t_runner ??= new LayerNormRunner();

    public void Forward(int rows, int f, float* x, float* gamma, float* beta, float eps, float* y, float* mean, float* invStd)
    {
        Setup(false, rows, f);
        _x = x;
        _gamma = gamma;
        _beta = beta;
        _eps = eps;
        _y = y;
        _mean = mean;
        _invStd = invStd;
        Run(2L * f);
    }

    public void Backward(int rows, int f, float* x, float* dy, float* gamma, float* mean, float* invStd, float* dx, float* dGamma, float* dBeta)
    {
        Setup(true, rows, f);
        _x = x;
        _dy = dy;
        _gamma = gamma;
        _mean = mean;
        _invStd = invStd;
        _dx = dx;
        _paramGrads = dGamma != null || dBeta != null;
        int groups = (rows + GroupRows - 1) / GroupRows;
        float* partials = _paramGrads ? Scratch.Partials.Get(2L * groups * f) : null;
        _partials = partials;

        Run(3L * f);
        if (!_paramGrads)
        {
            return;
        }

        // Fixed-order sum of the group partials: [group][gamma f | beta f].
        var dg = dGamma != null ? new Span<float>(dGamma, f) : default;
        var db = dBeta != null ? new Span<float>(dBeta, f) : default;
        dg.Clear();
        db.Clear();
        for (int g = 0; g < groups; g++)
        {
            float* part = partials + (2L * g * f);
            if (dGamma != null)
            {
                TensorPrimitives.Add(dg, new ReadOnlySpan<float>(part, f), dg);
            }

            if (dBeta != null)
            {
                TensorPrimitives.Add(db, new ReadOnlySpan<float>(part + f, f), db);
            }
        }
    }

    /// <inheritdoc/>
    protected override void Run(int begin, int end)
    {
        for (int g = begin; g < end; g++)
        {
            int r0 = g * GroupRows, r1 = Math.Min(_rows, r0 + GroupRows);
            if (_backward)
            {
                BackwardGroup(g, r0, r1);
            }
            else
            {
                for (int r = r0; r < r1; r++)
                {
                    ForwardRow(r);
                }
            }
        }
    }

    private void Setup(bool backward, int rows, int f)
    {
        (_backward, _rows, _f) = (backward, rows, f);
        _x = _dy = _gamma = _beta = _y = _mean = _invStd = _dx = _partials = null;
        _paramGrads = false;
    }

    private void Run(long elementsPerRow)
    {
        try
        {
            Dispatch((_rows + GroupRows - 1) / GroupRows, elementsPerRow * GroupRows);
        }
        finally
        {
            _x = _dy = _gamma = _beta = _y = _mean = _invStd = _dx = _partials = null;
        }
    }

    private void ForwardRow(int r)
    {
        int f = _f;
        var x = new ReadOnlySpan<float>(_x + ((long)r * f), f);
        var y = new Span<float>(_y + ((long)r * f), f);
        float mean = TensorPrimitives.Sum(x) / f;

        // NOTE: two passes (mean, then squared deviations) keep the variance accurate when |mean| >> σ, which a one-pass
        // E[x²] − μ² does not; the row is in L1 for the second pass.
        TensorPrimitives.Subtract(x, mean, y);
        float variance = TensorPrimitives.SumOfSquares(y) / f;
        float invStd = 1f / MathF.Sqrt(variance + _eps);
        if (_mean != null)
        {
            _mean[r] = mean;
        }

        if (_invStd != null)
        {
            _invStd[r] = invStd;
        }

        if (_gamma != null)
        {
            TensorPrimitives.Multiply(y, invStd, y);
            var g = new ReadOnlySpan<float>(_gamma, f);
            if (_beta != null)
            {
                TensorPrimitives.FusedMultiplyAdd(y, g, new ReadOnlySpan<float>(_beta, f), y);
            }
            else
            {
                TensorPrimitives.Multiply(y, g, y);
            }
        }
        else if (_beta != null)
        {
            TensorPrimitives.MultiplyAdd(y, invStd, new ReadOnlySpan<float>(_beta, f), y);
        }
        else
        {
            TensorPrimitives.Multiply(y, invStd, y);
        }
    }

    private void BackwardGroup(int group, int r0, int r1)
    {
        int f = _f;
        float* work = Scratch.Work.Get(2L * f);
        var xhat = new Span<float>(work, f);
        var gg = new Span<float>(work + f, f);
        Span<float> dGamma = default, dBeta = default;
        if (_paramGrads)
        {
            dGamma = new Span<float>(_partials + (2L * group * f), f);
            dBeta = new Span<float>(_partials + (2L * group * f) + f, f);
            dGamma.Clear();
            dBeta.Clear();
        }

        for (int r = r0; r < r1; r++)
        {
            var x = new ReadOnlySpan<float>(_x + ((long)r * f), f);
            var dy = new ReadOnlySpan<float>(_dy + ((long)r * f), f);
            float mean = _mean[r], invStd = _invStd[r];
            TensorPrimitives.Subtract(x, mean, xhat);
            TensorPrimitives.Multiply(xhat, invStd, xhat);
            if (_paramGrads)
            {
                TensorPrimitives.FusedMultiplyAdd(dy, xhat, dGamma, dGamma);
                TensorPrimitives.Add(dBeta, dy, dBeta);
            }

            if (_dx == null)
            {
                continue;
            }

            if (_gamma != null)
            {
                TensorPrimitives.Multiply(dy, new ReadOnlySpan<float>(_gamma, f), gg);
            }
            else
            {
                dy.CopyTo(gg);
            }

            float a = TensorPrimitives.Sum(gg) / f;
            float b = TensorPrimitives.Dot(gg, xhat) / f;
            var dx = new Span<float>(_dx + ((long)r * f), f);
            TensorPrimitives.Subtract(gg, a, dx);
            TensorPrimitives.MultiplyAdd(xhat, -b, dx, dx);
            TensorPrimitives.Multiply(dx, invStd, dx);
        }
    }
}
