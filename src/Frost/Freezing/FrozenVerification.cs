namespace Frost.Freezing;

/// <summary>The result of <see cref="FreezePlan.VerifyFrozen"/>.</summary>
/// <param name="Checked">Number of frozen variables (or masked parts) checked.</param>
/// <param name="Moved">Frozen variables whose values changed: always a bug.</param>
/// <param name="NeverChanged">Trainable variables whose values never changed: usually a bug too (a stuck head).</param>
/// <remarks>Adapters whose B stayed zero are listed in <see cref="InertAdapters"/>.</remarks>
public sealed record FrozenVerification(int Checked, IReadOnlyList<string> Moved, IReadOnlyList<string> NeverChanged)
{
    /// <summary>
    /// Layers whose LoRA adapter is unmerged and still has B all zero, so it changes nothing: an adapter that never
    /// learned (a zero learning rate, no gradient reaching it, or a training run that did not happen).
    /// </summary>
    public IReadOnlyList<string> InertAdapters { get; init; } = [];

    /// <summary>
    /// Checks every fixed value among <paramref name="variables"/> (frozen parameters, fixed state and masked
    /// elements) against the SHA-256 fingerprint taken when it became fixed, whatever fixed it.
    /// </summary>
    public static FrozenVerification Check(IEnumerable<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        int checkedCount = 0;
        var moved = new List<string>();
        var inert = new List<string>();
        foreach (var v in variables)
        {
            if (v.Owner is Adapters.LoraAdapter { Merged: false } adapter && ReferenceEquals(v, adapter.B) && adapter.IsInert)
            {
                inert.Add(adapter.Target.Path);
            }

            if (v.FrozenFingerprint is { } whole)
            {
                checkedCount++;
                if (!whole.AsSpan().SequenceEqual(FreezePlan.Fingerprint(v)))
                {
                    moved.Add(v.Name);
                }
            }
            else if (v.MaskFingerprint is { } part)
            {
                checkedCount++;
                if (!part.AsSpan().SequenceEqual(FreezePlan.Fingerprint(v, masked: true)))
                {
                    moved.Add(v.Name);
                }
            }
        }

        return new FrozenVerification(checkedCount, moved, []) { InertAdapters = inert };
    }

    /// <summary>Checks every fixed value of <paramref name="model"/> (see <see cref="Check(IEnumerable{Variable})"/>).</summary>
    public static FrozenVerification Check(Layers.Layer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Check(model.Variables);
    }

    /// <summary>True when no frozen value moved.</summary>
    public bool FrozenIntact => Moved.Count == 0;

    /// <summary>Throws when a frozen value moved.</summary>
    /// <exception cref="InvalidOperationException">Some frozen variable changed.</exception>
    public void ThrowIfViolated()
    {
        if (!FrozenIntact)
        {
            throw new InvalidOperationException($"Frozen variables changed: {string.Join(", ", Moved)}.");
        }
    }

    /// <summary>One line: how many were checked, what moved, what never trained.</summary>
    public override string ToString()
        => $"{Checked} frozen variable(s) checked: {(FrozenIntact ? "all bit-identical" : "MOVED: " + string.Join(", ", Moved))}" +
           (NeverChanged.Count > 0 ? $"; trainable but unchanged: {string.Join(", ", NeverChanged)}" : "") +
           (InertAdapters.Count > 0 ? $"; LoRA adapters still zero (B = 0): {string.Join(", ", InertAdapters)}" : "");
}
