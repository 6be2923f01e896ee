namespace Frost.Distributed.Tests;

public class LocalCommunicatorTests
{
    private static Communicator Local() => Communicator.Initialize(new CommunicatorOptions { Backend = CommunicatorBackend.Local });

    [Fact]
    public void Local_communicator_is_rank_0_of_1_without_MPI()
    {
        using var c = Local();
        Assert.Equal(0, c.Rank);
        Assert.Equal(1, c.Size);
        Assert.True(c.IsRoot);
        Assert.Equal(CommunicatorBackend.Local, c.Backend);
        Assert.Contains("none", c.Library, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(10), c.Timeout);
    }

    [Fact]
    public void A_process_started_without_a_launcher_is_rank_0_of_1_without_loading_MPI()
    {
        Assert.Null(Native.MpiLoader.DetectLauncher(Environment.GetEnvironmentVariable));
        using var c = Communicator.Initialize();
        Assert.Equal(CommunicatorBackend.Local, c.Backend);
        Assert.Equal(1, c.Size);
    }

    [Fact]
    public void Collectives_on_one_local_rank_leave_values_unchanged()
    {
        using var c = Local();
        float[] f = [1.5f, -2f, float.NaN];
        double[] d = [3.25];
        int[] n = [7, -7];
        byte[] b = [1, 2, 3];
        c.AllReduceSum(f.AsSpan());
        c.AllReduceMax(f.AsSpan());
        c.AllReduceSum(d.AsSpan());
        c.AllReduceMax(d.AsSpan());
        c.AllReduceSum(n.AsSpan());
        c.AllReduceMax(n.AsSpan());
        c.Broadcast(f.AsSpan());
        c.Broadcast(n.AsSpan());
        c.Broadcast(b.AsSpan());
        c.Barrier();
        Assert.Equal([1.5f, -2f, float.NaN], f);
        Assert.Equal([3.25], d);
        Assert.Equal([7, -7], n);
        Assert.Equal([1, 2, 3], b);
        var result = new float[3];
        c.AllReduceSum(f, result);
        Assert.Equal(f, result);
    }

    [Fact]
    public void Non_blocking_all_reduce_on_a_local_rank_is_complete_at_once()
    {
        using var c = Local();
        var values = new float[] { 1, 2 };
        var request = c.StartAllReduceSum(values);
        Assert.True(request.IsCompleted);
        Assert.True(request.Test());
        request.Wait();
        Assert.Equal([1f, 2f], values);
        Assert.Contains("all-reduce (sum) of 2 floats", request.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Broadcast_from_a_rank_outside_the_job_is_refused()
    {
        using var c = Local();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => c.Broadcast(new float[2].AsSpan(), root: 1));
        Assert.Contains("root 1 is not a rank of 0..0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_place_all_reduce_checks_lengths_and_overlap()
    {
        using var c = Local();
        var data = new float[8];
        Assert.Throws<ArgumentException>(() => c.AllReduceSum(data.AsSpan(0, 4), new float[3]));
        var e = Assert.Throws<ArgumentException>(() => c.AllReduceSum(data.AsSpan(0, 4), data.AsSpan(2, 4)));
        Assert.Contains("overlap", e.Message, StringComparison.Ordinal);
        c.AllReduceSum(data.AsSpan(0, 4), data.AsSpan(0, 4)); // the same span: in place
    }

    [Fact]
    public void Options_with_a_non_positive_timeout_or_negative_progress_interval_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Communicator.Initialize(new CommunicatorOptions { Backend = CommunicatorBackend.Local, Timeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Communicator.Initialize(new CommunicatorOptions { Backend = CommunicatorBackend.Local, ProgressInterval = TimeSpan.FromMilliseconds(-1) }));
        using var infinite = Communicator.Initialize(new CommunicatorOptions { Backend = CommunicatorBackend.Local, Timeout = Timeout.InfiniteTimeSpan });
        Assert.Equal(Timeout.InfiniteTimeSpan, infinite.Timeout);
    }

    [Fact]
    public void A_wait_expires_after_its_timeout_and_never_when_the_timeout_is_infinite()
    {
        long longAgo = System.Diagnostics.Stopwatch.GetTimestamp() - 10 * System.Diagnostics.Stopwatch.Frequency;
        Assert.True(Communicator.Expired(TimeSpan.FromSeconds(5), longAgo));
        Assert.False(Communicator.Expired(TimeSpan.FromSeconds(60), longAgo));
        Assert.False(Communicator.Expired(Timeout.InfiniteTimeSpan, longAgo));
    }

    [Fact]
    public void A_disposed_communicator_refuses_work_and_disposes_once()
    {
        var c = Local();
        c.Dispose();
        c.Dispose();
        Assert.Throws<ObjectDisposedException>(() => c.AllReduceSum(new float[1].AsSpan()));
        Assert.Throws<ObjectDisposedException>(c.Barrier);
    }

    [Fact]
    public void Variables_on_one_local_rank_are_their_own_replicas()
    {
        using var c = Local();
        var model = new Worker.TinyModel(seed: 3);
        var before = model.All.Select(v => v.Value.ToArray()).ToArray();
        c.BroadcastVariables(model.All);
        Assert.Empty(c.DivergentVariables(model.All));
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i], model.All[i].Value.ToArray());
        }

        var e = Assert.Throws<ArgumentException>(() => c.BroadcastVariables([model.B1, model.B1]));
        Assert.Contains("'dense1/bias' is listed twice", e.Message, StringComparison.Ordinal);
    }
}
