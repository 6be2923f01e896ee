namespace Frost.Optimizers;

/// <summary>A change of the frozen set during training, as recorded by the optimizer.</summary>
/// <param name="Iteration">The optimizer's <see cref="Optimizer.Iterations"/> when the change was applied.</param>
/// <param name="Frozen">Variables frozen by the change.</param>
/// <param name="Unfrozen">Variables unfrozen by the change.</param>
public sealed record FreezeTransition(long Iteration, IReadOnlyList<string> Frozen, IReadOnlyList<string> Unfrozen);
