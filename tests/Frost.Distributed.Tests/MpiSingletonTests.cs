namespace Frost.Distributed.Tests;

/// <summary>
/// The MPI code path in this process, without a launcher: MPI singleton initialization makes it rank 0 of 1.
/// MPI is initialized once per process, so these tests share one communicator.
/// </summary>
[Collection(MpiSingletonCollection.Name)]
public class MpiSingletonTests(MpiSingletonFixture fixture)
{
    private Communicator C => fixture.Communicator ?? throw new InvalidOperationException("no MPI library loads; install Open MPI");

    [MpiLibraryFact]
    public void Without_a_launcher_MPI_runs_this_process_as_rank_0_of_1()
    {
        Assert.Equal(CommunicatorBackend.Mpi, C.Backend);
        Assert.Equal(0, C.Rank);
        Assert.Equal(1, C.Size);
        Assert.True(C.IsRoot);
        Assert.Matches("Open MPI|MPICH", C.Library);
        Assert.Contains("rank 0 of 1", C.ToString(), StringComparison.Ordinal);
    }

    [MpiLibraryFact]
    public void Collectives_through_MPI_on_one_rank_leave_values_unchanged()
    {
        float[] f = [1.5f, -2f, 3f];
        double[] d = [0.1, 0.2];
        int[] n = [int.MaxValue, -1];
        byte[] b = [9, 8];
        C.AllReduceSum(f.AsSpan());
        C.AllReduceMax(f.AsSpan());
        C.AllReduceSum(d.AsSpan());
        C.AllReduceMax(d.AsSpan());
        C.AllReduceSum(n.AsSpan());
        C.AllReduceMax(n.AsSpan());
        C.Broadcast(f.AsSpan());
        C.Broadcast(n.AsSpan());
        C.Broadcast(b.AsSpan());
        C.AllReduceSum(Span<float>.Empty);
        C.Barrier();
        Assert.Equal([1.5f, -2f, 3f], f);
        Assert.Equal([0.1, 0.2], d);
        Assert.Equal([int.MaxValue, -1], n);
        Assert.Equal([9, 8], b);
        var result = new float[3];
        C.AllReduceSum(f, result);
        Assert.Equal(f, result);
    }

    [MpiLibraryFact]
    public void Non_blocking_all_reduces_through_MPI_complete_in_any_order()
    {
        var big = Enumerable.Range(0, 1 << 18).Select(i => (float)i).ToArray();
        var small = new float[] { 4, 5 };
        var r1 = C.StartAllReduceSum(big);
        var r2 = C.StartAllReduceSum(small.AsMemory(1, 1));
        r2.Wait();
        while (!r1.Test())
        {
            Thread.Yield();
        }

        Assert.True(r1.IsCompleted && r2.IsCompleted);
        Assert.Equal(12345f, big[12345]);
        Assert.Equal([4f, 5f], small);
    }

    [MpiLibraryFact]
    public void A_second_MPI_communicator_in_the_process_is_refused()
    {
        _ = C;
        var e = Assert.Throws<InvalidOperationException>(() => Communicator.Initialize(new CommunicatorOptions { Backend = CommunicatorBackend.Mpi }));
        Assert.Contains("already in use", e.Message, StringComparison.Ordinal);
    }

    [MpiLibraryFact]
    public void Gradients_reduced_through_MPI_on_one_rank_are_unchanged_except_frozen_elements()
    {
        var model = new Worker.TinyModel(seed: 1);
        using var reducer = new GradientBucketReducer(C, bucketBytes: 32);
        var grads = model.BackwardOrder.Select(v => Tensor.Normal(v.Shape, 0f, 1f, new Rng(5))).ToArray();
        var before = grads.Select(g => g.ToArray()).ToArray();
        for (int i = 0; i < grads.Length; i++)
        {
            reducer.Add(model.BackwardOrder[i], grads[i]);
        }

        var stats = reducer.Complete();
        Assert.Equal(76, stats.Elements);
        Assert.Equal(before[0], grads[0].ToArray());
        Assert.Equal(before[2], grads[2].ToArray());
        var w2 = grads[1].ToArray();
        for (int i = 0; i < w2.Length; i++)
        {
            Assert.Equal(i / 4 is 0 or 3 ? 0f : before[1][i], w2[i]);
        }
    }

    [MpiLibraryFact]
    public void Variables_through_MPI_on_one_rank_are_their_own_replicas()
    {
        var model = new Worker.TinyModel(seed: 2);
        var before = model.W2.Value.ToArray();
        C.BroadcastVariables(model.All);
        Assert.Empty(C.DivergentVariables(model.All));
        Assert.Equal(before, model.W2.Value.ToArray());
    }

    [MpiLibraryFact]
    public void Broadcast_through_MPI_from_a_rank_outside_the_job_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => C.Broadcast(new int[1].AsSpan(), root: -1));
    }
}
