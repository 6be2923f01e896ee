namespace Frost.IO;

/// <summary>A safetensors file is malformed; the message names the file and the problem.</summary>
public sealed class SafetensorsFormatException : FormatException
{
    /// <summary>Creates the exception for <paramref name="file"/>.</summary>
    public SafetensorsFormatException(string file, string problem)
        : base($"{file}: {problem}")
    {
        File = file;
    }

    /// <summary>The file that was being read.</summary>
    public string File { get; }
}
