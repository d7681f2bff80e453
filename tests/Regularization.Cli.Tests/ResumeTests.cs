using Regularization.Training;

namespace Regularization.Cli.Tests;

/// <summary><c>--save</c>, <c>--resume</c> and Ctrl+C: a resumed run computes the uninterrupted run's bits (managed provider).</summary>
[Collection("in-process")]
public sealed class ResumeTests : IDisposable
{
    // 640 images: 10 batches per epoch.
    private static readonly string[] Common = ["--train-limit", "640", "--test-limit", "200", "--provider", "managed", "--momentum", "0.9", "--l1", "1e-5"];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Save_then_resume_at_an_epoch_boundary_equals_the_uninterrupted_run()
    {
        var full = _folder.File("full.ckpt");
        var part = _folder.File("part.ckpt");
        var uninterrupted = CliRunner.Run(["train", "--epochs", "2", "--save", full, .. Common]);
        var first = CliRunner.Run(["train", "--epochs", "1", "--save", part, .. Common]);
        // Without --train-limit the checkpoint's training-set size (the first 640 images) is used.
        var second = CliRunner.Run(["train", "--resume", part, "--epochs", "2", "--save", part, .. Common.Where(a => a is not ("--train-limit" or "640"))]);

        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains($"Resuming {part}: 1 of 2 epochs done (step 10)", second.OutLines);
        Assert.Equal(uninterrupted.EpochLines, first.EpochLines.Concat(second.EpochLines));
        AssertSameBits(Checkpoint.Load(full), Checkpoint.Load(part));
    }

    [Fact]
    public void Interrupt_mid_epoch_saves_and_the_resumed_run_equals_the_uninterrupted_run()
    {
        var full = _folder.File("full.ckpt");
        var part = _folder.File("part.ckpt");
        var uninterrupted = CliRunner.Run(["train", "--epochs", "2", "--save", full, .. Common]);

        using var interrupt = new CancellationTokenSource();
        var stopped = CliRunner.RunHost(
            ["train", "--epochs", "2", "--save", part, .. Common],
            observer: b =>
            {
                if (b.Epoch == 2 && b.Batch == 3)
                {
                    interrupt.Cancel();
                }
            },
            interrupt: interrupt.Token);

        Assert.Equal(ExitCodes.Interrupted, stopped.ExitCode);
        var line = Assert.Single(stopped.ErrLines);
        Assert.Equal(
            $"interrupted at epoch 2 of 2, after batch 3 of 10 (step 13); checkpoint saved to {part}; continue with: regularization train --resume {part} --save {part} --train-limit 640 --test-limit 200 --provider managed",
            line);
        Assert.Equal(uninterrupted.EpochLines.Take(2), stopped.EpochLines);
        Assert.DoesNotContain(stopped.OutLines, l => l.StartsWith("Train time", StringComparison.Ordinal));

        var resumed = CliRunner.Run(["train", "--resume", part, "--save", part, .. Common]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"Resuming {part}: epoch 2 of 2 at batch 3 of 10 (step 13)", resumed.OutLines);
        Assert.Equal(uninterrupted.EpochLines, stopped.EpochLines.Concat(resumed.EpochLines));
        AssertSameBits(Checkpoint.Load(full), Checkpoint.Load(part));
    }

    [Fact]
    public void Interrupt_without_save_says_that_nothing_was_saved()
    {
        using var interrupt = new CancellationTokenSource();
        var stopped = CliRunner.RunHost(
            ["train", "--epochs", "2", .. Common],
            observer: b =>
            {
                if (b.Batch == 2)
                {
                    interrupt.Cancel();
                }
            },
            interrupt: interrupt.Token);

        Assert.Equal(ExitCodes.Interrupted, stopped.ExitCode);
        Assert.Equal(
            "interrupted at epoch 1 of 2, after batch 2 of 10 (step 2); nothing saved (add --save FILE to keep a checkpoint).",
            Assert.Single(stopped.ErrLines));
    }

    [Fact]
    public void Interrupting_a_json_run_leaves_standard_output_empty()
    {
        var part = _folder.File("part.ckpt");
        using var interrupt = new CancellationTokenSource();
        var stopped = CliRunner.RunHost(
            ["train", "--json", "--epochs", "2", "--save", part, .. Common],
            observer: b =>
            {
                if (b.Epoch == 2 && b.Batch == 1)
                {
                    interrupt.Cancel();
                }
            },
            interrupt: interrupt.Token);

        Assert.Equal(ExitCodes.Interrupted, stopped.ExitCode);
        Assert.Equal(string.Empty, stopped.Out);
        Assert.StartsWith("interrupted at epoch 2 of 2, after batch 1 of 10 (step 11); checkpoint saved to ", Assert.Single(stopped.ErrLines), StringComparison.Ordinal);
        Assert.Equal(11, Checkpoint.Load(part).Step);
    }

    [Fact]
    public void Resume_with_other_options_is_a_checkpoint_error()
    {
        var part = _folder.File("part.ckpt");
        Assert.Equal(0, CliRunner.Run(["train", "--epochs", "1", "--save", part, .. Common]).ExitCode);

        var r = CliRunner.Run(["train", "--resume", part, "--lr", "0.5", .. Common]);

        Assert.Equal(ExitCodes.Checkpoint, r.ExitCode);
        var line = Assert.Single(r.ErrLines);
        Assert.Equal(
            $"error: checkpoint: {part}: the run was saved with --lr 0.01, not 0.5; on resume only --epochs may change (leave the other training options out to keep the saved ones).",
            line);

        // Several conflicts are all named, in the command line's words.
        var several = CliRunner.Run(["train", "--resume", part, "--lr", "0.5", "--batch-size", "32", "--exclude-biases", .. Common]);
        Assert.Equal(ExitCodes.Checkpoint, several.ExitCode);
        Assert.Contains("the run was saved with --lr 0.01, not 0.5; --exclude-biases off, not on; --batch-size 64, not 32; on resume", Assert.Single(several.ErrLines), StringComparison.Ordinal);
        Assert.DoesNotContain("LearningRate", several.Err, StringComparison.Ordinal);

        // The element type is part of the run: a float32 checkpoint does not continue in float64.
        var dtype = CliRunner.Run(["train", "--resume", part, "--dtype", "float64", .. Common]);
        Assert.Equal(ExitCodes.Checkpoint, dtype.ExitCode);
        Assert.Contains("the run was saved with --dtype float32, not float64; on resume", Assert.Single(dtype.ErrLines), StringComparison.Ordinal);
    }

    [Fact]
    public void A_float64_run_resumes_bit_for_bit()
    {
        var whole = _folder.File("whole64.ckpt");
        var part = _folder.File("part64.ckpt");
        Assert.Equal(0, CliRunner.Run(["train", "--dtype", "float64", "--epochs", "2", "--save", whole, .. Common]).ExitCode);
        Assert.Equal(0, CliRunner.Run(["train", "--dtype", "float64", "--epochs", "1", "--save", part, .. Common]).ExitCode);
        var resumed = CliRunner.Run(["train", "--resume", part, "--epochs", "2", "--save", part, .. Common]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.StartsWith("SimpleNet 784-128-10, float64, on ", resumed.OutLines[0], StringComparison.Ordinal);
        var (a, b) = (Checkpoint.Load(whole), Checkpoint.Load(part));
        Assert.IsType<Checkpoint<double>>(a);
        AssertSameBits(a, b);
    }

    [Fact]
    public void Resume_on_other_training_data_is_a_checkpoint_error()
    {
        var part = _folder.File("part.ckpt");
        Assert.Equal(0, CliRunner.Run(["train", "--epochs", "1", "--save", part, .. Common]).ExitCode);

        var r = CliRunner.Run(["train", "--resume", part, .. Common.Select(a => a == "640" ? "700" : a)]);

        Assert.Equal(ExitCodes.Checkpoint, r.ExitCode);
        Assert.Contains("trained on 640 images", Assert.Single(r.ErrLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_of_a_finished_run_prints_its_summary()
    {
        var part = _folder.File("part.ckpt");
        Assert.Equal(0, CliRunner.Run(["train", "--epochs", "1", "--save", part, .. Common]).ExitCode);

        var r = CliRunner.Run(["train", "--resume", part, .. Common]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Empty(r.EpochLines);
        Assert.Contains($"Resuming {part}: 1 of 1 epochs done (step 10)", r.OutLines);
        Assert.Matches(TrainTests.TrainTimeLine(), r.OutLines[^1]);
    }

    private static void AssertSameBits(Checkpoint expected, Checkpoint actual)
    {
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(expected.CompletedEpochs, actual.CompletedEpochs);
        Assert.Equal(expected.ElementType, actual.ElementType);
        var (x, y) = (expected.CopyParametersAsDouble(), actual.CopyParametersAsDouble());
        Assert.Equal(x.Count, y.Count);
        foreach (var p in x)
        {
            // Widening float to double is exact and one-to-one, so equal doubles are equal floats.
            var a = p.Value.AsColumnMajorArray().Select(BitConverter.DoubleToInt64Bits);
            var b = y[p.Name].Value.AsColumnMajorArray().Select(BitConverter.DoubleToInt64Bits);
            Assert.True(a.SequenceEqual(b), $"{p.Name} differs");
        }

        Assert.Equal(expected.EpochStartRng, actual.EpochStartRng);
    }
}
