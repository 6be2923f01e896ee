using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Frost.Cli.Commands;
using Frost.IO;
using Frost.Layers;
using Frost.TestKit;
using Xunit.Abstractions;

namespace Frost.Cli.Tests;

/// <summary>
/// The command line under misuse and mutated inputs: absurd option values, special and damaged files,
/// mutated checkpoints through inspect and eval, mutated IDX data through mlp. Every run ends with exit code
/// 0, 1, 3 or 4 (never an internal error), an error is exactly one line on standard error with no stack
/// trace, nothing hangs, and a run accepts a mutated file only when the mutation left its meaning intact
/// or touched data that no fingerprint covers. FROST_FUZZ_CASES=N runs N cases (the normal suite 800).
/// </summary>
[Collection("console")]
public sealed class CliFuzzTests(FineTunedRun run, ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-cli-fuzz-").FullName;
    private readonly Dictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _seconds = new(StringComparer.Ordinal);
    private readonly List<string> _failures = [];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static T Pick<T>(Rng rng, params T[] options) => options[rng.NextInt(options.Length)];

    /// <summary>Runs one case and checks the rules every run must keep; returns the exit code.</summary>
    private int Check(string kind, string[] args, bool mayAccept)
    {
        var clock = Stopwatch.StartNew();
        var (code, output, error) = Fuzz.WithinTime(TimeSpan.FromSeconds(120), string.Join(' ', args), () => CliRunner.Run(args));
        string group = kind.Split('/')[0];
        _seconds[group] = _seconds.GetValueOrDefault(group) + clock.Elapsed.TotalSeconds;
        string label = $"{kind}/exit {code}";
        _outcomes[label] = _outcomes.GetValueOrDefault(label) + 1;
        string where = $"frost {string.Join(' ', args)}";
        if (code is not (0 or CliErrors.UsageOrInput or CliErrors.Output or CliErrors.OutOfMemory))
        {
            _failures.Add($"{where}: exit {code}: {error}");
        }

        if (code == 0 ? error.Length > 0 : !IsOneLineError(error))
        {
            _failures.Add($"{where}: exit {code} with standard error '{error}'");
        }

        if ((output + error).Contains("   at ", StringComparison.Ordinal) || (output + error).Contains("Exception:", StringComparison.Ordinal))
        {
            _failures.Add($"{where}: a stack trace or raw exception was printed");
        }

        if (code == 0 && !mayAccept)
        {
            _failures.Add($"{where}: accepted silently");
        }

        return code;
    }

    private static bool IsOneLineError(string error)
        => error.EndsWith('\n') && error.IndexOf('\n', StringComparison.Ordinal) == error.Length - 1 && error.StartsWith("error: ", StringComparison.Ordinal);

    [Fact]
    public void Misuse_and_mutated_inputs_give_one_line_errors_and_documented_exit_codes()
    {
        int cases = Fuzz.Cases(800);
        var rng = new Rng(Fuzz.Seed(47));
        var files = SpecialFiles();
        var small = SmallCheckpoint();
        var data = DataFolder();
        string evalCopy = Path.Combine(_dir, "eval.safetensors");
        File.Copy(run.Checkpoint, evalCopy);
        var evalBytes = File.ReadAllBytes(evalCopy);
        int evalDataStart = SafetensorsBytes.DataStart(evalBytes);
        var evalHeader = SafetensorsBytes.Header(evalBytes);
        int evalDataCases = cases / 500; // each one runs the whole evaluation: none in the normal suite

        var clock = Stopwatch.StartNew();
        var total = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int c = 0; c < cases && _failures.Count < 10; c++)
        {
            var one = Stopwatch.StartNew();
            int share = rng.NextInt(100);
            string group = share < 50 ? "options" : share < 80 ? "inspect" : share < 95 ? "mlp" : "eval";
            if (share < 50)
            {
                Options(rng, files);
            }
            else if (share < 80)
            {
                Inspect(rng, small);
            }
            else if (share < 95)
            {
                Mlp(rng, data);
            }
            else
            {
                bool dataBits = evalDataCases > 0 && rng.NextInt(5) == 0;
                evalDataCases -= dataBits ? 1 : 0;
                Eval(rng, evalCopy, evalBytes, evalDataStart, evalHeader, dataBits);
            }

            total[group] = total.GetValueOrDefault(group) + one.Elapsed.TotalSeconds;
        }

        log.WriteLine("  seconds per group: " + string.Join(", ", total.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value:F1}")));

        log.WriteLine($"{cases} cases, seed {Fuzz.Seed(47)}, {clock.Elapsed.TotalSeconds:F0} s");
        foreach (var (k, n) in _outcomes.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            log.WriteLine($"  {k}: {n}");
        }

        log.WriteLine("  seconds in runs: " + string.Join(", ", _seconds.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value:F1}")));

        Assert.True(_failures.Count == 0, string.Join("\n", _failures));
    }

    /// <summary>Paths that are not what a command expects: missing, a folder, a FIFO, empty, junk, a foreign safetensors file, a locked folder.</summary>
    private Dictionary<string, string> SpecialFiles()
    {
        var f = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["missing"] = Path.Combine(_dir, "missing.safetensors"),
            ["folder"] = Directory.CreateDirectory(Path.Combine(_dir, "folder")).FullName,
            ["empty"] = Path.Combine(_dir, "empty.safetensors"),
            ["junk"] = Path.Combine(_dir, "junk.safetensors"),
            ["foreign"] = Path.Combine(_dir, "foreign.safetensors"),
            ["locked"] = Directory.CreateDirectory(Path.Combine(_dir, "locked")).FullName,
        };
        File.WriteAllBytes(f["empty"], []);
        File.WriteAllBytes(f["junk"], [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 31))]);
        Safetensors.Write(f["foreign"], [("w", "F32", [2], [1f, 2f])], new Dictionary<string, string> { ["format"] = "pt" });
        if (!OperatingSystem.IsWindows())
        {
            f["fifo"] = Path.Combine(_dir, "fifo.safetensors");
            using var mk = Process.Start(new ProcessStartInfo("mkfifo", [f["fifo"]]) { UseShellExecute = false })!;
            mk.WaitForExit();
        }

        return f;
    }

    private static readonly string[] s_badInts = ["0", "-1", "-2147483648", "99999999999", "abc", "", "1.5", "NaN", "0x10", "1e3", "٣", "+", "--"];
    private static readonly string[] s_badRates = ["Infinity", "-Infinity", "NaN", "0", "-0.001", "1e30", "1e40", "1.5", "abc", "", "1,5", "∞"];

    private void Options(Rng rng, Dictionary<string, string> files)
    {
        string command = Pick(rng, "finetune", "mlp", "cnn", "eval", "export", "inspect", "demo", "");
        var args = new List<string>();
        if (command.Length > 0)
        {
            args.Add(command);
        }

        var bad = new List<string[]>();
        switch (command)
        {
            case "finetune":
                bad.Add(Pick<string[]>(
                    rng,
                    ["--size", Pick(rng, [.. s_badInts, "16", "31", "4097", "20000"])],
                    ["--epochs", Pick(rng, [.. s_badInts, "10001"])],
                    ["--batch-size", Pick(rng, [.. s_badInts, "4097"])],
                    ["--train-count", Pick(rng, s_badInts)],
                    ["--test-count", Pick(rng, s_badInts)],
                    ["--lr", Pick(rng, s_badRates)],
                    ["--head-lr", Pick(rng, s_badRates)],
                    ["--train", ""],
                    ["--data", files[Pick(rng, [.. files.Keys.Where(k => k != "folder" && k != "locked")])]],
                    ["--out", Pick(rng, files["junk"], files["empty"])],
                    ["--seed", Pick(rng, "-1", "abc", "1e3")],
                    ["--size", "4096", "--batch-size", "4096"]));
                break;
            case "mlp":
                bad.Add(Pick<string[]>(rng, ["--epochs", Pick(rng, s_badInts)], ["--batch-size", Pick(rng, s_badInts)], ["--hidden", Pick(rng, [.. s_badInts, "65537"])], ["--lr", Pick(rng, s_badRates)], ["--data", files[Pick(rng, "missing", "junk", "empty")]]));
                break;
            case "cnn":
                bad.Add(Pick<string[]>(rng, ["--epochs", Pick(rng, s_badInts)], ["--width", Pick(rng, [.. s_badInts, "1025"])], ["--seed", "x"], ["--data", files[Pick(rng, "missing", "junk", "empty")]]));
                break;
            case "eval" or "export" or "inspect":
                args.Add(files[Pick(rng, [.. files.Keys.Where(k => k != "locked" && (command != "inspect" || k != "foreign"))])]);
                if (command == "eval" && rng.NextInt(2) == 0)
                {
                    bad.Add(["--count", Pick(rng, s_badInts)]);
                }

                if (command == "export" && rng.NextInt(3) == 0)
                {
                    bad.Add(["--out", Pick(rng, files["folder"], Path.Combine(files["locked"], "m.onnx"), "")]);
                }

                break;
            default:
                bad.Add([Pick(rng, "--nope", "-x", "bogus", "--lr", "--size=abc", "---")]);
                break;
        }

        if (rng.NextInt(3) == 0)
        {
            bad.Add([Pick(rng, "--unknown", "extra-argument", "--seed")]);
        }

        foreach (var b in bad.OrderBy(_ => rng.NextInt(100)))
        {
            args.AddRange(b);
        }

        using var holder = args.Contains(Path.Combine(files["locked"], "m.onnx")) ? OutputFolder.Lock(files["locked"]) : null;
        Check("options", [.. args], mayAccept: false);
    }

    private sealed record Small(string Path, byte[] Bytes, int DataStart, JsonObject Header);

    private Small SmallCheckpoint()
    {
        var rng = new Rng(3);
        var m = new Sequential(new Dense(4, 6, rng, name: "fc1"), new LayerNorm(6, name: "norm"), new Dense(6, 3, rng, name: "head"));
        m["fc1"].Freeze();
        ((Dense)m["head"]).Weight.FreezeRows(0);
        string p = Path.Combine(_dir, "small.safetensors");
        Checkpoint.Save(p, m, new CheckpointOptions { Metadata = new Dictionary<string, string> { ["recipe"] = "{\"format\":\"frost.recipe/1\",\"model\":\"resnet18-pretrained\",\"image\":{\"size\":32,\"center_crop\":1,\"channels\":\"RGB\",\"scale\":\"0..255\",\"resize\":\"bilinear-antialias\",\"layout\":\"NCHW\"},\"class_names\":[\"a\",\"b\",\"c\"]}" } });
        var bytes = File.ReadAllBytes(p);
        return new Small(Path.Combine(_dir, "inspect.safetensors"), bytes, SafetensorsBytes.DataStart(bytes), SafetensorsBytes.Header(bytes));
    }

    /// <summary>A byte mutation of a safetensors file; whether it is confined to the data area.</summary>
    private static (byte[] Bytes, bool DataOnly) MutateSafetensors(byte[] valid, int dataStart, Rng rng)
    {
        var b = (byte[])valid.Clone();
        switch (rng.NextInt(6))
        {
            case 0:
                Fuzz.FlipBits(b, rng, 8, dataStart);
                return (b, false);
            case 1:
                Fuzz.SetBytes(b, rng, 0, dataStart);
                return (b, false);
            case 2:
                Fuzz.EditDigits(b, rng, 8, dataStart);
                return (b, false);
            case 3:
                BinaryPrimitives.WriteUInt64LittleEndian(b, Fuzz.LyingSize(rng));
                return (b, false);
            case 4:
                return (Fuzz.Truncate(b, rng), false);
            default:
                Fuzz.FlipBits(b, rng, dataStart, b.Length);
                return (b, true);
        }
    }

    /// <summary>Whether a mutated file means the same as the valid one: same data, and a header equal as JSON.</summary>
    private static bool SameMeaning(byte[] valid, JsonObject header, byte[] mutated)
    {
        try
        {
            int start = SafetensorsBytes.DataStart(mutated);
            return mutated.AsSpan(start).SequenceEqual(valid.AsSpan(SafetensorsBytes.DataStart(valid)))
                && JsonNode.DeepEquals(SafetensorsBytes.Header(mutated), header);
        }
        catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException or InvalidOperationException or OverflowException)
        {
            return false;
        }
    }

    private void Inspect(Rng rng, Small small)
    {
        var (bytes, dataOnly) = MutateSafetensors(small.Bytes, small.DataStart, rng);
        File.WriteAllBytes(small.Path, bytes);
        bool acceptable = SameMeaning(small.Bytes, small.Header, bytes) || (dataOnly && LibraryAccepts(small.Path));
        Check(dataOnly ? "inspect/data" : "inspect/header", ["inspect", small.Path], acceptable);
    }

    private static bool LibraryAccepts(string path)
    {
        try
        {
            Checkpoint.Verify(path);
            return true;
        }
        catch (SafetensorsFormatException)
        {
            return false;
        }
    }

    private void Eval(Rng rng, string path, byte[] valid, int dataStart, JsonObject header, bool dataBits)
    {
        // Mutate in place and put the bytes back afterwards: the checkpoint is large.
        var saved = new List<(long Offset, byte Value)>();
        using (var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            int count = 1 + rng.NextInt(3);
            for (int i = 0; i < count; i++)
            {
                long at = dataBits ? dataStart + rng.NextInt(valid.Length - dataStart) : rng.NextInt(dataStart);
                byte b = (byte)(dataBits || rng.NextInt(2) == 0 ? valid[at] ^ (1 << rng.NextInt(8)) : rng.NextInt(256));
                b = b == valid[at] ? (byte)(b ^ 1) : b;
                saved.Add((at, valid[at]));
                f.Position = at;
                f.WriteByte(b);
            }
        }

        try
        {
            // Only the header can have changed (or only the data): compare what changed, not the whole file.
            bool acceptable = dataBits ? LibraryAccepts(path) : saved.All(x => x.Offset >= 8) && SameHeader(path, dataStart, header);
            Check(dataBits ? "eval/data" : "eval/header", ["eval", path, "--count", "8"], acceptable);
        }
        finally
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            foreach (var (at, b) in Enumerable.Reverse(saved))
            {
                f.Position = at;
                f.WriteByte(b);
            }
        }
    }

    private static bool SameHeader(string path, int dataStart, JsonObject header)
    {
        var head = new byte[dataStart];
        using (var f = File.OpenRead(path))
        {
            f.ReadExactly(head);
        }

        try
        {
            return JsonNode.DeepEquals(SafetensorsBytes.Header(head), header);
        }
        catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private sealed record Data(string Folder, Dictionary<string, byte[]> Files);

    private Data DataFolder()
    {
        static byte[] Idx(byte[] header, byte[] body) => [.. header, .. body];
        static byte[] Header(int[] dims)
        {
            var b = new byte[4 + (4 * dims.Length)];
            b[2] = 0x08;
            b[3] = (byte)dims.Length;
            for (int i = 0; i < dims.Length; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4 + (4 * i)), dims[i]);
            }

            return b;
        }

        static byte[] Gzip(byte[] raw)
        {
            var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            {
                gz.Write(raw);
            }

            return ms.ToArray();
        }

        const int N = 16;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["train-images.idx"] = Idx(Header([N, 6, 6]), [.. Enumerable.Range(0, N * 36).Select(i => (byte)(i * 13))]),
            ["train-labels.idx.gz"] = Gzip(Idx(Header([N]), [.. Enumerable.Range(0, N).Select(i => (byte)(i % 10))])),
            ["test-images.idx.gz"] = Gzip(Idx(Header([N, 6, 6]), [.. Enumerable.Range(0, N * 36).Select(i => (byte)(i * 7))])),
            ["test-labels.idx"] = Idx(Header([N]), [.. Enumerable.Range(0, N).Select(i => (byte)((i * 3) % 10))]),
        };
        string folder = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
        }

        return new Data(folder, files);
    }

    private void Mlp(Rng rng, Data data)
    {
        string name = Pick(rng, [.. data.Files.Keys]);
        var valid = data.Files[name];
        var b = (byte[])valid.Clone();
        bool gz = name.EndsWith(".gz", StringComparison.Ordinal);
        int header = gz ? b.Length : 4 + (4 * b[3]);
        string kind;
        switch (rng.NextInt(4))
        {
            case 0:
                Fuzz.SetBytes(b, rng, 0, header);
                kind = "header";
                break;
            case 1:
                b = Fuzz.Truncate(b, rng);
                kind = "truncate";
                break;
            case 2:
                b = [.. b, (byte)rng.NextInt(256)];
                kind = "trailing";
                break;
            default:
                Fuzz.FlipBits(b, rng, gz ? 0 : header, b.Length);
                kind = "bits";
                break;
        }

        string path = Path.Combine(data.Folder, name);
        File.WriteAllBytes(path, b);
        try
        {
            // Raw pixels and labels carry no checksum: a changed value that stays in range is data, not damage.
            // Garbage after a gzip stream is ignored by the decompressor. Anything else must decode as before.
            bool mayAccept = (!gz && kind == "bits") || (gz && kind == "trailing") || SameIdx(b, valid);
            Check($"mlp/{kind}", ["mlp", "--epochs", "1", "--hidden", "2", "--batch-size", "8", "--data", data.Folder], mayAccept);
        }
        finally
        {
            File.WriteAllBytes(path, valid);
        }
    }

    /// <summary>Whether a mutated IDX file decodes to the same dimensions and values as the valid one.</summary>
    private static bool SameIdx(byte[] mutated, byte[] valid)
    {
        try
        {
            var a = Frost.Data.Idx.Read(new MemoryStream(mutated), "mutated");
            var b = Frost.Data.Idx.Read(new MemoryStream(valid), "valid");
            return a.Dims.SequenceEqual(b.Dims) && a.ToTensor().ToArray().AsSpan().SequenceEqual(b.ToTensor().ToArray());
        }
        catch (Frost.Data.IdxFormatException)
        {
            return false;
        }
    }
}
