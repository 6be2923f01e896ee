using System.Diagnostics;
using System.Text;

namespace Frost.Distributed.Tests;

/// <summary>Runs the worker scenarios of this assembly on several local ranks through a launcher.</summary>
internal static class MpiJob
{
    public sealed record Result(int ExitCode, string Output, TimeSpan Elapsed);

    /// <summary>Launches <paramref name="ranks"/> ranks of <c>worker <paramref name="scenario"/></c>; kills the job after <paramref name="limit"/>.</summary>
    public static Result Run(string launcher, int ranks, string scenario, TimeSpan limit)
    {
        Assert.True(File.Exists(launcher), $"launcher not found: {launcher}");
        bool openMpi = launcher == MpiEnvironment.OpenMpiRun;
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        string program = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo(launcher)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (openMpi)
        {
            // Root in containers; more ranks than cores on small machines.
            foreach (string a in new[] { "--allow-run-as-root", "--oversubscribe" })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (string a in new[] { "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), dotnet, program, "worker", scenario })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["TERM"] = "dumb";
        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{Path.GetFileName(launcher)} -np {ranks} worker {scenario} did not end within {limit.TotalSeconds} s:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return new Result(process.ExitCode, output.ToString(), clock.Elapsed);
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
