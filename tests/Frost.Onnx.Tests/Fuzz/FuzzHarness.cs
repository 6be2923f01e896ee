using System.Diagnostics;
using Frost.Layers;
using Frost.Onnx.Import;

namespace Frost.Onnx.Tests.Fuzz;

/// <summary>
/// Runs one mutated model through reading, validation and import, and judges the result: only
/// <see cref="OnnxFormatException"/> and <see cref="NotSupportedException"/> may escape, with a one-line message that
/// starts with the file name; parsing allocates nothing sized by a claimed length; nothing hangs; and whatever Frost
/// accepts, ONNX Runtime loads and runs too, computing the same output (when the tensors are small enough to run).
/// </summary>
internal sealed class FuzzHarness
{
    public const string Source = "fuzz.onnx";

    private const int BytesPerInputByte = 256;
    private const int FixedOverhead = 1 << 20;

    /// <summary>Bounds whose breach counts as a hang (no legitimate case takes a tenth of it).</summary>
    public TimeSpan HangLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest tensor (elements) for which an accepted model is also run and compared.</summary>
    public long RunLimit { get; init; } = 1 << 22;

    /// <summary>Whether accepted models are checked against ONNX Runtime.</summary>
    public bool CheckAccepted { get; init; } = true;

    /// <summary>Whether rejected models are offered to ONNX Runtime too, to count where Frost is stricter.</summary>
    public bool CheckRejected { get; init; }

    /// <summary>Whether accepted models are imported (layers built) rather than only validated.</summary>
    public bool Build { get; init; } = true;

    /// <summary>A file to which each case is appended before it runs (FROST_FUZZ_TRACE), or null.</summary>
    public string? Trace { get; init; } = Environment.GetEnvironmentVariable("FROST_FUZZ_TRACE");

    public int Cases { get; private set; }

    public int ParseRejected { get; private set; }

    public int ImportRejected { get; private set; }

    public int Accepted { get; private set; }

    public int AcceptedAndCompared { get; private set; }

    public int LoadedOnly { get; private set; }

    public int InputDependent { get; private set; }

    public int RejectedButOrtAccepts { get; private set; }

    public TimeSpan Slowest { get; private set; }

    public List<string> Failures { get; } = [];

    public Dictionary<string, int> Messages { get; } = [];

    public Dictionary<string, int> StricterThanOrt { get; } = [];

    /// <summary>Judges one case; <paramref name="what"/> describes the mutation for failure reports.</summary>
    public void Check(byte[] bytes, string what)
    {
        Cases++;
        var watch = Stopwatch.StartNew();
        var task = Task.Run(() => Judge(bytes, what));
        if (!task.Wait(HangLimit))
        {
            Failures.Add($"hang (over {HangLimit.TotalSeconds} s): {what}");
            throw new TimeoutException($"A fuzz case did not finish in {HangLimit}: {what}");
        }

        Slowest = watch.Elapsed > Slowest ? watch.Elapsed : Slowest;
    }

    /// <summary>Validates an already mutated object model without serializing it (for large real models).</summary>
    public void CheckValidation(OnnxModel model, string what)
    {
        Cases++;
        var watch = Stopwatch.StartNew();
        var task = Task.Run(() =>
        {
            try
            {
                OnnxImporter.Validate(model);
                Accepted++;
            }
            catch (Exception e) when (e is OnnxFormatException or NotSupportedException)
            {
                ImportRejected++;
                Expected(e, what);
            }
            catch (Exception e)
            {
                Failures.Add($"{e.GetType().Name} escaped validation: {e.Message} [{what}]{Environment.NewLine}{e.StackTrace}");
            }
        });
        if (!task.Wait(HangLimit))
        {
            Failures.Add($"hang (over {HangLimit.TotalSeconds} s): {what}");
            throw new TimeoutException($"A fuzz case did not finish in {HangLimit}: {what}");
        }

        Slowest = watch.Elapsed > Slowest ? watch.Elapsed : Slowest;
    }

    public string Report(string title)
    {
        var lines = new List<string>
        {
            $"{title}: {Cases} cases: {ParseRejected} rejected by the reader, {ImportRejected} by validation, {Accepted} accepted " +
            $"({AcceptedAndCompared} run and compared with ONNX Runtime, {LoadedOnly} too large to run and only loaded by it, {InputDependent} refused by both for the input fed to a symbolic dimension); {Failures.Count} failures; slowest case {Slowest.TotalMilliseconds:F0} ms",
        };
        if (CheckRejected)
        {
            lines.Add($"  rejected by Frost but run by ONNX Runtime: {RejectedButOrtAccepts}");
            lines.AddRange(StricterThanOrt.OrderByDescending(kv => kv.Value).Take(15).Select(kv => $"    {kv.Value,6} {kv.Key}"));
        }

        lines.Add("  most frequent messages:");
        lines.AddRange(Messages.OrderByDescending(kv => kv.Value).Take(25).Select(kv => $"    {kv.Value,6} {kv.Key}"));
        lines.AddRange(Failures.Take(20).Select(f => "  FAILURE " + f));
        return string.Join(Environment.NewLine, lines);
    }

    private void Judge(byte[] bytes, string what)
    {
        if (Trace is not null)
        {
            // ONNX Runtime can abort the process on a damaged model: the last line names the case that did it.
            File.AppendAllText(Trace, $"{Cases} {what}{Environment.NewLine}");
        }

        OnnxModel model;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            model = OnnxModel.Parse(bytes, Source);
        }
        catch (OnnxFormatException e)
        {
            ParseRejected++;
            Expected(e, what);
            CheckAllocation(bytes, before, "parse", what);
            return;
        }
        catch (Exception e)
        {
            Failures.Add($"{e.GetType().Name} escaped parsing: {e.Message} [{what}]{Environment.NewLine}{e.StackTrace}");
            return;
        }

        ImportPlan plan;
        try
        {
            plan = GraphValidator.Validate(model);
            CheckAllocation(bytes, before, "parse and validation", what);
        }
        catch (Exception e) when (e is OnnxFormatException or NotSupportedException)
        {
            ImportRejected++;
            Expected(e, what);
            CheckAllocation(bytes, before, "parse and validation", what);
            if (CheckRejected && !CrashesOrt(model) && RunsInOrt(bytes, model, out _))
            {
                RejectedButOrtAccepts++;
                string kind = Kind(e.Message);
                StricterThanOrt[kind] = StricterThanOrt.GetValueOrDefault(kind) + 1;
            }

            return;
        }
        catch (Exception e)
        {
            Failures.Add($"{e.GetType().Name} escaped validation: {e.Message} [{what}]{Environment.NewLine}{e.StackTrace}");
            return;
        }

        Accepted++;
        if (!CheckAccepted)
        {
            return;
        }

        long largest = plan.Types.Where(kv => !plan.Initializers.ContainsKey(kv.Key)).Select(kv => kv.Value).Where(t => t.Dims is not null).Select(t => Math.Max(1, t.Dims!.Aggregate(1L, (a, d) => d < 0 ? a : SaturatingMultiply(a, d)))).DefaultIfEmpty(1).Max();
        var feed = plan.Types[plan.Input].Dims?.Select(d => d < 0 ? 1 : d).ToArray() ?? [1];
        bool small = largest <= RunLimit;
        var input = small ? Tensor.Uniform(new Shape([.. feed.Select(d => (int)d)]), -2, 2, new Rng(5)) : null;

        if (!small)
        {
            // Too large to run here: ONNX Runtime must at least load it.
            LoadedOnly++;
            if (!Ort.TryLoad(bytes, out string loadError))
            {
                Failures.Add($"accepted, but ONNX Runtime refuses to load it: {loadError} [{what}]");
            }

            return;
        }

        var expected = Ort.TryRun(bytes, input!.ToArray(), feed, out var ortShape, out string ortError, out bool loaded);
        if (expected is null && !loaded)
        {
            Failures.Add($"accepted, but ONNX Runtime refuses to load it: {ortError} [{what}]");
            return;
        }

        if (!Build)
        {
            return;
        }

        Tensor? actual = null;
        Exception? failure = null;
        Layer? layer = null;
        try
        {
            layer = OnnxImporter.Import(model);
            layer.Training = false;
            using (GradientTape.NoRecording())
            {
                actual = layer.Call(input);
            }
        }
        catch (Exception e)
        {
            failure = e;
        }

        // A symbolic input dimension is fed as 1, which a valid model may not accept: then both must refuse the input.
        bool symbolic = plan.Types[plan.Input].Dims!.Any(d => d < 0);
        if (expected is null)
        {
            if (symbolic && failure is ArgumentException)
            {
                InputDependent++;
                return;
            }

            Failures.Add($"accepted, but ONNX Runtime fails to run it: {ortError}; Frost {(failure is null ? "runs it" : $"throws {failure.GetType().Name}: {failure.Message}")} [{what}]");
            return;
        }

        if (failure is not null)
        {
            Failures.Add($"accepted, ONNX Runtime runs it, but Frost throws {failure.GetType().Name}: {failure.Message} [{what}]");
            return;
        }

        if (layer is GraphLayer && !actual!.Shape.ToArray().Select(d => (long)d).SequenceEqual(ortShape))
        {
            Failures.Add($"shape {actual.Shape} where ONNX Runtime computes [{string.Join(",", ortShape)}] [{what}]");
            return;
        }

        AcceptedAndCompared++;
        var values = actual!.ToArray();
        if (values.Length != expected!.Length)
        {
            Failures.Add($"{values.Length} values where ONNX Runtime computes {expected.Length} [{what}]");
            return;
        }

        double scale = Math.Max(1, expected.Where(float.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max());
        for (int i = 0; i < values.Length; i++)
        {
            float a = values[i], b = expected[i];
            bool same = (float.IsNaN(a) && float.IsNaN(b)) || a == b || Math.Abs(a - b) <= 1e-3 * scale;
            if (!same)
            {
                Failures.Add($"value {i}: {a} where ONNX Runtime computes {b} (scale {scale}) [{what}]");
                return;
            }
        }
    }

    private static long SaturatingMultiply(long a, long b) => b != 0 && a > long.MaxValue / b ? long.MaxValue : a * b;

    /// <summary>
    /// ONNX Runtime 1.31.1 aborts the process (a failed bounds assertion) on a Split whose num_outputs is less than its
    /// outputs; Frost rejects such a node, and such models are kept away from ONNX Runtime.
    /// </summary>
    private static bool CrashesOrt(OnnxModel model)
        => model.Graph.Node.Any(n => n.OpType == "Split" && n.FindAttribute("num_outputs") is { } a && a.I < n.Output.Count);

    private static bool RunsInOrt(byte[] bytes, OnnxModel model, out string error)
    {
        var inputs = model.Summarize().Inputs;
        var dims = inputs.Count == 0 ? null : inputs[0].Dims?.Select(d => Math.Clamp(d ?? 1, 1, 64)).ToArray();
        if (dims is null || dims.Aggregate(1L, (a, d) => a * d) > 1 << 20)
        {
            error = "not run";
            return false;
        }

        return Ort.TryRun(bytes, new float[dims.Aggregate(1L, (a, d) => a * d)], dims, out _, out error) is not null;
    }

    private static string Kind(string message)
    {
        // "fuzz.onnx: Conv node 'conv': has pads [..]" → "has pads" with digits and quoted names removed.
        string rest = message.StartsWith(Source + ": ", StringComparison.Ordinal) ? message[(Source.Length + 2)..] : message;
        int colon = rest.IndexOf("': ", StringComparison.Ordinal);
        rest = colon >= 0 && colon < 60 ? rest[(colon + 3)..] : rest;
        var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.Any(char.IsDigit) && !w.Contains('\'', StringComparison.Ordinal)).Take(7);
        return string.Join(' ', words);
    }

    private void Expected(Exception e, string what)
    {
        if (!e.Message.StartsWith(Source + ": ", StringComparison.Ordinal) || e.Message.Contains('\n', StringComparison.Ordinal))
        {
            Failures.Add($"badly formed message: '{e.Message}' [{what}]");
        }

        string kind = $"{(e is NotSupportedException ? "unsupported" : "invalid")}: {Kind(e.Message)}";
        Messages[kind] = Messages.GetValueOrDefault(kind) + 1;
    }

    private void CheckAllocation(byte[] bytes, long before, string phase, string what)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > (BytesPerInputByte * (long)bytes.Length) + FixedOverhead)
        {
            Failures.Add($"{phase} of {bytes.Length} bytes allocated {allocated} bytes [{what}]");
        }
    }
}
