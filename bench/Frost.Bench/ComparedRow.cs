namespace Frost.Bench;

/// <summary>A figure of one round: the value in its row's unit, the background load (other + steal, % of all CPUs) and, for Frost, its GFLOP/s.</summary>
internal readonly record struct Figure(double Value, double Background, double Gflops = double.NaN);

/// <summary>
/// One line of the comparison: the same shape and mode measured by Frost and by a reference. <paramref name="Throughput"/>
/// rows are in GFLOP/s (time ratio = reference GFLOP/s / Frost GFLOP/s), the others in milliseconds.
/// </summary>
internal sealed record ComparedRow(
    string Section, string Name, string Reference, bool Throughput, Func<CompareRound, Figure?> Frost, Func<CompareRound, Figure?> Ref)
{
    public string Unit => Throughput ? "GFLOP/s" : "ms";

    /// <summary>Frost's time over the reference's for one round (below 1: Frost is faster).</summary>
    public double TimeRatio(Figure frost, Figure reference) =>
        Throughput ? reference.Value / frost.Value : frost.Value / reference.Value;
}
