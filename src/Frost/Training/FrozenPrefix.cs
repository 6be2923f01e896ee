using Frost.Execution;
using Frost.Freezing;
using Frost.Layers;

namespace Frost.Training;

/// <summary>
/// Finds the leading part of a model that is a fixed function — every parameter frozen, no random layer,
/// batch norm in inference mode — and computes its outputs once, so training epochs run only the rest.
/// Frozen parts then cost no gradient, no optimizer state and no recomputation.
/// </summary>
/// <remarks>
/// The model is a <see cref="Block"/> whose graph starts with layer steps. A cut after step p−1 is usable when the
/// only values that cross it (made before it, read after it) are the graph's inputs and the one value step p−1 makes:
/// that value is what the cache stores, with the inputs later steps still read (e.g. an attention mask). A
/// <see cref="Sequential"/> is the simplest case: any cut of its chain crosses one value.
/// </remarks>
internal static class FrozenPrefix
{
    /// <summary>Number of leading steps of <paramref name="model"/>'s graph that are frozen, deterministic layers, ending at a usable cut.</summary>
    public static int Length(Block model) => Cut(model).Prefix;

    /// <summary>
    /// The longest usable cut: the number of leading steps it covers, the value id crossing it, and the ids of the
    /// graph inputs read after it (in input order). Never covers the last step, which makes the logits.
    /// </summary>
    public static (int Prefix, int Value, int[] LiveInputs) Cut(Block model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Dataflow;
        var steps = graph.Steps;
        var best = (0, -1, Array.Empty<int>());
        for (int s = 0; s < steps.Count - 1; s++)
        {
            if (steps[s].Layer is not { } layer || !IsFixed(layer))
            {
                break;
            }

            int value = steps[s].Output;
            if (Crossing(graph, s + 1) is { } live && Array.TrueForAll(live, v => v == value || v < graph.InputCount))
            {
                best = (s + 1, value, [.. live.Where(v => v < graph.InputCount)]);
            }
        }

        return best;
    }

    private static bool IsFixed(Layer layer)
        => layer.Status is LayerStatus.Frozen or LayerStatus.NoParameters
            && layer.Variables.All(FreezeStatus.KeepsValue) && layer.Generators.Count == 0;

    /// <summary>The value ids made before step <paramref name="cut"/> (or inputs) that a later step or the output reads, sorted.</summary>
    private static int[]? Crossing(Dataflow graph, int cut)
    {
        var steps = graph.Steps;
        int limit = graph.InputCount + cut; // step s makes value InputCount + s
        var live = new SortedSet<int>();
        for (int s = cut; s < steps.Count; s++)
        {
            foreach (int v in steps[s].Inputs)
            {
                if (v < limit)
                {
                    live.Add(v);
                }
            }
        }

        if (graph.Output < limit)
        {
            return null; // the output itself is made before the cut
        }

        return [.. live];
    }
}
