using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Frost.TestKit;

/// <summary>Edits the raw bytes of a safetensors file (header JSON and data area) to build damaged files for tests.</summary>
public static class SafetensorsBytes
{
    /// <summary>The byte offset where the data area starts.</summary>
    public static int DataStart(byte[] file) => 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file);

    /// <summary>The header as a JSON object.</summary>
    public static JsonObject Header(byte[] file)
        => JsonNode.Parse(Encoding.UTF8.GetString(file, 8, DataStart(file) - 8))!.AsObject();

    /// <summary>The <c>__metadata__</c> object of the header.</summary>
    public static JsonObject Metadata(JsonObject header) => header["__metadata__"]!.AsObject();

    /// <summary>The file with its header replaced by <paramref name="header"/> and the same data area.</summary>
    public static byte[] WithHeader(byte[] file, JsonObject header)
    {
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int pad = (8 - (json.Length % 8)) % 8;
        var data = file.AsSpan(DataStart(file));
        var result = new byte[8 + json.Length + pad + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)(json.Length + pad));
        json.CopyTo(result, 8);
        result.AsSpan(8 + json.Length, pad).Fill((byte)' ');
        data.CopyTo(result.AsSpan(8 + json.Length + pad));
        return result;
    }

    /// <summary>Applies <paramref name="edit"/> to the header of the file at <paramref name="path"/> and writes it back.</summary>
    public static void EditHeader(string path, Action<JsonObject> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var file = File.ReadAllBytes(path);
        var header = Header(file);
        edit(header);
        File.WriteAllBytes(path, WithHeader(file, header));
    }

    /// <summary>The byte range of tensor <paramref name="name"/> in the file.</summary>
    public static (int Begin, int End) TensorBytes(byte[] file, string name)
    {
        var offsets = Header(file)[name]!["data_offsets"]!.AsArray();
        int start = DataStart(file);
        return (start + (int)offsets[0]!, start + (int)offsets[1]!);
    }
}
