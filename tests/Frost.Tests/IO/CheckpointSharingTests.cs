using System.Diagnostics;
using System.Runtime.CompilerServices;
using Frost.IO;
using Frost.Layers;
using Frost.TestKit;

namespace Frost.Tests.IO;

/// <summary>Checkpoints shared between readers and writers: no torn reads, no special files, no leftovers.</summary>
public sealed class CheckpointSharingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("frost-sharing-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Sequential Model(ulong seed, int width = 64)
    {
        var rng = new Rng(seed);
        var m = new Sequential(new Dense(width, width, rng, name: "a"), new Relu(), new Dense(width, width, rng, name: "b"), new Dense(width, 4, rng, name: "c"));
        m["a"].Freeze();
        return m;
    }

    private static List<float[]> Values(Layer m) => m.Variables.Select(v => v.Value.ToArray()).ToList();

    [Fact]
    public async Task A_restore_racing_an_atomic_replace_returns_one_whole_checkpoint()
    {
        // Two checkpoints whose every variable differs; the writer replaces the file with one or the other.
        var a = Model(1, 256);
        var b = Model(2, 256);
        var valuesA = Values(a);
        var valuesB = Values(b);
        string p = Path.Combine(_dir, "shared.safetensors");
        Checkpoint.Save(p, a);
        using var stop = new CancellationTokenSource();
        int writes = 0;
        var writer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Checkpoint.Save(p, (writes & 1) == 0 ? b : a);
                writes++;
            }
        });

        int restores = 0, sawA = 0, sawB = 0;
        var target = Model(3, 256);
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(2) || (sawA == 0 || sawB == 0) && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                Checkpoint.Restore(p, target, FreezeStatePolicy.FromCheckpoint);
                var got = Values(target);
                bool isA = got.Zip(valuesA).All(x => x.First.AsSpan().SequenceEqual(x.Second));
                bool isB = got.Zip(valuesB).All(x => x.First.AsSpan().SequenceEqual(x.Second));
                Assert.True(isA || isB, $"restore {restores} mixed the two checkpoints");
                sawA += isA ? 1 : 0;
                sawB += isB ? 1 : 0;
                restores++;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }

        Assert.True(sawA > 0 && sawB > 0, $"{restores} restores during {writes} writes saw A {sawA} and B {sawB} times");
    }

    [Fact]
    public void One_open_file_keeps_reading_the_version_it_opened()
    {
        string p = Path.Combine(_dir, "snapshot.safetensors");
        var a = Model(1);
        Checkpoint.Save(p, a);
        using var file = Safetensors.Open(p);
        Checkpoint.Save(p, Model(2));
        var target = Model(3);
        Checkpoint.Restore(file, target, FreezeStatePolicy.FromCheckpoint);
        Assert.Equal(Values(a), Values(target));
    }

    [Fact]
    public void A_fifo_named_as_a_checkpoint_is_refused_without_blocking()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string fifo = Path.Combine(_dir, "pipe.safetensors");
        using (var mk = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
        {
            mk.WaitForExit();
            Assert.Equal(0, mk.ExitCode);
        }

        var ex = Fuzz.WithinTime(TimeSpan.FromSeconds(10), "opening a FIFO", () => Record.Exception(() => Safetensors.Open(fifo)));
        Assert.IsType<IOException>(ex);
        Assert.Contains("not a regular file (a FIFO, socket or device)", ex.Message, StringComparison.Ordinal);
        ex = Fuzz.WithinTime(TimeSpan.FromSeconds(10), "restoring from a FIFO", () => Record.Exception(() => Checkpoint.Restore(fifo, Model(1), FreezeStatePolicy.FromCheckpoint)));
        Assert.IsType<IOException>(ex);

        Assert.Contains("is a directory", Assert.Throws<IOException>(() => Safetensors.Open(_dir)).Message, StringComparison.Ordinal);
        if (File.Exists("/dev/zero"))
        {
            Assert.Throws<IOException>(() => Safetensors.Open("/dev/zero"));
        }
    }

    [Fact]
    public void A_save_removes_temporary_files_whose_writer_is_gone_and_keeps_the_others()
    {
        string p = Path.Combine(_dir, "ckpt.safetensors");
        int dead;
        using (var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            gone.WaitForExit();
            dead = gone.Id;
        }

        string Temp(int pid, string random = "0123456789abcdef") => Path.Combine(_dir, $".ckpt.safetensors.{pid}.{random}.tmp");
        string stale = Temp(dead);
        string mine = Temp(Environment.ProcessId);
        string live = Temp(1); // init is always running
        string other = Path.Combine(_dir, ".other.safetensors.77777.0123456789abcdef.tmp");
        string odd = Path.Combine(_dir, ".ckpt.safetensors.not-a-pid.tmp");
        foreach (var f in new[] { stale, mine, live, other, odd })
        {
            File.WriteAllBytes(f, new byte[100]);
        }

        Checkpoint.Save(p, Model(1));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(mine) && File.Exists(live) && File.Exists(other) && File.Exists(odd));

        // A stale file that some process still holds open stays too.
        File.WriteAllBytes(stale, new byte[100]);
        using (new FileStream(stale, FileMode.Open, FileAccess.Read, FileShare.None))
        {
            Checkpoint.Save(p, Model(1));
            Assert.True(File.Exists(stale));
        }

        Checkpoint.Save(p, Model(1));
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public void Temporary_files_are_named_after_the_file_the_process_and_a_random_part()
    {
        string p = Path.Combine(_dir, "named.bin");
        string? seen = null;
        AtomicFile.Write(p, _ => seen = Directory.GetFiles(_dir, ".named.bin.*").Single());
        Assert.Matches($@"^\.named\.bin\.{Environment.ProcessId}\.[0-9a-f]{{16}}\.tmp$", Path.GetFileName(seen));
        Assert.Equal([p], Directory.GetFiles(_dir));
        Assert.Contains("is a directory", Assert.Throws<IOException>(() => AtomicFile.Write(_dir, _ => { })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flushing_a_directory_works_and_a_missing_one_is_skipped()
    {
        DirectorySync.Flush(_dir);
        DirectorySync.Flush(Path.Combine(_dir, "missing"));
    }

    [Fact]
    public void A_writer_killed_during_saves_leaves_a_whole_checkpoint_and_the_next_save_cleans_up()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string p = Path.Combine(_dir, "killed.safetensors");
        var known = new[] { Values(SaveLoop.Model(0)), Values(SaveLoop.Model(1)) };
        int killsDuringSave = 0;
        var rng = new Rng(3);
        for (int round = 0; round < 10 && (round < 4 || killsDuringSave < 2); round++)
        {
            var errors = new System.Text.StringBuilder();
            var saved = new StrongBox<int>();
            using var child = SaveLoop.Start(p, saved, errors);
            try
            {
                // Wait for this child's first complete save, then let it run into the middle of another one.
                var clock = Stopwatch.StartNew();
                while (Volatile.Read(ref saved.Value) == 0 && !child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    Thread.Sleep(2);
                }

                Assert.True(Volatile.Read(ref saved.Value) > 0, $"the save loop did not start: {errors}");
                Thread.Sleep(rng.NextInt(60));
            }
            finally
            {
                child.Kill(); // SIGKILL
                child.WaitForExit();
            }

            // The path holds one of the two checkpoints, whole and verified.
            var target = SaveLoop.Model(5);
            Checkpoint.Restore(p, target, FreezeStatePolicy.FromCheckpoint);
            var got = Values(target);
            Assert.Contains(known, k => k.Zip(got).All(x => x.First.AsSpan().SequenceEqual(x.Second)));
            killsDuringSave += Directory.GetFiles(_dir, ".killed.safetensors.*.tmp").Length > 0 ? 1 : 0;

            // The next save removes what the killed writer left.
            Checkpoint.Save(p, target);
            Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
        }

        Assert.True(killsDuringSave > 0, "no kill landed during a save");
    }
}
