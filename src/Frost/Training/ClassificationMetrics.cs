using System.Globalization;
using System.Text;

namespace Frost.Training;

/// <summary>
/// How a classifier did on a labelled set: loss, accuracy, top-k accuracy, and the confusion matrix with the
/// per-class precision, recall and F1 derived from it.
/// </summary>
public sealed class ClassificationMetrics
{
    private readonly long[,] _confusion;

    internal ClassificationMetrics(IReadOnlyList<string> classNames, long[,] confusion, double lossSum, long topKHits, int topK, TimeSpan elapsed)
    {
        ClassNames = classNames;
        _confusion = confusion;
        for (int a = 0; a < classNames.Count; a++)
        {
            for (int p = 0; p < classNames.Count; p++)
            {
                Count += confusion[a, p];
                Correct += a == p ? confusion[a, p] : 0;
            }
        }

        Loss = Count == 0 ? double.NaN : lossSum / Count;
        TopK = topK;
        TopKAccuracy = Count == 0 ? double.NaN : (double)topKHits / Count;
        Elapsed = elapsed;
    }

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Examples evaluated.</summary>
    public long Count { get; }

    /// <summary>Examples whose top prediction is their label.</summary>
    public long Correct { get; }

    /// <summary>Mean loss per example.</summary>
    public double Loss { get; }

    /// <summary>Fraction classified correctly.</summary>
    public double Accuracy => Count == 0 ? double.NaN : (double)Correct / Count;

    /// <summary>The k of <see cref="TopKAccuracy"/> (at most the number of classes).</summary>
    public int TopK { get; }

    /// <summary>Fraction whose label is among the <see cref="TopK"/> highest scores.</summary>
    public double TopKAccuracy { get; }

    /// <summary>Wall time of the evaluation.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Examples evaluated per second.</summary>
    public double ExamplesPerSecond => Elapsed.TotalSeconds > 0 ? Count / Elapsed.TotalSeconds : double.NaN;

    /// <summary>Number of examples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public long Confusion(int actual, int predicted) => _confusion[actual, predicted];

    /// <summary>Examples of class <paramref name="c"/>.</summary>
    public long Support(int c) => Row(c);

    /// <summary>Of the examples predicted as <paramref name="c"/>, the fraction that are <paramref name="c"/> (NaN when none is).</summary>
    public double Precision(int c)
    {
        long predicted = 0;
        for (int a = 0; a < ClassNames.Count; a++)
        {
            predicted += _confusion[a, c];
        }

        return predicted == 0 ? double.NaN : (double)_confusion[c, c] / predicted;
    }

    /// <summary>Of the examples of class <paramref name="c"/>, the fraction predicted as <paramref name="c"/> (NaN without examples).</summary>
    public double Recall(int c)
    {
        long row = Row(c);
        return row == 0 ? double.NaN : (double)_confusion[c, c] / row;
    }

    /// <summary>The harmonic mean of precision and recall of class <paramref name="c"/> (0 when either is 0).</summary>
    public double F1(int c)
    {
        double p = Precision(c), r = Recall(c);
        return double.IsNaN(p) || double.IsNaN(r) ? double.NaN : p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /// <summary>The mean F1 over classes that have examples or predictions.</summary>
    public double MacroF1
    {
        get
        {
            var f = Enumerable.Range(0, ClassNames.Count).Select(F1).Where(x => !double.IsNaN(x)).ToList();
            return f.Count == 0 ? double.NaN : f.Average();
        }
    }

    /// <summary>A text table: one row per class with support, precision, recall and F1, then the totals.</summary>
    public string FormatPerClass()
    {
        var c = CultureInfo.InvariantCulture;
        int w = Math.Max(5, ClassNames.Max(n => n.Length));
        var sb = new StringBuilder();
        sb.AppendLine(c, $"{"class".PadRight(w)}  {"support",8}  {"precision",9}  {"recall",7}  {"F1",6}");
        for (int k = 0; k < ClassNames.Count; k++)
        {
            sb.AppendLine(c, $"{ClassNames[k].PadRight(w)}  {Support(k),8}  {Percent(Precision(k)),9}  {Percent(Recall(k)),7}  {Percent(F1(k)),6}");
        }

        sb.AppendLine(c, $"accuracy {Accuracy:P2} of {Count}; top-{TopK} {TopKAccuracy:P2}; macro F1 {MacroF1:P2}; loss {Loss:F4}");
        return sb.ToString();
    }

    private static string Percent(double x) => double.IsNaN(x) ? "-" : x.ToString("P1", CultureInfo.InvariantCulture);

    private long Row(int c)
    {
        long row = 0;
        for (int p = 0; p < ClassNames.Count; p++)
        {
            row += _confusion[c, p];
        }

        return row;
    }
}
