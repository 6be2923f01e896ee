using System.Numerics.Tensors;
using Frost.Kernels.Threading;

namespace Frost.Kernels.Normalization;

/// <summary>Per-channel batch-norm work, split over threads by channel; every channel is summed in a fixed order.</summary>
internal sealed unsafe class BatchNormRunner : RangeWork
{
    [ThreadStatic] private static BatchNormRunner? t_runner;

    private enum Op
    {
        ForwardTraining,
        ForwardInference,
        BackwardTraining,
        BackwardInference,
    }

    private Op _op;
    private int _n;
    private int _c;
    private int _s;
    private float _eps;
    private float _momentum;
    private bool _relu;
    private float* _x;
    private float* _dy;
    private float* _y;
    private float* _gamma;
    private float* _beta;
    private float* _mean;
    private float* _var;
    private float* _saveMean;
    private float* _saveInvStd;
    private float* _dx;
    private float* _dGamma;
    private float* _dBeta;

    public static BatchNormRunner Current => t_runner ??= new BatchNormRunner();

    public void ForwardTraining(int n, int c, int s, float* x, float* gamma, float* beta, float eps, float momentum,
        float* runningMean, float* runningVar, float* y, float* saveMean, float* saveInvStd, bool relu)
    {
        Setup(Op.ForwardTraining, n, c, s, eps, relu);
        _x = x;
        _gamma = gamma;
        _beta = beta;
        _mean = runningMean;
        _var = runningVar;
        _y = y;
        _saveMean = saveMean;
        _saveInvStd = saveInvStd;
        _momentum = momentum;
        Dispatch(c, 2L * n * s);
    }

    public void ForwardInference(int n, int c, int s, float* x, float* gamma, float* beta, float* mean, float* var, float eps, float* y, bool relu)
    {
        Setup(Op.ForwardInference, n, c, s, eps, relu);
        _x = x;
        _gamma = gamma;
        _beta = beta;
        _mean = mean;
        _var = var;
        _y = y;
        Dispatch(c, 2L * n * s);
    }

    public void BackwardTraining(int n, int c, int s, float* x, float* dy, float* gamma, float* saveMean, float* saveInvStd, float* reluY,
        float* dx, float* dGamma, float* dBeta)
    {
        Setup(Op.BackwardTraining, n, c, s, 0f, reluY != null);
        _x = x;
        _dy = dy;
        _gamma = gamma;
        _saveMean = saveMean;
        _saveInvStd = saveInvStd;
        _y = reluY;
        _dx = dx;
        _dGamma = dGamma;
        _dBeta = dBeta;
        Dispatch(c, 4L * n * s);
    }

    public void BackwardInference(int n, int c, int s, float* x, float* dy, float* gamma, float* mean, float* var, float eps, float* reluY,
        float* dx, float* dGamma, float* dBeta)
    {
        Setup(Op.BackwardInference, n, c, s, eps, reluY != null);
        _x = x;
        _dy = dy;
        _gamma = gamma;
        _mean = mean;
        _var = var;
        _y = reluY;
        _dx = dx;
        _dGamma = dGamma;
        _dBeta = dBeta;
        Dispatch(c, 3L * n * s);
    }

    private void Setup(Op op, int n, int c, int s, float eps, bool relu)
    {
        (_op, _n, _c, _s, _eps, _relu) = (op, n, c, s, eps, relu);
        _x = _dy = _y = _gamma = _beta = _mean = _var = _saveMean = _saveInvStd = _dx = _dGamma = _dBeta = null;
    }

    /// <inheritdoc/>
    protected override void Run(int begin, int end)
    {
        for (int ch = begin; ch < end; ch++)
        {
            switch (_op)
            {
                case Op.ForwardTraining:
                    ForwardTrainingChannel(ch);
                    break;
                case Op.ForwardInference:
                    {
                        float invStd = 1f / MathF.Sqrt(_var[ch] + _eps);
                        float scale = Gamma(ch) * invStd;
                        Affine(ch, scale, Beta(ch) - (_mean[ch] * scale));
                        break;
                    }

                case Op.BackwardTraining:
                    BackwardChannel(ch, _saveMean[ch], _saveInvStd[ch], training: true);
                    break;
                default:
                    BackwardChannel(ch, _mean[ch], 1f / MathF.Sqrt(_var[ch] + _eps), training: false);
                    break;
            }
        }
    }

    private float Gamma(int ch) => _gamma == null ? 1f : _gamma[ch];

    private float Beta(int ch) => _beta == null ? 0f : _beta[ch];

    private ReadOnlySpan<float> Plane(float* t, int n, int ch) =>
        t == null ? default : new ReadOnlySpan<float>(t + ((nint)n * _c + ch) * _s, _s);

    private void ForwardTrainingChannel(int ch)
    {
        long count = (long)_n * _s;
        double sum = 0;
        for (int n = 0; n < _n; n++)
        {
            sum += TensorPrimitives.Sum(Plane(_x, n, ch));
        }

        float mean = (float)(sum / count);
        double ss = 0;
        for (int n = 0; n < _n; n++)
        {
            ss += PlaneMath.SumSquaredDeviation(Plane(_x, n, ch), mean);
        }

        double var = ss / count;
        float invStd = (float)(1.0 / Math.Sqrt(var + _eps));
        _saveMean[ch] = mean;
        _saveInvStd[ch] = invStd;
        if (_mean != null)
        {
            // NOTE: PyTorch convention: the running variance uses the unbiased estimate, normalisation the biased one.
            _mean[ch] = ((1f - _momentum) * _mean[ch]) + (_momentum * mean);
            _var[ch] = ((1f - _momentum) * _var[ch]) + (_momentum * (float)(ss / (count - 1)));
        }

        float scale = Gamma(ch) * invStd;
        Affine(ch, scale, Beta(ch) - (mean * scale));
    }

    private void Affine(int ch, float scale, float shift)
    {
        for (int n = 0; n < _n; n++)
        {
            PlaneMath.Affine(Plane(_x, n, ch), scale, shift, _relu, new Span<float>(_y + ((nint)n * _c + ch) * _s, _s));
        }
    }

    private void BackwardChannel(int ch, float mean, float invStd, bool training)
    {
        bool needX = training || _dGamma != null;
        double sumDy = 0, sumDyDev = 0;
        for (int n = 0; n < _n; n++)
        {
            var (planeDy, planeDyDev) = PlaneMath.GradientSums(Plane(_dy, n, ch), needX ? Plane(_x, n, ch) : default, mean, Plane(_y, n, ch));
            sumDy += planeDy;
            sumDyDev += planeDyDev;
        }

        if (_dGamma != null)
        {
            _dGamma[ch] = (float)(sumDyDev * invStd);
        }

        if (_dBeta != null)
        {
            _dBeta[ch] = (float)sumDy;
        }

        if (_dx == null)
        {
            return;
        }

        float gammaInv = Gamma(ch) * invStd;
        float a = gammaInv, b = 0f, c = 0f;
        if (training)
        {
            // dx = γ·σ⁻¹·(g − mean(g) − x̂·mean(g·x̂)), x̂ = (x − μ)·σ⁻¹, written as a·g + b·x + c.
            long count = (long)_n * _s;
            double meanDy = sumDy / count, meanDyDev = sumDyDev / count;
            double k = (double)gammaInv * invStd * invStd * meanDyDev;
            b = (float)-k;
            c = (float)((k * mean) - (gammaInv * meanDy));
        }

        for (int n = 0; n < _n; n++)
        {
            PlaneMath.Combine(Plane(_dy, n, ch), training ? Plane(_x, n, ch) : default, Plane(_y, n, ch), a, b, c,
                new Span<float>(_dx + ((nint)n * _c + ch) * _s, _s));
        }
    }
}
