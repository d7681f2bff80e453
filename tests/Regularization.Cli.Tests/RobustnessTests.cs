using System.Buffers.Binary;
using System.Diagnostics;
using Regularization.Training;

namespace Regularization.Cli.Tests;

/// <summary>
/// Input and usage errors found by fault injection: each is one line in the command line's words with the right exit
/// code, and every output path is checked before any training.
/// </summary>
[Collection("in-process")]
public sealed class RobustnessTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _data;

    public RobustnessTests()
    {
        _data = TinyData.Write(_folder.File("data"));
    }

    public void Dispose() => _folder.Dispose();

    private string[] Tiny => ["--data", _data, "--provider", "managed"];

    [Fact]
    public void Resuming_with_fewer_epochs_than_done_is_a_usage_error_not_2_of_1()
    {
        var path = _folder.File("run.ckpt");
        Assert.Equal(0, CliRunner.Run(["train", "--epochs", "2", "--save", path, .. Tiny]).ExitCode);

        var r = CliRunner.Run(["train", "--resume", path, "--epochs", "1", .. Tiny]);
        ErrorTests.AssertOneLine(r, ExitCodes.Usage);
        Assert.Equal(
            $"error: --epochs 1 is fewer than the checkpoint {path} has 2 epochs done; give --epochs 2 or more (--epochs is the total, saved epochs included).",
            r.Err.TrimEnd());

        // Mid-epoch: epoch 3 has begun, so 2 is too few as well.
        var part = _folder.File("part.ckpt");
        var data = TinyData.Write(_folder.File("data-200"), train: 200);
        using var interrupt = new CancellationTokenSource();
        var stopped = CliRunner.RunHost(
            ["train", "--epochs", "5", "--save", part, "--data", data, "--provider", "managed"],
            observer: b =>
            {
                if (b.Epoch == 3 && b.Batch == 2)
                {
                    interrupt.Cancel();
                }
            },
            interrupt: interrupt.Token);
        Assert.Equal(ExitCodes.Interrupted, stopped.ExitCode);
        var mid = CliRunner.Run(["train", "--resume", part, "--epochs", "2", "--data", data, "--provider", "managed"]);
        ErrorTests.AssertOneLine(mid, ExitCodes.Usage);
        Assert.Contains($"the checkpoint {part} has 2 epochs done and epoch 3 begun; give --epochs 3 or more", mid.Err, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run(["train", "--resume", part, "--epochs", "3", "--data", data, "--provider", "managed"]).ExitCode);
    }

    [Fact]
    public void The_interrupt_hint_repeats_every_option_the_run_needs_and_works()
    {
        var path = _folder.File("hint.ckpt");
        using var interrupt = new CancellationTokenSource();
        var stopped = CliRunner.RunHost(
            ["train", "--epochs", "3", "--save", path, "--test-limit", "8", .. Tiny],
            observer: b =>
            {
                if (b.Epoch == 2)
                {
                    interrupt.Cancel();
                }
            },
            interrupt: interrupt.Token);

        Assert.Equal(ExitCodes.Interrupted, stopped.ExitCode);
        var line = Assert.Single(stopped.ErrLines);
        var hint = line[(line.IndexOf("continue with: ", StringComparison.Ordinal) + "continue with: ".Length)..];
        Assert.Equal($"regularization train --resume {path} --save {path} --data {_data} --test-limit 8 --provider managed", hint);

        var resumed = CliRunner.Run(hint.Split(' ')[1..]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("(8 test images)", resumed.Out, StringComparison.Ordinal);
        Assert.Equal(3, Checkpoint.Load(path).CompletedEpochs);
    }

    [Fact]
    public void Paths_of_the_wrong_kind_say_what_they_are()
    {
        var file = _folder.File("a-file");
        File.WriteAllText(file, "x");
        var data = CliRunner.Run("train", "--data", file);
        ErrorTests.AssertOneLine(data, ExitCodes.Data);
        Assert.Equal($"error: data: {file}: it is a file, not a folder; give the folder that holds the four MNIST IDX files.", data.Err.TrimEnd());

        var resume = CliRunner.Run("train", "--resume", _folder.Path);
        ErrorTests.AssertOneLine(resume, ExitCodes.Checkpoint);
        Assert.Equal($"error: checkpoint: {_folder.Path}: it is a folder, not a checkpoint file.", resume.Err.TrimEnd());
    }

    [Fact]
    public void Output_paths_are_checked_before_any_training()
    {
        var readOnly = ReadOnlyFolder();
        var save = CliRunner.Run(["train", "--epochs", "1", "--save", Path.Combine(readOnly, "run.ckpt"), .. Tiny]);
        ErrorTests.AssertOneLine(save, ExitCodes.Checkpoint);
        Assert.StartsWith($"error: checkpoint: --save {Path.Combine(readOnly, "run.ckpt")}: cannot write in the folder {readOnly} (", save.Err, StringComparison.Ordinal);
        Assert.Equal(string.Empty, save.Out);

        var saveFolder = CliRunner.Run(["train", "--epochs", "1", "--save", _folder.Path, .. Tiny]);
        ErrorTests.AssertOneLine(saveFolder, ExitCodes.Checkpoint);
        Assert.Equal(string.Empty, saveFolder.Out);

        var plot = CliRunner.Run(["compare", "--epochs", "1", "--plot", Path.Combine(readOnly, "chart.svg"), .. Tiny]);
        ErrorTests.AssertOneLine(plot, ExitCodes.Output);
        Assert.StartsWith($"error: --plot {Path.Combine(readOnly, "chart.svg")}: cannot write in the folder {readOnly} (", plot.Err, StringComparison.Ordinal);
        Assert.Equal(string.Empty, plot.Out);

        var plotFolder = CliRunner.Run(["compare", "--epochs", "1", "--plot", _folder.Path, .. Tiny]);
        ErrorTests.AssertOneLine(plotFolder, ExitCodes.Output);
        Assert.Equal($"error: --plot {_folder.Path}: that is a folder, not a file.", plotFolder.Err.TrimEnd());
        Assert.Equal(string.Empty, plotFolder.Out);
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp"));
    }

    [Fact]
    public void Momentum_of_one_or_more_is_refused_with_the_reason()
    {
        var r = CliRunner.Run(["train", "--momentum", "1.5", .. Tiny]);
        ErrorTests.AssertOneLine(r, ExitCodes.Usage);
        Assert.Equal(
            "error: --momentum must be a number in [0, 1), not 1.5 (with momentum >= 1 the velocity never forgets a gradient and the steps grow without bound; PyTorch accepts it, this command does not). Run 'regularization train --help' for usage.",
            r.Err.TrimEnd());
        ErrorTests.AssertOneLine(CliRunner.Run(["train", "--momentum", "1", .. Tiny]), ExitCodes.Usage);
        ErrorTests.AssertOneLine(CliRunner.Run(["train", "--momentum", "NaN", .. Tiny]), ExitCodes.Usage);
        Assert.Equal(0, CliRunner.Run(["train", "--epochs", "1", "--momentum", "0.99", .. Tiny]).ExitCode);
    }

    [Fact]
    public void Library_option_errors_are_shown_in_the_command_lines_names()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainingOptions(elementType: ElementType.Float64, learningRate: -1).Validate());
        Assert.Equal("--lr must be finite and > 0 (it is -1).", OptionNames.Translate(e));
        e = Assert.Throws<ArgumentException>(() => new TrainingOptions(elementType: ElementType.Float64, proximalL1: double.NaN).Validate());
        Assert.Equal("--proximal-l1 must be finite and >= 0 (it is NaN).", OptionNames.Translate(e));
        e = Assert.Throws<ArgumentException>(() => new TrainingOptions(elementType: ElementType.Float64, momentum: 2).Validate());
        Assert.StartsWith("--momentum must be in [0, 1) (it is 2)", OptionNames.Translate(e), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 8, 8, "it holds no images; a data set needs at least one.")]
    [InlineData(0, 1 << 30, 1 << 30, "the header declares images of 1073741824x1073741824 = 1152921504606846976 pixels; an image may have at most 2147483647 pixels.")]
    [InlineData(0, 46341, 46341, "the header declares images of 46341x46341 = 2147488281 pixels; an image may have at most 2147483647 pixels.")]
    public void Empty_or_overflowing_image_sets_are_data_errors_naming_the_file(int count, int rows, int columns, string problem)
    {
        var images = Path.Combine(_data, "train-images-idx3-ubyte");
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), columns);
        File.WriteAllBytes(images, header);
        File.WriteAllBytes(Path.Combine(_data, "train-labels-idx1-ubyte"), TinyData.Labels(0));

        var r = CliRunner.Run(["train", "--epochs", "1", .. Tiny]);

        ErrorTests.AssertOneLine(r, ExitCodes.Data);
        Assert.Equal($"error: data: {images}: {problem.TrimEnd('.')}.", r.Err.TrimEnd());
        Assert.DoesNotContain("(Parameter", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_or_fifo_as_a_data_file_is_a_data_error_without_hanging()
    {
        var images = Path.Combine(_data, "train-images-idx3-ubyte");
        File.Delete(images);
        File.CreateSymbolicLink(images, "/dev/zero");
        var zero = CliRunner.Run(["train", "--epochs", "1", .. Tiny]);
        ErrorTests.AssertOneLine(zero, ExitCodes.Data);
        Assert.Contains($"{images}: it is a character device, not a regular file", zero.Err, StringComparison.Ordinal);

        File.Delete(images);
        using (var mkfifo = Process.Start("mkfifo", [images]))
        {
            mkfifo.WaitForExit();
        }

        var fifo = CliRunner.Run(["train", "--epochs", "1", .. Tiny]);
        ErrorTests.AssertOneLine(fifo, ExitCodes.Data);
        Assert.Contains($"{images}: it is a FIFO (named pipe), not a regular file", fifo.Err, StringComparison.Ordinal);
    }

    /// <summary>A folder this process cannot create files in: a chmod 555 folder, or /proc when running as root.</summary>
    private string ReadOnlyFolder()
    {
        var folder = _folder.File("read-only");
        Directory.CreateDirectory(folder);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("these tests run on Linux");
        }

        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        try
        {
            File.WriteAllText(Path.Combine(folder, "probe"), "x");
        }
        catch (UnauthorizedAccessException)
        {
            return folder;
        }

        return "/proc"; // root ignores the mode bits
    }
}

/// <summary>README's exit-code table lists exactly the codes of <see cref="ExitCodes"/>.</summary>
public sealed class ExitCodeTableTests
{
    [Fact]
    public void The_readme_table_lists_every_exit_code_and_no_other()
    {
        var readme = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "README.md"));
        var lines = File.ReadAllLines(readme);
        var start = Array.FindIndex(lines, l => l.StartsWith("| Exit code | Meaning |", StringComparison.Ordinal));
        Assert.True(start >= 0, "README has no exit-code table");
        var documented = lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')).Select(l => int.Parse(l.Split('|')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var codes = typeof(ExitCodes).GetFields().Select(f => (int)f.GetValue(null)!).Order().ToList();
        Assert.Equal(codes, documented);
    }
}
