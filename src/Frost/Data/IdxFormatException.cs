namespace Frost.Data;

/// <summary>An IDX file is malformed; the message names the file and what was expected.</summary>
public sealed class IdxFormatException : FormatException
{
    /// <summary>Creates the exception for <paramref name="file"/>.</summary>
    public IdxFormatException(string file, string problem)
        : base($"{file}: {problem}")
    {
        File = file;
    }

    /// <summary>The file (or stream name) that was being read.</summary>
    public string File { get; }
}
