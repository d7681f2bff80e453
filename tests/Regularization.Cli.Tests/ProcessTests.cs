using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Regularization.Training;

namespace Regularization.Cli.Tests;

/// <summary>The built program as a child process: real redirection, real environment, a real SIGINT.</summary>
[Collection("child-process")]
public sealed partial class ProcessTests : IDisposable
{
    private const int SigInt = 2;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Redirected_train_prints_plain_seed_lines_and_the_train_time()
    {
        var r = CliRunner.RunProcess(["train", "--epochs", "1", "--train-limit", "2000", "--test-limit", "500"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Err);
        Assert.DoesNotContain('\u001b', r.Out);
        Assert.Equal(2, r.EpochLines.Length);
        Assert.Matches(@"^Epoch 1, Average Loss: \d+\.\d{4}$", r.EpochLines[0]);
        Assert.Matches(@"^Test Accuracy: \d{1,3}\.\d{2}%$", r.EpochLines[1]);
        Assert.Matches(@"^Train time: \d+\.\d{2} s$", r.OutLines[^1]);
    }

    [Fact]
    public void Mkl_asked_for_but_missing_is_a_provider_error_and_auto_falls_back()
    {
        var missing = new Dictionary<string, string?>
        {
            ["REGULARIZATION_MKL_PATH"] = "/nonexistent/libmkl_rt.so", ["REGULARIZATION_OPENBLAS_PATH"] = "/nonexistent/libopenblas.so.0", ["REGULARIZATION_PROVIDER"] = null,
        };
        var args = new[] { "train", "--epochs", "1", "--train-limit", "128", "--test-limit", "100" };

        var mkl = CliRunner.RunProcess([.. args, "--provider", "mkl"], missing);
        ErrorTests.AssertOneLine(mkl, ExitCodes.Provider);
        Assert.Contains("apt-get install libmkl-rt", mkl.Err, StringComparison.Ordinal);

        var auto = CliRunner.RunProcess(args, missing);
        Assert.True(auto.ExitCode == 0, auto.ToString());
        Assert.Contains(auto.OutLines, l => l.StartsWith("Provider: managed", StringComparison.Ordinal) && l.Contains("native BLAS not used: ", StringComparison.Ordinal)
            && l.Contains("MKL: ", StringComparison.Ordinal) && l.Contains("OpenBLAS: ", StringComparison.Ordinal));

        var providers = CliRunner.RunProcess(["providers", "--size", "64", "--repeat", "1"], missing);
        Assert.True(providers.ExitCode == 0, providers.ToString());
        Assert.Contains(providers.OutLines, l => l.StartsWith("mkl      not available: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ctrl_c_stops_between_steps_saves_and_exits_130()
    {
        var path = _folder.File("run.ckpt");
        using var process = CliRunner.Start(
            ["train", "--epochs", "20", "--train-limit", "10000", "--test-limit", "500", "--provider", "managed", "--save", path]);
        var error = process.StandardError.ReadToEndAsync();

        // Wait for the first epoch's lines, then send SIGINT as Ctrl+C does.
        var seen = new List<string>();
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null)
        {
            seen.Add(line);
            if (line.StartsWith("Test Accuracy: ", StringComparison.Ordinal))
            {
                break;
            }
        }

        Assert.True(line is not null, string.Join('\n', seen));
        Assert.Equal(0, Kill(process.Id, SigInt));

        var rest = await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(ExitCodes.Interrupted, process.ExitCode);
        var stderr = (await error).TrimEnd('\n').Split('\n');
        var message = Assert.Single(stderr);
        Assert.Matches(
            new Regex($"^interrupted by SIGINT \\(Ctrl\\+C\\) at epoch \\d+ of 20, after batch \\d+ of 157 \\(step \\d+\\); checkpoint saved to {Regex.Escape(path)}; continue with: regularization train --resume {Regex.Escape(path)} --save {Regex.Escape(path)} --train-limit 10000 --test-limit 500 --provider managed$"),
            message);
        Assert.DoesNotContain("Train time", rest, StringComparison.Ordinal);

        var checkpoint = Checkpoint.Load(path);
        Assert.True(checkpoint.Step >= 157 && checkpoint.Step < 20 * 157, $"step {checkpoint.Step}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
