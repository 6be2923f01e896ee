namespace Frost.Vision;

/// <summary>What a reader does with a file that cannot be decoded (empty, truncated, corrupt, unsupported, too large).</summary>
public enum BadImagePolicy
{
    /// <summary>Stop: the reader throws the file's <see cref="ImageDecodeException"/>.</summary>
    Fail,

    /// <summary>Leave the example out of its batch, report it once through the warning callback, and go on.</summary>
    Skip,
}
