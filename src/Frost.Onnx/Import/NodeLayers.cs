using Frost.Layers;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Import;

/// <summary>Builds the Frost layers of validated ONNX nodes, copying their weights from the initializers.</summary>
internal static class NodeLayers
{
    /// <summary>A convolution with weights [M, C/group, kH, kW] and an optional bias [M].</summary>
    public static Layers.Conv2D Conv(TensorProto weight, TensorProto? bias, Conv2DSettings settings)
    {
        var w = weight.ToTensor();
        var conv = new Layers.Conv2D(w.Shape[1] * settings.Groups, w.Shape[0], w.Shape[2], w.Shape[3], new Rng(0), settings, useBias: bias is not null);
        conv.Weight.Value.CopyFrom(w);
        conv.Bias?.Value.CopyFrom(bias!.ToTensor());
        return conv;
    }

    /// <summary>Inference batch norm from ONNX's scale, shift, mean and variance; ONNX momentum weighs the old running value, Frost's the new batch.</summary>
    public static BatchNorm2D BatchNorm(TensorProto scale, TensorProto shift, TensorProto mean, TensorProto variance, float momentum, float epsilon)
    {
        var s = scale.ToTensor();
        var bn = new BatchNorm2D(s.Size, 1f - momentum, epsilon);
        bn.Weight.Value.CopyFrom(s);
        bn.Bias.Value.CopyFrom(shift.ToTensor());
        bn.RunningMean.Value.CopyFrom(mean.ToTensor());
        bn.RunningVar.Value.CopyFrom(variance.ToTensor());
        return bn;
    }

    /// <summary>A dense layer computing <c>alpha·x·B (Bᵀ when transposed) + beta·C</c>, with C a scalar or one value per output.</summary>
    public static Dense Dense(TensorProto b, bool transposed, float alpha, TensorProto? c, float beta)
    {
        var bt = b.ToTensor();
        var weight = transposed ? bt : Ops.Transpose(bt);
        var dense = new Dense(weight.Shape[1], weight.Shape[0], new Rng(0), useBias: c is not null);
        dense.Weight.Value.CopyFrom(alpha == 1f ? weight : Ops.Mul(weight, alpha));
        if (dense.Bias is { } bias)
        {
            var values = Ops.Mul(c!.ToTensor(), beta);
            bias.Value.CopyFrom(values.Size == 1 ? Tensor.Full(bias.Shape, values.AsReadOnlySpan()[0]) : Ops.Reshape(values, dense.OutFeatures));
        }

        return dense;
    }
}
