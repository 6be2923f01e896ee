using Frost.IO;
using Frost.Layers;
using Frost.Onnx;

namespace Frost.Cli.Commands;

/// <summary>
/// An output folder held for one run: an OS lock on <c>.frost.lock</c> inside it (flock on Unix) keeps a second
/// writer out; the operating system releases it when the process ends, even on a crash or kill.
/// </summary>
internal sealed class OutputFolder : IDisposable
{
    /// <summary>The lock file's name inside the folder (left in place: removing it would race with the next run).</summary>
    public const string LockFileName = ".frost.lock";

    private readonly FileStream _lock;

    private OutputFolder(string path, FileStream lockFile)
    {
        Path = path;
        _lock = lockFile;
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>Creates the folder if needed and takes its lock.</summary>
    /// <exception cref="UsageException">The path names a file.</exception>
    /// <exception cref="OutputException">Another run holds the folder, or it cannot be created or written.</exception>
    public static OutputFolder Lock(string folder, string option = "--out")
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (File.Exists(folder) && !Directory.Exists(folder))
        {
            throw new UsageException($"{option} {folder} is a file, not a folder.");
        }

        string lockPath = System.IO.Path.Combine(folder, LockFileName);
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"{option} {folder} cannot be created ({e.Message}).", e);
        }

        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new OutputException($"{option} {folder} is not writable ({e.Message}).", e);
        }
        catch (IOException e)
        {
            throw new OutputException($"{option} {folder} is in use by another frost run (it holds {lockPath}); wait for it to finish or choose another folder.", e);
        }

        return new OutputFolder(folder, stream);
    }

    /// <summary>Writes one output file, reporting a failure as an output error that names the file.</summary>
    public void Write(string file, Action write)
    {
        ArgumentNullException.ThrowIfNull(write);
        ObjectDisposedException.ThrowIf(!_lock.CanWrite, this);
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"writing {file} failed: {e.Message}", e);
        }
    }

    /// <summary>
    /// Exports <paramref name="model"/> to ONNX at <paramref name="file"/> with its recipe and class names in the
    /// metadata, atomically (temporary file, flush, rename).
    /// </summary>
    public void WriteOnnx(string file, Layer model, Recipe recipe)
        => Write(file, () =>
        {
            var onnx = OnnxExporter.Export(model, new Shape(1, 3, recipe.InputSize, recipe.InputSize));
            onnx.SetMetadata(Recipe.OnnxMetadataKey, recipe.ToJson());
            onnx.SetMetadata(Recipe.OnnxClassNamesKey, RecipeJson.WriteNames(recipe.ClassNames));
            var bytes = onnx.ToBytes();
            AtomicFile.Write(file, s => s.Write(bytes));
        });

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _lock.Dispose();
}
