using System.Diagnostics;
using System.Text;
using Frost.IO;

namespace Frost.Cli.Tests;

/// <summary><c>mpirun -np 2 frost finetune --distributed</c> against one process with twice the batch (--batch-size is per process).</summary>
[Collection("console")]
public sealed class DistributedCliTests : IDisposable
{
    private static readonly string[] s_options =
        ["finetune", "--size", "32", "--train-count", "128", "--test-count", "64", "--epochs", "1", "--train", "head/**", "--seed", "5"];

    private readonly string _dir = Directory.CreateTempSubdirectory("frost-cli-mpi-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Two_processes_train_like_one_with_twice_the_batch_and_only_rank_0_writes_and_prints()
    {
        string? mpirun = FindMpirun();
        if (mpirun is null)
        {
            Assert.True(Environment.GetEnvironmentVariable("FROST_REQUIRE_MPI") != "1", "FROST_REQUIRE_MPI=1 but mpirun is not on PATH");
            return; // no MPI on this machine: the distributed path is covered by Frost.Distributed.Tests where it is
        }

        string two = Path.Combine(_dir, "two");
        var (code, output) = RunMpi(mpirun, [.. s_options, "--batch-size", "16", "--out", two, "--distributed"]);
        Assert.True(code == 0, output);
        Assert.Contains("Distributed: 2 processes", output, StringComparison.Ordinal);
        Assert.Contains("16 images per process, 32 per update", string.Join(' ', output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal(1, Count(output, "Test accuracy:"));
        Assert.Equal(1, Count(output, "Frozen check:"));
        Assert.True(File.Exists(Path.Combine(two, "model.onnx")));

        string one = Path.Combine(_dir, "one");
        var (oneCode, oneOut, oneErr) = CliRunner.Run([.. s_options, "--batch-size", "32", "--out", one]);
        Assert.True(oneCode == 0, oneOut + oneErr);

        using var a = Safetensors.Open(Path.Combine(one, "checkpoint.safetensors"));
        using var b = Safetensors.Open(Path.Combine(two, "checkpoint.safetensors"));
        Assert.Equal(a.Entries.Keys.Order(StringComparer.Ordinal), b.Entries.Keys.Order(StringComparer.Ordinal));
        foreach (string name in a.Entries.Keys.Where(k => a.Entries[k].DType == "F32"))
        {
            float[] x = a.ReadFloats(name), y = b.ReadFloats(name);
            float worst = x.Zip(y, (p, q) => MathF.Abs(p - q)).DefaultIfEmpty().Max();
            Assert.True(worst <= 2e-5f, $"{name}: the two-process run differs from the one-process run by {worst}");
        }
    }

    private static int Count(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    private static string? FindMpirun()
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(d => new[] { Path.Combine(d, "mpirun.openmpi"), Path.Combine(d, "mpirun") })
            .FirstOrDefault(File.Exists);

    private static (int Code, string Output) RunMpi(string mpirun, string[] args)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        string cli = Path.Combine(AppContext.BaseDirectory, "Frost.Cli.dll");
        var start = new ProcessStartInfo(mpirun) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["--allow-run-as-root", "--oversubscribe", "-np", "2", dotnet, cli, .. args])
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["TERM"] = "dumb";
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"mpirun -np 2 frost finetune --distributed did not end within 4 minutes:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
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
