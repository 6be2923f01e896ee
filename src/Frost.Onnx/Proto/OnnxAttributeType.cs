namespace Frost.Onnx.Proto;

/// <summary>Which value field of an <see cref="AttributeProto"/> is in use (<c>AttributeProto.AttributeType</c>).</summary>
internal enum OnnxAttributeType
{
    /// <summary>Not set.</summary>
    Undefined = 0,

    /// <summary>One float (<see cref="AttributeProto.F"/>).</summary>
    Float = 1,

    /// <summary>One int64 (<see cref="AttributeProto.I"/>).</summary>
    Int = 2,

    /// <summary>One byte string (<see cref="AttributeProto.S"/>).</summary>
    String = 3,

    /// <summary>One tensor (<see cref="AttributeProto.T"/>).</summary>
    Tensor = 4,

    /// <summary>One graph (<see cref="AttributeProto.G"/>).</summary>
    Graph = 5,

    /// <summary>A list of floats (<see cref="AttributeProto.Floats"/>).</summary>
    Floats = 6,

    /// <summary>A list of int64 (<see cref="AttributeProto.Ints"/>).</summary>
    Ints = 7,

    /// <summary>A list of byte strings (<see cref="AttributeProto.Strings"/>).</summary>
    Strings = 8,

    /// <summary>A list of tensors (<see cref="AttributeProto.Tensors"/>).</summary>
    Tensors = 9,

    /// <summary>A list of graphs (<see cref="AttributeProto.Graphs"/>).</summary>
    Graphs = 10,

    /// <summary>A sparse tensor (not read by Frost).</summary>
    SparseTensor = 11,

    /// <summary>A list of sparse tensors (not read by Frost).</summary>
    SparseTensors = 12,

    /// <summary>A type (not read by Frost).</summary>
    TypeProto = 13,

    /// <summary>A list of types (not read by Frost).</summary>
    TypeProtos = 14,
}
