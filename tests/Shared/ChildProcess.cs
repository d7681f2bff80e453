using System.Diagnostics;
using System.Text;

namespace Regularization.TestSupport;

/// <summary>What a child process printed, how it ended and how long it took.</summary>
internal sealed record ProcessResult(int ExitCode, string Out, string Err, TimeSpan Elapsed);

/// <summary>
/// Child processes for the tests that run built programs (the command, the MPI driver, mpirun): UTF-8 redirected
/// output, an environment edited per run (a null value removes the variable), and a time limit that kills the whole
/// process tree and fails the test as a hang. Compiled into each test project that needs it (tests/Shared).
/// </summary>
internal static class ChildProcess
{
    /// <summary>The dotnet host that runs these tests (DOTNET_HOST_PATH), or <c>dotnet</c> from PATH.</summary>
    public static string Dotnet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>A start description: <paramref name="file"/> with <paramref name="args"/>, output redirected as UTF-8.</summary>
    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> args, IEnumerable<KeyValuePair<string, string?>>? environment = null)
    {
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

        foreach (var (name, value) in environment ?? [])
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return start;
    }

    /// <summary>Runs <paramref name="start"/> to its end; past <paramref name="limit"/> the process tree is killed and the test fails.</summary>
    public static ProcessResult Run(ProcessStartInfo start, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{start.FileName} {string.Join(' ', start.ArgumentList)}' did not end within {limit.TotalSeconds} s (a hang).");
        }

        // The parameterless wait also waits for the redirected streams to reach their end.
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, output.Result, error.Result, clock.Elapsed);
    }
}

/// <summary>A fresh folder under the temp folder, removed afterwards (best effort).</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix = "regularization-tests-")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
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
