using Frost.Kernels.Internal;
using Frost.Kernels.Threading;

namespace Frost.Kernels.Blas;

/// <summary>Pointers and scalars of one SGEMM call (row-major, as stored).</summary>
internal unsafe struct GemmProblem
{
    public float* A;
    public float* B;
    public float* C;
    public nint Lda;
    public nint Ldb;
    public nint Ldc;
    public int M;
    public int N;
    public int K;
    public float Alpha;
    public float Beta;
    public bool TransA;
    public bool TransB;
}

/// <summary>
/// The blocked SGEMM loop nest (Goto/BLIS order: NC panels of B, KC depth blocks, MC blocks of A, then NR×MR
/// micro-tiles), generic over the micro-kernel so each path is compiled with its own constants.
/// </summary>
/// <remarks>
/// Threads split each packed panel of C into a fixed grid of row and column ranges; the depth loop is never split,
/// so every element of C is summed in the same order whatever the thread count, and results are reproducible.
/// </remarks>
internal sealed unsafe class GemmDriver<TK> : IParallelWork
    where TK : struct, IMicroKernel
{
    [ThreadStatic] private static GemmDriver<TK>? t_driver;

    private GemmProblem _p;
    private float* _bp;
    private float _beta;
    private int _threads;
    private int _tm;
    private int _tn;
    private int _jc;
    private int _nc;
    private int _pc;
    private int _kc;
    private bool _packPhase;

    /// <summary>Runs the problem on up to <paramref name="threads"/> threads; k must be positive.</summary>
    public static void Run(in GemmProblem p, int threads) => (t_driver ??= new GemmDriver<TK>()).RunCore(p, threads);

    private void RunCore(in GemmProblem p, int threads)
    {
        _p = p;
        int rowSlivers = DivUp(p.M, TK.MR);
        int colSlivers = DivUp(Math.Min(p.N, TK.NC), TK.NR);
        _threads = Math.Max(1, Math.Min(threads, rowSlivers * colSlivers));
        (_tm, _tn) = ChooseGrid(_threads, rowSlivers, colSlivers);

        long panel = (long)DivUp(Math.Min(p.N, TK.NC), TK.NR) * TK.NR * Math.Min(p.K, TK.KC);
        _bp = Scratch.PackB.Get(panel);
        try
        {
            for (int jc = 0; jc < p.N; jc += TK.NC)
            {
                _jc = jc;
                _nc = Math.Min(TK.NC, p.N - jc);
                for (int pc = 0; pc < p.K; pc += TK.KC)
                {
                    _pc = pc;
                    _kc = Math.Min(TK.KC, p.K - pc);
                    _beta = pc == 0 ? p.Beta : 1f;
                    _packPhase = true;
                    Dispatch();
                    _packPhase = false;
                    Dispatch();
                }
            }
        }
        finally
        {
            _p = default;
            _bp = null;
        }
    }

    /// <summary>Splits the threads into a row × column grid that minimises the largest tile.</summary>
    private static (int Tm, int Tn) ChooseGrid(int threads, int rowSlivers, int colSlivers)
    {
        int bestTm = threads, bestTn = 1;
        long best = long.MaxValue;
        for (int tm = threads; tm >= 1; tm--)
        {
            if (threads % tm != 0)
            {
                continue;
            }

            int tn = threads / tm;
            long cost = (long)DivUp(rowSlivers, tm) * TK.MR * DivUp(colSlivers, tn) * TK.NR;

            // NOTE: splitting columns makes every thread pack the same A blocks; prefer rows on ties.
            if (cost < best)
            {
                best = cost;
                bestTm = tm;
                bestTn = tn;
            }
        }

        return (bestTm, bestTn);
    }

    private void Dispatch()
    {
        if (_threads == 1)
        {
            Execute(0);
        }
        else
        {
            WorkerPool.Run(this, _threads);
        }
    }

    /// <inheritdoc/>
    public void Execute(int index)
    {
        if (_packPhase)
        {
            PackB(index);
        }
        else
        {
            Compute(index);
        }
    }

    private void PackB(int t)
    {
        int slivers = DivUp(_nc, TK.NR);
        int s0 = (int)((long)slivers * t / _threads);
        int s1 = (int)((long)slivers * (t + 1) / _threads);
        if (!_p.TransB)
        {
            Packing.PackContiguous(_p.B + _pc * _p.Ldb + _jc, _p.Ldb, _nc, _kc, TK.NR, s0, s1, _bp);
        }
        else
        {
            Packing.PackStrided(_p.B + _jc * _p.Ldb + _pc, _p.Ldb, _nc, _kc, TK.NR, s0, s1, _bp);
        }
    }

    private void Compute(int t)
    {
        int mr = TK.MR, nr = TK.NR, kc = _kc;
        int ti = t / _tn, tj = t % _tn;
        int rowSlivers = DivUp(_p.M, mr);
        int colSlivers = DivUp(_nc, nr);
        int r0 = (int)((long)rowSlivers * ti / _tm) * mr;
        int r1 = Math.Min(_p.M, (int)((long)rowSlivers * (ti + 1) / _tm) * mr);
        int c0 = (int)((long)colSlivers * tj / _tn);
        int c1 = (int)((long)colSlivers * (tj + 1) / _tn);
        if (r0 >= r1 || c0 >= c1)
        {
            return;
        }

        float* ap = Scratch.PackA.Get((long)DivUp(Math.Min(TK.MC, r1 - r0), mr) * mr * kc);
        float* tile = stackalloc float[TK.MR * TK.NR];
        float alpha = _p.Alpha, beta = _beta;
        nint ldc = _p.Ldc;
        for (int ic = r0; ic < r1; ic += TK.MC)
        {
            int mc = Math.Min(TK.MC, r1 - ic);
            int aSlivers = DivUp(mc, mr);
            if (!_p.TransA)
            {
                Packing.PackStrided(_p.A + ic * _p.Lda + _pc, _p.Lda, mc, kc, mr, 0, aSlivers, ap);
            }
            else
            {
                Packing.PackContiguous(_p.A + _pc * _p.Lda + ic, _p.Lda, mc, kc, mr, 0, aSlivers, ap);
            }

            for (int js = c0; js < c1; js++)
            {
                int j = js * nr;
                int nValid = Math.Min(nr, _nc - j);
                float* bs = _bp + (nint)js * kc * nr;
                float* cCol = _p.C + ic * ldc + _jc + j;
                for (int s = 0; s < aSlivers; s++)
                {
                    int i = s * mr;
                    int mValid = Math.Min(mr, mc - i);
                    float* a = ap + (nint)s * kc * mr;
                    float* c = cCol + i * ldc;
                    if (mValid == mr && nValid == nr)
                    {
                        TK.Compute(kc, a, bs, c, ldc, alpha, beta);
                    }
                    else
                    {
                        TK.Compute(kc, a, bs, tile, nr, 1f, 0f);
                        MergeTile(tile, nr, c, ldc, mValid, nValid, alpha, beta);
                    }
                }
            }
        }
    }

    private static void MergeTile(float* tile, int nr, float* c, nint ldc, int rows, int cols, float alpha, float beta)
    {
        for (int i = 0; i < rows; i++)
        {
            float* t = tile + i * nr;
            float* ci = c + i * ldc;
            if (beta == 0f)
            {
                for (int j = 0; j < cols; j++)
                {
                    ci[j] = alpha * t[j];
                }
            }
            else
            {
                for (int j = 0; j < cols; j++)
                {
                    ci[j] = alpha * t[j] + beta * ci[j];
                }
            }
        }
    }

    private static int DivUp(int a, int b) => (a + b - 1) / b;
}
