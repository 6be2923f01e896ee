using Frost.Layers;

namespace Frost.Adapters;

/// <summary>
/// The LoRA update of a <see cref="Conv2D"/> layer of kernel [out, in, kh, kw]: <c>(alpha / r) · conv1×1(conv(dropout(x), A), B)</c>
/// where A [r, in, kh, kw] is a convolution with the target's stride, padding and dilation, and B [out, r, 1, 1]. Since
/// both are linear, this is the convolution with the kernel update <c>(alpha / r) · B·A</c>.
/// </summary>
public sealed class LoraConv2D : LoraAdapter
{
    private readonly Conv2D _target;

    internal LoraConv2D(Conv2D target, int rank, float alpha, float dropout, Rng rng)
        : base(rank, alpha, dropout, new Shape(rank, target.InChannels, target.Weight.Shape[2], target.Weight.Shape[3]),
            new Shape(target.OutChannels, rank, 1, 1), target.InChannels * target.Weight.Shape[2] * target.Weight.Shape[3], rng)
    {
        _target = target;
    }

    internal override Variable TargetWeight => _target.Weight;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input)
    {
        ThrowIfMerged();
        var down = Ops.Conv2D(DropoutInput(input), A, null, _target.Settings);
        return Ops.Conv2D(Ops.Mul(down, Scale), B, null, Conv2DSettings.Default);
    }
}
