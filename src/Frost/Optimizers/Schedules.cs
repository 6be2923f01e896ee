namespace Frost.Optimizers;

/// <summary>Multiplies the rate by <paramref name="Gamma"/> every <paramref name="StepSize"/> steps.</summary>
/// <param name="StepSize">Steps between decays.</param>
/// <param name="Gamma">Decay factor.</param>
public sealed record StepDecay(long StepSize, float Gamma) : ILearningRateSchedule
{
    /// <inheritdoc/>
    public float Factor(long step) => MathF.Pow(Gamma, step / Math.Max(1, StepSize));
}

/// <summary>Cosine decay from 1 to <paramref name="MinFactor"/> over <paramref name="TotalSteps"/>, then flat.</summary>
/// <param name="TotalSteps">Length of the decay.</param>
/// <param name="MinFactor">Final factor.</param>
public sealed record CosineDecay(long TotalSteps, float MinFactor = 0f) : ILearningRateSchedule
{
    /// <inheritdoc/>
    public float Factor(long step)
    {
        double t = Math.Min(1.0, (double)step / Math.Max(1, TotalSteps));
        return (float)(MinFactor + (1 - MinFactor) * 0.5 * (1 + Math.Cos(Math.PI * t)));
    }
}

/// <summary>Linear warm-up from near 0 to 1 over <paramref name="WarmupSteps"/>, then <paramref name="Then"/> (constant 1 when null), counted from the end of the warm-up.</summary>
/// <param name="WarmupSteps">Warm-up length.</param>
/// <param name="Then">The schedule after warm-up.</param>
public sealed record LinearWarmup(long WarmupSteps, ILearningRateSchedule? Then = null) : ILearningRateSchedule
{
    /// <inheritdoc/>
    public float Factor(long step) => step < WarmupSteps
        ? (float)(step + 1) / (WarmupSteps + 1)
        : Then?.Factor(step - WarmupSteps) ?? 1f;
}

/// <summary>
/// One-cycle policy: the factor rises from 1/<paramref name="DivFactor"/> to 1 over the first
/// <paramref name="PctStart"/> of <paramref name="TotalSteps"/> (cosine), then falls to
/// 1/(<paramref name="DivFactor"/>·<paramref name="FinalDivFactor"/>). Use the peak rate as the base rate.
/// </summary>
/// <remarks>Smith and Topin, "Super-Convergence", 2017; the defaults follow PyTorch's OneCycleLR.</remarks>
/// <param name="TotalSteps">Length of the cycle.</param>
/// <param name="PctStart">Fraction of the cycle spent rising.</param>
/// <param name="DivFactor">Peak over initial rate.</param>
/// <param name="FinalDivFactor">Initial over final rate.</param>
public sealed record OneCycle(long TotalSteps, float PctStart = 0.3f, float DivFactor = 25f, float FinalDivFactor = 1e4f) : ILearningRateSchedule
{
    /// <inheritdoc/>
    public float Factor(long step)
    {
        double start = 1.0 / DivFactor, end = start / FinalDivFactor;
        double up = Math.Max(1, (PctStart * TotalSteps) - 1);
        double down = Math.Max(1, TotalSteps - 1 - up);
        double s = Math.Min(step, TotalSteps - 1);
        return s <= up
            ? (float)Anneal(start, 1, s / up)
            : (float)Anneal(1, end, (s - up) / down);
    }

    private static double Anneal(double from, double to, double t) => to + (from - to) / 2 * (1 + Math.Cos(Math.PI * Math.Min(1, t)));
}
