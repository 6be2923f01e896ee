using Frost.Onnx.Proto;

namespace Frost.Onnx.Tests;

/// <summary>Edits of built models for tests.</summary>
internal static class ModelEdits
{
    /// <summary>Adds a float scalar initializer.</summary>
    public static ModelProto WithScalar(this ModelProto model, string name, float value)
    {
        model.Graph!.Initializer.Add(OnnxTensors.FromTensor(Tensor.Scalar(value), name));
        return model;
    }
}
