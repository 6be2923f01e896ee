using Frost.Freezing;
using Frost.Layers;

namespace Frost.Training;

/// <summary>
/// Finds the leading part of a model that is a fixed function — every parameter frozen, no random layer,
/// batch norm in inference mode — and computes its outputs once, so training epochs run only the rest.
/// Frozen parts then cost no gradient, no optimizer state and no recomputation.
/// </summary>
internal static class FrozenPrefix
{
    /// <summary>Number of leading children of <paramref name="model"/> that are frozen and deterministic.</summary>
    public static int Length(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = 0;
        foreach (var child in model.Children)
        {
            bool fixedFunction = child.Status is LayerStatus.Frozen or LayerStatus.NoParameters
                && child.Variables.All(FreezeStatus.KeepsValue) && child.Generators.Count == 0;
            if (!fixedFunction)
            {
                break;
            }

            n++;
        }

        return n;
    }
}
