namespace Frost.Training;

/// <summary>
/// Saves the learner's full state (model, optimizer, schedule position, callbacks' state) every
/// <see cref="EveryEpochs"/> epochs and after the last one, so <see cref="Learner.Resume"/> can continue exactly.
/// </summary>
/// <param name="path">The checkpoint file (replaced atomically each time).</param>
/// <param name="everyEpochs">Save after every n-th epoch (at least 1).</param>
public sealed class CheckpointEvery(string path, int everyEpochs = 1) : Callback
{
    /// <summary>The checkpoint file.</summary>
    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>Epochs between saves.</summary>
    public int EveryEpochs { get; } = everyEpochs >= 1 ? everyEpochs : throw new ArgumentOutOfRangeException(nameof(everyEpochs), "CheckpointEvery: at least 1 epoch.");

    /// <inheritdoc/>
    public override void OnEpochEnd(Learner learner, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(metrics);
        if (metrics.Epoch % EveryEpochs == 0)
        {
            learner.Save(Path);
        }
    }

    /// <inheritdoc/>
    public override void OnFitEnd(Learner learner, FitResult result)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(result);

        // A diverged run keeps the last good checkpoint.
        if (!result.Diverged && result.Epochs.Count > 0 && result.Epochs[^1].Epoch % EveryEpochs != 0)
        {
            learner.Save(Path);
        }
    }
}

/// <summary>Saves the learner's state whenever a monitored metric reaches a new best (Keras's <c>ModelCheckpoint(save_best_only)</c>).</summary>
public sealed class KeepBestCheckpoint : Callback
{
    /// <summary>Creates the callback.</summary>
    /// <param name="path">The checkpoint file of the best epoch.</param>
    /// <param name="monitor">A metric name of <see cref="EpochMetrics.Get"/>.</param>
    /// <exception cref="ArgumentException">An unknown metric.</exception>
    public KeepBestCheckpoint(string path, string monitor = "val_accuracy")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!EpochMetrics.Names.Contains(monitor))
        {
            throw new ArgumentException($"KeepBestCheckpoint: unknown metric '{monitor}'; known: {string.Join(", ", EpochMetrics.Names)}.", nameof(monitor));
        }

        Path = path;
        Monitor = monitor;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>The monitored metric.</summary>
    public string Monitor { get; }

    /// <summary>The best value so far (NaN before the first epoch).</summary>
    public double Best { get; private set; } = double.NaN;

    /// <summary>The epoch saved.</summary>
    public int BestEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnEpochEnd(Learner learner, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(metrics);
        double v = metrics.Get(Monitor);
        if (EarlyStopping.Improves(v, Best, Monitor, 0))
        {
            Best = v;
            BestEpoch = metrics.Epoch;
            learner.Save(Path);
        }
    }

    /// <inheritdoc/>
    public override string StateKey => "keep_best:" + Monitor;

    /// <inheritdoc/>
    public override string? SaveState() => EarlyStopping.FormatBest(Best, BestEpoch);

    /// <inheritdoc/>
    public override void LoadState(string state) => (Best, BestEpoch) = EarlyStopping.ParseBest(state, nameof(KeepBestCheckpoint));
}
