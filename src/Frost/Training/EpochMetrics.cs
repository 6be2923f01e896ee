namespace Frost.Training;

/// <summary>Figures for one training epoch.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean training loss per example over the epoch.</param>
/// <param name="TrainAccuracy">Fraction of training examples classified correctly while training (augmented, training mode).</param>
/// <param name="Validation">Metrics on the validation set, in inference mode, after the epoch; null without one.</param>
/// <param name="LearningRate">The base learning rate times the schedule's factor at the end of the epoch.</param>
/// <param name="TrainableParameters">Elements of the parameters that trained during the epoch.</param>
/// <param name="TrainExamplesPerSecond">Training throughput (forward, backward and update).</param>
/// <param name="Elapsed">Wall time of the epoch, training and evaluation.</param>
public sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    ClassificationMetrics? Validation,
    double LearningRate,
    long TrainableParameters,
    double TrainExamplesPerSecond,
    TimeSpan Elapsed)
{
    /// <summary>
    /// The value of a named metric, for monitoring: <c>train_loss</c>, <c>train_accuracy</c>, <c>val_loss</c>,
    /// <c>val_accuracy</c>, <c>val_top_k</c>, <c>val_macro_f1</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, or a validation metric without validation.</exception>
    public double Get(string metric) => metric switch
    {
        "train_loss" => TrainLoss,
        "train_accuracy" => TrainAccuracy,
        "val_loss" => Require(metric).Loss,
        "val_accuracy" => Require(metric).Accuracy,
        "val_top_k" => Require(metric).TopKAccuracy,
        "val_macro_f1" => Require(metric).MacroF1,
        _ => throw new ArgumentException($"Unknown metric '{metric}'; known: {string.Join(", ", Names)}.", nameof(metric)),
    };

    /// <summary>The metric names <see cref="Get"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = ["train_loss", "train_accuracy", "val_loss", "val_accuracy", "val_top_k", "val_macro_f1"];

    /// <summary>Whether a larger value of <paramref name="metric"/> is better (accuracies, F1) or a smaller one (losses).</summary>
    public static bool HigherIsBetter(string metric) => !metric.EndsWith("loss", StringComparison.Ordinal);

    private ClassificationMetrics Require(string metric)
        => Validation ?? throw new ArgumentException($"Metric '{metric}' needs a validation set; the learner has none.", nameof(metric));
}
