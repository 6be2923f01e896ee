using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>Attribute reads with defaults for pattern matchers that inspect nodes before any plan exists.</summary>
internal static class NodeAttributes
{
    public static long Int(this NodeProto node, string name, long fallback) => node.FindAttribute(name)?.I ?? fallback;

    public static float Float(this NodeProto node, string name, float fallback) => node.FindAttribute(name)?.F ?? fallback;

    public static string Text(this NodeProto node, string name, string fallback) => node.FindAttribute(name)?.StringValue ?? fallback;

    public static long[] Ints(this NodeProto node, string name, params long[] fallback)
    {
        var a = node.FindAttribute(name);
        return a is null ? fallback : [.. a.Ints];
    }

    public static string Describe(this NodeProto node) => OnnxText.Node(node);
}
