namespace Frost.IO;

/// <summary>A variable whose freeze state in the model differed from the checkpoint's when it was restored.</summary>
/// <param name="Name">The model variable.</param>
/// <param name="TrainableBefore">Its trainable flag before the restore.</param>
/// <param name="TrainableInCheckpoint">The flag saved in the checkpoint.</param>
/// <param name="MaskDiffers">Whether its freeze mask differed (present in one and not the other, or different elements).</param>
/// <param name="Applied">Whether the restore changed the model to match the checkpoint (<see cref="FreezeStatePolicy.FromCheckpoint"/>).</param>
public sealed record FreezeStateChange(string Name, bool TrainableBefore, bool TrainableInCheckpoint, bool MaskDiffers, bool Applied)
{
    /// <summary>E.g. <c>fc1/weight: trainable → frozen (applied)</c>.</summary>
    public override string ToString() => $"{Difference} ({(Applied ? "applied" : "kept")})";

    /// <summary>E.g. <c>fc1/weight: trainable → frozen</c>: the model's state, then the checkpoint's.</summary>
    internal string Difference
    {
        get
        {
            string flags = TrainableBefore == TrainableInCheckpoint ? (TrainableBefore ? "trainable" : "frozen")
                : $"{(TrainableBefore ? "trainable" : "frozen")} → {(TrainableInCheckpoint ? "trainable" : "frozen")}";
            return $"{Name}: {flags}{(MaskDiffers ? ", mask differs" : "")}";
        }
    }
}
