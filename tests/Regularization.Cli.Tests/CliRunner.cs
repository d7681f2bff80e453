using System.Diagnostics;
using System.Text;
using Regularization.Training;

namespace Regularization.Cli.Tests;

/// <summary>What a run of the command produced.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Err)
{
    public string[] OutLines => Lines(Out);

    public string[] ErrLines => Lines(Err);

    /// <summary>The seed's epoch lines, in order.</summary>
    public string[] EpochLines => OutLines.Where(l => l.StartsWith("Epoch ", StringComparison.Ordinal) || l.StartsWith("Test Accuracy: ", StringComparison.Ordinal)).ToArray();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";

    private static string[] Lines(string text) =>
        text.Length == 0 ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
}

/// <summary>Runs the command in this process (through the testable entry points) or as a child process.</summary>
internal static class CliRunner
{
    /// <summary>In this process, through <see cref="Program.Run(string[], TextWriter, TextWriter)"/>.</summary>
    public static CliResult Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = Program.Run(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>In this process with a custom host: environment, batch observer, interrupt, terminal mode.</summary>
    public static CliResult RunHost(
        string[] args,
        Func<string, string?>? environment = null,
        Action<BatchProgress>? observer = null,
        CancellationToken interrupt = default,
        bool terminal = false,
        Func<DataSets, DataSets>? dataHook = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var source = new InterruptSource(interrupt);
        var host = new CliHost(output, error, terminal, false, source, environment ?? Environment.GetEnvironmentVariable)
        {
            BatchObserver = observer,
            ForceAnsi = terminal,
            DataHook = dataHook,
        };
        var code = Cli.Run(args, host);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>The built program (Regularization.Cli.dll next to the tests) as a child process, its output redirected.</summary>
    public static Process Start(string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Regularization.Cli.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
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

        return Process.Start(start) ?? throw new InvalidOperationException("The program did not start.");
    }

    /// <summary>Runs the built program to its end (at most two minutes).</summary>
    public static CliResult RunProcess(string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var process = Start(args, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The program did not end within two minutes.");
        }

        return new CliResult(process.ExitCode, output.Result, error.Result);
    }
}

/// <summary>A fresh folder under the temp folder, removed afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "regularization-cli-tests-" + Guid.NewGuid().ToString("N"));
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

/// <summary>In-process runs share MathNet's process-wide provider and parallelism settings, so they run one at a time.</summary>
[CollectionDefinition("in-process")]
public sealed class InProcessCollection
{
}

/// <summary>Runs of the built program as child processes (they may overlap with the in-process ones).</summary>
[CollectionDefinition("child-process")]
public sealed class ChildProcessCollection
{
}
