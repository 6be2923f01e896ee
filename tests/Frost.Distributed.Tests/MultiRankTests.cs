namespace Frost.Distributed.Tests;

/// <summary>
/// Two local ranks under a real launcher, running the scenarios of <see cref="Worker.Scenarios"/>: collectives,
/// variable broadcast, data-parallel training against a single-process reference, and failures.
/// </summary>
[Collection(MultiRankCollection.Name)]
public class MultiRankTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    [OpenMpiFact]
    public void Two_ranks_under_Open_MPI_reduce_broadcast_and_train_like_one_process_with_twice_the_batch()
    {
        var job = MpiJob.Run(MpiEnvironment.OpenMpiRun ?? "mpirun", 2, "all", Limit);
        AssertBothRanksOk(job, "all");
        Assert.Contains("Open MPI", job.Output, StringComparison.Ordinal);
    }

    [MpichFact]
    public void Two_ranks_under_MPICH_reduce_broadcast_and_train_like_one_process_with_twice_the_batch()
    {
        var job = MpiJob.Run(MpiEnvironment.MpichRun!, 2, "all", Limit);
        AssertBothRanksOk(job, "all");
        Assert.Contains("MPICH", job.Output, StringComparison.Ordinal);
    }

    [OpenMpiFact]
    public void A_rank_that_hangs_makes_the_other_fail_within_its_timeout_naming_it_and_the_job_ends()
    {
        var job = MpiJob.Run(MpiEnvironment.OpenMpiRun ?? "mpirun", 2, "timeout", Limit);
        Assert.True(job.ExitCode != 0, $"the job should fail:\n{job.Output}");
        Assert.Contains("rank 0: barrier failed as expected", job.Output, StringComparison.Ordinal);
        Assert.Contains("rank 1 is not taking part", job.Output, StringComparison.Ordinal);
        Assert.Contains("Aborting the job", job.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Dispose returned", job.Output, StringComparison.Ordinal);

        // Rank 1 sleeps 60 s: the job ending well before shows the abort took it down.
        Assert.True(job.Elapsed < TimeSpan.FromSeconds(40), $"took {job.Elapsed}:\n{job.Output}");
    }

    [OpenMpiFact]
    public void A_rank_killed_mid_all_reduce_ends_the_job_with_a_message_naming_it()
    {
        var job = MpiJob.Run(MpiEnvironment.OpenMpiRun ?? "mpirun", 2, "kill", Limit);
        Assert.True(job.ExitCode != 0, $"the job should fail:\n{job.Output}");
        Assert.Contains("rank 1: killing myself", job.Output, StringComparison.Ordinal);

        // Open MPI's mpirun names the lost rank: "mpirun noticed that process rank 1 with PID … exited on signal 9 (Killed)."
        Assert.Matches(@"process rank 1 .*signal 9", job.Output);
        Assert.DoesNotContain("loop ended", job.Output, StringComparison.Ordinal);
        Assert.True(job.Elapsed < TimeSpan.FromSeconds(40), $"took {job.Elapsed}:\n{job.Output}");
    }

    private static void AssertBothRanksOk(MpiJob.Result job, string scenario)
    {
        Assert.True(job.ExitCode == 0, $"exit code {job.ExitCode}:\n{job.Output}");
        Assert.Contains($"rank 0: ok {scenario}", job.Output, StringComparison.Ordinal);
        Assert.Contains($"rank 1: ok {scenario}", job.Output, StringComparison.Ordinal);
    }
}
