namespace Frost.Kernels;

/// <summary>Pooling geometry (temporary).</summary>
public readonly record struct Pool2DShape(int Batch, int Channels, int InHeight, int InWidth, int KernelHeight, int KernelWidth,
    int StrideH, int StrideW, int PadTop = 0, int PadLeft = 0, int PadBottom = 0, int PadRight = 0, bool CountIncludePad = false, bool CeilMode = false)
{
    /// <summary>Output height.</summary>
    public int OutHeight => Out(InHeight, PadTop, PadBottom, KernelHeight, StrideH);

    /// <summary>Output width.</summary>
    public int OutWidth => Out(InWidth, PadLeft, PadRight, KernelWidth, StrideW);

    /// <summary>Validates.</summary>
    public void Validate()
    {
        if (KernelHeight < 1 || KernelWidth < 1 || StrideH < 1 || StrideW < 1 || OutHeight < 1 || OutWidth < 1)
        {
            throw new ArgumentException("bad pool shape");
        }
    }

    private int Out(int n, int a, int b, int k, int s)
    {
        int span = n + a + b - k;
        int o = CeilMode ? ((span + s - 1) / s) + 1 : (span / s) + 1;
        if (CeilMode && (o - 1) * s >= n + a)
        {
            o--;
        }

        return o;
    }
}
