using System.Globalization;

namespace Frost.Training;

/// <summary>
/// Stops training when a monitored metric has not improved by at least <see cref="MinDelta"/> for
/// <see cref="Patience"/> epochs (Keras's <c>EarlyStopping</c>). Its best value survives a resume.
/// </summary>
public sealed class EarlyStopping : Callback
{
    /// <summary>Creates the callback.</summary>
    /// <param name="patience">Epochs without improvement before stopping (at least 1).</param>
    /// <param name="monitor">A metric name of <see cref="EpochMetrics.Get"/>, e.g. <c>val_loss</c> or <c>val_accuracy</c>.</param>
    /// <param name="minDelta">The smallest change that counts as an improvement.</param>
    /// <exception cref="ArgumentException">An unknown metric or a patience below 1.</exception>
    public EarlyStopping(int patience, string monitor = "val_loss", double minDelta = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1);
        if (!EpochMetrics.Names.Contains(monitor))
        {
            throw new ArgumentException($"EarlyStopping: unknown metric '{monitor}'; known: {string.Join(", ", EpochMetrics.Names)}.", nameof(monitor));
        }

        Patience = patience;
        Monitor = monitor;
        MinDelta = Math.Abs(minDelta);
    }

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; }

    /// <summary>The monitored metric.</summary>
    public string Monitor { get; }

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>The best value seen, or NaN before the first epoch.</summary>
    public double Best { get; private set; } = double.NaN;

    /// <summary>The epoch of <see cref="Best"/>.</summary>
    public int BestEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnEpochEnd(Learner learner, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(metrics);
        double v = metrics.Get(Monitor);
        if (Improves(v, Best, Monitor, MinDelta))
        {
            Best = v;
            BestEpoch = metrics.Epoch;
        }
        else if (metrics.Epoch - BestEpoch >= Patience)
        {
            learner.RequestStop(string.Create(CultureInfo.InvariantCulture, $"early stopping: {Monitor} has not improved for {Patience} epoch(s) (best {Best:G6} at epoch {BestEpoch})"));
        }
    }

    /// <inheritdoc/>
    public override string StateKey => "early_stopping:" + Monitor;

    /// <inheritdoc/>
    public override string? SaveState() => FormatBest(Best, BestEpoch);

    /// <inheritdoc/>
    public override void LoadState(string state) => (Best, BestEpoch) = ParseBest(state, nameof(EarlyStopping));

    /// <summary>The state of a callback that tracks the best value of a metric and its epoch.</summary>
    internal static string FormatBest(double best, int epoch) => string.Create(CultureInfo.InvariantCulture, $"{best:R};{epoch}");

    /// <summary>Reads what <see cref="FormatBest"/> wrote; <paramref name="owner"/> names the callback in the error.</summary>
    internal static (double Best, int Epoch) ParseBest(string state, string owner)
    {
        ArgumentNullException.ThrowIfNull(state);
        var parts = state.Split(';');
        if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double best)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int epoch))
        {
            throw new FormatException($"{owner}: malformed state '{state}'.");
        }

        return (best, epoch);
    }

    /// <summary>Whether <paramref name="value"/> improves on <paramref name="best"/> for <paramref name="metric"/>.</summary>
    internal static bool Improves(double value, double best, string metric, double minDelta)
    {
        if (double.IsNaN(value))
        {
            return false;
        }

        if (double.IsNaN(best))
        {
            return true;
        }

        return EpochMetrics.HigherIsBetter(metric) ? value > best + minDelta : value < best - minDelta;
    }
}
