namespace Frost.Kernels.Convolution;

/// <summary>
/// Sizes derived from a <see cref="Conv2DShape"/> for one group, plus the layout of the stride-1 path: the input is
/// zero-padded into planes of <see cref="Hp"/>×<see cref="Wp"/> and the GEMM produces one row per position of a
/// "wide" output of <see cref="OH"/>×<see cref="Wp"/>, whose last columns are dropped.
/// </summary>
/// <remarks>Pads may be negative here (cropping): backward-input runs as a forward convolution with such pads.</remarks>
internal readonly struct ConvGeometry
{
    public readonly int N, C, H, W, K, R, S, Sh, Sw, Pt, Pl, Pb, Pr, Dh, Dw, G, Cg, Kg, OH, OW;

    /// <summary>Depth of the GEMM: Cg·R·S.</summary>
    public readonly int Depth;

    /// <summary>Whether the stride-1 (padded, pointer-table) path applies.</summary>
    public readonly bool Stride1;

    /// <summary>Padded plane height and width (stride-1 path).</summary>
    public readonly int Hp, Wp;

    /// <summary>GEMM rows per image and group: OH·Wp on the stride-1 path, OH·OW otherwise.</summary>
    public readonly int Q;

    /// <summary>GEMM rows per output row: Wp on the stride-1 path, OW otherwise.</summary>
    public readonly int RowPitch;

    /// <summary>Whether the stride-1 path needs a padded copy of each image (pads, or a kernel wider than 1).</summary>
    public readonly bool NeedsPadCopy;

    /// <summary>Floats of a padded copy of one group of one image, including slack read by the last wide rows.</summary>
    public readonly int PaddedLength;

    public ConvGeometry(in Conv2DShape s)
        : this(s.Batch, s.InChannels, s.InHeight, s.InWidth, s.OutChannels, s.KernelHeight, s.KernelWidth,
            s.StrideH, s.StrideW, s.PadTop, s.PadLeft, s.PadBottom, s.PadRight, s.DilationH, s.DilationW, s.Groups)
    {
    }

    public ConvGeometry(int n, int c, int h, int w, int k, int r, int s, int sh, int sw, int pt, int pl, int pb, int pr, int dh, int dw, int g)
    {
        N = n;
        C = c;
        H = h;
        W = w;
        K = k;
        R = r;
        S = s;
        Sh = sh;
        Sw = sw;
        Pt = pt;
        Pl = pl;
        Pb = pb;
        Pr = pr;
        Dh = dh;
        Dw = dw;
        G = g;
        Cg = c / g;
        Kg = k / g;
        OH = (h + pt + pb - dh * (r - 1) - 1) / sh + 1;
        OW = (w + pl + pr - dw * (s - 1) - 1) / sw + 1;
        Depth = Cg * r * s;
        Stride1 = sh == 1 && sw == 1;
        Hp = h + pt + pb;
        Wp = w + pl + pr;
        Q = Stride1 ? OH * Wp : OH * OW;
        RowPitch = Stride1 ? Wp : OW;
        int slack = (s - 1) * dw;
        NeedsPadCopy = pt != 0 || pl != 0 || pb != 0 || pr != 0 || slack != 0;
        PaddedLength = Cg * Hp * Wp + slack;
    }

    /// <summary>Spatial size of one input plane.</summary>
    public int InPlane => H * W;

    /// <summary>Spatial size of one output plane.</summary>
    public int OutPlane => OH * OW;

    /// <summary>
    /// Fills <paramref name="table"/> with the start of every depth row (c, r, s) of the stride-1 GEMM operand over the
    /// padded image at <paramref name="padded"/>: row p holds the input seen by tap (r, s) of channel c at each wide
    /// output position.
    /// </summary>
    public unsafe void FillTable(float* padded, float** table)
    {
        int plane = Hp * Wp;
        int p = 0;
        for (int c = 0; c < Cg; c++)
        {
            for (int r = 0; r < R; r++)
            {
                for (int s = 0; s < S; s++)
                {
                    table[p++] = padded + c * plane + r * Dh * Wp + s * Dw;
                }
            }
        }
    }
}
