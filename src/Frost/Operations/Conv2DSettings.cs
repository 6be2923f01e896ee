namespace Frost.Operations;

/// <summary>Stride, padding (possibly asymmetric), dilation and groups of a 2-D convolution or pooling window.</summary>
/// <param name="StrideH">Vertical stride.</param>
/// <param name="StrideW">Horizontal stride.</param>
/// <param name="PadTop">Zero rows added above.</param>
/// <param name="PadLeft">Zero columns added on the left.</param>
/// <param name="PadBottom">Zero rows added below.</param>
/// <param name="PadRight">Zero columns added on the right.</param>
/// <param name="DilationH">Vertical dilation.</param>
/// <param name="DilationW">Horizontal dilation.</param>
/// <param name="Groups">Channel groups (1: dense; input channels: depthwise).</param>
public readonly record struct Conv2DSettings(
    int StrideH = 1, int StrideW = 1, int PadTop = 0, int PadLeft = 0, int PadBottom = 0, int PadRight = 0,
    int DilationH = 1, int DilationW = 1, int Groups = 1)
{
    /// <summary>Stride 1, no padding.</summary>
    public static Conv2DSettings Default => new(1, 1, 0, 0, 0, 0, 1, 1, 1);

    /// <summary>The same stride, padding and dilation in both directions.</summary>
    public static Conv2DSettings Symmetric(int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => new(stride, stride, padding, padding, padding, padding, dilation, dilation, groups);
}
