using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>Typed access to a node's attributes with defaults and clear errors.</summary>
internal static class OnnxAttributes
{
    public static long Int(this NodeProto node, string name, long fallback) => node.FindAttribute(name)?.I ?? fallback;

    public static float Float(this NodeProto node, string name, float fallback) => node.FindAttribute(name)?.F ?? fallback;

    public static string Text(this NodeProto node, string name, string fallback) => node.FindAttribute(name)?.StringValue ?? fallback;

    public static long[] Ints(this NodeProto node, string name, params long[] fallback)
    {
        var a = node.FindAttribute(name);
        return a is null ? fallback : [.. a.Ints];
    }

    public static string Describe(this NodeProto node) => $"{node.OpType} node '{(node.Name.Length > 0 ? node.Name : string.Join(",", node.Output))}'";

    /// <summary>Stride, pads (ONNX order: begins then ends), dilations and group of a Conv or pooling node.</summary>
    public static Conv2DSettings Window(this NodeProto node, string source, bool withGroups)
    {
        string autoPad = node.Text("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID"))
        {
            throw new NotSupportedException($"{source}: {node.Describe()} uses auto_pad={autoPad}; only explicit pads are supported.");
        }

        var strides = node.Ints("strides", 1, 1);
        var pads = autoPad == "VALID" ? [0, 0, 0, 0] : node.Ints("pads", 0, 0, 0, 0);
        var dil = node.Ints("dilations", 1, 1);
        if (strides.Length != 2 || pads.Length != 4 || dil.Length != 2)
        {
            throw new NotSupportedException($"{source}: {node.Describe()} is not 2-D (strides {strides.Length}, pads {pads.Length}).");
        }

        return new Conv2DSettings(
            (int)strides[0], (int)strides[1], (int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3],
            (int)dil[0], (int)dil[1], withGroups ? (int)node.Int("group", 1) : 1);
    }
}
