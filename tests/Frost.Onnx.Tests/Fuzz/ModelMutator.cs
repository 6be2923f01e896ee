using System.Runtime.InteropServices;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Tests.Fuzz;

/// <summary>
/// Edits the object model of an ONNX file the way a damaged or hostile file would differ from a valid one: attribute
/// values, types and names; node order, op types, inputs and outputs (duplicate writers, cycles, dangling reads);
/// initializer dimensions, types and lying data lengths; declared inputs and outputs; opset and IR versions.
/// </summary>
internal static class ModelMutator
{
    private static readonly long[] Interesting =
        [0, 1, 2, 3, 4, -1, -2, 7, 10, 255, 65536, 1_000_000, int.MaxValue, (long)int.MaxValue + 1, (1L << 32) + 32, long.MaxValue, long.MinValue];

    private static readonly string[] OpTypes =
        [.. OnnxImporter.SupportedOps, "LSTM", "Erf", "If", "Resize", "Constant", "Squeeze", "Transpose", ""];

    private static readonly string[] IntAttributes =
        ["axis", "group", "ceil_mode", "count_include_pad", "transA", "transB", "allowzero", "storage_order", "spatial", "training_mode", "num_outputs", "broadcast", "keepdims"];

    private static readonly string[] IntsAttributes = ["pads", "strides", "kernel_shape", "dilations", "split", "perm"];

    private static readonly string[] FloatAttributes = ["alpha", "beta", "epsilon", "momentum", "ratio"];

    private static readonly float[] InterestingFloats = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -1, 0, 1, 1e30f, -0f, 2];

    private static readonly string[] AutoPads = ["NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER", "", "same", "BOGUS"];

    private delegate string? Edit(ModelProto m, GraphProto g, Random rng);

    private static readonly Edit[] Edits =
    [
        SetInt, SetInt, SetInts, SetInts, SetFloat, SetString, AttributeType, RenameAttribute, DuplicateAttribute, RemoveAttribute,
        OpType, RenameInput, RenameInput, RenameOutput, AddOrRemoveInput, AddOrRemoveOutput, DeleteNode, DuplicateNode, MoveNode,
        ReverseNodes, Cycle, Domain, InitializerDims, InitializerDims, InitializerType, InitializerData, InitializerData, InitializerName,
        InitializerValues, InputDims, InputDims, InputType, GraphInputs, GraphOutput, Opset, IrVersion, OpsetImports,
    ];

    /// <summary>Applies one to three edits; returns what was done, for reports.</summary>
    public static string Mutate(ModelProto model, Random rng)
    {
        var g = model.Graph!;
        var done = new List<string>();
        int edits = rng.Next(10) switch { < 6 => 1, < 9 => 2, _ => 3 };
        for (int attempt = 0; done.Count < edits && attempt < 20; attempt++)
        {
            if (Edits[rng.Next(Edits.Length)](model, g, rng) is { } d)
            {
                done.Add(d);
            }
        }

        return string.Join("; ", done);
    }

    private static long Value(Random rng) => rng.Next(3) == 0 ? rng.Next(-3, 12) : Interesting[rng.Next(Interesting.Length)];

    private static NodeProto? AnyNode(GraphProto g, Random rng) => g.Node.Count == 0 ? null : g.Node[rng.Next(g.Node.Count)];

    private static AttributeProto? AnyAttribute(NodeProto n, OnnxAttributeType type, Random rng)
    {
        var list = n.Attribute.Where(a => a.Type == type).ToList();
        return list.Count == 0 ? null : list[rng.Next(list.Count)];
    }

    private static List<string> Tensors(GraphProto g) =>
        [.. g.Input.Select(v => v.Name), .. g.Initializer.Select(t => t.Name), .. g.Node.SelectMany(n => n.Output)];

    private static string? SetInt(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { } n)
        {
            return null;
        }

        var a = AnyAttribute(n, OnnxAttributeType.Int, rng);
        if (a is null)
        {
            a = AttributeProto.Int(IntAttributes[rng.Next(IntAttributes.Length)], 0);
            n.Attribute.Add(a);
        }

        a.I = Value(rng);
        return $"{n.Name}.{a.Name}={a.I}";
    }

    private static string? SetInts(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { } n)
        {
            return null;
        }

        var a = AnyAttribute(n, OnnxAttributeType.Ints, rng);
        if (a is null)
        {
            a = AttributeProto.IntList(IntsAttributes[rng.Next(IntsAttributes.Length)], 1, 1);
            n.Attribute.Add(a);
        }

        switch (rng.Next(4))
        {
            case 0 when a.Ints.Count > 0:
                a.Ints[rng.Next(a.Ints.Count)] = Value(rng);
                break;
            case 1:
                a.Ints.Add(Value(rng));
                break;
            case 2 when a.Ints.Count > 0:
                a.Ints.RemoveAt(rng.Next(a.Ints.Count));
                break;
            default:
                long v = Value(rng);
                for (int i = 0; i < a.Ints.Count; i++)
                {
                    a.Ints[i] = v;
                }

                break;
        }

        return $"{n.Name}.{a.Name}=[{string.Join(",", a.Ints)}]";
    }

    private static string? SetFloat(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { } n)
        {
            return null;
        }

        var a = AnyAttribute(n, OnnxAttributeType.Float, rng);
        if (a is null)
        {
            a = AttributeProto.Float(FloatAttributes[rng.Next(FloatAttributes.Length)], 0);
            n.Attribute.Add(a);
        }

        a.F = InterestingFloats[rng.Next(InterestingFloats.Length)];
        return $"{n.Name}.{a.Name}={a.F}";
    }

    private static string? SetString(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { } n)
        {
            return null;
        }

        string v = AutoPads[rng.Next(AutoPads.Length)];
        var a = AnyAttribute(n, OnnxAttributeType.String, rng);
        if (a is null)
        {
            n.Attribute.Add(AttributeProto.String("auto_pad", v));
        }
        else
        {
            a.S = System.Text.Encoding.UTF8.GetBytes(v);
        }

        return $"{n.Name}.auto_pad={v}";
    }

    private static string? AttributeType(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { Attribute.Count: > 0 } n)
        {
            return null;
        }

        var a = n.Attribute[rng.Next(n.Attribute.Count)];
        a.Type = (OnnxAttributeType)rng.Next(0, 16);
        return $"{n.Name}.{a.Name} type {a.Type}";
    }

    private static string? RenameAttribute(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { Attribute.Count: > 0 } n)
        {
            return null;
        }

        var a = n.Attribute[rng.Next(n.Attribute.Count)];
        a.Name = rng.Next(3) switch { 0 => "", 1 => "foo", _ => IntAttributes[rng.Next(IntAttributes.Length)] };
        return $"{n.Name} attribute renamed '{a.Name}'";
    }

    private static string? DuplicateAttribute(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { Attribute.Count: > 0 } n)
        {
            return null;
        }

        n.Attribute.Add(n.Attribute[rng.Next(n.Attribute.Count)]);
        return $"{n.Name} attribute duplicated";
    }

    private static string? RemoveAttribute(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { Attribute.Count: > 0 } n)
        {
            return null;
        }

        n.Attribute.RemoveAt(rng.Next(n.Attribute.Count));
        return $"{n.Name} attribute removed";
    }

    private static string? OpType(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { } n)
        {
            return null;
        }

        n.OpType = OpTypes[rng.Next(OpTypes.Length)];
        return $"{n.Name} op {n.OpType}";
    }

    private static string? RenameInput(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { Input.Count: > 0 } n)
        {
            return null;
        }

        var tensors = Tensors(g);
        int i = rng.Next(n.Input.Count);
        n.Input[i] = rng.Next(5) switch { 0 => "ghost", 1 => "", _ => tensors[rng.Next(tensors.Count)] };
        return $"{n.Name}.input[{i}]='{n.Input[i]}'";
    }

    private static string? RenameOutput(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { Output.Count: > 0 } n)
        {
            return null;
        }

        var tensors = Tensors(g);
        int i = rng.Next(n.Output.Count);
        n.Output[i] = rng.Next(4) switch { 0 => "", 1 => "fresh", _ => tensors[rng.Next(tensors.Count)] };
        return $"{n.Name}.output[{i}]='{n.Output[i]}'";
    }

    private static string? AddOrRemoveInput(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { } n)
        {
            return null;
        }

        if (n.Input.Count > 0 && rng.Next(2) == 0)
        {
            n.Input.RemoveAt(rng.Next(n.Input.Count));
            return $"{n.Name} lost an input";
        }

        var tensors = Tensors(g);
        n.Input.Add(rng.Next(4) == 0 ? "" : tensors[rng.Next(tensors.Count)]);
        return $"{n.Name} gained input '{n.Input[^1]}'";
    }

    private static string? AddOrRemoveOutput(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { } n)
        {
            return null;
        }

        if (n.Output.Count > 0 && rng.Next(2) == 0)
        {
            n.Output.RemoveAt(rng.Next(n.Output.Count));
            return $"{n.Name} lost an output";
        }

        n.Output.Add(rng.Next(3) == 0 ? "" : $"extra{rng.Next(100)}");
        return $"{n.Name} gained output '{n.Output[^1]}'";
    }

    private static string? DeleteNode(ModelProto m, GraphProto g, Random rng)
    {
        if (g.Node.Count == 0)
        {
            return null;
        }

        int i = rng.Next(g.Node.Count);
        g.Node.RemoveAt(i);
        return $"node {i} deleted";
    }

    private static string? DuplicateNode(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { } n)
        {
            return null;
        }

        g.Node.Insert(rng.Next(g.Node.Count + 1), n);
        return $"{n.Name} duplicated";
    }

    private static string? MoveNode(ModelProto m, GraphProto g, Random rng)
    {
        if (g.Node.Count < 2)
        {
            return null;
        }

        int from = rng.Next(g.Node.Count), to = rng.Next(g.Node.Count);
        var n = g.Node[from];
        g.Node.RemoveAt(from);
        g.Node.Insert(to, n);
        return $"node {from} moved to {to}";
    }

    private static string? ReverseNodes(ModelProto m, GraphProto g, Random rng)
    {
        g.Node.Reverse();
        return "nodes reversed";
    }

    private static string? Cycle(ModelProto m, GraphProto g, Random rng)
    {
        if (g.Node.Count == 0)
        {
            return null;
        }

        int i = rng.Next(g.Node.Count), j = rng.Next(i, g.Node.Count);
        var n = g.Node[i];
        var outputs = g.Node[j].Output.Where(o => o.Length > 0).ToList();
        if (n.Input.Count == 0 || outputs.Count == 0)
        {
            return null;
        }

        n.Input[rng.Next(n.Input.Count)] = outputs[rng.Next(outputs.Count)];
        return $"node {i} reads node {j}'s output";
    }

    private static string? Domain(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyNode(g, rng) is not { } n)
        {
            return null;
        }

        n.Domain = rng.Next(3) switch { 0 => "com.example", 1 => "ai.onnx", _ => "ai.onnx.ml" };
        return $"{n.Name} domain {n.Domain}";
    }

    private static TensorProto? AnyInitializer(GraphProto g, Random rng) => g.Initializer.Count == 0 ? null : g.Initializer[rng.Next(g.Initializer.Count)];

    private static string? InitializerDims(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyInitializer(g, rng) is not { } t)
        {
            return null;
        }

        switch (rng.Next(4))
        {
            case 0 when t.Dims.Count > 0:
                t.Dims[rng.Next(t.Dims.Count)] = Value(rng);
                break;
            case 1:
                t.Dims.Insert(rng.Next(t.Dims.Count + 1), rng.Next(2) == 0 ? 1 : Value(rng));
                break;
            case 2 when t.Dims.Count > 0:
                t.Dims.RemoveAt(rng.Next(t.Dims.Count));
                break;
            default:
                t.Dims.Reverse();
                break;
        }

        return $"{t.Name} dims [{string.Join(",", t.Dims)}]";
    }

    private static string? InitializerType(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyInitializer(g, rng) is not { } t)
        {
            return null;
        }

        t.DataType = (OnnxDataType)rng.Next(0, 26);
        return $"{t.Name} type {(int)t.DataType}";
    }

    private static string? InitializerData(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyInitializer(g, rng) is not { } t)
        {
            return null;
        }

        if (!t.RawData.IsEmpty)
        {
            int length = t.RawData.Length;
            int cut = rng.Next(3) switch { 0 => length - 1, 1 => length + 4, _ => rng.Next(length) };
            var data = new byte[cut];
            t.RawData.Span[..Math.Min(cut, length)].CopyTo(data);
            t.RawData = data;
            if (rng.Next(4) == 0)
            {
                t.FloatData.Add(1);
            }

            return $"{t.Name} raw_data {length} -> {cut} bytes";
        }

        if (t.FloatData.Count > 0)
        {
            t.FloatData.RemoveAt(rng.Next(t.FloatData.Count));
            return $"{t.Name} float_data shortened";
        }

        t.Int64Data.Add(Value(rng));
        return $"{t.Name} int64_data lengthened";
    }

    private static string? InitializerName(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyInitializer(g, rng) is not { } t)
        {
            return null;
        }

        switch (rng.Next(3))
        {
            case 0:
                g.Initializer.Remove(t);
                return $"{t.Name} removed";
            case 1:
                g.Initializer.Add(t);
                return $"{t.Name} listed twice";
            default:
                var tensors = Tensors(g);
                t.Name = rng.Next(4) == 0 ? "" : tensors[rng.Next(tensors.Count)];
                return $"initializer renamed '{t.Name}'";
        }
    }

    private static string? InitializerValues(ModelProto m, GraphProto g, Random rng)
    {
        if (AnyInitializer(g, rng) is not { DataType: OnnxDataType.Float } t || t.RawData.Length < 4)
        {
            return null;
        }

        var data = t.RawData.ToArray();
        var floats = MemoryMarshal.Cast<byte, float>(data.AsSpan(0, data.Length / 4 * 4));
        floats[rng.Next(floats.Length)] = InterestingFloats[rng.Next(InterestingFloats.Length)];
        t.RawData = data;
        return $"{t.Name} holds a special value";
    }

    private static string? InputDims(ModelProto m, GraphProto g, Random rng)
    {
        var v = g.Input.FirstOrDefault(i => g.Initializer.All(t => t.Name != i.Name));
        var dims = v?.Type?.TensorType?.Shape?.Dims;
        if (dims is null)
        {
            return null;
        }

        switch (rng.Next(5))
        {
            case 0 when dims.Count > 0:
                dims[rng.Next(dims.Count)].DimValue = Value(rng);
                break;
            case 1 when dims.Count > 1:
                dims[1].DimValue = (dims[1].DimValue ?? 3) + rng.Next(-1, 2);
                break;
            case 2:
                dims.Insert(rng.Next(dims.Count + 1), new TensorShapeDimension(1));
                break;
            case 3 when dims.Count > 0:
                dims.RemoveAt(rng.Next(dims.Count));
                break;
            default:
                if (dims.Count > 0)
                {
                    dims[rng.Next(dims.Count)].DimParam = "batch";
                }

                break;
        }

        return $"input {v!.Name} {v.Type}";
    }

    private static string? InputType(ModelProto m, GraphProto g, Random rng)
    {
        if (g.Input.Count == 0)
        {
            return null;
        }

        var v = g.Input[rng.Next(g.Input.Count)];
        switch (rng.Next(3))
        {
            case 0:
                v.Type = null;
                break;
            case 1 when v.Type?.TensorType is { } t:
                t.Shape = null;
                break;
            default:
                if (v.Type?.TensorType is { } tt)
                {
                    tt.ElemType = (OnnxDataType)rng.Next(0, 26);
                }

                break;
        }

        return $"input {v.Name} type {v.Type?.ToString() ?? "none"}";
    }

    private static string? GraphInputs(ModelProto m, GraphProto g, Random rng)
    {
        switch (rng.Next(3))
        {
            case 0 when g.Input.Count > 0:
                g.Input.RemoveAt(rng.Next(g.Input.Count));
                return "a graph input removed";
            case 1 when g.Input.Count > 0:
                g.Input.Add(g.Input[rng.Next(g.Input.Count)]);
                return "a graph input listed twice";
            default:
                g.Input.Add(new ValueInfoProto($"in{rng.Next(10)}", OnnxDataType.Float, 1, 3));
                return "a graph input added";
        }
    }

    private static string? GraphOutput(ModelProto m, GraphProto g, Random rng)
    {
        var tensors = Tensors(g);
        switch (rng.Next(4))
        {
            case 0 when g.Output.Count > 0:
                g.Output[rng.Next(g.Output.Count)].Name = rng.Next(3) == 0 ? "ghost" : tensors[rng.Next(tensors.Count)];
                return "graph output renamed";
            case 1 when g.Output.Count > 0:
                g.Output.RemoveAt(rng.Next(g.Output.Count));
                return "graph output removed";
            case 2:
                g.Output.Add(new ValueInfoProto(tensors[rng.Next(tensors.Count)], OnnxDataType.Float));
                return "graph output added";
            default:
                if (g.Output.Count > 0 && g.Output[0].Type?.TensorType is { } t)
                {
                    t.ElemType = (OnnxDataType)rng.Next(0, 17);
                    return $"graph output type {t.ElemType}";
                }

                return null;
        }
    }

    private static string? Opset(ModelProto m, GraphProto g, Random rng)
    {
        long[] versions = [0, 1, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 21, 22, 100_000, -1];
        var o = m.OpsetImport.FirstOrDefault(x => x.Domain is "" or "ai.onnx");
        if (o is null)
        {
            return null;
        }

        o.Version = versions[rng.Next(versions.Length)];
        return $"opset {o.Version}";
    }

    private static string? IrVersion(ModelProto m, GraphProto g, Random rng)
    {
        long[] versions = [0, 1, 2, 3, 4, 7, 8, 10, 11, 12, -5];
        m.IrVersion = versions[rng.Next(versions.Length)];
        return $"ir_version {m.IrVersion}";
    }

    private static string? OpsetImports(ModelProto m, GraphProto g, Random rng)
    {
        switch (rng.Next(3))
        {
            case 0:
                m.OpsetImport.Clear();
                return "no opset imports";
            case 1 when m.OpsetImport.Count > 0:
                m.OpsetImport.Add(new OperatorSetIdProto(m.OpsetImport[0].Domain, m.OpsetImport[0].Version + 1));
                return "an opset imported twice";
            default:
                m.OpsetImport.Add(new OperatorSetIdProto("com.example", 1));
                return "another domain imported";
        }
    }
}
