using System.Globalization;
using System.Text;
using Frost.IO;

namespace Frost.Training;

/// <summary>
/// Writes one row per epoch to a CSV file (rewritten atomically after every epoch from the learner's history, so
/// a resumed run continues the same file). Columns: <c>epoch</c>, <c>train_loss</c>, <c>train_accuracy</c>,
/// <c>val_loss</c>, <c>val_accuracy</c>, <c>val_top_k</c> (k = the learner's <see cref="Learner.TopK"/>),
/// <c>val_macro_f1</c>, <c>learning_rate</c>, <c>trainable_parameters</c>, <c>train_examples_per_second</c>,
/// <c>seconds</c>. Validation columns are empty without a validation set; numbers use invariant culture.
/// </summary>
/// <param name="path">The CSV file.</param>
public sealed class CsvMetricsLog(string path) : Callback
{
    /// <summary>The column names, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "val_top_k", "val_macro_f1", "learning_rate", "trainable_parameters", "train_examples_per_second", "seconds"];

    /// <summary>The CSV file.</summary>
    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    /// <inheritdoc/>
    public override void OnEpochEnd(Learner learner, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(learner);
        var bytes = Encoding.UTF8.GetBytes(Format(learner.History));
        AtomicFile.Write(Path, s => s.Write(bytes));
    }

    /// <summary>The CSV text for <paramref name="epochs"/>.</summary>
    public static string Format(IEnumerable<EpochMetrics> epochs)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder(string.Join(',', Columns)).Append('\n');
        foreach (var m in epochs)
        {
            var v = m.Validation;
            string Num(double x) => double.IsNaN(x) ? "" : x.ToString("R", c);
            sb.Append(string.Join(',',
                m.Epoch.ToString(c), Num(m.TrainLoss), Num(m.TrainAccuracy),
                v is null ? "" : Num(v.Loss), v is null ? "" : Num(v.Accuracy), v is null ? "" : Num(v.TopKAccuracy), v is null ? "" : Num(v.MacroF1),
                Num(m.LearningRate), m.TrainableParameters.ToString(c), Num(m.TrainExamplesPerSecond), Num(m.Elapsed.TotalSeconds))).Append('\n');
        }

        return sb.ToString();
    }
}
