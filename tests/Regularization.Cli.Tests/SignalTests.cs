using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Regularization.Training;

namespace Regularization.Cli.Tests;

/// <summary>
/// Signals to the built program as a child process: SIGTERM, SIGHUP and SIGINT each stop training between two steps,
/// save and exit with 128 + the signal; a second signal while stopping (here: during the save) ends the process at once
/// with <see cref="ExitCodes.Forced"/>, leaving the previous checkpoint; a signal during start-up saves nothing; a
/// background job that inherited SIGINT as ignored still stops cleanly on SIGTERM.
/// </summary>
[Collection("child-process")]
public sealed partial class SignalTests : IDisposable
{
    private const int SigHup = 1;
    private const int SigInt = 2;
    private const int SigTerm = 15;
    private readonly TempFolder _folder = new();
    private readonly string _data;

    public SignalTests()
    {
        _data = TinyData.Write(_folder.File("data"));
    }

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(SigTerm, ExitCodes.Terminated, "SIGTERM")]
    [InlineData(SigHup, ExitCodes.HangUp, "SIGHUP")]
    [InlineData(SigInt, ExitCodes.Interrupted, @"SIGINT \(Ctrl\+C\)")]
    public async Task A_signal_while_training_saves_and_exits_with_its_code(int signal, int code, string name)
    {
        var path = _folder.File("run.ckpt");
        using var process = CliRunner.Start(Train(path));
        var stderr = process.StandardError.ReadToEndAsync();
        await WaitForLine(process, "Test Accuracy: ");
        if (signal == SigHup && IgnoredHere(SigHup))
        {
            // Run under nohup (the disposition is inherited): the program keeps it ignored, as nohup asks, and keeps
            // training; it is then stopped by SIGTERM instead.
            Assert.Equal(0, Kill(process.Id, SigHup));
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(process.HasExited, "SIGHUP is ignored here (nohup), so the program must keep running after it");
            (signal, code, name) = (SigTerm, ExitCodes.Terminated, "SIGTERM");
        }

        Assert.Equal(0, Kill(process.Id, signal));
        var (exit, err) = await Finish(process, stderr);

        Assert.Equal(code, exit);
        Assert.Matches(
            new Regex($"^interrupted by {name} at epoch \\d+ of 1000000, after batch [01] of 1 \\(step \\d+\\); checkpoint saved to {Regex.Escape(path)}; continue with: regularization train --resume {Regex.Escape(path)} --save {Regex.Escape(path)} --data {Regex.Escape(_data)} --provider managed$"),
            Assert.Single(err));
        var saved = Checkpoint.Load(path);
        Assert.True(saved.Step >= 1, $"step {saved.Step}");

        // The saved run continues.
        var resumed = CliRunner.RunProcess(["train", "--resume", path, "--epochs", (saved.CompletedEpochs + 1).ToString(), "--data", _data, "--provider", "managed"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
    }

    [Fact]
    public async Task A_signal_during_start_up_exits_with_its_code_and_saves_nothing()
    {
        var path = _folder.File("run.ckpt");
        var marker = _folder.File("startup.marker");
        using var process = CliRunner.Start(Train(path), Pause($"startup,{marker}"));
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await WaitForFile(marker, process);
        Assert.Equal(0, Kill(process.Id, SigTerm));
        var (exit, err) = await Finish(process, stderr);

        Assert.Equal(ExitCodes.Terminated, exit);
        Assert.Equal("interrupted by SIGTERM before training started; nothing trained, nothing saved.", Assert.Single(err));
        Assert.Equal(string.Empty, await stdout);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_second_sigint_during_the_save_forces_exit_and_leaves_the_previous_checkpoint()
    {
        var path = _folder.File("run.ckpt");
        var marker = _folder.File("save.marker");

        // The 2nd save (after epoch 2) pauses for 60 s between writing the temporary file and the rename.
        using var process = CliRunner.Start(Train(path), Pause($"save,2,60000,{marker}"));
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await WaitForFile(marker, process);
        Assert.Equal(0, Kill(process.Id, SigInt));
        await Task.Delay(500); // let the first be handled: identical pending signals merge into one
        Assert.Equal(0, Kill(process.Id, SigInt));
        var (exit, err) = await Finish(process, stderr);
        _ = await stdout;

        Assert.Equal(ExitCodes.Forced, exit);
        Assert.Equal(
            "error: a second SIGINT (Ctrl+C) while stopping; ended at once without saving (a --save file holds the last complete checkpoint).",
            Assert.Single(err));
        Assert.Equal(1, Checkpoint.Load(path).Step); // the first save, after epoch 1
        var abandoned = File.ReadAllText(marker);
        Assert.True(File.Exists(abandoned), "the interrupted save's temporary file");

        // The next run continues from the previous checkpoint and removes the abandoned temporary file.
        var resumed = CliRunner.RunProcess(["train", "--resume", path, "--save", path, "--epochs", "3", "--data", _data, "--provider", "managed"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"Resuming {path}: 1 of 3 epochs done (step 1)", resumed.OutLines);
        Assert.False(File.Exists(abandoned));
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp"));
    }

    [Fact]
    public async Task Sigterm_during_a_save_lets_the_save_finish_then_stops()
    {
        var path = _folder.File("run.ckpt");
        var marker = _folder.File("save.marker");
        using var process = CliRunner.Start(Train(path), Pause($"save,1,1500,{marker}"));
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await WaitForFile(marker, process);
        Assert.Equal(0, Kill(process.Id, SigTerm));
        var (exit, err) = await Finish(process, stderr);
        _ = await stdout;

        Assert.Equal(ExitCodes.Terminated, exit);
        Assert.StartsWith("interrupted by SIGTERM at epoch 2 of 1000000, after batch 0 of 1 (step 1); checkpoint saved to ", Assert.Single(err), StringComparison.Ordinal);
        Assert.Equal(1, Checkpoint.Load(path).Step);
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp"));
    }

    [Fact]
    public async Task A_background_job_with_sigint_ignored_stops_cleanly_on_sigterm()
    {
        // As `regularization train ... &` in a non-interactive shell: SIGINT is inherited as ignored.
        var path = _folder.File("run.ckpt");
        var dll = Path.Combine(AppContext.BaseDirectory, "Regularization.Cli.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["-c", "trap '' INT; exec \"$@\"", "sh", dotnet, dll, .. Train(path)])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await WaitForLine(process, "Test Accuracy: ");
        Assert.Equal(0, Kill(process.Id, SigTerm));
        var (exit, err) = await Finish(process, stderr);

        Assert.Equal(ExitCodes.Terminated, exit);
        Assert.StartsWith("interrupted by SIGTERM at epoch ", Assert.Single(err), StringComparison.Ordinal);
        Assert.True(Checkpoint.Load(path).Step >= 1);
    }

    /// <summary>A run that would take very long: one step per epoch, a save after each.</summary>
    private string[] Train(string path) => ["train", "--epochs", "1000000", "--save", path, "--data", _data, "--provider", "managed"];

    private static Dictionary<string, string?> Pause(string value) => new() { [TestPause.Variable] = value };

    internal static async Task WaitForLine(Process process, string prefix)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync(timeout.Token)) is not null)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                // Keep draining standard output so the child never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return;
            }
        }

        Assert.Fail($"the program ended (exit {process.ExitCode}) before printing a line starting with '{prefix}'");
    }

    internal static async Task WaitForFile(string path, Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            Assert.False(process.HasExited, $"the program ended (exit {(process.HasExited ? process.ExitCode : 0)}) before {path} appeared");
            await Task.Delay(10, timeout.Token);
        }
    }

    private static async Task<(int Exit, string[] Err)> Finish(Process process, Task<string> stderr)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stderr;
        return (process.ExitCode, text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n'));
    }

    /// <summary>True when this process ignores <paramref name="signal"/> (the <c>SigIgn</c> mask of /proc/self/status), as under nohup.</summary>
    private static bool IgnoredHere(int signal)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && (ulong.Parse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) & (1UL << (signal - 1))) != 0;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
