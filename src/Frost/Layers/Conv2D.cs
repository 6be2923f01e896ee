using Frost.Adapters;

namespace Frost.Layers;

/// <summary>
/// 2-D convolution layer over NCHW input; kernel [out, in/groups, kh, kw] (He-normal), optional bias [out]. With a LoRA
/// adapter attached (<see cref="Lora"/>) and not merged, the adapter's low-rank update is added to the output.
/// </summary>
public sealed class Conv2D : Layer
{
    /// <summary>Creates a square-kernel convolution with symmetric stride and padding.</summary>
    public Conv2D(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool useBias = true, string? name = null)
        : this(inChannels, outChannels, kernelSize, kernelSize, rng, Conv2DSettings.Symmetric(stride, padding, dilation, groups), useBias, name)
    {
    }

    /// <summary>Creates a convolution with any window and settings (asymmetric padding included).</summary>
    public Conv2D(int inChannels, int outChannels, int kernelHeight, int kernelWidth, Rng rng, Conv2DSettings settings, bool useBias = true, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (inChannels < 1 || outChannels < 1 || kernelHeight < 1 || kernelWidth < 1 || settings.Groups < 1
            || inChannels % settings.Groups != 0 || outChannels % settings.Groups != 0)
        {
            throw new ArgumentException($"Conv2D: invalid channels {inChannels}->{outChannels}, kernel {kernelHeight}x{kernelWidth} or groups {settings.Groups}.");
        }

        InChannels = inChannels;
        OutChannels = outChannels;
        Settings = settings;
        Weight = AddParameter("weight", Initializers.HeNormal(new Shape(outChannels, inChannels / settings.Groups, kernelHeight, kernelWidth), rng));
        Bias = useBias ? AddParameter("bias", Tensor.Zeros(outChannels)) : null;
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Stride, padding, dilation and groups.</summary>
    public Conv2DSettings Settings { get; }

    /// <summary>The [out, in/groups, kh, kw] weights.</summary>
    public Variable Weight { get; }

    /// <summary>The bias, if used.</summary>
    public Variable? Bias { get; }

    /// <summary>The LoRA adapter attached to this layer, if any (<see cref="Lora"/>).</summary>
    public LoraAdapter? Adapter => Lora.AdapterOf(this);

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input)
    {
        var y = Ops.Conv2D(input, Weight, Bias?.Value, Settings);
        return Adapter is { Merged: false } adapter ? Ops.Add(y, adapter.Call(input)) : y;
    }
}
