namespace Frost.Freezing;

/// <summary>The result of <see cref="FreezePlan.VerifyFrozen"/>.</summary>
/// <param name="Checked">Number of frozen variables (or masked parts) checked.</param>
/// <param name="Moved">Frozen variables whose values changed: always a bug.</param>
/// <param name="NeverChanged">Trainable variables whose values never changed: usually a bug too (a stuck head).</param>
public sealed record FrozenVerification(int Checked, IReadOnlyList<string> Moved, IReadOnlyList<string> NeverChanged)
{
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
           (NeverChanged.Count > 0 ? $"; trainable but unchanged: {string.Join(", ", NeverChanged)}" : "");
}
