namespace Regularization.Mpi.Tests;

/// <summary>
/// A rank that dies while the others wait in an all-reduce: the job ends (bounded: <see cref="MpiRun.Limit"/>; observed
/// 1 to 2.5 s with 3 ranks) with a non-zero status and a message that names the rank.
/// </summary>
[Collection("mpi")]
public sealed class RankFailureTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void An_unhandled_exception_is_printed_with_its_rank_and_aborts_the_job(int ranks)
    {
        var run = MpiRun.Ranks(ranks, "die", "throw", "1");
        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains($"rank 1 of {ranks}: unhandled exception, aborting the MPI job (MPI_Abort): System.InvalidOperationException: simulated failure on rank 1", run.Err, StringComparison.Ordinal);
        // Open MPI's own MPI_ABORT notice is printed by mpirun only when it gets to it before the job is torn down (it was
        // missing in one CI run with 2 ranks), so it is not asserted: our line, the status and the bound are.
        Assert.DoesNotContain("the all-reduce returned", run.Out, StringComparison.Ordinal);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), run.ToString());
    }

    [Fact]
    public void A_rank_that_exits_without_finalize_ends_the_job_with_its_exit_code()
    {
        var run = MpiRun.Ranks(3, "die", "exit", "2");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("mpirun detected that one or more processes exited with non-zero status", run.Out + run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("the all-reduce returned", run.Out, StringComparison.Ordinal);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), run.ToString());
    }

    [Fact]
    public void A_killed_rank_ends_the_job_and_is_named()
    {
        var run = MpiRun.Ranks(3, "die", "kill", "1");
        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("mpirun noticed that process rank 1 with PID", run.Out + run.Err, StringComparison.Ordinal);
        Assert.Contains("exited on signal 9 (Killed)", run.Out + run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("the all-reduce returned", run.Out, StringComparison.Ordinal);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), run.ToString());
    }
}
