namespace Frost.Vision;

/// <summary>How <see cref="ImageFolder.Open"/> splits a folder that has no validation sub-folder.</summary>
public sealed record ImageFolderOptions
{
    /// <summary>Fraction of each class held out for validation, in [0, 1); default 0.2. Ignored when the folder has <c>val/</c> or <c>test/</c>.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Seed of the held-out draw; the same seed and files give the same split.</summary>
    public ulong Seed { get; init; }
}
