namespace Frost.Text.Data;

/// <summary>A text data file is malformed; the message names the file, the line, and what was expected.</summary>
public sealed class TextDataException : FormatException
{
    /// <summary>Creates the exception for line <paramref name="line"/> of <paramref name="file"/> (0 when no line applies).</summary>
    public TextDataException(string file, int line, string problem)
        : base(line > 0 ? $"{file}:{line}: {problem}" : $"{file}: {problem}")
    {
        File = file;
        Line = line;
    }

    /// <summary>The file that was being read.</summary>
    public string File { get; }

    /// <summary>The 1-based line where the problem is, or 0 when it concerns the whole file.</summary>
    public int Line { get; }
}
