using System.Diagnostics;
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
    public static Process Start(string[] args, IReadOnlyDictionary<string, string?>? environment = null) =>
        Process.Start(StartInfo(args, environment)) ?? throw new InvalidOperationException("The program did not start.");

    /// <summary>Runs the built program to its end (at most two minutes).</summary>
    public static CliResult RunProcess(string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var result = ChildProcess.Run(StartInfo(args, environment), TimeSpan.FromMinutes(2));
        return new CliResult(result.ExitCode, result.Out, result.Err);
    }

    private static ProcessStartInfo StartInfo(string[] args, IReadOnlyDictionary<string, string?>? environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Regularization.Cli.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing");
        return ChildProcess.StartInfo(ChildProcess.Dotnet, [dll, .. args], environment);
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
