namespace Frost.IO;

/// <summary>What a restore did.</summary>
/// <param name="Restored">Model variables loaded from the checkpoint.</param>
/// <param name="Missing">Model variables the checkpoint does not have.</param>
/// <param name="Unexpected">Checkpoint tensors no model variable takes.</param>
/// <param name="ShapeMismatched">Names whose shapes differ (model shape vs checkpoint shape).</param>
/// <param name="Frozen">Restored variables that are frozen after the restore (<see cref="Freezing.FreezeStatus.KeepsValue"/>: frozen parameters, and state that is not updated).</param>
/// <param name="FreezeChanges">Restored variables whose flag or mask differed from the checkpoint's, and whether the restore applied the checkpoint's.</param>
/// <param name="IsPartial">Whether the checkpoint was saved from an explicit subset of a model's variables.</param>
/// <param name="Verified">Whether the file was a Frost checkpoint whose frozen values were checked (false for an allowed unverified load).</param>
/// <param name="Metadata">The checkpoint's metadata, including user entries.</param>
public sealed record RestoreReport(
    IReadOnlyList<string> Restored,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<string> ShapeMismatched,
    IReadOnlyList<string> Frozen,
    IReadOnlyList<FreezeStateChange> FreezeChanges,
    bool IsPartial,
    bool Verified,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>One line per category.</summary>
    public override string ToString()
        => $"restored {Restored.Count} variable(s) ({Frozen.Count} frozen)" +
           (IsPartial ? " from a partial checkpoint" : "") +
           (Verified ? "" : ", unverified") +
           (Missing.Count > 0 ? $"; missing: {string.Join(", ", Missing)}" : "") +
           (Unexpected.Count > 0 ? $"; unexpected: {string.Join(", ", Unexpected)}" : "") +
           (ShapeMismatched.Count > 0 ? $"; shape mismatch: {string.Join(", ", ShapeMismatched)}" : "") +
           (FreezeChanges.Count > 0 ? $"; freeze state: {string.Join(", ", FreezeChanges)}" : "");
}
