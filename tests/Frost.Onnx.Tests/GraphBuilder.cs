using Frost.Onnx.Proto;

namespace Frost.Onnx.Tests;

/// <summary>Builds small ONNX models in a few lines: one float input "x", float initializers with fixed values, nodes, one output.</summary>
internal sealed class GraphBuilder
{
    private readonly GraphProto _graph = new() { Name = "g" };
    private readonly long _opset;
    private int _seed = 1;

    public GraphBuilder(long opset, params long[] inputDims)
    {
        _opset = opset;
        if (inputDims.Length > 0)
        {
            _graph.Input.Add(new ValueInfoProto("x", OnnxDataType.Float, inputDims));
        }
    }

    public long IrVersion { get; set; } = 8;

    public GraphProto Graph => _graph;

    /// <summary>A float initializer with values in [-1, 1) drawn from a fixed seed.</summary>
    public GraphBuilder Weight(string name, params int[] dims)
    {
        _graph.Initializer.Add(OnnxTensors.FromTensor(Tensor.Uniform(new Shape(dims), -1, 1, new Rng((ulong)_seed++)), name));
        return this;
    }

    /// <summary>A float initializer of positive values (variances, for example).</summary>
    public GraphBuilder Positive(string name, params int[] dims)
    {
        _graph.Initializer.Add(OnnxTensors.FromTensor(Tensor.Uniform(new Shape(dims), 0.5f, 2, new Rng((ulong)_seed++)), name));
        return this;
    }

    public GraphBuilder Ints(string name, params long[] values)
    {
        _graph.Initializer.Add(OnnxTensors.FromInt64(name, values));
        return this;
    }

    public GraphBuilder Node(string op, string input, string output, params AttributeProto[] attributes)
        => Node(op, [input], [output], attributes);

    public GraphBuilder Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = $"{op.ToLowerInvariant()}{_graph.Node.Count}" };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        _graph.Node.Add(n);
        return this;
    }

    public GraphBuilder Output(string name)
    {
        _graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TensorTypeProto { ElemType = OnnxDataType.Float } } });
        return this;
    }

    public ModelProto Build()
    {
        var model = new ModelProto { IrVersion = IrVersion, ProducerName = "frost-tests", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto("", _opset));
        return model;
    }

    public OnnxModel Model(string source = "test.onnx") => new(Build(), source);


    public byte[] Bytes() => new OnnxModel(Build()).ToBytes();
}
