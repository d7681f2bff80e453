using System.Globalization;

namespace Regularization.Mpi;

/// <summary>
/// Whether this process was started by Open MPI's <c>mpirun</c> (or <c>mpiexec</c>, or a PMIx launcher), read from the
/// environment only: nothing of MPI is loaded by this class.
/// </summary>
/// <remarks>
/// Open MPI's launcher gives every rank <c>OMPI_COMM_WORLD_SIZE</c>, <c>OMPI_COMM_WORLD_RANK</c> and
/// <c>OMPI_COMM_WORLD_LOCAL_RANK</c>; PMIx launchers (Open MPI 5, Slurm's <c>srun --mpi=pmix</c>) give
/// <c>PMIX_RANK</c>. A process with neither is a normal single process, and a program can keep its single-process
/// code path without ever touching <c>libmpi</c>.
/// <example>
/// <code>
/// using var world = MpiLaunch.IsUnderMpi ? MpiWorld.Initialize() : null;
/// var rank = world?.Rank ?? 0;
/// </code>
/// </example>
/// </remarks>
public static class MpiLaunch
{
    /// <summary>The variable Open MPI's launcher sets to the job's process count.</summary>
    public const string SizeVariable = "OMPI_COMM_WORLD_SIZE";

    /// <summary>The variable Open MPI's launcher sets to this process's rank.</summary>
    public const string RankVariable = "OMPI_COMM_WORLD_RANK";

    /// <summary>The variable a PMIx launcher sets to this process's rank.</summary>
    public const string PmixRankVariable = "PMIX_RANK";

    /// <summary>True when the environment says that an MPI launcher started this process.</summary>
    public static bool IsUnderMpi => Rank is not null;

    /// <summary>The rank the launcher gave this process (<c>OMPI_COMM_WORLD_RANK</c>, else <c>PMIX_RANK</c>), or null.</summary>
    public static int? Rank => Read(RankVariable) ?? Read(PmixRankVariable);

    /// <summary>The job's process count (<c>OMPI_COMM_WORLD_SIZE</c>), or null when the launcher does not say.</summary>
    public static int? Size => Read(SizeVariable);

    private static int? Read(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
