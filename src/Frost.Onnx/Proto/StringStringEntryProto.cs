using Frost.Onnx.Wire;

namespace Frost.Onnx.Proto;

/// <summary>A key/value pair of strings (ONNX metadata, external-data descriptors).</summary>
internal sealed class StringStringEntryProto
{
    internal Presence Presence;
    internal List<ReadOnlyMemory<byte>>? Unknown;

    /// <summary>Creates an empty entry.</summary>
    public StringStringEntryProto()
    {
    }

    /// <summary>Creates an entry.</summary>
    public StringStringEntryProto(string key, string value)
    {
        Key = key;
        Value = value;
    }

    /// <summary>The key (field 1).</summary>
    public string Key { get; set; } = "";

    /// <summary>The value (field 2).</summary>
    public string Value { get; set; } = "";

    /// <inheritdoc/>
    public override string ToString() => $"{Key}={Value}";

    internal static StringStringEntryProto Read(ProtoReader r)
    {
        var m = new StringStringEntryProto();
        while (r.TryReadKey(out int field, out var wt))
        {
            switch (field)
            {
                case 1: m.Key = r.ReadString(wt, "StringStringEntryProto.key"); break;
                case 2: m.Value = r.ReadString(wt, "StringStringEntryProto.value"); break;
                default: r.SkipUnknown(wt, field, ref m.Unknown, "StringStringEntryProto"); continue;
            }

            m.Presence.Mark(field);
        }

        return m;
    }

    internal static void Write(ProtoWriter w, StringStringEntryProto m)
    {
        if (m.Key.Length > 0 || m.Presence.Has(1))
        {
            w.WriteString(1, m.Key);
        }

        if (m.Value.Length > 0 || m.Presence.Has(2))
        {
            w.WriteString(2, m.Value);
        }

        w.WriteRaw(m.Unknown);
    }
}
