using Frost.Onnx.Wire;

namespace Frost.Onnx.Proto;

/// <summary>An operator set a model uses: a domain ("" is the default ONNX domain) and its version.</summary>
internal sealed class OperatorSetIdProto
{
    internal Presence Presence;
    internal List<ReadOnlyMemory<byte>>? Unknown;

    /// <summary>Creates an empty operator set id.</summary>
    public OperatorSetIdProto()
    {
    }

    /// <summary>Creates an operator set id.</summary>
    public OperatorSetIdProto(string domain, long version)
    {
        Domain = domain;
        Version = version;
    }

    /// <summary>The operator domain, "" (or "ai.onnx") for standard ONNX operators (field 1).</summary>
    public string Domain { get; set; } = "";

    /// <summary>The operator set version (field 2).</summary>
    public long Version { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"{(Domain.Length == 0 ? "ai.onnx" : Domain)} v{Version}";

    internal static OperatorSetIdProto Read(ProtoReader r)
    {
        var m = new OperatorSetIdProto();
        while (r.TryReadKey(out int field, out var wt))
        {
            switch (field)
            {
                case 1: m.Domain = r.ReadString(wt, "OperatorSetIdProto.domain"); break;
                case 2: m.Version = r.ReadInt64(wt, "OperatorSetIdProto.version"); break;
                default: r.SkipUnknown(wt, field, ref m.Unknown, "OperatorSetIdProto"); continue;
            }

            m.Presence.Mark(field);
        }

        return m;
    }

    internal static void Write(ProtoWriter w, OperatorSetIdProto m)
    {
        if (m.Domain.Length > 0 || m.Presence.Has(1))
        {
            w.WriteString(1, m.Domain);
        }

        if (m.Version != 0 || m.Presence.Has(2))
        {
            w.WriteInt64(2, m.Version);
        }

        w.WriteRaw(m.Unknown);
    }
}
