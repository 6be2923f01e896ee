using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Frost.Freezing;
using Frost.IO;
using Frost.Layers;
using Frost.Optimizers;
using Frost.TestKit;
using Xunit.Abstractions;

namespace Frost.Tests.IO;

/// <summary>
/// Mutations of a valid checkpoint (bit flips, byte edits, truncation, lying sizes, header edits) restored
/// with every kind of state: only a format error or a mismatch error naming the file, never another
/// exception, a hang or an unbounded allocation; an accepted file restores exactly what was saved.
/// FROST_FUZZ_CASES=N runs N cases (the normal suite runs 1,500).
/// </summary>
public sealed class CheckpointFuzzTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-ckpt-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private enum Mutation
    {
        HeaderBits,
        HeaderBytes,
        HeaderDigits,
        HeaderLength,
        Truncate,
        DataBits,
        HeaderEdit,
        Trailing,
    }

    private static Sequential Model(ulong seed)
    {
        var rng = new Rng(seed);
        return new Sequential(
            new Dense(5, 8, rng, name: "fc1"),
            new LayerNorm(8, name: "norm"),
            new Dense(8, 3, rng, name: "head"),
            new BatchNorm2D(3, name: "bn"));
    }

    private static Tensor Forward(Sequential m) => Ops.Sum(m["head"].Call(m["norm"].Call(m["fc1"].Call(Tensor.Ones(2, 5)))));

    private sealed record State(List<(string Name, float[] Values, bool Trainable, float[]? Mask)> Variables, long Iterations, List<(string Name, long Step, float[][] Slots)> Optimizer, RngState Data);

    private static State Capture(Sequential m, Optimizer opt, Rng data)
        => new(
            m.Variables.Select(v => (v.Name, v.Value.ToArray(), v.Trainable, v.FreezeMask?.ToArray())).ToList(),
            opt.Iterations,
            opt.State.Select(p => (p.Key.Name, p.Value.Step, p.Value.SlotNames.Select(n => p.Value.Slot(n).ToArray()).ToArray())).OrderBy(p => p.Name, StringComparer.Ordinal).ToList(),
            data.GetState());

    [Fact]
    public void Mutated_checkpoints_give_a_named_error_or_exactly_what_was_saved()
    {
        var m = Model(1);
        m["fc1"].Freeze();
        ((Dense)m["head"]).Weight.FreezeRows(1);
        var opt = new Adam(0.01f);
        opt.Minimize(() => Forward(m));
        opt.Minimize(() => Forward(m));
        var data = new Rng(9);
        data.NextInt(10);
        string valid = Path.Combine(_dir, "valid.safetensors");
        Checkpoint.Save(valid, m, new CheckpointOptions
        {
            Optimizer = opt,
            Plan = new FreezePlan(m).Freeze(Selector.Glob("fc1/**")),
            Rngs = new Dictionary<string, Rng> { ["data"] = data },
            Metadata = new Dictionary<string, string> { ["note"] = "fuzz base" },
        });
        var saved = Capture(m, opt, data);
        var bytes = File.ReadAllBytes(valid);
        int dataStart = SafetensorsBytes.DataStart(bytes);
        var header = SafetensorsBytes.Header(bytes);

        int cases = Fuzz.Cases(1500);
        var rng = new Rng(Fuzz.Seed(20));
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        long maxAllocated = 0;
        string q = Path.Combine(_dir, "case.safetensors");
        for (int c = 0; c < cases && failures.Count < 10; c++)
        {
            var kind = (Mutation)rng.NextInt(8);
            var mutated = Mutate(bytes, header, dataStart, kind, rng);
            File.WriteAllBytes(q, mutated);
            var target = Model(2);
            var targetOpt = new Adam(0.01f);
            var targetData = new Rng(1);
            string outcome;
            long before = GC.GetAllocatedBytesForCurrentThread();
            using (Fuzz.Watchdog(TimeSpan.FromSeconds(30), () => $"{c} ({kind})"))
            {
                try
                {
                    Checkpoint.Restore(q, target, FreezeStatePolicy.FromCheckpoint, new RestoreOptions
                    {
                        Missing = MismatchPolicy.Skip,
                        Unexpected = MismatchPolicy.Skip,
                        ShapeMismatch = MismatchPolicy.Skip,
                        Optimizer = targetOpt,
                        Rngs = new Dictionary<string, Rng> { ["data"] = targetData },
                    });
                    outcome = "accepted";
                    string? wrong = Compare(saved, Capture(target, targetOpt, targetData), dataChanged: kind == Mutation.DataBits);
                    if (wrong is not null)
                    {
                        failures.Add($"case {c} ({kind}) accepted silently: {wrong}");
                    }
                }
                catch (Exception e) when (e is SafetensorsFormatException or InvalidOperationException or IOException)
                {
                    outcome = e.GetType().Name;
                    if (!e.Message.StartsWith(q, StringComparison.Ordinal) || e.Message.Contains('\n', StringComparison.Ordinal))
                    {
                        failures.Add($"case {c} ({kind}): message does not name the file on one line: {e.Message}");
                    }
                }
                catch (Exception e)
                {
                    outcome = e.GetType().Name;
                    failures.Add($"case {c} ({kind}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            maxAllocated = Math.Max(maxAllocated, allocated);
            if (allocated > (64L * mutated.Length) + (4 << 20))
            {
                failures.Add($"case {c} ({kind}): allocated {allocated} bytes for a {mutated.Length}-byte file");
            }

            outcomes[$"{kind}/{outcome}"] = outcomes.GetValueOrDefault($"{kind}/{outcome}") + 1;
        }

        log.WriteLine($"{cases} cases, seed {Fuzz.Seed(20)}, largest allocation {maxAllocated} bytes for a {bytes.Length}-byte file");
        foreach (var (k, n) in outcomes.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            log.WriteLine($"  {k}: {n}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(outcomes.Where(p => !p.Key.EndsWith("/accepted", StringComparison.Ordinal)).Sum(p => p.Value) > cases / 2, "most mutations must be rejected");
    }

    /// <summary>Null when <paramref name="got"/> is what was saved (trainable data may differ when data bytes were changed).</summary>
    private static string? Compare(State saved, State got, bool dataChanged)
    {
        foreach (var (a, b) in saved.Variables.Zip(got.Variables))
        {
            if (a.Trainable != b.Trainable || !SameOrNull(a.Mask, b.Mask))
            {
                return $"freeze state of '{a.Name}' differs";
            }

            // Changed data is only caught where it is fingerprinted: frozen variables, state, masked elements.
            bool mayDiffer = dataChanged && a.Trainable;
            if (!mayDiffer && !a.Values.AsSpan().SequenceEqual(b.Values))
            {
                return $"values of '{a.Name}' differ";
            }

            if (a.Mask is { } mask && !Enumerable.Range(0, mask.Length).Where(i => mask[i] != 0).All(i => BitConverter.SingleToInt32Bits(a.Values[i]) == BitConverter.SingleToInt32Bits(b.Values[i])))
            {
                return $"masked elements of '{a.Name}' differ";
            }
        }

        if (saved.Iterations != got.Iterations || saved.Data != got.Data || saved.Optimizer.Count != got.Optimizer.Count)
        {
            return "optimizer iterations, generator or optimizer state count differ";
        }

        foreach (var (a, b) in saved.Optimizer.Zip(got.Optimizer))
        {
            if (a.Name != b.Name || a.Step != b.Step || (!dataChanged && !a.Slots.Zip(b.Slots).All(s => s.First.AsSpan().SequenceEqual(s.Second))))
            {
                return $"optimizer state of '{a.Name}' differs";
            }
        }

        return null;
    }

    private static bool SameOrNull(float[]? a, float[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    private static byte[] Mutate(byte[] valid, JsonObject header, int dataStart, Mutation kind, Rng rng)
    {
        var b = (byte[])valid.Clone();
        switch (kind)
        {
            case Mutation.HeaderBits:
                Fuzz.FlipBits(b, rng, 8, dataStart);
                return b;
            case Mutation.HeaderBytes:
                Fuzz.SetBytes(b, rng, 0, dataStart);
                return b;
            case Mutation.HeaderDigits:
                Fuzz.EditDigits(b, rng, 8, dataStart);
                return b;
            case Mutation.HeaderLength:
                BinaryPrimitives.WriteUInt64LittleEndian(b, rng.NextInt(2) == 0 ? Fuzz.LyingSize(rng) : (ulong)(dataStart - 8 + rng.NextInt(17) - 8));
                return b;
            case Mutation.Truncate:
                return Fuzz.Truncate(b, rng);
            case Mutation.DataBits:
                Fuzz.FlipBits(b, rng, dataStart, b.Length);
                return b;
            case Mutation.Trailing:
                return [.. b, .. Enumerable.Range(0, 1 + rng.NextInt(16)).Select(_ => (byte)rng.NextInt(256))];
            default:
                var h = (JsonObject)header.DeepClone();
                EditHeader(h, rng);
                return SafetensorsBytes.WithHeader(valid, h);
        }
    }

    /// <summary>One structural edit of the header: removed or changed records and keys, lying shapes and offsets, relabelled dtypes.</summary>
    private static void EditHeader(JsonObject h, Rng rng)
    {
        var meta = SafetensorsBytes.Metadata(h);
        var tensors = h.Where(p => p.Key != "__metadata__").Select(p => p.Key).ToList();
        string tensor = tensors[rng.NextInt(tensors.Count)];
        var records = JsonNode.Parse((string)meta["frost.variables"]!)!.AsArray();
        var record = records[rng.NextInt(records.Count)]!.AsObject();
        T Pick<T>(params T[] options) => options[rng.NextInt(options.Length)];
        switch (rng.NextInt(15))
        {
            case 0:
                record.Remove(Pick("name", "kind", "trainable", "mask", "sha256"));
                break;
            case 1:
                meta.Remove(Pick(meta.Select(p => p.Key).ToArray()));
                break;
            case 2:
                meta["frost.format"] = Pick("0", "3", "99", "-1", "", "x", "1 ", "２", "2.0");
                break;
            case 3:
                h[tensor]!["dtype"] = Pick("F16", "BF16", "F64", "I64", "I32", "U8", "I8", "BOOL", "Q7", "f32");
                break;
            case 4:
                var shape = h[tensor]!["shape"]!.AsArray();
                int d = shape.Count == 0 ? -1 : rng.NextInt(shape.Count);
                if (d < 0 || rng.NextInt(3) == 0)
                {
                    shape.Add(Pick(1, 2, 0));
                }
                else
                {
                    shape[d] = Pick(0, 2 * (int)shape[d]!, int.MaxValue, 1 << 20, -1, (int)shape[d]! + 1);
                }

                break;
            case 5:
                var offsets = h[tensor]!["data_offsets"]!.AsArray();
                int which = rng.NextInt(2);
                offsets[which] = Pick(0L, (long)offsets[which]! + 4, (long)offsets[which]! - 4, long.MaxValue, (long)int.MaxValue * 8, -8L);
                break;
            case 6:
                record["trainable"] = !(bool)record["trainable"]!;
                break;
            case 7:
                record["kind"] = Pick("state", "parameter", "weird", "");
                break;
            case 8:
                if (record["sha256"] is JsonValue sha)
                {
                    string s = (string)sha!;
                    record["sha256"] = (s[0] == '0' ? "1" : "0") + s[1..];
                }
                else
                {
                    record["sha256"] = new string('a', 64);
                }

                break;
            case 9:
                h.Remove(tensor);
                break;
            case 10:
                records.Add(record.DeepClone());
                break;
            case 11:
                var node = h[tensor]!;
                h.Remove(tensor);
                h[tensor + Pick("x", "/", " ", "é")] = node;
                break;
            case 12:
                meta[Pick(meta.Select(p => p.Key).ToArray())] = Pick<JsonNode?>(1, true, null, new JsonArray(), new JsonObject());
                break;
            case 13:
                meta[Pick("frost.optimizer", "frost.rng", "frost.freeze_plan", "frost.variables", "frost.partial")] =
                    Pick("{}", "[]", "null", "{\"kind\":\"Adam\"}", "{\"data\":[\"1\",\"2\"]}", "[1,2]", "true", "\"x\"", "{\"data\":[\"0\",\"0\",\"0\",\"0\",\"0\",\"0\"]}");
                break;
            default:
                meta["frost." + Pick("variablez", "Format", "extra", "partial")] = "1";
                break;
        }

        meta["frost.variables"] = meta.ContainsKey("frost.variables") && rng.NextInt(8) != 0 ? records.ToJsonString() : meta["frost.variables"]?.DeepClone();
        if (rng.NextInt(4) == 0)
        {
            // Keep the header digest consistent with the edit, as a forger would.
            var fake = meta.Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out _)).ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal);
            try
            {
                var entries = h.Where(p => p.Key != "__metadata__").Select(p => new SafetensorsEntry(
                    p.Key, (string)p.Value!["dtype"]!, p.Value["shape"]!.AsArray().Select(x => (int)x!).ToArray(),
                    (long)p.Value["data_offsets"]![0]!, (long)p.Value["data_offsets"]![1]!));
                meta["frost.header_sha256"] = CheckpointInfo.HeaderDigest(fake, entries);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
            {
                // The edit broke the tensor table itself; the reader will say so.
            }
        }
    }
}
