namespace Frost.Optimizers;

/// <summary>A learning-rate schedule: the factor applied to each group's base rate at a given step.</summary>
public interface ILearningRateSchedule
{
    /// <summary>The factor at <paramref name="step"/> (0 for the first update).</summary>
    float Factor(long step);
}
