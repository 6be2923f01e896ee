using Frost.Freezing;
using Frost.Layers;
using Frost.Optimizers;

namespace Frost.Training;

/// <summary>
/// When groups of variables start to train: fastai's <c>fine_tune</c> (the head alone for some epochs, then the
/// body too) and ULMFiT's gradual unfreezing (one more group from the top every few epochs). At the start of each
/// epoch the groups whose time has come are trainable and the others frozen; variables in no group keep their
/// flags. Changes go through a <see cref="FreezePlan"/>, so every selector must match and the optimizer drops the
/// state of what was frozen.
/// </summary>
public sealed class UnfreezeSchedule
{
    private UnfreezeSchedule(IReadOnlyList<(int Epoch, Selector Group)> steps) => Steps = steps;

    /// <summary>The groups in unfreezing order, each with the 0-based epoch at whose start it starts to train.</summary>
    public IReadOnlyList<(int Epoch, Selector Group)> Steps { get; }

    /// <summary>
    /// fastai's <c>fine_tune</c>: only <paramref name="head"/> trains for <paramref name="freezeEpochs"/> epochs, then
    /// <paramref name="body"/> trains too.
    /// </summary>
    public static UnfreezeSchedule HeadFirst(Selector head, Selector body, int freezeEpochs)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegative(freezeEpochs);
        return new([(0, head), (freezeEpochs, body)]);
    }

    /// <summary>
    /// ULMFiT's gradual unfreezing: <paramref name="groupsFromTop"/>[0] (usually the head) trains from the first epoch,
    /// and group k joins after k·<paramref name="epochsPerGroup"/> epochs.
    /// </summary>
    /// <remarks>Howard and Ruder, "Universal Language Model Fine-tuning for Text Classification", 2018.</remarks>
    public static UnfreezeSchedule Gradual(IReadOnlyList<Selector> groupsFromTop, int epochsPerGroup = 1)
    {
        ArgumentNullException.ThrowIfNull(groupsFromTop);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochsPerGroup, 1);
        if (groupsFromTop.Count == 0)
        {
            throw new ArgumentException("UnfreezeSchedule.Gradual: give at least one group.", nameof(groupsFromTop));
        }

        return new([.. groupsFromTop.Select((g, k) => (k * epochsPerGroup, g))]);
    }

    /// <summary>
    /// Sets the flags for 0-based <paramref name="epoch"/> and returns the report when a flag changed, else null.
    /// </summary>
    /// <exception cref="SelectorMatchException">A group matches nothing.</exception>
    public FreezeReport? Apply(Layer model, Optimizer? optimizer, int epoch)
    {
        ArgumentNullException.ThrowIfNull(model);
        var started = Steps.Where(s => s.Epoch <= epoch).Select(s => s.Group).ToList();
        var waiting = Steps.Where(s => s.Epoch > epoch).Select(s => s.Group).ToList();
        var trainable = new HashSet<Variable>(started.SelectMany(g => g.Resolve(model)), ReferenceEqualityComparer.Instance);
        var frozen = waiting.SelectMany(g => g.Resolve(model)).Where(v => !trainable.Contains(v)).ToList();
        bool changes = trainable.Any(v => v.Kind == VariableKind.Parameter && !v.Trainable) || frozen.Any(v => v.Trainable);
        if (!changes)
        {
            return null;
        }

        var plan = new FreezePlan(model);
        if (waiting.Count > 0)
        {
            plan.Freeze(waiting.Aggregate((a, b) => a | b));
        }

        if (started.Count > 0)
        {
            plan.Unfreeze(started.Aggregate((a, b) => a | b));
        }

        return plan.Apply(optimizer);
    }
}
