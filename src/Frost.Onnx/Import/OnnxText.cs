using System.Text;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>How names taken from a model appear in messages: quoted, on one line, and of bounded length.</summary>
internal static class OnnxText
{
    private const int MaxLength = 80;

    /// <summary>The name in single quotes, control characters escaped, cut at 80 characters.</summary>
    public static string Quote(string name)
    {
        var sb = new StringBuilder(Math.Min(name.Length, MaxLength) + 2).Append('\'');
        foreach (char c in name.Length > MaxLength ? name[..MaxLength] : name)
        {
            if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029')
            {
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.Append(name.Length > MaxLength ? "…'" : "'").ToString();
    }

    /// <summary>The node as "Conv node 'name'" (its first output names it when it has no name).</summary>
    public static string Node(NodeProto node)
    {
        string name = node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault(o => o.Length > 0) ?? "";
        string op = node.OpType.Length == 0 ? "(no op type)" : Quote(node.OpType).Trim('\'');
        return $"{op} node {Quote(name)}";
    }
}
