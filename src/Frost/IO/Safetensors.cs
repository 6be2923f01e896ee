using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Frost.IO;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header mapping
/// names to dtype, shape and data offsets (plus a string-to-string <c>__metadata__</c>), then raw
/// little-endian data.
/// </summary>
/// <remarks>
/// The reader validates the header length against the file size, the JSON, every dtype and shape, and that
/// the tensors' byte ranges lie inside the data area, match their shapes, do not overlap and cover it, all
/// before reading any tensor data; nothing larger than the file is ever allocated.
/// </remarks>
public sealed class Safetensors : IDisposable
{
    /// <summary>Largest header accepted (the format's reference implementation uses 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;

    private Safetensors(string path, SafeFileHandle handle, long length, long dataStart, IReadOnlyDictionary<string, SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        FilePath = path;
        _handle = handle;
        Length = length;
        _dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>The path the file was opened from (used in messages).</summary>
    public string FilePath { get; }

    /// <summary>The size of the file when it was opened, in bytes.</summary>
    public long Length { get; }

    /// <summary>The tensors, by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> strings.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Opens <paramref name="path"/> and reads and validates its header; tensor data is read on demand through
    /// the same handle, so every read sees the file that was opened even if the path is replaced meanwhile.
    /// </summary>
    /// <exception cref="SafetensorsFormatException">The file is malformed.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or empty or not a regular file (FIFO, device).</exception>
    public static Safetensors Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        RegularFile.Require(path, "a safetensors file");
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        try
        {
            long length = RandomAccess.GetLength(handle);
            Span<byte> lenBytes = stackalloc byte[8];
            if (length < 8)
            {
                throw new SafetensorsFormatException(path, $"file has {length} bytes, too short for the 8-byte header length.");
            }

            ReadAt(path, handle, lenBytes, 0);
            ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
            if (headerLen > (ulong)(length - 8))
            {
                throw new SafetensorsFormatException(path, $"header length {headerLen} exceeds the {length - 8} bytes after the length field.");
            }

            if (headerLen > MaxHeaderBytes)
            {
                throw new SafetensorsFormatException(path, $"header length {headerLen} exceeds the {MaxHeaderBytes}-byte limit.");
            }

            var header = new byte[headerLen];
            ReadAt(path, handle, header, 8);
            long dataLength = length - 8 - (long)headerLen;
            var (entries, metadata) = ParseHeader(path, header, dataLength);
            return new Safetensors(path, handle, length, 8 + (long)headerLen, entries, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();

    /// <summary>Reads one tensor as float32 (converting F16, BF16, F64, integer and U8 types).</summary>
    /// <exception cref="KeyNotFoundException">No such tensor.</exception>
    /// <exception cref="SafetensorsFormatException">The file ended early (it was cut short since it was opened).</exception>
    public float[] ReadFloats(string name)
    {
        var e = Entries.TryGetValue(name, out var found) ? found : throw new KeyNotFoundException($"{FilePath}: no tensor '{name}'.");
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Big-endian hosts are not supported.");
        }

        var result = new float[e.Count];
        if (e.DType == "F32")
        {
            ReadAt(FilePath, _handle, MemoryMarshal.AsBytes(result.AsSpan()), _dataStart + e.Begin);
            return result;
        }

        var bytes = new byte[e.End - e.Begin];
        ReadAt(FilePath, _handle, bytes, _dataStart + e.Begin);
        var s = bytes.AsSpan();
        switch (e.DType)
        {
            case "F64":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(s[(8 * i)..]);
                }

                break;
            case "F16":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(s[(2 * i)..]);
                }

                break;
            case "BF16":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(s[(2 * i)..]) << 16);
                }

                break;
            case "I64":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BinaryPrimitives.ReadInt64LittleEndian(s[(8 * i)..]);
                }

                break;
            case "I32":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BinaryPrimitives.ReadInt32LittleEndian(s[(4 * i)..]);
                }

                break;
            case "U8":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = s[i];
                }

                break;
            default:
                throw new SafetensorsFormatException(FilePath, $"tensor '{name}' has dtype {e.DType}, which cannot be read as float.");
        }

        return result;
    }

    private static void ReadAt(string path, SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (buffer.Length > 0)
        {
            int n = RandomAccess.Read(handle, buffer, offset);
            if (n == 0)
            {
                throw new SafetensorsFormatException(path, $"file ends at byte {offset}, before the data its header describes: it was cut short while being read.");
            }

            buffer = buffer[n..];
            offset += n;
        }
    }

    /// <summary>
    /// Writes tensors and metadata to <paramref name="path"/>: to a temporary file in the same folder, flushed
    /// to disk, then renamed over the destination, so a crash never leaves a partial file under that name.
    /// </summary>
    /// <param name="path">Destination.</param>
    /// <param name="tensors">Name, dtype (F32 or U8) and values; U8 values must be integers in 0..255.</param>
    /// <param name="metadata">Strings for <c>__metadata__</c>.</param>
    public static void Write(string path, IReadOnlyList<(string Name, string DType, int[] Shape, float[] Values)> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var layout = Layout(tensors);
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata)
                {
                    w.WriteString(k, v);
                }

                w.WriteEndObject();
            }

            foreach (var e in layout)
            {
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", e.DType);
                w.WriteStartArray("shape");
                foreach (int d in e.Shape)
                {
                    w.WriteNumberValue(d);
                }

                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(e.Begin);
                w.WriteNumberValue(e.End);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        // Pad the header with spaces so the data area starts 8-byte aligned, as the reference writer does.
        int pad = (int)((8 - (json.Length % 8)) % 8);
        for (int i = 0; i < pad; i++)
        {
            json.WriteByte((byte)' ');
        }

        AtomicFile.Write(path, stream =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)json.Length);
            stream.Write(len);
            json.Position = 0;
            json.CopyTo(stream);
            foreach (var (_, dtype, _, values) in tensors)
            {
                if (dtype == "F32")
                {
                    stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
                }
                else
                {
                    var bytes = new byte[values.Length];
                    for (int i = 0; i < bytes.Length; i++)
                    {
                        bytes[i] = (byte)values[i];
                    }

                    stream.Write(bytes);
                }
            }
        });
    }

    /// <summary>
    /// The entries <see cref="Write"/> gives <paramref name="tensors"/>: in list order, no gaps.
    /// </summary>
    /// <exception cref="ArgumentException">A name is repeated or reserved, a dtype is not F32 or U8, the values do not fill the shape, or a U8 value is not an integer in 0..255.</exception>
    internal static List<SafetensorsEntry> Layout(IReadOnlyList<(string Name, string DType, int[] Shape, float[] Values)> tensors)
    {
        var result = new List<SafetensorsEntry>(tensors.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        foreach (var (name, dtype, shape, values) in tensors)
        {
            if (name == "__metadata__" || !names.Add(name))
            {
                throw new ArgumentException($"Write: tensor name '{name}' is reserved or repeated.", nameof(tensors));
            }

            int size = dtype switch
            {
                "F32" => 4,
                "U8" => 1,
                _ => throw new ArgumentException($"Write: unsupported dtype {dtype} for '{name}' (F32 or U8).", nameof(tensors)),
            };
            if (shape.Any(d => d < 0) || shape.Aggregate(1L, (a, b) => a * b) != values.Length)
            {
                throw new ArgumentException($"Write: tensor '{name}' has {values.Length} values for shape [{string.Join(", ", shape)}].", nameof(tensors));
            }

            if (dtype == "U8" && values.Any(v => v is not (>= 0 and <= 255) || v != MathF.Floor(v)))
            {
                throw new ArgumentException($"Write: U8 tensor '{name}' holds a value that is not an integer in 0..255.", nameof(tensors));
            }

            long end = offset + ((long)values.Length * size);
            result.Add(new SafetensorsEntry(name, dtype, [.. shape], offset, end));
            offset = end;
        }

        return result;
    }

    private static int? ElementSize(string dtype) => dtype switch
    {
        "F32" or "I32" => 4,
        "F64" or "I64" => 8,
        "F16" or "BF16" => 2,
        "U8" => 1,
        _ => null,
    };

    private static (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(path, $"header is not valid JSON ({e.Message}).");
        }

        using (doc)
        {
            try
            {
                return ParseRoot(path, doc, dataLength);
            }
            catch (InvalidOperationException e)
            {
                // Invalid UTF-8 inside a string surfaces only when the string is read.
                throw new SafetensorsFormatException(path, $"header has invalid text ({e.Message}).");
            }
        }
    }

    private static (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>) ParseRoot(string path, JsonDocument doc, long dataLength)
    {
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException(path, "header must be a JSON object.");
            }

            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            bool sawMetadata = false;
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (sawMetadata)
                    {
                        throw new SafetensorsFormatException(path, "__metadata__ appears twice.");
                    }

                    sawMetadata = true;
                    if (prop.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw new SafetensorsFormatException(path, "__metadata__ must be an object of strings.");
                    }

                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                        {
                            throw new SafetensorsFormatException(path, $"__metadata__ value '{m.Name}' must be a string.");
                        }

                        if (!metadata.TryAdd(m.Name, m.Value.GetString()!))
                        {
                            throw new SafetensorsFormatException(path, $"__metadata__ key '{m.Name}' appears twice.");
                        }
                    }

                    continue;
                }

                var e = ParseEntry(path, prop);
                if (!entries.TryAdd(e.Name, e))
                {
                    throw new SafetensorsFormatException(path, $"tensor '{e.Name}' appears twice.");
                }
            }

            // Ranges must tile the data area exactly: in bounds, no overlap, no gap.
            long expected = 0;
            foreach (var e in entries.Values.OrderBy(e => e.Begin).ThenBy(e => e.End))
            {
                if (e.Begin != expected)
                {
                    throw new SafetensorsFormatException(path, e.Begin < expected
                        ? $"tensor '{e.Name}' overlaps the previous tensor (starts at {e.Begin}, previous ends at {expected})."
                        : $"gap in the data area before tensor '{e.Name}' (starts at {e.Begin}, expected {expected}).");
                }

                if (e.End > dataLength)
                {
                    throw new SafetensorsFormatException(path, $"tensor '{e.Name}' ends at {e.End}, beyond the {dataLength}-byte data area.");
                }

                expected = e.End;
            }

            if (expected != dataLength)
            {
                throw new SafetensorsFormatException(path, $"the tensors cover {expected} bytes but the data area has {dataLength}.");
            }

            return (entries, metadata);
        }
    }

    private static SafetensorsEntry ParseEntry(string path, JsonProperty prop)
    {
        string name = prop.Name;
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}' needs dtype (string), shape (array) and data_offsets ([begin, end]).");
        }

        string dtype = dt.GetString()!;
        int size = ElementSize(dtype) ?? throw new SafetensorsFormatException(path, $"tensor '{name}' has unsupported dtype '{dtype}'.");
        var shape = new int[sh.GetArrayLength()];
        long count = 1;
        int i = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int dim) || dim < 0)
            {
                throw new SafetensorsFormatException(path, $"tensor '{name}' has an invalid dimension {d}.");
            }

            shape[i++] = dim;
            count *= dim;
            if (count > int.MaxValue)
            {
                throw new SafetensorsFormatException(path, $"tensor '{name}' has more than {int.MaxValue} elements.");
            }
        }

        var o = off.EnumerateArray().ToArray();
        if (!o[0].TryGetInt64(out long begin) || !o[1].TryGetInt64(out long end) || begin < 0 || end < begin)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}' has invalid data_offsets.");
        }

        if (end - begin != count * size)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}' of shape [{string.Join(", ", shape)}] {dtype} needs {count * size} bytes but its offsets span {end - begin}.");
        }

        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }
}
