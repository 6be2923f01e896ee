namespace Frost.Vision;

/// <summary>An image folder whose layout cannot be read as classes of images; the message is one line naming the folder or file.</summary>
public sealed class ImageFolderException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public ImageFolderException(string path, string problem)
        : base($"{path}: {problem}")
    {
        Path = path;
    }

    /// <summary>The folder or file at fault.</summary>
    public string Path { get; }
}
