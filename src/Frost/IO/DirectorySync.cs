using System.Runtime.InteropServices;

namespace Frost.IO;

/// <summary>Flushes a directory's entries to disk, so a rename into it survives a power loss.</summary>
/// <remarks>
/// // NOTE: .NET cannot open a directory as a file, so this calls the C library's open/fsync/close directly
/// on Linux and macOS (no library is shipped). Elsewhere it does nothing: NTFS journals renames itself.
/// </remarks>
internal static partial class DirectorySync
{
    private const int EInval = 22;

    /// <summary>fsync(2) on <paramref name="directory"/>; file systems that cannot sync a directory are skipped.</summary>
    /// <exception cref="IOException">The file system reported an error while syncing.</exception>
    public static void Flush(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            return;
        }

        int fd = Open(directory, 0);
        if (fd < 0)
        {
            return; // Not readable (e.g. write-only permissions): the rename itself succeeded.
        }

        try
        {
            if (FSync(fd) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != EInval)
                {
                    throw new IOException($"Flushing the directory {directory} to disk failed (errno {errno}).");
                }
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
