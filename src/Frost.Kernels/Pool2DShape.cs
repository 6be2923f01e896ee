namespace Frost.Kernels;

/// <summary>
/// Geometry of 2-D pooling over NCHW tensors: input [N, C, H, W], output [N, C, OH, OW]. Sizes follow PyTorch
/// (and ONNX): <c>OH = floor((H + PadTop + PadBottom − KernelHeight) / StrideH) + 1</c>, or with
/// <see cref="CeilMode"/> the ceiling, dropping a last window that would start in the bottom padding.
/// </summary>
/// <param name="Batch">Images (N).</param>
/// <param name="Channels">Channels (C).</param>
/// <param name="InHeight">Input height (H).</param>
/// <param name="InWidth">Input width (W).</param>
/// <param name="KernelHeight">Window height.</param>
/// <param name="KernelWidth">Window width.</param>
/// <param name="StrideH">Vertical stride.</param>
/// <param name="StrideW">Horizontal stride.</param>
/// <param name="PadTop">Implicit rows above the input (never selected by max, zeros for average).</param>
/// <param name="PadLeft">Implicit columns left of the input.</param>
/// <param name="PadBottom">Implicit rows below the input.</param>
/// <param name="PadRight">Implicit columns right of the input.</param>
/// <param name="CountIncludePad">Average pooling: divide by the window size including padding (clipped to the padded
/// input) rather than by the number of input elements in the window.</param>
/// <param name="CeilMode">Round the output size up instead of down.</param>
public readonly record struct Pool2DShape(
    int Batch, int Channels, int InHeight, int InWidth, int KernelHeight, int KernelWidth,
    int StrideH, int StrideW, int PadTop = 0, int PadLeft = 0, int PadBottom = 0, int PadRight = 0,
    bool CountIncludePad = false, bool CeilMode = false)
{
    /// <summary>Output height.</summary>
    public int OutHeight => OutSize(InHeight, PadTop, PadBottom, KernelHeight, StrideH, CeilMode);

    /// <summary>Output width.</summary>
    public int OutWidth => OutSize(InWidth, PadLeft, PadRight, KernelWidth, StrideW, CeilMode);

    /// <summary>Elements of the input tensor (N·C·H·W).</summary>
    public int InputLength => checked(Batch * Channels * InHeight * InWidth);

    /// <summary>Elements of the output tensor (N·C·OH·OW).</summary>
    public int OutputLength => checked(Batch * Channels * OutHeight * OutWidth);

    /// <summary>Checks that the geometry is consistent and the tensors fit in spans.</summary>
    /// <exception cref="ArgumentException">A size is out of range, a pad is not smaller than the window, or the window
    /// is larger than the padded input.</exception>
    public void Validate()
    {
        const string Op = "Pool2D";
        if (Batch < 0 || Channels < 1 || InHeight < 1 || InWidth < 1 || KernelHeight < 1 || KernelWidth < 1 || StrideH < 1 || StrideW < 1)
        {
            throw new ArgumentException($"{Op}: sizes and strides must be positive (batch non-negative), got {this}.");
        }

        if (PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0)
        {
            throw new ArgumentException($"{Op}: pads must be non-negative, got {this}.");
        }

        if (PadTop >= KernelHeight || PadBottom >= KernelHeight || PadLeft >= KernelWidth || PadRight >= KernelWidth)
        {
            throw new ArgumentException($"{Op}: each pad must be smaller than the window, so no window lies entirely in padding; got {this}.");
        }

        if ((long)InHeight + PadTop + PadBottom < KernelHeight || (long)InWidth + PadLeft + PadRight < KernelWidth)
        {
            throw new ArgumentException($"{Op}: the window is larger than the padded input, got {this}.");
        }

        if ((long)Batch * Channels * InHeight * InWidth > int.MaxValue || (long)Batch * Channels * OutHeight * OutWidth > int.MaxValue)
        {
            throw new ArgumentException($"{Op}: a tensor exceeds the span limit ({this}).");
        }
    }

    private static int OutSize(int input, int padA, int padB, int kernel, int stride, bool ceil)
    {
        if (stride < 1)
        {
            return 0;
        }

        long span = (long)input + padA + padB - kernel;
        long o = (ceil ? (span + stride - 1) / stride : span / stride) + 1;

        // NOTE: PyTorch's rule: in ceil mode the last window must start inside the input or the leading padding.
        if (ceil && (o - 1) * stride >= (long)input + padA)
        {
            o--;
        }

        return (int)Math.Max(0, o);
    }
}
