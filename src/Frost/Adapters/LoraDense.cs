using Frost.Layers;

namespace Frost.Adapters;

/// <summary>
/// The LoRA update of a <see cref="Dense"/> layer of weight [out, in]: <c>(alpha / r) · dropout(x)·Aᵀ·Bᵀ</c> with A
/// [r, in] and B [out, r].
/// </summary>
public sealed class LoraDense : LoraAdapter
{
    private readonly Dense _target;

    internal LoraDense(Dense target, int rank, float alpha, float dropout, Rng rng)
        : base(rank, alpha, dropout, new Shape(rank, target.InFeatures), new Shape(target.OutFeatures, rank), target.InFeatures, rng)
    {
        _target = target;
    }

    internal override Variable TargetWeight => _target.Weight;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input)
    {
        ThrowIfMerged();
        return Ops.Linear(Ops.Mul(Ops.Linear(DropoutInput(input), A), Scale), B);
    }
}
