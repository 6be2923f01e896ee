using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Frost.Freezing;
using Frost.Layers;
using Frost.Memory;
using Frost.Optimizers;

namespace Frost.Bench;

/// <summary>
/// Peak resident memory of a ResNet18 step (torchvision layout, batch 16 at 224×224, SGD with momentum): the
/// process's VmHWM during three steps minus its resident set once the model, the input and the labels exist, for
/// all trainable, stem..stage3 frozen and inference. Each mode runs in a fresh process, so its peak is its own.
/// </summary>
internal static class MemorySuite
{
    private static readonly string[] Modes = ["all", "frozen", "inference"];

    public static int Run(string[] args, Report report, Func<string, int> usage)
    {
        int batch = 16, size = 224;
        string? mode = null, output = null;
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--mode" when i + 1 < args.Length && Modes.Contains(args[i + 1]):
                    mode = args[++i];
                    break;
                case "--batch" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out batch) && batch >= 1:
                    i++;
                    break;
                case "--size" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out size) && size >= 32:
                    i++;
                    break;
                case "--result" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--json" when i + 1 < args.Length:
                    i++; // handled by the caller
                    break;
                default:
                    return usage($"resnet-memory: unexpected argument '{args[i]}' (expected --mode all|frozen|inference, --batch N, --size S)");
            }
        }

        if (mode is not null)
        {
            var row = Measure(mode, batch, size);
            if (output is not null)
            {
                File.WriteAllText(output, row.ToJsonString());
            }

            return 0;
        }

        Console.WriteLine($"ResNet18 step peak memory, batch {batch} at {size}x{size}: VmHWM during 3 steps minus the resident set after the model was built; one fresh process per mode.");
        var table = new Table("mode", "peak above model", "pooled after step", "peak live buffers", "model RSS");
        foreach (string m in Modes)
        {
            string result = Path.GetTempFileName();
            try
            {
                var child = ChildProcess(["resnet-memory", "--mode", m, "--batch", $"{batch}", "--size", $"{size}", "--result", result]);
                using var p = Process.Start(child) ?? throw new InvalidOperationException("resnet-memory: could not start a child process");
                p.WaitForExit();
                if (p.ExitCode != 0)
                {
                    Console.Error.WriteLine($"resnet-memory: the '{m}' process exited with {p.ExitCode}");
                    return 1;
                }

                var row = JsonNode.Parse(File.ReadAllText(result))!.AsObject();
                table.Add(m, Mib((long)row["peak_above_model_bytes"]!), Mib((long)row["pooled_bytes"]!), Mib((long)row["peak_live_buffer_bytes"]!), Mib((long)row["model_rss_bytes"]!));
                report.AddRow("resnet-memory", row);
            }
            finally
            {
                File.Delete(result);
            }
        }

        table.Print();
        return 0;
    }

    private static ProcessStartInfo ChildProcess(string[] args)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(typeof(MemorySuite).Assembly.Location);
        }

        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        return info;
    }

    private static JsonObject Measure(string mode, int batch, int size)
    {
        var rng = new Rng(1);
        var model = ResNet.ResNet18(1000, rng);
        var x = Tensor.Normal(new Shape(batch, 3, size, size), 0, 1, rng);
        var labels = Enumerable.Range(0, batch).Select(i => i % 1000).ToArray();
        var sgd = new Sgd(0.01f, momentum: 0.9f);
        if (mode == "frozen")
        {
            new FreezePlan(model).Freeze(Selector.Glob("stem/**") | Selector.Glob("stage1/**") | Selector.Glob("stage2/**") | Selector.Glob("stage3/**")).Apply(sgd);
        }

        void Step()
        {
            if (mode == "inference")
            {
                model.Training = false;
                using var noRecord = GradientTape.NoRecording();
                using var scope = new TensorScope();
                model.Call(x);
                return;
            }

            using var tape = new GradientTape();
            sgd.Minimize(Ops.CrossEntropy(model.Call(x), labels));
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        ResetPeak();
        BufferPool.Shared.ResetPeak();
        long baseline = Status("VmRSS");
        for (int i = 0; i < 3; i++)
        {
            Step();
        }

        long peak = Status("VmHWM");
        return new JsonObject
        {
            ["mode"] = mode,
            ["batch"] = batch,
            ["size"] = size,
            ["model_rss_bytes"] = baseline,
            ["peak_above_model_bytes"] = peak - baseline,
            ["pooled_bytes"] = BufferPool.Shared.PooledBytes,
            ["peak_live_buffer_bytes"] = BufferPool.Shared.PeakOutstandingBytes,
        };
    }

    /// <summary>Resets the process's VmHWM to its current resident set (Linux 4.0+).</summary>
    private static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static long Status(string key)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static string Mib(long bytes) => Table.F(bytes / (1024.0 * 1024.0), 0) + " MiB";
}
