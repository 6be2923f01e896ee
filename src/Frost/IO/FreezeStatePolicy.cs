namespace Frost.IO;

/// <summary>What a restore does with the trainable flags and freeze masks saved in a checkpoint.</summary>
public enum FreezeStatePolicy
{
    /// <summary>Set every restored variable's flag and mask to what the checkpoint saved (resuming a run).</summary>
    FromCheckpoint,

    /// <summary>Load values only; the model keeps its flags and masks (e.g. after applying a freeze plan). Differences are reported.</summary>
    KeepCurrent,

    /// <summary>Load values only, and refuse the restore, changing nothing, if any flag or mask differs from the checkpoint's.</summary>
    FailOnDifference,
}
