using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Training;

/// <summary>Discriminative learning rates: lower rates for lower layers (fastai's <c>slice(lr / factor^k, lr)</c>, ULMFiT).</summary>
public static class LearningRates
{
    /// <summary>
    /// Gives group k of <paramref name="groupsFromTop"/> (0 = top, usually the head) the learning rate
    /// <c><paramref name="maxLearningRate"/> / <paramref name="factor"/>^k</c>, as optimizer parameter groups named
    /// <c>spread0</c>, <c>spread1</c>, …. A variable matched by several groups belongs to the first.
    /// </summary>
    /// <exception cref="SelectorMatchException">A group matches nothing (or nothing not already taken by an earlier group).</exception>
    /// <remarks>Howard and Ruder, "Universal Language Model Fine-tuning for Text Classification", 2018 (factor 2.6).</remarks>
    public static IReadOnlyList<ParameterGroup> Spread(Optimizer optimizer, Layer model, IReadOnlyList<Selector> groupsFromTop, float maxLearningRate, float factor = 2.6f)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(groupsFromTop);
        if (!(maxLearningRate > 0 && float.IsFinite(maxLearningRate)) || !(factor >= 1 && float.IsFinite(factor)))
        {
            throw new ArgumentOutOfRangeException(nameof(maxLearningRate), $"LearningRates.Spread: need a positive finite rate ({maxLearningRate}) and a factor of at least 1 ({factor}).");
        }

        var taken = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        var groups = new List<ParameterGroup>();
        for (int k = 0; k < groupsFromTop.Count; k++)
        {
            var vars = groupsFromTop[k].Resolve(model).Where(v => v.Kind == VariableKind.Parameter && taken.Add(v)).ToList();
            if (vars.Count == 0)
            {
                throw new SelectorMatchException($"LearningRates.Spread: group {k} ({groupsFromTop[k].Description}) matches no parameter that an earlier group does not already take.");
            }

            groups.Add(optimizer.AddGroup(vars, learningRate: maxLearningRate / MathF.Pow(factor, k), name: $"spread{k}"));
        }

        return groups;
    }
}
