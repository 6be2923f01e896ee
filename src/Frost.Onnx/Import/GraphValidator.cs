using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>
/// Checks a model before any layer is built: versions, initializers, declared inputs and outputs, that every tensor is
/// written exactly once and read only once written, a topological order (sorting nodes given out of order, naming a
/// node on a cycle), the supported ops, and then every node through its handler with static shapes. Errors are one
/// line naming the file and the node or tensor: <see cref="OnnxFormatException"/> for invalid ONNX (what ONNX Runtime
/// also rejects), <see cref="NotSupportedException"/> for valid ONNX that Frost does not import.
/// </summary>
internal static class GraphValidator
{
    /// <summary>The oldest default-domain opset the handlers implement (numpy broadcasting arrived in opset 7).</summary>
    public const long MinOpset = 7;

    /// <summary>The newest default-domain opset whose semantics the handlers implement.</summary>
    public const long MaxOpset = 21;

    /// <summary>The oldest IR version read (operator sets arrived in IR 3).</summary>
    public const long MinIrVersion = 3;

    /// <summary>The newest IR version read.</summary>
    public const long MaxIrVersion = 11;

    private const int Written = -1;

    public static ImportPlan Validate(OnnxModel model)
    {
        string src = model.Source;
        long opset = CheckVersions(model.Proto, src);
        var g = model.Graph;

        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var t in g.Initializer)
        {
            if (t.Name.Length == 0)
            {
                throw new OnnxFormatException($"{src}: an initializer has no name.");
            }

            if (!initializers.TryAdd(t.Name, t))
            {
                throw new OnnxFormatException($"{src}: two initializers are named {OnnxText.Quote(t.Name)}.");
            }

            OnnxTensors.CheckData(t, src);
        }

        // Who writes each tensor: Written for a graph input or initializer, else the index of the node.
        var writer = new Dictionary<string, int>(StringComparer.Ordinal);
        var realInputs = new List<ValueInfoProto>();
        foreach (var v in g.Input)
        {
            CheckInput(v, initializers, src);
            if (!writer.TryAdd(v.Name, Written))
            {
                throw new OnnxFormatException($"{src}: graph input {OnnxText.Quote(v.Name)} is declared twice.");
            }

            if (!initializers.ContainsKey(v.Name))
            {
                realInputs.Add(v);
            }
        }

        foreach (string name in initializers.Keys)
        {
            writer.TryAdd(name, Written);
        }

        var nodes = g.Node;
        var domains = new HashSet<string>(model.Proto.OpsetImport.Select(o => o.Domain is "ai.onnx" ? "" : o.Domain), StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
        {
            CheckNode(nodes[i], domains, src);
            foreach (string o in nodes[i].Output)
            {
                if (o.Length == 0)
                {
                    continue;
                }

                if (writer.TryGetValue(o, out int other))
                {
                    throw new OnnxFormatException(other == Written
                        ? $"{src}: {OnnxText.Node(nodes[i])} writes {OnnxText.Quote(o)}, which is already a graph input or initializer."
                        : $"{src}: tensor {OnnxText.Quote(o)} is written by both {OnnxText.Node(nodes[other])} and {OnnxText.Node(nodes[i])}.");
                }

                writer[o] = i;
            }
        }

        foreach (var node in nodes)
        {
            foreach (string read in node.Input)
            {
                if (read.Length > 0 && !writer.ContainsKey(read))
                {
                    throw new OnnxFormatException(
                        $"{src}: {OnnxText.Node(node)} reads {OnnxText.Quote(read)}, which is no graph input, initializer or node output.");
                }
            }
        }

        if (g.Output.Count == 0)
        {
            throw new OnnxFormatException($"{src}: the graph declares no output.");
        }

        foreach (var v in g.Output)
        {
            if (v.Type is { } type)
            {
                var elem = (type.TensorType ?? throw new NotSupportedException($"{src}: graph output {OnnxText.Quote(v.Name)} is not a tensor; Frost imports tensor outputs.")).ElemType;
                if (elem == OnnxDataType.Undefined || (int)elem is < 0 or > 23)
                {
                    throw new OnnxFormatException(
                        $"{src}: graph output {OnnxText.Quote(v.Name)} has {(elem == OnnxDataType.Undefined ? "no element type" : $"unknown element type {(int)elem}")}.");
                }
            }

            if (!writer.ContainsKey(v.Name))
            {
                throw new OnnxFormatException($"{src}: graph output {OnnxText.Quote(v.Name)} is not produced by any node, input or initializer.");
            }
        }

        var order = TopologicalOrder(nodes, writer, src);
        CheckSupported(nodes, src);

        if (realInputs.Count != 1)
        {
            throw new NotSupportedException(realInputs.Count == 0
                ? $"{src}: the graph has no input to feed; Frost imports graphs of one input."
                : $"{src}: the graph has {realInputs.Count} inputs ({string.Join(", ", realInputs.Take(5).Select(v => OnnxText.Quote(v.Name)))}); Frost imports graphs of one input.");
        }

        if (g.Output.Count != 1)
        {
            throw new NotSupportedException($"{src}: the graph has {g.Output.Count} outputs; Frost imports graphs of one output.");
        }

        string input = realInputs[0].Name, output = g.Output[0].Name;
        if (initializers.ContainsKey(output))
        {
            throw new NotSupportedException($"{src}: graph output {OnnxText.Quote(output)} is a constant initializer.");
        }

        var inputInfo = Declared(realInputs[0]);
        if (inputInfo.Dims is null)
        {
            throw new NotSupportedException($"{src}: graph input {OnnxText.Quote(input)} has no declared shape; Frost imports inputs of known rank.");
        }

        if (inputInfo.ElementCount > int.MaxValue)
        {
            throw new NotSupportedException($"{src}: graph input {OnnxText.Quote(input)} is {inputInfo}, more than the {int.MaxValue} elements a Frost tensor holds.");
        }

        if (inputInfo.Type != OnnxDataType.Float)
        {
            throw new NotSupportedException($"{src}: graph input {OnnxText.Quote(input)} is {inputInfo}; Frost imports float inputs.");
        }

        return Plan(model, opset, order, initializers, input, inputInfo, output);
    }

    /// <summary>Throws, listing every unsupported op type with its count and the supported ones.</summary>
    public static void CheckSupported(IEnumerable<NodeProto> nodes, string src)
    {
        var bad = nodes.Where(n => !ImportTable.Handlers.ContainsKey(n.OpType) || n.Domain is not ("" or "ai.onnx"))
            .GroupBy(n => n.Domain is "" or "ai.onnx" ? n.OpType : $"{n.Domain}.{n.OpType}", StringComparer.Ordinal)
            .Select(grp => $"{OnnxText.Quote(grp.Key).Trim('\'')} ({grp.Count()})").ToList();
        if (bad.Count > 0)
        {
            throw new NotSupportedException(
                $"{src}: unsupported ONNX ops: {string.Join(", ", bad.Take(20))}{(bad.Count > 20 ? ", …" : "")}. Supported: {string.Join(", ", OnnxImporter.SupportedOps)}.");
        }
    }

    private static ImportPlan Plan(
        OnnxModel model, long opset, List<NodeProto> nodes, Dictionary<string, TensorProto> initializers, string input, TensorInfo inputInfo, string output)
    {
        string src = model.Source;
        var types = new Dictionary<string, TensorInfo>(StringComparer.Ordinal) { [input] = inputInfo };
        foreach (var (name, t) in initializers)
        {
            types[name] = new TensorInfo(t.DataType, [.. t.Dims]);
        }

        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            foreach (string i in node.Input.Where(i => i.Length > 0).Distinct(StringComparer.Ordinal))
            {
                if (!consumers.TryGetValue(i, out var list))
                {
                    consumers[i] = list = [];
                }

                list.Add(node);
            }

            foreach (string o in node.Output.Where(o => o.Length > 0))
            {
                producers[o] = node;
            }
        }

        bool IsUsed(string tensor) => tensor == output || consumers.ContainsKey(tensor);

        // NOTE: before IR 4 initializers had to be graph inputs; ONNX Runtime tolerates one that is not, unless nothing reads it.
        if (model.Proto.IrVersion < 4)
        {
            var inputs = model.Graph.Input.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
            if (initializers.Keys.FirstOrDefault(name => !inputs.Contains(name) && !IsUsed(name)) is { } stray)
            {
                throw new OnnxFormatException(
                    $"{src}: initializer {OnnxText.Quote(stray)} is neither read nor a graph input; before IR version 4 initializers must be graph inputs.");
            }
        }

        var plans = new List<NodePlan>(nodes.Count);
        foreach (var node in nodes)
        {
            var inputs = node.Input.Select(i => i.Length == 0 ? default : types.TryGetValue(i, out var t) ? t
                : throw new NotSupportedException($"{src}: {OnnxText.Node(node)} reads {OnnxText.Quote(i)}, an output its producer does not compute.")).ToArray();
            var context = new NodeContext(node, opset, src, inputs, initializers, IsUsed);
            var plan = ImportTable.Handlers[node.OpType](context);
            context.CheckAttributesRead();
            for (int j = 0; j < node.Output.Count; j++)
            {
                string name = node.Output[j];
                if (name.Length == 0)
                {
                    continue;
                }

                if (j >= plan.Outputs.Length)
                {
                    if (IsUsed(name))
                    {
                        throw new NotSupportedException($"{src}: {OnnxText.Node(node)}: output {j} {OnnxText.Quote(name)} is used but Frost does not compute it.");
                    }

                    continue;
                }

                CheckSize(plan.Outputs[j], name, node, src);
                types[name] = plan.Outputs[j];
            }

            foreach (int j in plan.Operands.Where(j => initializers.ContainsKey(node.Input[j])))
            {
                var t = initializers[node.Input[j]];
                if (t.DataType != OnnxDataType.Float)
                {
                    throw new OnnxFormatException(
                        $"{src}: {OnnxText.Node(node)}: input {j} {OnnxText.Quote(t.Name)} is {OnnxTypeNames.Of(t.DataType)}[{string.Join(",", t.Dims)}]; float expected.");
                }
            }

            plans.Add(plan);
        }

        // Declared element types of computed tensors must be the computed ones (ONNX Runtime checks them; shapes it only warns about).
        foreach (var v in model.Graph.Output.Concat(model.Graph.ValueInfo))
        {
            if (v.Type is null || !producers.ContainsKey(v.Name) || !types.TryGetValue(v.Name, out var computed))
            {
                continue;
            }

            var declared = v.Type.TensorType?.ElemType ?? OnnxDataType.Undefined;
            if (declared != computed.Type)
            {
                throw new OnnxFormatException(
                    $"{src}: tensor {OnnxText.Quote(v.Name)} is declared {(v.Type.TensorType is null ? "a non-tensor type" : OnnxTypeNames.Of(declared))} but computed as {OnnxTypeNames.Of(computed.Type)}.");
            }
        }

        return new ImportPlan
        {
            Source = src,
            Opset = opset,
            Nodes = nodes,
            Plans = plans,
            Input = input,
            Output = output,
            Initializers = initializers,
            Types = types,
            Consumers = consumers,
            Producers = producers,
        };
    }

    private static long CheckVersions(ModelProto proto, string src)
    {
        if (proto.IrVersion <= 0)
        {
            throw new OnnxFormatException($"{src}: ir_version is {(proto.IrVersion == 0 ? "missing" : proto.IrVersion)}; a positive version expected.");
        }

        if (proto.IrVersion < MinIrVersion || proto.IrVersion > MaxIrVersion)
        {
            throw new NotSupportedException($"{src}: IR version {proto.IrVersion}; Frost reads IR versions {MinIrVersion} to {MaxIrVersion}.");
        }

        long opset = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in proto.OpsetImport)
        {
            string domain = o.Domain is "ai.onnx" ? "" : o.Domain;
            if (!seen.Add(domain))
            {
                throw new OnnxFormatException($"{src}: the model imports operator set {OnnxText.Quote(o.Domain)} twice.");
            }

            if (o.Version <= 0)
            {
                throw new OnnxFormatException($"{src}: the model imports version {o.Version} of operator set {OnnxText.Quote(o.Domain)}; a positive version expected.");
            }

            if (domain.Length == 0)
            {
                opset = o.Version;
            }
        }

        if (opset == 0)
        {
            throw new OnnxFormatException($"{src}: the model imports no version of the default ONNX operator set (opset_import).");
        }

        if (opset < MinOpset || opset > MaxOpset)
        {
            throw new NotSupportedException($"{src}: opset {opset}; Frost imports opsets {MinOpset} to {MaxOpset}.");
        }

        return opset;
    }

    private static void CheckInput(ValueInfoProto v, Dictionary<string, TensorProto> initializers, string src)
    {
        string name = $"{src}: graph input {OnnxText.Quote(v.Name)}";
        if (v.Name.Length == 0)
        {
            throw new OnnxFormatException($"{src}: a graph input has no name.");
        }

        if (v.Type is null)
        {
            throw new OnnxFormatException($"{name} has no type.");
        }

        var tensor = v.Type.TensorType ?? throw new NotSupportedException($"{name} is not a tensor; Frost imports tensor inputs.");
        if (tensor.ElemType == OnnxDataType.Undefined || (int)tensor.ElemType is < 0 or > 23)
        {
            throw new OnnxFormatException($"{name} has {(tensor.ElemType == OnnxDataType.Undefined ? "no element type" : $"unknown element type {(int)tensor.ElemType}")}.");
        }

        if (tensor.Shape is { } shape)
        {
            for (int i = 0; i < shape.Dims.Count; i++)
            {
                long? d = shape.Dims[i].DimValue;
                if (d < 0)
                {
                    throw new OnnxFormatException($"{name} {v.Type}: dimension {i} is negative.");
                }

                if (d > int.MaxValue)
                {
                    throw new NotSupportedException($"{name} {v.Type}: dimension {i} exceeds {int.MaxValue}, the largest Frost tensors have.");
                }
            }
        }

        if (initializers.TryGetValue(v.Name, out var init))
        {
            var declared = Declared(v);
            bool sameDims = declared.Dims is null || (declared.Dims.Length == init.Dims.Count
                && declared.Dims.Zip(init.Dims).All(p => p.First < 0 || p.First == p.Second));
            if (declared.Type != init.DataType || !sameDims)
            {
                throw new OnnxFormatException($"{name} is declared {declared} but its initializer is {OnnxTypeNames.Of(init.DataType)}[{string.Join(",", init.Dims)}].");
            }
        }
    }

    private static void CheckNode(NodeProto node, HashSet<string> domains, string src)
    {
        if (node.OpType.Length == 0)
        {
            throw new OnnxFormatException($"{src}: {OnnxText.Node(node)} has no op_type.");
        }

        if (!domains.Contains(node.Domain is "ai.onnx" ? "" : node.Domain))
        {
            throw new OnnxFormatException($"{src}: {OnnxText.Node(node)} uses operator set {OnnxText.Quote(node.Domain)}, which the model does not import.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in node.Attribute)
        {
            if (a.Name.Length == 0)
            {
                throw new OnnxFormatException($"{src}: {OnnxText.Node(node)} has an attribute without a name.");
            }

            if (!names.Add(a.Name))
            {
                throw new OnnxFormatException($"{src}: {OnnxText.Node(node)} has attribute {OnnxText.Quote(a.Name)} twice.");
            }

            if (a.Type is <= OnnxAttributeType.Undefined or > OnnxAttributeType.TypeProtos)
            {
                throw new OnnxFormatException($"{src}: {OnnxText.Node(node)}: attribute {OnnxText.Quote(a.Name)} has {(a.Type == OnnxAttributeType.Undefined ? "no type" : $"unknown type {(int)a.Type}")}.");
            }

            if (a.RefAttrName.Length > 0)
            {
                throw new OnnxFormatException($"{src}: {OnnxText.Node(node)}: attribute {OnnxText.Quote(a.Name)} refers to {OnnxText.Quote(a.RefAttrName)}, which only functions can do.");
            }
        }
    }

    /// <summary>Kahn's algorithm, keeping the file's order among ready nodes; a cycle is reported with the nodes on it.</summary>
    private static List<NodeProto> TopologicalOrder(List<NodeProto> nodes, Dictionary<string, int> writer, string src)
    {
        int count = nodes.Count;
        var pending = new int[count];
        var dependents = new List<int>?[count];
        for (int i = 0; i < count; i++)
        {
            foreach (string input in nodes[i].Input)
            {
                if (input.Length > 0 && writer[input] is int p and >= 0)
                {
                    pending[i]++;
                    (dependents[p] ??= []).Add(i);
                }
            }
        }

        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < count; i++)
        {
            if (pending[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        var order = new List<NodeProto>(count);
        while (ready.TryDequeue(out int i, out _))
        {
            order.Add(nodes[i]);
            foreach (int d in dependents[i] ?? [])
            {
                if (--pending[d] == 0)
                {
                    ready.Enqueue(d, d);
                }
            }
        }

        if (order.Count == count)
        {
            return order;
        }

        // Every node left waits on another node left: walking back through them must come round to a node seen before.
        int start = Array.FindIndex(pending, p => p > 0);
        var seenAt = new Dictionary<int, int>();
        var path = new List<int>();
        int cur = start;
        while (!seenAt.ContainsKey(cur))
        {
            seenAt[cur] = path.Count;
            path.Add(cur);
            cur = nodes[cur].Input.Where(i => i.Length > 0).Select(i => writer[i]).First(p => p >= 0 && pending[p] > 0);
        }

        var cycle = path[seenAt[cur]..];
        cycle.Reverse();
        var shown = cycle.Take(6).Select(i => OnnxText.Node(nodes[i])).ToList();
        shown.Add(cycle.Count > 6 ? "…" : OnnxText.Node(nodes[cycle[0]]));
        throw new OnnxFormatException($"{src}: the graph has a cycle: {string.Join(" -> ", shown)}.");
    }

    private static void CheckSize(TensorInfo info, string name, NodeProto node, string src)
    {
        if (info.Dims is not null && (info.Dims.Any(d => d > int.MaxValue) || info.ElementCount > int.MaxValue))
        {
            throw new NotSupportedException(
                $"{src}: {OnnxText.Node(node)}: output {OnnxText.Quote(name)} would be {info}, more than the {int.MaxValue} elements a Frost tensor holds.");
        }
    }

    private static TensorInfo Declared(ValueInfoProto v)
    {
        var t = v.Type?.TensorType;
        return new TensorInfo(t?.ElemType ?? OnnxDataType.Undefined, t?.Shape?.Dims.Select(d => d.DimValue ?? -1).ToArray());
    }
}
