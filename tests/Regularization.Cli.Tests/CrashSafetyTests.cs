using Regularization.Training;
using Xunit.Abstractions;

namespace Regularization.Cli.Tests;

/// <summary>
/// Crash safety of <c>train --save</c>: a chain of child processes, each resuming the previous one's checkpoint, killed
/// with SIGKILL at random moments and in the middle of saves (between the complete temporary file and the rename).
/// After every kill the checkpoint is the previous one or the new one (it loads, its step never goes back); the chain
/// then finishes, and no temporary file is left behind.
/// </summary>
[Collection("child-process")]
public sealed class CrashSafetyTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 24;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Sigkill_at_random_moments_and_during_saves_never_loses_or_corrupts_the_checkpoint()
    {
        var data = TinyData.Write(_folder.File("data"));
        var path = _folder.File("run.ckpt");
        var random = new Random(20261202);
        var lastStep = -1L;
        var duringSave = 0;
        var leftTemporary = 0;
        for (var kill = 0; kill < Kills; kill++)
        {
            string[] args = File.Exists(path)
                ? ["train", "--resume", path, "--save", path, "--data", data, "--provider", "managed"]
                : ["train", "--epochs", "1000000", "--save", path, "--data", data, "--provider", "managed"];
            var marker = _folder.File($"save-{kill}.marker");
            var inSave = kill % 2 == 1;
            var environment = inSave ? new Dictionary<string, string?> { [TestPause.Variable] = $"save,{1 + random.Next(3)},60000,{marker}" } : null;
            using var process = CliRunner.Start(args, environment);
            var stderr = process.StandardError.ReadToEndAsync();
            if (inSave)
            {
                // Killed between the complete temporary file and the rename.
                await SignalTests.WaitForFile(marker, process);
                duringSave++;
            }
            else
            {
                // Killed at a random moment of training (a save every few milliseconds, so often within one).
                await SignalTests.WaitForLine(process, "Test Accuracy: ");
                await Task.Delay(random.Next(300));
            }

            process.Kill();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 137, $"kill {kill}: exit {process.ExitCode}, {await stderr}");
            leftTemporary += Directory.GetFiles(_folder.Path, ".run.ckpt.*.tmp").Length > 0 ? 1 : 0;

            if (File.Exists(path))
            {
                var checkpoint = Checkpoint.Load(path); // never corrupt
                Assert.True(checkpoint.Step >= lastStep, $"kill {kill}: the checkpoint went back from step {lastStep} to {checkpoint.Step}");
                lastStep = checkpoint.Step;
            }
        }

        Assert.True(lastStep > 0, "no checkpoint was ever written");
        var done = Checkpoint.Load(path).CompletedEpochs;
        var final = CliRunner.RunProcess(["train", "--resume", path, "--save", path, "--epochs", (done + 2).ToString(), "--data", data, "--provider", "managed"]);
        Assert.True(final.ExitCode == 0, final.ToString());
        Assert.Equal(done + 2, Checkpoint.Load(path).CompletedEpochs);
        Assert.Empty(Directory.GetFiles(_folder.Path, ".run.ckpt.*.tmp"));
        Assert.True(leftTemporary >= duringSave, $"{leftTemporary} kills left a temporary file; {duringSave} were during a save");
        output.WriteLine($"{Kills} SIGKILLs ({duringSave} during a save, {leftTemporary} left a temporary file); the checkpoint reached step {lastStep} and the chain finished.");
    }
}
