namespace Frost.Layers;

/// <summary>
/// The residual block of ResNet-18/34: <c>relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))</c> with 3×3
/// convolutions; the shortcut is a 1×1 convolution and batch norm (<c>downsample</c>) when the stride or
/// channel count changes, the identity otherwise.
/// </summary>
/// <remarks>He et al., "Deep Residual Learning for Image Recognition", 2015.</remarks>
public sealed class BasicBlock : Block
{
    /// <summary>Creates the block.</summary>
    public BasicBlock(int inChannels, int outChannels, int stride, Rng rng, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Conv1 = AddLayer(new Conv2D(inChannels, outChannels, 3, rng, stride: stride, padding: 1, useBias: false), "conv1");
        Bn1 = AddLayer(new BatchNorm2D(outChannels), "bn1");
        Conv2 = AddLayer(new Conv2D(outChannels, outChannels, 3, rng, padding: 1, useBias: false), "conv2");
        Bn2 = AddLayer(new BatchNorm2D(outChannels), "bn2");
        if (stride != 1 || inChannels != outChannels)
        {
            Downsample = AddLayer(
                new Sequential(new Conv2D(inChannels, outChannels, 1, rng, stride: stride, useBias: false, name: "conv"), new BatchNorm2D(outChannels, name: "bn")),
                "downsample");
        }
    }

    /// <summary>Wraps existing layers (e.g. imported weights) into a block.</summary>
    public BasicBlock(Conv2D conv1, BatchNorm2D bn1, Conv2D conv2, BatchNorm2D bn2, Sequential? downsample, string? name = null)
        : base(name)
    {
        Conv1 = AddLayer(conv1, "conv1");
        Bn1 = AddLayer(bn1, "bn1");
        Conv2 = AddLayer(conv2, "conv2");
        Bn2 = AddLayer(bn2, "bn2");
        Downsample = downsample is null ? null : AddLayer(downsample, "downsample");
    }

    /// <summary>First 3×3 convolution (carries the stride).</summary>
    public Conv2D Conv1 { get; }

    /// <summary>First batch norm.</summary>
    public BatchNorm2D Bn1 { get; }

    /// <summary>Second 3×3 convolution.</summary>
    public Conv2D Conv2 { get; }

    /// <summary>Second batch norm.</summary>
    public BatchNorm2D Bn2 { get; }

    /// <summary>The projection shortcut, when the shape changes.</summary>
    public Sequential? Downsample { get; }

    /// <inheritdoc/>
    protected override Flow Define(Flow input)
    {
        var main = input.Then(Conv1).Then(Bn1).Relu().Then(Conv2).Then(Bn2);
        var shortcut = Downsample is null ? input : input.Then(Downsample);
        return (main + shortcut).Relu();
    }
}
