using Frost.Freezing;

namespace Frost.Variables;

/// <summary>
/// A named, persistent tensor that training may change. <see cref="Trainable"/> is the single stored truth
/// for freezing: a frozen variable's value is a constant on every tape.
/// </summary>
public sealed class Variable
{
    private readonly string _name;
    private bool _trainable;

    /// <summary>Creates a variable with a full name, holding a copy of <paramref name="initialValue"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public Variable(string name, Tensor initialValue, bool trainable = true)
        : this(null, name, initialValue, VariableKind.Parameter, trainable)
    {
    }

    internal Variable(Layers.Layer? owner, string name, Tensor initialValue, VariableKind kind, bool trainable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(initialValue);
        _name = name;
        Owner = owner;
        Kind = kind;
        Value = new Tensor(Storage.Wrap(initialValue.ToArray()), 0, initialValue.Shape) { Variable = this };
        _trainable = trainable && kind == VariableKind.Parameter;
        if (kind == VariableKind.Parameter && !_trainable)
        {
            FrozenFingerprint = FreezePlan.Fingerprint(this);
        }
    }

    /// <summary>
    /// SHA-256 of the value taken when the variable became fixed (frozen, or state its layer stopped updating),
    /// whatever froze it; null while it may change. <see cref="FrozenVerification"/> compares against it.
    /// </summary>
    internal byte[]? FrozenFingerprint { get; private set; }

    /// <summary>SHA-256 of the masked elements taken when the mask was set; null without a mask.</summary>
    internal byte[]? MaskFingerprint { get; private set; }

    /// <summary>Takes or drops <see cref="FrozenFingerprint"/> after the variable's status may have changed.</summary>
    internal void RefreshFixedFingerprint()
    {
        bool fixedNow = FreezeStatus.KeepsValue(this);
        if (fixedNow && FrozenFingerprint is null)
        {
            FrozenFingerprint = FreezePlan.Fingerprint(this);
        }
        else if (!fixedNow)
        {
            FrozenFingerprint = null;
        }
    }

    /// <summary>Fingerprints the current value again after a legitimate change, such as a checkpoint restore.</summary>
    internal void Refingerprint()
    {
        FrozenFingerprint = FreezeStatus.KeepsValue(this) ? FreezePlan.Fingerprint(this) : null;
        MaskFingerprint = FreezeMask is null ? null : FreezePlan.Fingerprint(this, masked: true);
    }

    /// <summary>
    /// The full name, e.g. <c>stage1/block0/conv1/weight</c>: the owning layer's path followed by
    /// <see cref="LocalName"/>, so it follows the layer tree the variable lives in.
    /// </summary>
    public string Name => Owner is { Path.Length: > 0 } o ? o.Path + "/" + _name : _name;

    /// <summary>The name within the owning layer (the full name for a variable without one).</summary>
    public string LocalName => _name;

    /// <summary>The layer that owns this variable, if any.</summary>
    public Layers.Layer? Owner { get; }

    /// <summary>Whether this is a learnable parameter or non-learnable state (e.g. running statistics).</summary>
    public VariableKind Kind { get; }

    /// <summary>The current value (updated in place by optimizers).</summary>
    public Tensor Value { get; }

    /// <summary>The shape of the value.</summary>
    public Shape Shape => Value.Shape;

    /// <summary>
    /// Whether training may change this variable. State variables (<see cref="VariableKind.State"/>) are never
    /// trainable.
    /// </summary>
    /// <exception cref="InvalidOperationException">Setting true on a state variable.</exception>
    public bool Trainable
    {
        get => _trainable;
        set
        {
            if (value && Kind == VariableKind.State)
            {
                throw new InvalidOperationException($"Variable '{Name}' is state (e.g. running statistics), not a parameter; it cannot be made trainable.");
            }

            if (_trainable == value)
            {
                return;
            }

            _trainable = value;
            RefreshFixedFingerprint();
            Owner?.RefreshStateFingerprints();
        }
    }

    /// <summary>How the variable takes part in training (<see cref="FreezeStatus.Of(Variable)"/>).</summary>
    public VariableStatus Status => FreezeStatus.Of(this);

    /// <summary>
    /// Elements that must not change even while the variable trains: 1 marks a frozen element, 0 a
    /// trainable one. Null when every element follows <see cref="Trainable"/>.
    /// </summary>
    public Tensor? FreezeMask { get; private set; }

    /// <summary>Excludes this variable from training.</summary>
    public void Freeze() => Trainable = false;

    /// <summary>Includes this variable in training (no effect on state variables).</summary>
    public void Unfreeze()
    {
        if (Kind == VariableKind.Parameter)
        {
            Trainable = true;
        }
    }

    /// <summary>Sets (or clears, with null) the element mask; the mask is copied.</summary>
    /// <exception cref="ArgumentException">The mask's shape differs from the variable's, or it holds values other than 0 and 1.</exception>
    public void SetFreezeMask(Tensor? mask)
    {
        if (mask is null)
        {
            FreezeMask = null;
            MaskFingerprint = null;
            return;
        }

        if (mask.Shape != Shape)
        {
            throw new ArgumentException($"Freeze mask of shape {mask.Shape} does not match variable '{Name}' of shape {Shape}.", nameof(mask));
        }

        foreach (float m in mask.AsReadOnlySpan())
        {
            if (m is not (0f or 1f))
            {
                throw new ArgumentException($"Freeze mask for '{Name}' must hold only 0 (trainable) and 1 (frozen), found {m}.", nameof(mask));
            }
        }

        FreezeMask = new Tensor(Storage.Wrap(mask.ToArray()), 0, Shape);
        MaskFingerprint = FreezePlan.Fingerprint(this, masked: true);
    }

    /// <summary>Freezes whole rows (indices along axis 0), e.g. the pretrained rows of an embedding.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A row is outside axis 0.</exception>
    public void FreezeRows(params int[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (Shape.Rank == 0)
        {
            throw new InvalidOperationException($"FreezeRows: variable '{Name}' is a scalar.");
        }

        var mask = FreezeMask?.ToArray() ?? new float[Shape.Size];
        int rowSize = Shape.Size / Math.Max(1, Shape[0]);
        foreach (int r in rows)
        {
            if ((uint)r >= (uint)Shape[0])
            {
                throw new ArgumentOutOfRangeException(nameof(rows), $"FreezeRows: row {r} is outside 0..{Shape[0] - 1} of variable '{Name}' {Shape}.");
            }

            mask.AsSpan(r * rowSize, rowSize).Fill(1f);
        }

        FreezeMask = new Tensor(Storage.Wrap(mask), 0, Shape);
        MaskFingerprint = FreezePlan.Fingerprint(this, masked: true);
    }

    /// <summary>The variable's value, for use in ops.</summary>
    public static implicit operator Tensor(Variable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        return variable.Value;
    }

    /// <summary>Name, shape and whether it trains.</summary>
    public override string ToString() => $"{Name} {Shape} {(Trainable ? "trainable" : "frozen")}";
}
