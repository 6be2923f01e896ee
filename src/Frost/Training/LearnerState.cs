using System.Text.Json.Serialization;

namespace Frost.Training;

/// <summary>What a checkpoint keeps of a <see cref="Learner"/> besides the model and the optimizer.</summary>
internal sealed record LearnerState(
    int Version,
    int Epoch,
    IReadOnlyList<EpochRecord> History,
    IReadOnlyDictionary<string, string> Callbacks,
    IReadOnlyList<GroupRecord>? Groups = null);

/// <summary>One of the optimizer's parameter groups: its name, members and settings.</summary>
internal sealed record GroupRecord(string Name, IReadOnlyList<string> Variables, float? LearningRate, float? WeightDecay);

/// <summary>One epoch of <see cref="LearnerState.History"/>.</summary>
internal sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    ValidationRecord? Validation,
    double LearningRate,
    long TrainableParameters,
    double TrainExamplesPerSecond,
    double Seconds)
{
    public static EpochRecord From(EpochMetrics m) => new(
        m.Epoch, m.TrainLoss, m.TrainAccuracy, m.Validation is { } v ? ValidationRecord.From(v) : null,
        m.LearningRate, m.TrainableParameters, m.TrainExamplesPerSecond, m.Elapsed.TotalSeconds);

    public EpochMetrics ToMetrics(IReadOnlyList<string> classNames) => new(
        Epoch, TrainLoss, TrainAccuracy, Validation?.ToMetrics(classNames), LearningRate, TrainableParameters, TrainExamplesPerSecond, TimeSpan.FromSeconds(Seconds));
}

/// <summary>The figures behind <see cref="ClassificationMetrics"/>.</summary>
internal sealed record ValidationRecord(long[][] Confusion, double LossSum, long TopKHits, int TopK, double Seconds)
{
    public static ValidationRecord From(ClassificationMetrics m)
    {
        int c = m.ClassNames.Count;
        var rows = new long[c][];
        for (int a = 0; a < c; a++)
        {
            rows[a] = new long[c];
            for (int p = 0; p < c; p++)
            {
                rows[a][p] = m.Confusion(a, p);
            }
        }

        return new(rows, m.Loss * m.Count, (long)Math.Round(m.TopKAccuracy * m.Count), m.TopK, m.Elapsed.TotalSeconds);
    }

    public ClassificationMetrics ToMetrics(IReadOnlyList<string> classNames)
    {
        int c = classNames.Count;
        if (Confusion.Length != c || Confusion.Any(r => r.Length != c))
        {
            throw new FormatException($"the saved confusion matrix is not {c}×{c} for the learner's {c} classes.");
        }

        var m = new long[c, c];
        for (int a = 0; a < c; a++)
        {
            for (int p = 0; p < c; p++)
            {
                m[a, p] = Confusion[a][p];
            }
        }

        return new ClassificationMetrics(classNames, m, LossSum, TopKHits, TopK, TimeSpan.FromSeconds(Seconds));
    }
}

/// <summary>Source-generated JSON for <see cref="LearnerState"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(LearnerState))]
internal sealed partial class LearnerStateJson : JsonSerializerContext;
