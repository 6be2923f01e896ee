using System.Numerics.Tensors;
using Frost.Kernels.Blas;
using Frost.Kernels.Internal;
using Frost.Kernels.Threading;

namespace Frost.Kernels.Attention;

/// <summary>
/// Attention work split over threads by (item, head) block; every block runs its GEMMs on one thread, so the result
/// does not depend on how blocks are spread.
/// </summary>
internal sealed unsafe class AttentionRunner : IParallelWork
{
    // NOTE: a block of 128 queries x 128 keys x 32 features is about 0.5 M multiply-adds per GEMM; below ~1 M
    // multiply-adds per task a second thread costs more than it saves.
    private const long MinFmaPerTask = 1L << 20;

    [ThreadStatic] private static AttentionRunner? t_runner;

    private bool _backward;
    private AttentionShape _s;
    private int[] _kept = [];
    private float* _q;
    private float* _k;
    private float* _v;
    private float* _mask;
    private float* _o;
    private float* _p;
    private float* _dO;
    private float* _dQ;
    private float* _dK;
    private float* _dV;
    private int _tasks;

    public static AttentionRunner Current => t_runner ??= new AttentionRunner();

    public void Forward(AttentionShape s, float* q, float* k, float* v, float* mask, int[] kept, float* o, float* p)
    {
        Setup(false, s, q, k, v, kept);
        _mask = mask;
        _o = o;
        _p = p;
        Dispatch(2);
    }

    public void Backward(AttentionShape s, float* q, float* k, float* v, float* p, int[] kept, float* dO, float* dQ, float* dK, float* dV)
    {
        Setup(true, s, q, k, v, kept);
        _p = p;
        _dO = dO;
        _dQ = dQ;
        _dK = dK;
        _dV = dV;
        Dispatch(4);
    }

    /// <inheritdoc/>
    public void Execute(int index)
    {
        int blocks = _s.Batch * _s.Heads;
        int b0 = (int)((long)blocks * index / _tasks);
        int b1 = (int)((long)blocks * (index + 1) / _tasks);
        for (int b = b0; b < b1; b++)
        {
            if (_backward)
            {
                BackwardBlock(b / _s.Heads, b % _s.Heads);
            }
            else
            {
                ForwardBlock(b / _s.Heads, b % _s.Heads);
            }
        }
    }

    private void Setup(bool backward, AttentionShape s, float* q, float* k, float* v, int[] kept)
    {
        _backward = backward;
        _s = s;
        _q = q;
        _k = k;
        _v = v;
        _kept = kept;
        _mask = _o = _p = _dO = _dQ = _dK = _dV = null;
    }

    private void Dispatch(int gemms)
    {
        int blocks = _s.Batch * _s.Heads;
        if (blocks == 0 || _s.QueryLength == 0)
        {
            if (_backward)
            {
                ClearRows(_dK, _s.Batch * _s.KeyLength);
                ClearRows(_dV, _s.Batch * _s.KeyLength);
            }

            return;
        }

        long fma = (long)gemms * blocks * _s.Block * _s.HeadSize;
        _tasks = (int)Math.Clamp(fma / MinFmaPerTask, 1, Math.Min(blocks, KernelOptions.MaxThreads));
        try
        {
            if (_tasks == 1)
            {
                Execute(0);
            }
            else
            {
                WorkerPool.Run(this, _tasks);
            }
        }
        finally
        {
            _q = _k = _v = _mask = _o = _p = _dO = _dQ = _dK = _dV = null;
            _kept = [];
        }
    }

    private void ForwardBlock(int n, int h)
    {
        int tq = _s.QueryLength, tk = _s.KeyLength, dh = _s.HeadSize, ld = _s.Width;
        int kl = _kept[n];
        float* q = _q + ((long)n * tq * ld) + (h * dh);
        float* k = _k + ((long)n * tk * ld) + (h * dh);
        float* v = _v + ((long)n * tk * ld) + (h * dh);
        float* o = _o + ((long)n * tq * ld) + (h * dh);
        float* p = _p != null ? _p + (((long)n * _s.Heads) + h) * _s.Block : Scratch.Work.Get(_s.Block);
        if (kl == 0)
        {
            // Every key is masked: no weights, a zero output.
            ClearBlock(o, tq, dh, ld);
            if (_p != null)
            {
                new Span<float>(p, (int)_s.Block).Clear();
            }

            return;
        }

        // S = scale · Q·Kᵀ over the keys up to the last kept one, then a masked softmax in place.
        Gemm(false, true, tq, kl, dh, _s.Scale, q, ld, k, ld, p, tk);
        float* mask = _mask != null ? _mask + ((long)n * tk) : null;
        for (int i = 0; i < tq; i++)
        {
            var row = new Span<float>(p + ((long)i * tk), kl);
            if (mask != null)
            {
                for (int j = 0; j < kl; j++)
                {
                    if (mask[j] == 0f)
                    {
                        row[j] = float.NegativeInfinity;
                    }
                }
            }

            // NOTE: the last key in range is always kept, so the maximum is finite unless the scores overflowed.
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Multiply(row, 1f / TensorPrimitives.Sum(row), row);
            if (_p != null && kl < tk)
            {
                new Span<float>(p + ((long)i * tk) + kl, tk - kl).Clear();
            }
        }

        // O = P·V.
        Gemm(false, false, tq, dh, kl, 1f, p, tk, v, ld, o, ld);
    }

    private void BackwardBlock(int n, int h)
    {
        int tq = _s.QueryLength, tk = _s.KeyLength, dh = _s.HeadSize, ld = _s.Width;
        int kl = _kept[n];
        long qOff = ((long)n * tq * ld) + (h * dh), kOff = ((long)n * tk * ld) + (h * dh);
        float* p = _p + (((long)n * _s.Heads) + h) * _s.Block;
        float* dO = _dO + qOff;
        if (kl == 0)
        {
            ClearBlock(_dQ == null ? null : _dQ + qOff, tq, dh, ld);
            ClearBlock(_dK == null ? null : _dK + kOff, tk, dh, ld);
            ClearBlock(_dV == null ? null : _dV + kOff, tk, dh, ld);
            return;
        }

        if (_dV != null)
        {
            // dV = Pᵀ·dO; keys past the last kept one got no weight.
            Gemm(true, false, kl, dh, tq, 1f, p, tk, dO, ld, _dV + kOff, ld);
            ClearBlock(_dV + kOff + ((long)kl * ld), tk - kl, dh, ld);
        }

        if (_dQ == null && _dK == null)
        {
            return;
        }

        // dP = dO·Vᵀ, then dS = P ⊙ (dP − rowsum(P ⊙ dP)) in place.
        float* ds = Scratch.Work.Get(_s.Block);
        Gemm(false, true, tq, kl, dh, 1f, dO, ld, _v + kOff, ld, ds, tk);
        for (int i = 0; i < tq; i++)
        {
            var pr = new ReadOnlySpan<float>(p + ((long)i * tk), kl);
            var dr = new Span<float>(ds + ((long)i * tk), kl);
            float dot = TensorPrimitives.Dot(pr, dr);
            TensorPrimitives.Subtract(dr, dot, dr);
            TensorPrimitives.Multiply(dr, pr, dr);
        }

        if (_dQ != null)
        {
            Gemm(false, false, tq, dh, kl, _s.Scale, ds, tk, _k + kOff, ld, _dQ + qOff, ld);
        }

        if (_dK != null)
        {
            Gemm(true, false, kl, dh, tq, _s.Scale, ds, tk, _q + qOff, ld, _dK + kOff, ld);
            ClearBlock(_dK + kOff + ((long)kl * ld), tk - kl, dh, ld);
        }
    }

    /// <summary>C = alpha · op(A)·op(B) on this thread (all sizes positive).</summary>
    private static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float* c, int ldc)
    {
        var problem = new GemmProblem
        {
            A = a,
            B = b,
            C = c,
            Lda = lda,
            Ldb = ldb,
            Ldc = ldc,
            M = m,
            N = n,
            K = k,
            Alpha = alpha,
            Beta = 0f,
            TransA = transA,
            TransB = transB,
        };
        Kernels.Gemm.Run(Kernels.Gemm.ActivePath, problem, 1);
    }

    private static void ClearBlock(float* dst, int rows, int cols, int ld)
    {
        if (dst == null)
        {
            return;
        }

        for (int r = 0; r < rows; r++)
        {
            new Span<float>(dst + ((long)r * ld), cols).Clear();
        }
    }

    private void ClearRows(float* dst, int rows)
    {
        if (dst != null)
        {
            new Span<float>(dst, rows * _s.Width).Clear();
        }
    }
}
