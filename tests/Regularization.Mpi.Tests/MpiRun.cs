using System.Diagnostics;
using System.Text;

namespace Regularization.Mpi.Tests;

/// <summary>What a run produced.</summary>
internal sealed record RunResult(int ExitCode, string Out, string Err, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>
/// Starts the driver program (Regularization.Mpi.Driver.dll, next to the tests) alone or under
/// <c>mpirun --oversubscribe -np N</c>, with Open MPI's allow-run-as-root switches (CI runs as root) and
/// <c>TERM=dumb</c> (a rank's standard output is a pseudo-terminal, where .NET would write a terminal-mode escape).
/// </summary>
internal static class MpiRun
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    public static string Driver => Path.Combine(AppContext.BaseDirectory, "Regularization.Mpi.Driver.dll");

    private static string Dotnet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>The driver under mpirun with <paramref name="ranks"/> processes.</summary>
    public static RunResult Ranks(int ranks, params string[] args) =>
        Run("mpirun", ["--oversubscribe", "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), Dotnet, Driver, .. args]);

    /// <summary>The driver as a plain process (no MPI launcher; the launcher's variables removed).</summary>
    public static RunResult Single(params string[] args) => Run(Dotnet, [Driver, .. args]);

    private static RunResult Run(string file, string[] args)
    {
        Assert.True(File.Exists(Driver), $"{Driver} is missing");
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        start.Environment["TERM"] = "dumb";
        foreach (var name in new[] { "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMIX_RANK" })
        {
            start.Environment.Remove(name);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{file} {string.Join(' ', args)}' did not end within {Limit.TotalSeconds} s (a hang).");
        }

        process.WaitForExit();
        return new RunResult(process.ExitCode, output.Result, error.Result, clock.Elapsed);
    }
}

/// <summary>A fresh folder under the temp folder, removed afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "regularization-mpi-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>The MPI jobs run one at a time (each starts N processes on a small machine).</summary>
[CollectionDefinition("mpi", DisableParallelization = true)]
public sealed class MpiCollection
{
}
