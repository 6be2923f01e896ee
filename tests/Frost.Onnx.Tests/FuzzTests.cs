using System.Diagnostics;
using Xunit.Abstractions;

namespace Frost.Onnx.Tests;

/// <summary>
/// Mutates small valid models thousands of times. The only accepted failure is an <see cref="OnnxFormatException"/>
/// that names the source; every parse is fast, allocates at most a small multiple of the input size, and whatever
/// parses re-saves to bytes that parse and re-save identically.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    // NOTE: an object model costs more memory than its encoding (a 2-byte empty attribute becomes a ~200-byte
    // object with its lists); what must never happen is an allocation sized by a length the file merely claims.
    private const int BytesPerInputByte = 256;
    private const int FixedOverhead = 16 * 1024;

    [Theory]
    [InlineData("everything", 1)]
    [InlineData("conv_relu", 2)]
    public void Mutated_models_fail_cleanly(string sample, int seed)
    {
        byte[] valid = new OnnxModel(sample == "everything" ? SampleModels.Everything() : SampleModels.ConvRelu()).ToBytes();
        var rng = new Random(seed);
        int parsed = 0, rejected = 0;
        long worstTicks = 0, worstAllocation = 0;
        var messages = new Dictionary<string, int>();
        var total = Stopwatch.StartNew();
        int cases = int.TryParse(Environment.GetEnvironmentVariable("FROST_FUZZ_CASES"), out int n) && n > 0 ? n : 4000;
        for (int iteration = 0; iteration < cases; iteration++)
        {
            byte[] mutant = Mutate(valid, rng);
            long before = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            OnnxModel? model = null;
            try
            {
                model = OnnxModel.Parse(mutant, "fuzz.onnx");
                parsed++;
            }
            catch (OnnxFormatException ex)
            {
                rejected++;
                Assert.StartsWith("fuzz.onnx: ", ex.Message);
                string kind = ex.Message.Split(" (in ")[0]["fuzz.onnx: ".Length..];
                kind = new string([.. kind.Where(c => !char.IsDigit(c))]);
                messages[kind] = messages.GetValueOrDefault(kind) + 1;
            }

            long elapsed = Stopwatch.GetTimestamp() - start;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            worstTicks = Math.Max(worstTicks, elapsed);
            worstAllocation = Math.Max(worstAllocation, allocated - (BytesPerInputByte * (long)mutant.Length));
            Assert.True(
                allocated <= (BytesPerInputByte * (long)mutant.Length) + FixedOverhead,
                $"iteration {iteration}: parsing {mutant.Length} bytes allocated {allocated} bytes");

            if (model is not null)
            {
                byte[] saved = model.ToBytes();
                Assert.Equal(saved, OnnxModel.Parse(saved, "resaved").ToBytes());
            }
        }

        output.WriteLine($"{sample}: {valid.Length} bytes, {parsed} mutants parsed, {rejected} rejected in {total.ElapsedMilliseconds} ms; " +
            $"slowest parse {Stopwatch.GetElapsedTime(0, worstTicks).TotalMilliseconds:F2} ms");
        foreach (var (kind, count) in messages.OrderByDescending(kv => kv.Value))
        {
            output.WriteLine($"  {count,5} {kind}");
        }

        Assert.True(rejected > cases / 4, "the mutations should break most inputs");
        Assert.True(Stopwatch.GetElapsedTime(0, worstTicks) < TimeSpan.FromSeconds(1), "a parse took over a second");
    }

    [Fact]
    public void Lying_lengths_at_every_position_allocate_nothing_large()
    {
        // Overwrite each position in turn with a varint claiming ~2 GiB, 2^35 and 2^63.
        byte[] valid = new OnnxModel(SampleModels.Everything()).ToBytes();
        byte[][] lies = [[0xFF, 0xFF, 0xFF, 0xFF, 0x07], [0x80, 0x80, 0x80, 0x80, 0x80, 0x01], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]];
        foreach (byte[] lie in lies)
        {
            for (int at = 0; at + lie.Length <= valid.Length; at++)
            {
                byte[] mutant = (byte[])valid.Clone();
                lie.CopyTo(mutant, at);
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    OnnxModel.Parse(mutant, "lie.onnx");
                }
                catch (OnnxFormatException)
                {
                }

                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated <= (BytesPerInputByte * (long)mutant.Length) + FixedOverhead, $"at {at}: allocated {allocated}");
            }
        }
    }

    /// <summary>One to three byte edits: bit flips, truncation, special bytes, lying length varints, near misses, deletions, duplicated slices.</summary>
    internal static byte[] Mutate(byte[] valid, Random rng)
    {
        var bytes = new List<byte>(valid);
        int edits = rng.Next(1, 4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = rng.Next(bytes.Count);
            switch (rng.Next(7))
            {
                case 0: // flip one bit
                    bytes[at] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1: // truncate
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2: // a special byte
                    bytes[at] = (byte)(rng.Next(4) switch { 0 => 0xFF, 1 => 0x80, 2 => 0x7F, _ => rng.Next(256) });
                    break;
                case 3: // a lying length varint inserted
                    bytes.InsertRange(at, rng.Next(2) == 0 ? [0xFF, 0xFF, 0xFF, 0xFF, 0x0F] : [(byte)rng.Next(0x80, 0x100), 0x01]);
                    break;
                case 4: // bump a byte by a small amount (turns lengths into near-misses)
                    bytes[at] = (byte)(bytes[at] + rng.Next(-2, 3));
                    break;
                case 5: // delete a few bytes
                    bytes.RemoveRange(at, Math.Min(rng.Next(1, 5), bytes.Count - at));
                    break;
                default: // duplicate a slice
                    int length = Math.Min(rng.Next(1, 16), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
            }
        }

        return [.. bytes];
    }
}
