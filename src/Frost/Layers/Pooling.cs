namespace Frost.Layers;

/// <summary>Max pooling over NCHW input (<see cref="Ops.MaxPool2D(Tensor, int, int, Conv2DSettings, bool)"/>).</summary>
public sealed class MaxPool2D : Layer
{
    /// <summary>A square window with symmetric stride and padding.</summary>
    public MaxPool2D(int kernelSize, int stride, int padding = 0, bool ceilMode = false, string? name = null)
        : this(kernelSize, kernelSize, Conv2DSettings.Symmetric(stride, padding), ceilMode, name)
    {
    }

    /// <summary>Any window, stride and (asymmetric) padding.</summary>
    public MaxPool2D(int kernelHeight, int kernelWidth, Conv2DSettings settings, bool ceilMode = false, string? name = null)
        : base(name)
    {
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Settings = settings;
        CeilMode = ceilMode;
    }

    /// <summary>Window height.</summary>
    public int KernelHeight { get; }

    /// <summary>Window width.</summary>
    public int KernelWidth { get; }

    /// <summary>Stride and padding.</summary>
    public Conv2DSettings Settings { get; }

    /// <summary>Whether output sizes round up.</summary>
    public bool CeilMode { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input) => Ops.MaxPool2D(input, KernelHeight, KernelWidth, Settings, CeilMode);
}

/// <summary>Average pooling over NCHW input (<see cref="Ops.AvgPool2D(Tensor, int, int, Conv2DSettings, bool, bool)"/>).</summary>
public sealed class AvgPool2D : Layer
{
    /// <summary>A square window with symmetric stride and padding.</summary>
    public AvgPool2D(int kernelSize, int stride, int padding = 0, bool countIncludePad = false, string? name = null)
        : this(kernelSize, kernelSize, Conv2DSettings.Symmetric(stride, padding), countIncludePad, false, name)
    {
    }

    /// <summary>Any window, stride and (asymmetric) padding.</summary>
    public AvgPool2D(int kernelHeight, int kernelWidth, Conv2DSettings settings, bool countIncludePad = false, bool ceilMode = false, string? name = null)
        : base(name)
    {
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Settings = settings;
        CountIncludePad = countIncludePad;
        CeilMode = ceilMode;
    }

    /// <summary>Window height.</summary>
    public int KernelHeight { get; }

    /// <summary>Window width.</summary>
    public int KernelWidth { get; }

    /// <summary>Stride and padding.</summary>
    public Conv2DSettings Settings { get; }

    /// <summary>Whether padded positions count in the divisor.</summary>
    public bool CountIncludePad { get; }

    /// <summary>Whether output sizes round up.</summary>
    public bool CeilMode { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input) => Ops.AvgPool2D(input, KernelHeight, KernelWidth, Settings, CountIncludePad, CeilMode);
}

/// <summary>Mean over the spatial axes: [N, C, H, W] → [N, C] (or [N, C, 1, 1] with keepDims).</summary>
public sealed class GlobalAvgPool(bool keepDims = false, string? name = null) : Layer(name)
{
    /// <summary>Whether the output keeps its 1×1 spatial axes.</summary>
    public bool KeepDims { get; } = keepDims;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input)
    {
        var y = Ops.GlobalAvgPool(input);
        return KeepDims ? y : Ops.Reshape(y, input.Shape[0], input.Shape[1]);
    }
}
