using Frost.Onnx.Proto;
using Frost.Onnx.Tests.Fuzz;
using Xunit.Abstractions;

namespace Frost.Onnx.Tests;

/// <summary>
/// Mutated models through reading, validation and import, judged by <see cref="FuzzHarness"/>: no exception but
/// <see cref="OnnxFormatException"/> and <see cref="NotSupportedException"/> with a one-line message naming the file,
/// no hang, no allocation sized by a claimed length, and nothing accepted that ONNX Runtime rejects or computes
/// differently. A few thousand cases run in the normal suite; set <c>FROST_FUZZ_CASES</c> (for example 10000) for a
/// long run with that many cases per test, <c>FROST_FUZZ_SEED</c> to vary the mutations, <c>FROST_FUZZ_ORT_REJECTED=1</c>
/// to also count the rejected models that ONNX Runtime runs, and <c>FROST_FUZZ_TRACE</c> to a file that logs each case.
/// </summary>
public class ImportFuzzTests(ITestOutputHelper output)
{
    private static readonly int? LongCases = int.TryParse(Environment.GetEnvironmentVariable("FROST_FUZZ_CASES"), out int n) && n > 0 ? n : null;
    private static readonly bool CompareRejections = Environment.GetEnvironmentVariable("FROST_FUZZ_ORT_REJECTED") == "1";
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("FROST_FUZZ_SEED"), out int s) ? s : 0;

    private static int Cases(int normal) => LongCases ?? normal;

    [Fact]
    public void Structurally_mutated_small_models_fail_cleanly_or_match_OnnxRuntime()
    {
        var harness = new FuzzHarness { CheckRejected = CompareRejections };
        var rng = new Random(Seed + 11);
        int cases = Cases(1500);
        for (int i = 0; i < cases; i++)
        {
            var (name, bytes) = FuzzSeeds.Small[i % FuzzSeeds.Small.Count];
            var model = OnnxModel.Parse(bytes, name).Proto;
            string what = $"{name}: {ModelMutator.Mutate(model, rng)}";
            harness.Check(new OnnxModel(model).ToBytes(), what);
        }

        output.WriteLine(harness.Report("structural mutations of small models"));
        Assert.True(harness.Failures.Count == 0, harness.Report("failures"));
        Assert.True(harness.Accepted > cases / 20 && harness.ImportRejected > cases / 4, "the mutations should both keep and break models");
    }

    [Fact]
    public void Byte_mutated_small_models_fail_cleanly_or_match_OnnxRuntime()
    {
        var harness = new FuzzHarness { CheckRejected = CompareRejections };
        var rng = new Random(Seed + 12);
        int cases = Cases(1500);
        for (int i = 0; i < cases; i++)
        {
            var (name, bytes) = FuzzSeeds.Small[i % FuzzSeeds.Small.Count];
            byte[] mutant = FuzzTests.Mutate(bytes, rng);
            harness.Check(mutant, $"{name}: bytes mutated, case {i}");
        }

        output.WriteLine(harness.Report("byte mutations of small models"));
        Assert.True(harness.Failures.Count == 0, harness.Report("failures"));
    }

    [Fact]
    public void Structurally_mutated_ResNet18_is_validated_cleanly_and_what_passes_runs_in_OnnxRuntime()
    {
        var harness = new FuzzHarness();
        var rng = new Random(Seed + 13);
        int cases = Cases(400);
        var accepted = new List<(ModelProto Model, string What)>();
        for (int i = 0; i < cases; i++)
        {
            var model = OnnxModel.Parse(FuzzSeeds.ResNet18Raw, FuzzHarness.Source);
            string what = $"resnet18: {ModelMutator.Mutate(model.Proto, rng)}";
            int before = harness.Accepted;
            harness.CheckValidation(model, what);
            if (harness.Accepted > before)
            {
                accepted.Add((model.Proto, what));
            }
        }

        // Whatever passes validation must also load and run in ONNX Runtime (and match when Frost runs it, in a long run).
        var judge = new FuzzHarness { Build = LongCases is not null };
        foreach (var (model, what) in accepted.Where((_, i) => i % Math.Max(1, accepted.Count / (LongCases is null ? 2 : 100)) == 0))
        {
            judge.Check(new OnnxModel(model).ToBytes(), what);
        }

        output.WriteLine(harness.Report("structural mutations of ResNet18, validated"));
        output.WriteLine(judge.Report("accepted ones checked in full"));
        Assert.True(harness.Failures.Count == 0, harness.Report("failures"));
        Assert.True(judge.Failures.Count == 0, judge.Report("failures"));
    }

    [Fact]
    public void Byte_mutated_ResNet18_structure_fails_cleanly_or_matches_OnnxRuntime()
    {
        // Mutate only the bytes outside the weights: the header and nodes before them, the inputs and outputs after.
        byte[] bytes = FuzzSeeds.ResNet18Raw;
        var g = OnnxModel.Parse(bytes, "resnet18").Graph;
        int nodesEnd = IndexOf(bytes, System.Text.Encoding.UTF8.GetBytes(g.Initializer[0].Name)) - 16;
        int tailStart = IndexOf(bytes, System.Text.Encoding.UTF8.GetBytes(g.Input[0].Name), from: bytes.Length - 200_000);
        Assert.True(nodesEnd > 1000 && tailStart > nodesEnd, $"{nodesEnd} {tailStart}");

        var harness = new FuzzHarness { Build = LongCases is not null };
        var rng = new Random(Seed + 14);
        int cases = LongCases is null ? 10 : LongCases.Value / 20;
        for (int i = 0; i < cases; i++)
        {
            byte[] mutant = (byte[])bytes.Clone();
            int edits = rng.Next(1, 4);
            for (int e = 0; e < edits; e++)
            {
                int at = rng.Next(2) == 0 ? rng.Next(nodesEnd) : rng.Next(tailStart - 16, bytes.Length);
                mutant[at] = rng.Next(3) switch { 0 => (byte)(mutant[at] ^ (1 << rng.Next(8))), 1 => (byte)rng.Next(256), _ => (byte)(mutant[at] + rng.Next(-2, 3)) };
            }

            harness.Check(mutant, $"resnet18: bytes mutated, case {i}");
        }

        output.WriteLine(harness.Report("byte mutations of ResNet18's structure"));
        Assert.True(harness.Failures.Count == 0, harness.Report("failures"));
    }

    private static int IndexOf(byte[] haystack, byte[] needle, int from = 0) => from + haystack.AsSpan(from).IndexOf(needle);
}
