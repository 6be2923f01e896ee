using Frost.Layers;

namespace Frost.Execution;

/// <summary>
/// The patterns the executor runs as one fused computation, each with the condition that makes it legal. A
/// fused pattern computes exactly what its steps would (up to float rounding) and records nothing, so it is
/// only used where nothing would have been recorded.
/// </summary>
internal static class Fusion
{
    /// <summary>
    /// Convolution → batch norm (→ ReLU) as one convolution with the normalisation folded into its weights and
    /// bias, when the batch norm normalises with its running statistics and no input of either layer requires a
    /// gradient (inference, or a frozen part of a model). The convolution's result must be read only by the batch
    /// norm, and the batch norm's only by the ReLU for that to be included. A convolution with an unmerged LoRA
    /// adapter is not fused (its output is the sum of two convolutions).
    /// </summary>
    public static bool TryConvBatchNorm(Dataflow graph, Executor.RunState state, int s, int end)
    {
        var steps = graph.Steps;
        if (steps[s].Layer is not Layers.Conv2D conv)
        {
            return false;
        }

        int t = graph.SoleConsumer[steps[s].Output];
        if (t < 0 || t >= end || steps[t].Layer is not BatchNorm2D bn)
        {
            return false;
        }

        var x = state.Values[steps[s].Inputs[0]]!;
        if (bn.UsesBatchStatistics || conv.Adapter is { Merged: false } || conv.OutChannels != bn.Channels || conv.RetainsTensorsDeep() || bn.RetainsTensorsDeep()
            || !Ops.CanFuseConvBatchNorm(x, conv.Weight, conv.Bias?.Value, bn.Weight, bn.Bias))
        {
            return false;
        }

        int r = graph.SoleConsumer[steps[t].Output];
        bool relu = r >= 0 && r < end && Executor.IsRelu(steps[r]);
        var y = Ops.Conv2DBatchNormInference(x, conv.Weight, conv.Bias?.Value, conv.Settings, bn.Weight, bn.Bias, bn.RunningMean, bn.RunningVar, bn.Epsilon, relu);
        ShapeTrace.Record(conv, y.Shape);
        ShapeTrace.Record(bn, y.Shape);
        state.Done[t] = true;
        if (relu)
        {
            state.Done[r] = true;
            if (steps[r].Layer is { } reluLayer)
            {
                ShapeTrace.Record(reluLayer, y.Shape);
            }
        }

        state.Values[steps[relu ? r : t].Output] = y;
        return true;
    }
}
