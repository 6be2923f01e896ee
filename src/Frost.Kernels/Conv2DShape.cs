namespace Frost.Kernels;

/// <summary>
/// Geometry of a 2-D convolution: NCHW input [N, C, H, W], weight [K, C/groups, R, S] (ONNX/PyTorch layout),
/// output [N, K, OH, OW].
/// </summary>
/// <param name="Batch">Images in the batch (N).</param>
/// <param name="InChannels">Input channels (C).</param>
/// <param name="InHeight">Input height (H).</param>
/// <param name="InWidth">Input width (W).</param>
/// <param name="OutChannels">Output channels (K).</param>
/// <param name="KernelHeight">Kernel height (R).</param>
/// <param name="KernelWidth">Kernel width (S).</param>
/// <param name="StrideH">Vertical stride.</param>
/// <param name="StrideW">Horizontal stride.</param>
/// <param name="PadTop">Zero rows added above the input.</param>
/// <param name="PadLeft">Zero columns added left of the input.</param>
/// <param name="PadBottom">Zero rows added below the input.</param>
/// <param name="PadRight">Zero columns added right of the input.</param>
/// <param name="DilationH">Vertical spacing of kernel taps.</param>
/// <param name="DilationW">Horizontal spacing of kernel taps.</param>
/// <param name="Groups">Channel groups; InChannels and OutChannels must both divide by it (Groups = C is depthwise).</param>
public readonly record struct Conv2DShape(
    int Batch, int InChannels, int InHeight, int InWidth, int OutChannels,
    int KernelHeight, int KernelWidth, int StrideH = 1, int StrideW = 1,
    int PadTop = 0, int PadLeft = 0, int PadBottom = 0, int PadRight = 0,
    int DilationH = 1, int DilationW = 1, int Groups = 1)
{
    /// <summary>Output height: <c>(H + PadTop + PadBottom − DilationH·(R − 1) − 1) / StrideH + 1</c>.</summary>
    public int OutHeight => OutSize(InHeight, PadTop, PadBottom, KernelHeight, DilationH, StrideH);

    /// <summary>Output width: <c>(W + PadLeft + PadRight − DilationW·(S − 1) − 1) / StrideW + 1</c>.</summary>
    public int OutWidth => OutSize(InWidth, PadLeft, PadRight, KernelWidth, DilationW, StrideW);

    /// <summary>Elements of the input tensor (N·C·H·W).</summary>
    public int InputLength => checked(Batch * InChannels * InHeight * InWidth);

    /// <summary>Elements of the weight tensor (K·C/groups·R·S).</summary>
    public int WeightLength => checked(OutChannels * (InChannels / Math.Max(1, Groups)) * KernelHeight * KernelWidth);

    /// <summary>Elements of the output tensor (N·K·OH·OW).</summary>
    public int OutputLength => checked(Batch * OutChannels * OutHeight * OutWidth);

    /// <summary>Multiply-adds of one forward pass.</summary>
    public long MultiplyAdds =>
        (long)Batch * OutChannels * OutHeight * OutWidth * (InChannels / Math.Max(1, Groups)) * KernelHeight * KernelWidth;

    /// <summary>Checks that the geometry is consistent and the tensors fit in spans.</summary>
    /// <exception cref="ArgumentException">A size is out of range, the channels do not divide by the groups, or the
    /// (dilated) kernel is larger than the padded input.</exception>
    public void Validate()
    {
        const string Op = "Conv2D";
        if (Batch < 0 || InChannels < 1 || InHeight < 1 || InWidth < 1 || OutChannels < 1 || KernelHeight < 1 || KernelWidth < 1)
        {
            throw new ArgumentException($"{Op}: sizes must be positive (batch non-negative), got {this}.");
        }

        if (StrideH < 1 || StrideW < 1 || DilationH < 1 || DilationW < 1 || Groups < 1)
        {
            throw new ArgumentException($"{Op}: strides, dilations and groups must be at least 1, got {this}.");
        }

        if (PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0)
        {
            throw new ArgumentException($"{Op}: pads must be non-negative, got {this}.");
        }

        if (InChannels % Groups != 0 || OutChannels % Groups != 0)
        {
            throw new ArgumentException(
                $"{Op}: in channels ({InChannels}) and out channels ({OutChannels}) must both divide by groups ({Groups}).");
        }

        long extentH = (long)DilationH * (KernelHeight - 1) + 1, extentW = (long)DilationW * (KernelWidth - 1) + 1;
        if (extentH > (long)InHeight + PadTop + PadBottom || extentW > (long)InWidth + PadLeft + PadRight)
        {
            throw new ArgumentException(
                $"{Op}: the dilated kernel ({extentH}x{extentW}) is larger than the padded input " +
                $"({(long)InHeight + PadTop + PadBottom}x{(long)InWidth + PadLeft + PadRight}).");
        }

        long cg = InChannels / Groups;
        ReadOnlySpan<long> sizes =
        [
            (long)Batch * InChannels * InHeight * InWidth,
            (long)OutChannels * cg * KernelHeight * KernelWidth,
            (long)Batch * OutChannels * OutHeight * OutWidth,
            (long)(InHeight + PadTop + PadBottom + 1) * (InWidth + PadLeft + PadRight + KernelWidth * DilationW) * cg,
            cg * KernelHeight * KernelWidth * OutHeight * (long)(InWidth + PadLeft + PadRight),
        ];
        foreach (long size in sizes)
        {
            if (size > int.MaxValue)
            {
                throw new ArgumentException($"{Op}: a tensor or work buffer of {size} elements exceeds the span limit ({this}).");
            }
        }
    }

    private static int OutSize(int input, int padA, int padB, int kernel, int dilation, int stride) =>
        stride < 1 ? 0 : (int)(((long)input + padA + padB - (long)dilation * (kernel - 1) - 1) / stride + 1);
}
