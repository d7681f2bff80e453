namespace Regularization.Mpi.Tests;

/// <summary>
/// Starts the driver program (Regularization.Mpi.Driver.dll, next to the tests) alone or under
/// <c>mpirun --oversubscribe -np N</c>, with Open MPI's allow-run-as-root switches (CI runs as root) and
/// <c>TERM=dumb</c> (a rank's standard output is a pseudo-terminal, where .NET would write a terminal-mode escape).
/// </summary>
internal static class MpiRun
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    public static string Driver => Path.Combine(AppContext.BaseDirectory, "Regularization.Mpi.Driver.dll");

    /// <summary>The driver under mpirun with <paramref name="ranks"/> processes.</summary>
    public static ProcessResult Ranks(int ranks, params string[] args) => Run(Start(Driver, ranks, args, []));

    /// <summary>The driver as a plain process (no MPI launcher; the launcher's variables removed).</summary>
    public static ProcessResult Single(params string[] args) => Run(Start(Driver, null, args, []));

    /// <summary>The command (Regularization.Cli.dll) under mpirun with <paramref name="ranks"/> processes, or alone for 1.</summary>
    public static ProcessResult Cli(int ranks, params string[] args) => Run(CliStart(ranks, args));

    /// <summary>The start description of <see cref="Cli(int, string[])"/>, for tests that watch the job while it runs.</summary>
    public static System.Diagnostics.ProcessStartInfo CliStart(int ranks, string[] args, params KeyValuePair<string, string?>[] environment) =>
        Start(Path.Combine(AppContext.BaseDirectory, "Regularization.Cli.dll"), ranks == 1 ? null : ranks, args, environment);

    /// <summary><paramref name="dll"/> under <c>mpirun --oversubscribe -np ranks</c>, or as a plain process when <paramref name="ranks"/> is null.</summary>
    private static System.Diagnostics.ProcessStartInfo Start(string dll, int? ranks, string[] args, KeyValuePair<string, string?>[] environment)
    {
        Assert.True(File.Exists(dll), $"{dll} is missing");
        return ranks is { } n
            ? ChildProcess.StartInfo("mpirun", ["--oversubscribe", "-np", n.ToString(System.Globalization.CultureInfo.InvariantCulture), ChildProcess.Dotnet, dll, .. args], [.. LauncherEnvironment, .. environment])
            : ChildProcess.StartInfo(ChildProcess.Dotnet, [dll, .. args], [.. LauncherEnvironment, .. environment]);
    }

    private static ProcessResult Run(System.Diagnostics.ProcessStartInfo start) => ChildProcess.Run(start, Limit);

    /// <summary>Open MPI's allow-run-as-root switches, a dumb terminal, and no launcher variables inherited from a
    /// surrounding job (a test run under mpirun would otherwise make every child think it is a rank).</summary>
    private static readonly KeyValuePair<string, string?>[] LauncherEnvironment =
    [
        new("OMPI_ALLOW_RUN_AS_ROOT", "1"),
        new("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"),
        new("TERM", "dumb"),
        new("OMPI_COMM_WORLD_SIZE", null),
        new("OMPI_COMM_WORLD_RANK", null),
        new("PMIX_RANK", null),
    ];
}

/// <summary>The MPI jobs run one at a time (each starts N processes on a small machine).</summary>
[CollectionDefinition("mpi", DisableParallelization = true)]
public sealed class MpiCollection
{
}
