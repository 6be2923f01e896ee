using System.Runtime.CompilerServices;
using Frost.Kernels.Internal;
using Frost.Kernels.Threading;

namespace Frost.Kernels.Blas;

/// <summary>How the driver reads op(A).</summary>
internal enum AKind
{
    /// <summary>A dense row-major matrix at <see cref="GemmProblem.A"/> with <see cref="GemmProblem.Lda"/>, maybe transposed.</summary>
    Dense,

    /// <summary>
    /// Row i of op(A) starts at <c>ATable[i]</c> (i &lt; M); depth runs along the row. With <see cref="GemmProblem.ASegment"/>
    /// = L the depth is split into segments of L, each with its own table of M rows: depth p of row i is
    /// <c>ATable[(p / L)·M + i][p % L]</c>.
    /// </summary>
    RowTable,

    /// <summary>
    /// Depth p of op(A) starts at <c>ATable[p]</c> (p &lt; K); rows run along it. With <see cref="GemmProblem.ASegment"/>
    /// = L (a multiple of the tile height) the rows are split into segments of L, each with its own table of K depth rows:
    /// row i at depth p is <c>ATable[(i / L)·K + p][i % L]</c>.
    /// </summary>
    DepthTable,
}

/// <summary>Pointers and scalars of one SGEMM call (row-major, as stored).</summary>
internal unsafe struct GemmProblem
{
    public AKind AKind;
    public float** ATable;
    public int ASegment;
    public float* A;
    public float* B;

    /// <summary>If set, op(B) already packed by <see cref="GemmDriver{TK}.PrePackB"/>; <see cref="B"/> is ignored.</summary>
    public float* PackedB;
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
/// The blocked SGEMM loop nest (Goto/BLIS order: NC panels of B, KC depth blocks, MC blocks of A, then MR×NR
/// micro-tiles), generic over the micro-kernel so each path is compiled with its own constants.
/// </summary>
/// <remarks>
/// <para>B is always packed. A is packed per MC×KC block unless B has few columns, in which case it is read in place.
/// Edge slivers are always packed (zero-padded) so no kernel reads past the end of an operand.</para>
/// <para>Threads split each panel of C into a fixed grid of row and column ranges; the depth loop is never split,
/// so every element of C is summed in the same order whatever the thread count, and results are reproducible.</para>
/// </remarks>
internal sealed unsafe class GemmDriver<TK> : IParallelWork
    where TK : struct, IMicroKernel
{
    // NOTE: measured on Sapphire Rapids: packing A costs about one micro-kernel pass over it, so with two or four
    // B slivers per panel reading A in place is faster (3136x64x576: 48% -> 79% of the FMA peak on one core).
    // Reading B in place never won: its rows are a large power-of-two-ish stride apart and collide in L1.
    private const int DirectAMaxColumns = 128;

    [ThreadStatic] private static GemmDriver<TK>? t_driver;

    private readonly PackPhase _packPhase;
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
    private bool _directA;

    private GemmDriver() => _packPhase = new PackPhase(this);

    /// <summary>Runs the problem on up to <paramref name="threads"/> threads; k must be positive.</summary>
    public static void Run(in GemmProblem p, int threads) => (t_driver ??= new GemmDriver<TK>()).RunCore(p, threads);

    private void RunCore(in GemmProblem p, int threads)
    {
        _p = p;
        int rowSlivers = DivUp(p.M, TK.MR);
        int colSlivers = DivUp(Math.Min(p.N, TK.NC), TK.NR);
        _threads = Math.Max(1, Math.Min(threads, rowSlivers * colSlivers));
        (_tm, _tn) = ChooseGrid(_threads, rowSlivers, colSlivers);
        // NOTE: a transposed A read in place takes one cache line per depth step, a page apart, which defeats the
        // prefetchers (3136x64x576 TT: 0.43-0.52x of the 1024^3 rate in place, 0.70x packed), so it is always packed.
        // Depth tables over a padded image touch few, nearby lines and are read in place (64ch 56x56 3x3 forward:
        // 1.23x the SGEMM-1024 time in place, 1.61x packed).
        _directA = p.N <= DirectAMaxColumns && !(p.AKind == AKind.Dense && p.TransA);
        int nPad = DivUp(p.N, TK.NR) * TK.NR;
        if (p.PackedB == null)
        {
            long panel = (long)DivUp(Math.Min(p.N, TK.NC), TK.NR) * TK.NR * Math.Min(p.K, TK.KC);
            _bp = Scratch.PackB.Get(panel);
        }

        try
        {
            for (int jc = 0; jc < p.N; jc += TK.NC)
            {
                _jc = jc;
                _nc = Math.Min(TK.NC, p.N - jc);
                for (int pc = 0; pc < p.K; pc += _kc)
                {
                    _pc = pc;
                    _kc = Math.Min(TK.KC, p.K - pc);
                    if (p.AKind == AKind.RowTable && p.ASegment > 0 && _directA)
                    {
                        // NOTE: the in-place kernel follows one row table per call; packed blocks may span segments.
                        _kc = Math.Min(_kc, p.ASegment - pc % p.ASegment);
                    }

                    _beta = pc == 0 ? p.Beta : 1f;
                    if (p.PackedB == null)
                    {
                        Dispatch(_packPhase);
                    }
                    else
                    {
                        _bp = p.PackedB + (nint)pc * nPad + (nint)(jc / TK.NR) * _kc * TK.NR;
                    }

                    Dispatch(this);
                }
            }
        }
        finally
        {
            _p = default;
            _bp = null;
        }
    }

    /// <summary>Floats needed to pre-pack a K×N op(B).</summary>
    public static long PackedBLength(int k, int n) => (long)k * DivUp(n, TK.NR) * TK.NR;

    /// <summary>
    /// Packs slivers <paramref name="s0"/>..<paramref name="s1"/> of op(B) (K×N) in the layout the driver reads: depth
    /// blocks of KC, each holding NR-wide slivers. Disjoint sliver ranges may be packed concurrently.
    /// </summary>
    public static void PrePackB(float* b, nint ldb, bool transB, int k, int n, float* dst, int s0, int s1)
    {
        int nPad = DivUp(n, TK.NR) * TK.NR;
        for (int pc = 0; pc < k; pc += TK.KC)
        {
            int kc = Math.Min(TK.KC, k - pc);
            float* d = dst + (nint)pc * nPad + (nint)s0 * kc * TK.NR;
            if (!transB)
            {
                Packing.PackContiguous(new StridedRows(b + pc * ldb, ldb), n, kc, TK.NR, s0, s1, d);
            }
            else
            {
                Packing.PackStrided(new StridedRows(b + pc, ldb), n, kc, TK.NR, s0, s1, d);
            }
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

    private void Dispatch(IParallelWork work)
    {
        if (_threads == 1)
        {
            work.Execute(0);
        }
        else
        {
            WorkerPool.Run(work, _threads);
        }
    }

    /// <summary>Compute phase: task <paramref name="index"/> computes its tile of the current panel.</summary>
    public void Execute(int index) => Compute(index);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackB(int t)
    {
        int slivers = DivUp(_nc, TK.NR);
        int s0 = (int)((long)slivers * t / _threads);
        int s1 = (int)((long)slivers * (t + 1) / _threads);
        float* dst = _bp + (nint)s0 * _kc * TK.NR;
        if (!_p.TransB)
        {
            Packing.PackContiguous(new StridedRows(_p.B + _pc * _p.Ldb + _jc, _p.Ldb), _nc, _kc, TK.NR, s0, s1, dst);
        }
        else
        {
            Packing.PackStrided(new StridedRows(_p.B + _jc * _p.Ldb + _pc, _p.Ldb), _nc, _kc, TK.NR, s0, s1, dst);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

        long aFloats = (long)DivUp(Math.Min(TK.MC, r1 - r0), mr) * mr * kc;
        float* ap = Scratch.PackA.Get(aFloats);
        float* tile = stackalloc float[TK.MR * TK.NR];
        float** rows = stackalloc float*[TK.MR];
        for (int ic = r0; ic < r1; ic += TK.MC)
        {
            int mc = Math.Min(TK.MC, r1 - ic);
            int aSlivers = DivUp(mc, mr);
            if (!_directA)
            {
                PackA(ic, mc, 0, aSlivers, ap);
            }
            else if (mc % mr != 0)
            {
                PackA(ic, mc, aSlivers - 1, aSlivers, ap + (nint)(aSlivers - 1) * kc * mr);
            }

            if (_directA)
            {
                // NOTE: an unpacked A sliver stays in L1 while the few B slivers stream past it.
                for (int s = 0; s < aSlivers; s++)
                {
                    for (int js = c0; js < c1; js++)
                    {
                        Tile(ic, mc, s, js, ap, rows, tile);
                    }
                }
            }
            else
            {
                for (int js = c0; js < c1; js++)
                {
                    for (int s = 0; s < aSlivers; s++)
                    {
                        Tile(ic, mc, s, js, ap, rows, tile);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Tile(int ic, int mc, int s, int js, float* ap, float** rows, float* tile)
    {
        int mr = TK.MR, nr = TK.NR, kc = _kc;
        int j = js * nr;
        int nValid = Math.Min(nr, _nc - j);
        float* b = _bp + (nint)js * kc * nr;
        int i = s * mr;
        int mValid = Math.Min(mr, mc - i);
        nint ldc = _p.Ldc;
        float* c = _p.C + (ic + i) * ldc + _jc + j;
        bool full = mValid == mr && nValid == nr;
        float* dst = full ? c : tile;
        nint ldd = full ? ldc : nr;
        float alpha = full ? _p.Alpha : 1f, beta = full ? _beta : 0f;
        if (_directA && mValid == mr)
        {
            if (_p.AKind == AKind.RowTable)
            {
                float** table = RowTableBlock(out nint offset);
                TK.ComputeRowsA(kc, table + ic + i, offset, b, nr, dst, ldd, alpha, beta);
            }
            else if (_p.AKind == AKind.DepthTable)
            {
                int row = ic + i, sg = _p.ASegment > 0 ? row / _p.ASegment : 0;
                TK.ComputeDepthA(kc, _p.ATable + (nint)sg * _p.K + _pc, row - sg * _p.ASegment, b, nr, dst, ldd, alpha, beta);
            }
            else if (_p.TransA)
            {
                TK.Compute(kc, _p.A + _pc * _p.Lda + ic + i, _p.Lda, b, nr, dst, ldd, alpha, beta);
            }
            else
            {
                for (int r = 0; r < mr; r++)
                {
                    rows[r] = _p.A + (ic + i + r) * _p.Lda;
                }

                TK.ComputeRowsA(kc, rows, _pc, b, nr, dst, ldd, alpha, beta);
            }
        }
        else
        {
            TK.Compute(kc, ap + (nint)s * kc * mr, mr, b, nr, dst, ldd, alpha, beta);
        }

        if (!full)
        {
            MergeTile(tile, nr, c, ldc, mValid, nValid, _p.Alpha, _beta);
        }
    }

    private void PackA(int ic, int mc, int s0, int s1, float* dst)
    {
        switch (_p.AKind)
        {
            case AKind.RowTable when _p.ASegment > 0:
                {
                    // Pack the block's depth range segment by segment, each piece from its own row table.
                    int seg = _p.ASegment;
                    for (int p = _pc; p < _pc + _kc;)
                    {
                        int sg = p / seg;
                        int end = Math.Min(_pc + _kc, (sg + 1) * seg);
                        var rows = new TableRows(_p.ATable + (nint)sg * _p.M + ic, p - sg * seg);
                        Packing.PackStrided(rows, mc, end - p, TK.MR, s0, s1, dst + (nint)(p - _pc) * TK.MR, (nint)_kc * TK.MR);
                        p = end;
                    }

                    break;
                }

            case AKind.RowTable:
                Packing.PackStrided(new TableRows(_p.ATable + ic, _pc), mc, _kc, TK.MR, s0, s1, dst);
                break;

            case AKind.DepthTable when _p.ASegment > 0:
                {
                    // Runs of slivers within one row segment share a table.
                    int seg = _p.ASegment;
                    for (int s = s0; s < s1;)
                    {
                        int row = ic + s * TK.MR;
                        int sg = row / seg;
                        int run = Math.Min(s1, s + (((sg + 1) * seg) - row + TK.MR - 1) / TK.MR);
                        int lane0 = row - sg * seg;
                        var rows = new TableRows(_p.ATable + (nint)sg * _p.K + _pc, lane0);
                        int count = Math.Min(mc - s * TK.MR, seg - lane0);
                        Packing.PackContiguous(rows, count, _kc, TK.MR, 0, run - s, dst + (nint)(s - s0) * _kc * TK.MR);
                        s = run;
                    }

                    break;
                }

            case AKind.DepthTable:
                Packing.PackContiguous(new TableRows(_p.ATable + _pc, ic), mc, _kc, TK.MR, s0, s1, dst);
                break;
            default:
                if (!_p.TransA)
                {
                    Packing.PackStrided(new StridedRows(_p.A + ic * _p.Lda + _pc, _p.Lda), mc, _kc, TK.MR, s0, s1, dst);
                }
                else
                {
                    Packing.PackContiguous(new StridedRows(_p.A + _pc * _p.Lda + ic, _p.Lda), mc, _kc, TK.MR, s0, s1, dst);
                }

                break;
        }
    }

    /// <summary>The row table of the current depth block of a row-table operand, and the depth offset into its rows.</summary>
    private float** RowTableBlock(out nint offset)
    {
        if (_p.ASegment <= 0)
        {
            offset = _pc;
            return _p.ATable;
        }

        int sg = _pc / _p.ASegment;
        offset = _pc - sg * _p.ASegment;
        return _p.ATable + (nint)sg * _p.M;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>The packing phase of the current panel, as its own work item for the pool.</summary>
    private sealed class PackPhase(GemmDriver<TK> owner) : IParallelWork
    {
        public void Execute(int index) => owner.PackB(index);
    }
}
