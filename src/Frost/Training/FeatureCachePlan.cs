namespace Frost.Training;

/// <summary>Whether a learner caches the outputs of its model's frozen prefix, which layers that covers, and why.</summary>
/// <param name="Layers">The names of the leading layers whose outputs are cached (empty when none).</param>
/// <param name="Reason">Why the cache applies or not, in one sentence.</param>
public sealed record FeatureCachePlan(IReadOnlyList<string> Layers, string Reason)
{
    /// <summary>Whether anything is cached.</summary>
    public bool Applies => Layers.Count > 0;
}
