using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Frost.IO;

/// <summary>Writes files so that readers see either the old file or the complete new one, never a partial one.</summary>
/// <remarks>
/// The temporary file is <c>.NAME.PID.RANDOM.tmp</c> beside the destination. A writer killed mid-write leaves
/// it behind; the next write to the same path removes every such file whose writer process is gone.
/// </remarks>
public static class AtomicFile
{
    /// <summary>
    /// Runs <paramref name="write"/> on a temporary file in the destination folder, flushes it to disk, renames
    /// it over <paramref name="path"/>, then flushes the folder so the rename is durable. On failure the
    /// temporary file is removed and the destination is untouched.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string name = Path.GetFileName(full);
        if (name.Length == 0 || Directory.Exists(full))
        {
            throw new IOException($"{path} is a directory, not a file to write.");
        }

        Directory.CreateDirectory(dir);
        RemoveStaleTemporaries(dir, name);
        string tmp = Path.Combine(dir, $".{name}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp");
        try
        {
            // FileShare.None also takes an OS lock (flock on Unix) that a cleaner checks before removing.
            using (var f = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(f);
                f.Flush(flushToDisk: true);
            }

            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(tmp);
            }
            catch (IOException)
            {
            }

            throw;
        }

        DirectorySync.Flush(dir);
    }

    /// <summary>
    /// Removes <c>.NAME.PID.RANDOM.tmp</c> files in <paramref name="dir"/> whose process is no longer running
    /// and that no process holds open; returns how many were removed.
    /// </summary>
    internal static int RemoveStaleTemporaries(string dir, string name)
    {
        int removed = 0;
        string prefix = "." + name + ".";
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(dir).Where(f => Path.GetFileName(f).StartsWith(prefix, StringComparison.Ordinal)).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        foreach (var file in candidates)
        {
            if (!TryParseWriter(Path.GetFileName(file)[prefix.Length..], out int pid) || pid == Environment.ProcessId || IsRunning(pid))
            {
                continue;
            }

            try
            {
                // A file some process still holds (a writer on another machine sharing the folder) stays.
                using (new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.None))
                {
                    File.Delete(file);
                }

                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return removed;
    }

    /// <summary>Parses <c>PID.RANDOM.tmp</c> (RANDOM is 16 lowercase hex digits).</summary>
    private static bool TryParseWriter(string rest, out int pid)
    {
        pid = 0;
        var parts = rest.Split('.');
        return parts.Length == 3 && parts[2] == "tmp"
            && parts[1].Length == 16 && parts[1].All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out pid) && pid > 0;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
