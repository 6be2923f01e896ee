namespace Frost.Bench;

/// <summary>Command line: <c>Frost.Bench &lt;suite&gt; [--json FILE] [--reps N] [--threads N]</c> (<c>mpi</c> runs under <c>mpirun</c>).</summary>
internal static class BenchApp
{
    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] is "vision" or "vision-images")
        {
            return RunWithOwnOptions(args, VisionSuite.Run);
        }

        if (args.Length > 0 && args[0] == "resnet-memory")
        {
            return RunWithOwnOptions(args, MemorySuite.Run);
        }

        if (args.Length > 0 && args[0] == "compare")
        {
            return Compare.Run(args[1..], Usage);
        }

        string? suite = null, json = null;
        int reps = 7;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json" when i + 1 < args.Length:
                    json = args[++i];
                    break;
                case "--reps" when i + 1 < args.Length && int.TryParse(args[i + 1], out int r) && r >= 1:
                    reps = r;
                    i++;
                    break;
                case "--threads" when i + 1 < args.Length && int.TryParse(args[i + 1], out int t) && t >= 1:
                    Frost.Kernels.KernelOptions.MaxThreads = t;
                    i++;
                    break;
                default:
                    if (suite is null && !args[i].StartsWith('-'))
                    {
                        suite = args[i];
                        break;
                    }

                    return Usage($"unexpected argument '{args[i]}'");
            }
        }

        var report = new Report();
        var timer = new Timer(reps);
        switch (suite)
        {
            case "peak":
                GemmSuite.PrintPeak(Peak.Measure(), report);
                break;
            case "gemm":
                GemmSuite.Run(timer, report);
                break;
            case "conv":
                ConvSuite.Run(timer, report);
                break;
            case "resnet":
                ResNetSuite.Run(timer, report);
                break;
            case "mpi":
                // One process per rank: only rank 0 writes the report.
                if (!MpiSuite.Run(reps, report))
                {
                    json = null;
                }

                break;
            case "mpi-train":
                // Alone or under mpirun: only rank 0 writes the report.
                if (!MpiTrainSuite.Run(reps, report))
                {
                    json = null;
                }

                break;
            case "transformer":
                TransformerSuite.Run(timer, report);
                break;
            case "lora" or "lora-text" or "lora-vision":
                LoraSuite.Run(report, text: suite != "lora-vision", vision: suite != "lora-text");
                break;
            default:
                return Usage(suite is null ? "no suite given" : $"unknown suite '{suite}'");
        }

        if (json is not null)
        {
            report.WriteJson(json);
            Console.Error.WriteLine($"wrote {json}");
        }

        return 0;
    }

    /// <summary>Runs a suite that reads its own options, then writes its report where --json says.</summary>
    private static int RunWithOwnOptions(string[] args, Func<string[], Report, Func<string, int>, int> suite)
    {
        var report = new Report();
        int rc = suite(args, report, Usage);
        int j = Array.IndexOf(args, "--json");
        if (rc == 0 && j > 0 && j + 1 < args.Length)
        {
            report.WriteJson(args[j + 1]);
            Console.Error.WriteLine($"wrote {args[j + 1]}");
        }

        return rc;
    }

    private static int Usage(string why)
    {
        Console.Error.WriteLine($"Frost.Bench: {why}");
        Console.Error.WriteLine("usage: Frost.Bench <peak|gemm|conv|resnet|transformer|lora|lora-text|lora-vision|mpi|mpi-train> [--json FILE] [--reps N] [--threads N]   (mpi: under mpirun -np 2; mpi-train: alone and under mpirun, see bench/mpi-train.sh)");
        Console.Error.WriteLine("       Frost.Bench resnet-memory [--batch N] [--size S] [--json FILE]   (peak step memory, one fresh process per mode)");
        Console.Error.WriteLine("       Frost.Bench compare DIR   (the table of a bench/compare.sh run: DIR/round-*/, writes DIR/compare.md)");
        Console.Error.WriteLine("       Frost.Bench vision-images DIR [--count N]  |  Frost.Bench vision DIR [--size S] [--workers W] [--batch B] [--prefetch P] [--recycle 0|1] [--json FILE]");
        return 2;
    }
}
