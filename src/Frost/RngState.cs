namespace Frost;

/// <summary>The complete state of an <see cref="Rng"/>.</summary>
/// <param name="S0">State word 0.</param>
/// <param name="S1">State word 1.</param>
/// <param name="S2">State word 2.</param>
/// <param name="S3">State word 3.</param>
/// <param name="Spare">The cached second normal variate.</param>
/// <param name="HasSpare">Whether <paramref name="Spare"/> is pending.</param>
public readonly record struct RngState(ulong S0, ulong S1, ulong S2, ulong S3, float Spare, bool HasSpare);
