using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Frost.Bench;

/// <summary>
/// <c>Frost.Bench compare DIR</c>: the table of a bench/compare.sh run. Per matched row, over the rounds in which both
/// sides have a figure: the median Frost and reference figures, the median of the per-round time ratios (Frost's time
/// over the reference's; below 1 Frost is faster) with its lowest–highest round, the worst background load of each
/// side, and Frost's share of the machine's peak. Prints it and writes DIR/compare.md.
/// </summary>
internal static class Compare
{
    public static int Run(string[] args, Func<string, int> usage)
    {
        if (args.Length != 1 || args[0].StartsWith('-'))
        {
            return usage("compare: expected one folder, the output of bench/compare.sh");
        }

        string dir = args[0];
        if (!Directory.Exists(dir))
        {
            Console.Error.WriteLine($"Frost.Bench compare: folder '{dir}' does not exist");
            return 2;
        }

        string[] folders = [.. Directory.GetDirectories(dir, "round-*").OrderBy(RoundNumber)];
        if (folders.Length == 0)
        {
            Console.Error.WriteLine($"Frost.Bench compare: no round-* folders in '{dir}'");
            return 2;
        }

        List<CompareRound> rounds;
        JsonObject? peak;
        try
        {
            rounds = [.. folders.Select(CompareRound.Load)];
            // A busy machine lowers the measured clock: keep the measurement that found the highest one.
            peak = rounds.Select(r => r.Peak).Prepend(ReadPeak(Path.Combine(dir, "peak.json")))
                .Where(p => p is not null).MaxBy(p => Num(p, "clock_ghz") is var c && double.IsFinite(c) ? c : 0);
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"Frost.Bench compare: {e.Message}");
            return 2;
        }

        string text = Render(rounds, peak);
        Console.Write(text);
        string path = Path.Combine(dir, "compare.md"), temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
        Console.Error.WriteLine($"wrote {path}");
        return 0;
    }

    private static string Render(List<CompareRound> rounds, JsonObject? peak)
    {
        var sb = new StringBuilder();
        var sections = new HashSet<string>(rounds.SelectMany(r => r.Sections));
        double peakGflops = Num(peak, "avx512_peak_gflops") is var p512 && double.IsFinite(p512) ? p512 : Num(peak, "avx2_peak_gflops");
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Frost against libtorch 2.10 (torch-peer), OpenBLAS and ONNX Runtime: {rounds.Count} round(s)");
        sb.AppendLine();
        sb.AppendLine("- **Frost/ref time** = Frost's time over the reference's, median of the per-round ratios (GFLOP/s rows: the " +
            "reference's GFLOP/s over Frost's, the same thing); **below 1 Frost is faster**. 'range' = lowest–highest round; " +
            "Frost and reference figures are medians over the rounds that have both.");
        sb.AppendLine("- **bg Frost / ref** = worst background load over the rounds (CPU used by other processes + hypervisor steal, " +
            "% of all CPUs, while the timed reps ran); ⚠ above 5 %: rerun on a quiet machine.");
        sb.AppendLine(peak is null
            ? "- peak: not measured (run Frost.Bench peak or the gemm section)."
            : string.Create(CultureInfo.InvariantCulture,
                $"- **Frost % peak** = Frost's GFLOP/s (its own FLOP count) over the highest theoretical peak measured in the run {F(peakGflops)} GFLOP/s " +
                $"({(double.IsFinite(Num(peak, "avx512_peak_gflops")) ? "AVX-512" : "AVX2")}; Frost.Bench peak: {Num(peak, "cores")} cores, clock {F(Num(peak, "clock_ghz"), 2)} GHz, " +
                $"FMA loop {F(Num(peak, "measured_fma256_gflops"))} GFLOP/s 256-bit, {F(Num(peak, "measured_fma512_gflops"))} 512-bit)."));
        sb.AppendLine();
        sb.AppendLine("| row | reference | unit | Frost | reference | Frost/ref time | range | rounds | bg Frost / ref | Frost % peak |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---|---:|---|---:|");
        foreach (ComparedRow row in CompareRows.All().Where(r => sections.Contains(r.Section)))
        {
            var pairs = rounds.Select(r => (Frost: row.Frost(r), Ref: row.Ref(r)))
                .Where(x => x.Frost is not null && x.Ref is not null)
                .Select(x => (Frost: x.Frost!.Value, Ref: x.Ref!.Value))
                .ToList();
            if (pairs.Count == 0)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {row.Name} | {row.Reference} | {row.Unit} | – | – | – | no round with both figures | 0 | – | – |");
                continue;
            }

            double[] ratios = [.. pairs.Select(x => row.TimeRatio(x.Frost, x.Ref))];
            double frost = Stats.Median([.. pairs.Select(x => x.Frost.Value)]);
            double reference = Stats.Median([.. pairs.Select(x => x.Ref.Value)]);
            double gflops = Stats.Median([.. pairs.Select(x => x.Frost.Gflops)]);
            string range = $"{F(ratios.Min(), 2)}–{F(ratios.Max(), 2)}";
            string bg = $"{Bg(pairs.Max(x => x.Frost.Background))} / {Bg(pairs.Max(x => x.Ref.Background))}";
            string share = double.IsFinite(gflops) && peakGflops > 0 ? $"{F(100 * gflops / peakGflops, 0)} %" : "–";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Name} | {row.Reference} | {row.Unit} | {F(frost)} | {F(reference)} | {F(Stats.Median(ratios), 2)} | {range} | {pairs.Count} | {bg} | {share} |");
        }

        sb.AppendLine();
        sb.AppendLine("Raw outputs: round-*/frost-SECTION.json (Frost.Bench --json), round-*/torch-SECTION.md (torch-peer --out), *.log.");
        return sb.ToString();
    }

    private static JsonObject? ReadPeak(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["peak"] as JsonObject;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})");
        }
    }

    private static int RoundNumber(string folder) =>
        int.TryParse(Path.GetFileName(folder)["round-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : int.MaxValue;

    private static double Num(JsonObject? o, string key) => o?[key] is JsonValue v && v.TryGetValue(out double d) ? d : double.NaN;

    private static string Bg(double pct) =>
        double.IsNaN(pct) ? "–" : pct.ToString("F0", CultureInfo.InvariantCulture) + " %" + (pct > 5 ? " ⚠" : "");

    private static string F(double v, int digits = -1) =>
        !double.IsFinite(v) ? "–" : v.ToString("F" + (digits >= 0 ? digits : Math.Abs(v) < 10 ? 2 : 1), CultureInfo.InvariantCulture);
}
