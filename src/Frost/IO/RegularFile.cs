namespace Frost.IO;

/// <summary>
/// Checks, before a file is opened, that a path names a regular file with data, so that a FIFO, socket,
/// device or directory named as an input is refused at once instead of blocking or streaming forever.
/// </summary>
public static class RegularFile
{
    /// <summary>
    /// Throws unless <paramref name="path"/> names an existing, non-empty regular file; <paramref name="what"/>
    /// says what the file should be (e.g. "a safetensors checkpoint") and appears in the message.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing exists at the path.</exception>
    /// <exception cref="IOException">The path is a directory, or is empty or not a regular file (FIFO, socket, device).</exception>
    /// <remarks>
    /// // NOTE: .NET exposes no file type, but FIFOs, sockets and devices report a size of 0 (Linux and macOS),
    /// so "no data" covers them without opening the path (opening a FIFO blocks until a writer appears).
    /// An empty regular file is refused with the same message: no Frost input can be empty.
    /// </remarks>
    public static void Require(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(what);
        if (Directory.Exists(path))
        {
            throw new IOException($"{path} is a directory, not {what}.");
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{path} does not exist.", path);
        }

        if (info.Length == 0)
        {
            throw new IOException($"{path} is empty or not a regular file (a FIFO, socket or device); expected {what}.");
        }
    }
}
