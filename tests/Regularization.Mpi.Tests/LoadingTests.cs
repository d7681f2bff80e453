namespace Regularization.Mpi.Tests;

/// <summary>Nothing of MPI is loaded in a normal run; a missing or foreign library gives a clear error.</summary>
[Collection("mpi")]
public sealed class LoadingTests
{
    [Fact]
    public void A_normal_run_neither_detects_MPI_nor_maps_libmpi()
    {
        var run = MpiRun.Single("env");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("under-mpi=False loaded=False mapped=False", run.Out.Trim());
    }

    [Fact]
    public void Under_mpirun_the_environment_says_so_before_anything_is_loaded()
    {
        var run = MpiRun.Ranks(2, "env");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["under-mpi=True loaded=False mapped=False", "under-mpi=True loaded=False mapped=False"], run.Out.Trim().Split('\n'));
    }

    [Fact]
    public void The_test_process_itself_has_not_loaded_MPI()
    {
        Assert.False(MpiWorld.IsLoaded);
        Assert.Null(MpiWorld.Current);
        Assert.DoesNotContain("libmpi", File.ReadAllText("/proc/self/maps"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_library_is_named_with_the_install_hint()
    {
        var e = Assert.Throws<MpiUnavailableException>(() => MpiWorld.Initialize("/nonexistent/libmpi.so.40"));
        Assert.StartsWith("libmpi could not be loaded from '/nonexistent/libmpi.so.40'", e.Reason, StringComparison.Ordinal);
        Assert.Contains("apt-get install openmpi-bin libopenmpi-dev", e.Message, StringComparison.Ordinal);
        Assert.False(MpiWorld.IsLoaded);
    }

    [Fact]
    public void A_library_that_is_not_Open_MPI_is_refused_by_its_missing_exports()
    {
        var e = Assert.Throws<MpiUnavailableException>(() => MpiWorld.Initialize("libm.so.6"));
        Assert.Equal(
            "'libm.so.6' is not Open MPI's libmpi (missing exports " + string.Join(", ", Native.MpiNative.HandleExports.Concat(Native.MpiNative.FunctionExports)) +
            "); only Open MPI's ABI is supported.",
            e.Reason);
        Assert.False(MpiWorld.IsLoaded);
    }

    [Fact]
    public void The_launcher_variables_are_read_from_the_environment()
    {
        Assert.Equal("OMPI_COMM_WORLD_RANK", MpiLaunch.RankVariable);
        Assert.Equal("OMPI_COMM_WORLD_SIZE", MpiLaunch.SizeVariable);
        Assert.Equal("PMIX_RANK", MpiLaunch.PmixRankVariable);
        Assert.Equal(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_RANK") is not null || Environment.GetEnvironmentVariable("PMIX_RANK") is not null, MpiLaunch.IsUnderMpi);
    }
}
