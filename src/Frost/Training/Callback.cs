namespace Frost.Training;

/// <summary>
/// Hooks into <see cref="Learner.Fit"/>: override what you need. A callback stops training with
/// <see cref="Learner.RequestStop"/>, and keeps state across a resume through <see cref="SaveState"/> and
/// <see cref="LoadState"/>.
/// </summary>
public abstract class Callback
{
    /// <summary>Called once when <see cref="Learner.Fit"/> starts (also when it resumes).</summary>
    public virtual void OnFitBegin(Learner learner)
    {
    }

    /// <summary>Called before each epoch (1-based), after the freezing schedule was applied.</summary>
    public virtual void OnEpochBegin(Learner learner, int epoch)
    {
    }

    /// <summary>Called after each training batch.</summary>
    public virtual void OnBatchEnd(Learner learner, BatchResult batch)
    {
    }

    /// <summary>Called after each epoch's evaluation.</summary>
    public virtual void OnEpochEnd(Learner learner, EpochMetrics metrics)
    {
    }

    /// <summary>Reports progress of long work outside the batches, such as caching features (<paramref name="done"/> of <paramref name="total"/>).</summary>
    public virtual void OnProgress(Learner learner, string task, long done, long total)
    {
    }

    /// <summary>Called once when <see cref="Learner.Fit"/> ends, however it ended.</summary>
    public virtual void OnFitEnd(Learner learner, FitResult result)
    {
    }

    /// <summary>A key for this callback's state in checkpoints: the type name by default.</summary>
    public virtual string StateKey => GetType().Name;

    /// <summary>The state to keep across a resume (e.g. the best metric so far), or null for none.</summary>
    public virtual string? SaveState() => null;

    /// <summary>Restores what <see cref="SaveState"/> returned.</summary>
    /// <exception cref="FormatException">The state is malformed.</exception>
    public virtual void LoadState(string state)
    {
    }
}
