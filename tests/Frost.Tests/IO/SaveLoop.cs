using System.Diagnostics;
using System.Runtime.CompilerServices;
using Frost.IO;
using Frost.Layers;

namespace Frost.Tests.IO;

/// <summary>A child process that saves checkpoints to one path in a loop, to be killed mid-save.</summary>
internal static class SaveLoop
{
    /// <summary>The two models the loop alternates between (8 MiB of weights, so a save takes a while).</summary>
    public static Sequential Model(ulong seed)
    {
        var rng = new Rng(seed + 100);
        var m = new Sequential(new Dense(1024, 1024, rng, name: "a"), new Dense(1024, 1024, rng, name: "b"));
        m["a"].Freeze();
        return m;
    }

    /// <summary>
    /// Starts <c>dotnet Frost.Tests.dll save-loop PATH</c>; <paramref name="saved"/> counts the saves it reports
    /// and its standard error is collected into <paramref name="errors"/>.
    /// </summary>
    /// <remarks>The child stops by itself when its standard input closes (the test process ended) or after two minutes.</remarks>
    public static Process Start(string path, StrongBox<int> saved, System.Text.StringBuilder errors)
    {
        var info = new ProcessStartInfo(DotnetHost(), [typeof(SaveLoop).Assembly.Location, "save-loop", path])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "saved")
            {
                Interlocked.Increment(ref saved.Value);
            }
        };
        p.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>Saves model 0, then 1, then 0, … to <paramref name="path"/> until killed.</summary>
    public static void Run(string path)
    {
        var parentGone = new Thread(() =>
        {
            while (Console.In.Read() >= 0)
            {
            }

            Environment.Exit(3);
        })
        { IsBackground = true };
        parentGone.Start();
        var models = new[] { Model(0), Model(1) };
        var clock = Stopwatch.StartNew();
        for (long i = 0; clock.Elapsed < TimeSpan.FromMinutes(2); i++)
        {
            Checkpoint.Save(path, models[i & 1]);
            Console.Out.WriteLine("saved");
            Console.Out.Flush();
        }
    }

    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
