using System.Buffers.Binary;
using System.IO.Compression;
using Frost.Data;
using Frost.TestKit;
using Xunit.Abstractions;

namespace Frost.Tests.Data;

/// <summary>
/// Mutations of valid IDX image and label files (raw and gzip; bytes, float labels and float pixels) loaded as
/// a labelled split with a random record limit: only an <see cref="IdxFormatException"/> (or an
/// <see cref="IOException"/> for an emptied file) naming the file, never another exception, a hang or an
/// unbounded allocation; an accepted split holds whole labels in range and finite pixels in [0, 1].
/// FROST_FUZZ_CASES=N runs N cases (the normal suite runs 2,000).
/// </summary>
public sealed class IdxFuzzTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-idx-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Idx(byte type, int[] dims, Action<BinaryWriter, int> element)
    {
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write([0, 0, type, (byte)dims.Length]);
        var b = new byte[4];
        foreach (int d in dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(b, d);
            w.Write(b);
        }

        int count = dims.Aggregate(1, (a, c) => a * c);
        for (int i = 0; i < count; i++)
        {
            element(w, i);
        }

        return ms.ToArray();
    }

    private static byte[] Float(float v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteSingleBigEndian(b, v);
        return b;
    }

    private static byte[] Gzip(byte[] raw)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(raw);
        }

        return ms.ToArray();
    }

    [Fact]
    public void Mutated_idx_files_give_a_named_error_or_a_valid_split()
    {
        const int N = 12, Side = 6;
        var rng = new Rng(Fuzz.Seed(31));
        var bases = new (string Name, byte[] Images, byte[] Labels)[]
        {
            ("bytes", Idx(0x08, [N, Side, Side], (w, i) => w.Write((byte)(i * 37))), Idx(0x08, [N], (w, i) => w.Write((byte)(i % 10)))),
            ("floats", Idx(0x0D, [N, Side, Side], (w, i) => w.Write(Float(i % 256))), Idx(0x0D, [N], (w, i) => w.Write(Float(i % 10)))),
            ("int16", Idx(0x0B, [N, Side, Side], (w, i) => w.Write(new byte[] { 0, (byte)i })), Idx(0x0C, [N], (w, i) => w.Write(new byte[] { 0, 0, 0, (byte)(i % 10) }))),
        };
        var compressed = bases.ToDictionary(b => b.Name, b => (Gzip(b.Images), Gzip(b.Labels)), StringComparer.Ordinal);
        int cases = Fuzz.Cases(2000);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        string images = Path.Combine(_dir, "train-images.idx");
        string labels = Path.Combine(_dir, "train-labels.idx");
        for (int c = 0; c < cases && failures.Count < 10; c++)
        {
            var (name, img, lab) = bases[rng.NextInt(bases.Length)];
            bool gzip = rng.NextInt(2) == 0;
            if (gzip)
            {
                (img, lab) = compressed[name];
            }

            string kind = rng.NextInt(6) switch
            {
                0 => "bits",
                1 => "bytes",
                2 => "truncate",
                3 => "dims",
                4 => "trailing",
                _ => "header",
            };
            bool hitImages = rng.NextInt(2) == 0;
            var target = (byte[])(hitImages ? img : lab).Clone();
            int headerEnd = Math.Min(target.Length, gzip ? target.Length : 4 + (4 * target[3]));
            switch (kind)
            {
                case "bits":
                    Fuzz.FlipBits(target, rng, 0, target.Length);
                    break;
                case "bytes":
                    Fuzz.SetBytes(target, rng, 0, target.Length);
                    break;
                case "truncate":
                    target = Fuzz.Truncate(target, rng);
                    break;
                case "dims" when !gzip:
                    // A lying size: one dimension replaced by a small, huge or off-by-one value.
                    int dim = 4 + (4 * rng.NextInt(target[3]));
                    uint old = BinaryPrimitives.ReadUInt32BigEndian(target.AsSpan(dim));
                    uint[] lies = [0, old + 1, old - 1, old * 2, uint.MaxValue, int.MaxValue, 1u << 24, (uint)Fuzz.LyingSize(rng)];
                    BinaryPrimitives.WriteUInt32BigEndian(target.AsSpan(dim), lies[rng.NextInt(lies.Length)]);
                    break;
                case "trailing":
                    target = [.. target, .. Enumerable.Range(0, 1 + rng.NextInt(8)).Select(_ => (byte)rng.NextInt(256))];
                    break;
                default:
                    Fuzz.SetBytes(target, rng, 0, Math.Max(1, headerEnd));
                    break;
            }

            // One case in 16 goes through files (the path lookup and special-file checks); the rest through streams.
            bool viaFiles = rng.NextInt(16) == 0;
            if (viaFiles)
            {
                File.WriteAllBytes(images, hitImages ? target : img);
                File.WriteAllBytes(labels, hitImages ? lab : target);
            }

            int limit = rng.NextInt(3) == 0 ? 1 + rng.NextInt(2 * N) : int.MaxValue;
            string outcome;
            long before = GC.GetAllocatedBytesForCurrentThread();
            using (Fuzz.Watchdog(TimeSpan.FromSeconds(30), () => $"{c} ({name}, {kind})"))
            {
                try
                {
                    var set = viaFiles
                        ? LabeledImages.LoadIdx(_dir, "train", LabeledImages.FashionMnistClasses, limit)
                        : LabeledImages.FromIdx(new MemoryStream(hitImages ? target : img), images, new MemoryStream(hitImages ? lab : target), labels, LabeledImages.FashionMnistClasses, limit);
                    outcome = "accepted";
                    var px = set.Images.AsReadOnlySpan();
                    for (int i = 0; i < px.Length; i++)
                    {
                        if (!(px[i] >= 0 && px[i] <= 1))
                        {
                            failures.Add($"case {c} ({name}, {kind}): pixel {px[i]} accepted");
                            break;
                        }
                    }

                    if (set.Count == 0 || set.Count > Math.Min(limit, N) || set.Labels.Any(l => (uint)l >= 10))
                    {
                        failures.Add($"case {c} ({name}, {kind}): {set.Count} images or labels out of range accepted");
                    }
                }
                catch (Exception e) when (e is IdxFormatException or IOException)
                {
                    outcome = e.GetType().Name;
                    if (!(e.Message.StartsWith(images, StringComparison.Ordinal) || e.Message.StartsWith(labels, StringComparison.Ordinal)) || e.Message.Contains('\n', StringComparison.Ordinal))
                    {
                        failures.Add($"case {c} ({name}, {kind}): message does not name the file on one line: {e.Message}");
                    }
                }
                catch (Exception e)
                {
                    outcome = e.GetType().Name;
                    failures.Add($"case {c} ({name}, {kind}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > (64L * (img.Length + lab.Length + (N * Side * Side * 8))) + (4 << 20))
            {
                failures.Add($"case {c} ({name}, {kind}): allocated {allocated} bytes");
            }

            string key = $"{(gzip ? "gz" : "raw")}/{kind}/{outcome}";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        log.WriteLine($"{cases} cases, seed {Fuzz.Seed(31)}");
        foreach (var (k, n) in outcomes.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            log.WriteLine($"  {k}: {n}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
