namespace Frost.IO;

/// <summary>What a restore did.</summary>
/// <param name="Restored">Model variables loaded from the checkpoint.</param>
/// <param name="Missing">Model variables the checkpoint does not have.</param>
/// <param name="Unexpected">Checkpoint tensors no model variable takes.</param>
/// <param name="ShapeMismatched">Names whose shapes differ (model shape vs checkpoint shape).</param>
/// <param name="Frozen">Variables restored as frozen.</param>
/// <param name="Metadata">The checkpoint's metadata, including user entries.</param>
public sealed record RestoreReport(
    IReadOnlyList<string> Restored,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<string> ShapeMismatched,
    IReadOnlyList<string> Frozen,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>One line per category.</summary>
    public override string ToString()
        => $"restored {Restored.Count} variable(s) ({Frozen.Count} frozen)" +
           (Missing.Count > 0 ? $"; missing: {string.Join(", ", Missing)}" : "") +
           (Unexpected.Count > 0 ? $"; unexpected: {string.Join(", ", Unexpected)}" : "") +
           (ShapeMismatched.Count > 0 ? $"; shape mismatch: {string.Join(", ", ShapeMismatched)}" : "");
}
