namespace Frost.Vision;

/// <summary>An image that cannot be used: the message is one line that names the file and the problem.</summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates the exception for <paramref name="image"/> (a path, or how an in-memory example is named).</summary>
    public ImageDecodeException(string image, string problem, Exception? inner = null)
        : base($"{image}: {problem}", inner)
    {
        Image = image;
        Problem = problem;
    }

    /// <summary>The file path (or in-memory example) the problem belongs to.</summary>
    public string Image { get; }

    /// <summary>The problem alone, without the file.</summary>
    public string Problem { get; }
}
