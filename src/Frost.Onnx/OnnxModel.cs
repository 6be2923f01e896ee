using Frost.Onnx.Proto;
using Frost.Onnx.Wire;

namespace Frost.Onnx;

/// <summary>An ONNX model in memory: load it from a file, a stream or bytes, summarize it, import it, save it.</summary>
/// <remarks>
/// Fields Frost does not model (training info, functions, sparse initializers, ...) are kept as opaque bytes and
/// written back unchanged. Loading is defensive: every length is checked against the data before anything is
/// allocated, and any malformation is reported as an <see cref="OnnxFormatException"/>.
/// </remarks>
public sealed class OnnxModel
{
    /// <summary>Wraps an object model; <paramref name="source"/> names it in error messages.</summary>
    internal OnnxModel(ModelProto proto, string source = "model")
    {
        ArgumentNullException.ThrowIfNull(proto);
        ArgumentNullException.ThrowIfNull(source);
        Proto = proto;
        Source = source;
    }

    /// <summary>The ONNX object model.</summary>
    internal ModelProto Proto { get; }

    /// <summary>Where the model came from (a path or a name), used in messages.</summary>
    public string Source { get; }

    /// <summary>The main graph.</summary>
    /// <exception cref="OnnxFormatException">The model has no graph.</exception>
    internal GraphProto Graph => Proto.Graph ?? throw new OnnxFormatException($"{Source}: the model has no graph.");

    /// <summary>Loads a model from an .onnx file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="OnnxFormatException">The file is not a well-formed ONNX model, is empty, or is not a regular file.</exception>
    public static OnnxModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"ONNX model not found: {path}", path);
        }

        if (info.Length > Array.MaxLength)
        {
            throw new OnnxFormatException(
                $"{path}: {info.Length} bytes is larger than one protobuf message can be (2 GiB); models that big keep their weights in external data, which Frost does not read.");
        }

        // NOTE: a FIFO or a device reports no length; reading one could block forever or never end.
        if (info.Length == 0)
        {
            throw new OnnxFormatException($"{path}: the file is empty or not a regular file; an ONNX model expected.");
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Loads a model from the rest of <paramref name="stream"/>; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="OnnxFormatException">The data is not a well-formed ONNX model.</exception>
    public static OnnxModel Load(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        if (stream.CanSeek)
        {
            long length = stream.Length - stream.Position;
            if (length > Array.MaxLength)
            {
                throw new OnnxFormatException($"{name}: {length} bytes is larger than one protobuf message can be (2 GiB).");
            }

            byte[] data = new byte[length];
            stream.ReadExactly(data);
            return Parse(data, name);
        }

        using var copy = new MemoryStream();
        byte[] buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (copy.Length + read > Array.MaxLength)
            {
                throw new OnnxFormatException($"{name}: the stream holds more than one protobuf message can (2 GiB).");
            }

            copy.Write(buffer, 0, read);
        }

        return Parse(copy.GetBuffer().AsMemory(0, (int)copy.Length), name);
    }

    /// <summary>Parses a model from bytes. Parsed raw tensor data refers to <paramref name="data"/> without copying.</summary>
    /// <exception cref="OnnxFormatException">The data is not a well-formed ONNX model.</exception>
    public static OnnxModel Parse(ReadOnlyMemory<byte> data, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var reader = new ProtoReader(data, name);
        var proto = ModelProto.Read(reader);
        if (proto.Graph is null)
        {
            throw new OnnxFormatException($"{name}: no graph found in {data.Length} bytes; this is not an ONNX model.");
        }

        return new OnnxModel(proto, name);
    }

    /// <summary>
    /// The model's <c>metadata_props</c> as key/value pairs, in file order (a key given twice keeps its first
    /// value, as ONNX Runtime does).
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata
    {
        get
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var e in Proto.MetadataProps)
            {
                map.TryAdd(e.Key, e.Value);
            }

            return map;
        }
    }

    /// <summary>Sets the <c>metadata_props</c> entry <paramref name="key"/> to <paramref name="value"/>, replacing any entry of that key.</summary>
    public void SetMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        Proto.MetadataProps.RemoveAll(e => e.Key == key);
        Proto.MetadataProps.Add(new StringStringEntryProto(key, value));
    }

    /// <summary>The model in the ONNX protobuf encoding.</summary>
    /// <exception cref="InvalidOperationException">The encoding would exceed the 2 GiB protobuf limit.</exception>
    public byte[] ToBytes() => ProtoWriter.Serialize(Proto, ModelProto.Write);

    /// <summary>
    /// Writes the model to <paramref name="path"/>: to a temporary file in the same folder first, flushed to disk,
    /// then renamed over the target, so the target never holds a half-written model.
    /// </summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = ToBytes();
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                fs.Write(bytes);
                fs.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>A summary of the graph: operators, inputs, outputs, parameters.</summary>
    public OnnxGraphSummary Summarize() => new(this);

    /// <summary>The text of <see cref="Summarize"/>.</summary>
    public override string ToString() => Summarize().ToString();
}
