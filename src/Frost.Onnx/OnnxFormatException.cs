namespace Frost.Onnx;

/// <summary>An ONNX file (or byte buffer) is malformed, truncated, or uses a feature Frost does not read.</summary>
/// <remarks>The message names the source, the field path and the byte offset where the problem was found.</remarks>
public sealed class OnnxFormatException : FormatException
{
    /// <summary>Creates the exception with a message.</summary>
    public OnnxFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public OnnxFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public OnnxFormatException()
        : base("The ONNX data is malformed.")
    {
    }
}
