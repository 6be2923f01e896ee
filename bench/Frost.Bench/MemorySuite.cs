using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
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
        Console.WriteLine("Pool used: the part of the pool's arrays buffers have written (the rest costs no physical memory); reserved: all of them.");
        var table = new Table("mode", "peak above model", "pool used", "pool reserved", "peak live buffers", "model RSS");
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
                table.Add(m, Table.Mib((long)row["peak_above_model_bytes"]!, 0), Table.Mib((long)row["pool_touched_bytes"]!, 0), Table.Mib((long)row["pool_slab_bytes"]!, 0), Table.Mib((long)row["peak_live_buffer_bytes"]!, 0), Table.Mib((long)row["model_rss_bytes"]!, 0));
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
        var (model, x, labels) = ResNetSuite.Build(batch, size);
        var sgd = new Sgd(0.01f, momentum: 0.9f);
        if (mode == "frozen")
        {
            ResNetSuite.FreezeStemToStage3(model, sgd);
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
        ProcessMemory.ResetPeak();
        BufferPool.Shared.ResetPeak();
        long baseline = ProcessMemory.Read("VmRSS");
        for (int i = 0; i < 3; i++)
        {
            Step();
        }

        long peak = ProcessMemory.Read("VmHWM");
        return new JsonObject
        {
            ["mode"] = mode,
            ["batch"] = batch,
            ["size"] = size,
            ["model_rss_bytes"] = baseline,
            ["peak_above_model_bytes"] = peak - baseline,
            ["pooled_bytes"] = BufferPool.Shared.PooledBytes,
            ["pool_touched_bytes"] = BufferPool.Shared.TouchedBytes,
            ["pool_slab_bytes"] = BufferPool.Shared.SlabBytes,
            ["peak_live_buffer_bytes"] = BufferPool.Shared.PeakOutstandingBytes,
        };
    }

}
