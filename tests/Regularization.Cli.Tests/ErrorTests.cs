using System.IO.Compression;
using Regularization.Training;

namespace Regularization.Cli.Tests;

/// <summary>Every failure: exactly one line on standard error, the documented exit code, no stack trace.</summary>
[Collection("in-process")]
public sealed class ErrorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(ExitCodes.Usage, "bogus")]
    [InlineData(ExitCodes.Usage, "train", "--bogus")]
    [InlineData(ExitCodes.Usage, "train", "extra")]
    [InlineData(ExitCodes.Usage, "train", "--lr", "-1")]
    [InlineData(ExitCodes.Usage, "train", "--lr", "0")]
    [InlineData(ExitCodes.Usage, "train", "--lr", "NaN")]
    [InlineData(ExitCodes.Usage, "train", "--lr", "Infinity")]
    [InlineData(ExitCodes.Usage, "train", "--lr", "abc")]
    [InlineData(ExitCodes.Usage, "train", "--lr")]
    [InlineData(ExitCodes.Usage, "train", "--weight-decay", "-0.1")]
    [InlineData(ExitCodes.Usage, "train", "--l1", "-1e-5")]
    [InlineData(ExitCodes.Usage, "train", "--l2", "nan")]
    [InlineData(ExitCodes.Usage, "train", "--proximal-l1", "-1")]
    [InlineData(ExitCodes.Usage, "train", "--momentum", "-0.9")]
    [InlineData(ExitCodes.Usage, "train", "--optimizer", "sophia")]
    [InlineData(ExitCodes.Usage, "train", "--optimizer", "lion", "--eps", "1e-3")]
    [InlineData(ExitCodes.Usage, "train", "--optimizer", "sgd", "--beta1", "0.5")]
    [InlineData(ExitCodes.Usage, "train", "--optimizer", "rprop", "--weight-decay", "0.1")]
    [InlineData(ExitCodes.Usage, "train", "--optimizer", "nadam", "--momentum", "0.5")]
    [InlineData(ExitCodes.Usage, "train", "--optimizer", "lamb", "--eps", "0")]
    [InlineData(ExitCodes.Usage, "train", "--optimizer", "adam", "--beta2", "1")]
    [InlineData(ExitCodes.Usage, "train", "--optimizer", "adam", "--momentum", "0.9")]
    [InlineData(ExitCodes.Usage, "train", "--optimizer", "adamw", "--nesterov")]
    [InlineData(ExitCodes.Usage, "train", "--nesterov")]
    [InlineData(ExitCodes.Usage, "train", "--epochs", "0")]
    [InlineData(ExitCodes.Usage, "train", "--epochs", "2.5")]
    [InlineData(ExitCodes.Usage, "train", "--batch-size", "0")]
    [InlineData(ExitCodes.Usage, "train", "--seed", "-3")]
    [InlineData(ExitCodes.Usage, "train", "--threads", "0")]
    [InlineData(ExitCodes.Usage, "train", "--train-limit", "0")]
    [InlineData(ExitCodes.Usage, "train", "--test-limit", "-5")]
    [InlineData(ExitCodes.Usage, "train", "--provider", "gpu")]
    [InlineData(ExitCodes.Usage, "train", "--data", "")]
    [InlineData(ExitCodes.Usage, "compare", "--epochs", "-1")]
    [InlineData(ExitCodes.Usage, "compare", "--lr", "0.1")]
    [InlineData(ExitCodes.Usage, "providers", "--size", "0")]
    [InlineData(ExitCodes.Data, "train", "--data", "/nonexistent/mnist")]
    [InlineData(ExitCodes.Data, "compare", "--data", "/nonexistent/mnist")]
    [InlineData(ExitCodes.Checkpoint, "train", "--resume", "/nonexistent/run.ckpt")]
    [InlineData(ExitCodes.Checkpoint, "train", "--save", "/nonexistent/run.ckpt")]
    [InlineData(ExitCodes.Output, "compare", "--plot", "/nonexistent/chart.svg")]
    public void Bad_usage_is_one_line_and_an_exit_code(int code, params string[] args)
    {
        var r = CliRunner.Run(args);

        AssertOneLine(r, code);
        Assert.Equal(string.Empty, r.Out);
    }

    [Fact]
    public void Messages_name_the_option_and_the_rule()
    {
        Assert.Equal("error: --lr must be a finite number > 0, not -1. Run 'regularization train --help' for usage.", CliRunner.Run("train", "--lr", "-1").Err.TrimEnd());
        Assert.Equal("error: --momentum applies to sgd, sgdw, rmsprop and lars, not adam (Adam has its own moments).", CliRunner.Run("train", "--optimizer", "adam", "--momentum", "0.9").Err.TrimEnd());
        Assert.Equal("error: --eps applies to adam, adamw, adamax, nadam, nadamw, radam, radamw, lamb, rmsprop, adadelta, adagrad, lars, not lion.", CliRunner.Run("train", "--optimizer", "lion", "--eps", "1e-3").Err.TrimEnd());
        Assert.Equal("error: --weight-decay does not apply to rprop (PyTorch's Rprop has none); leave it out.", CliRunner.Run("train", "--optimizer", "rprop", "--weight-decay", "0.1").Err.TrimEnd());
        Assert.Equal("error: Unrecognized command or argument 'bogus'. Run 'regularization --help' for usage.", CliRunner.Run("bogus").Err.TrimEnd());
        Assert.Equal(
            "error: --optimizer must be one of sgd, sgdw, adam, adamw, rmsprop, adagrad, adadelta, adamax, nadam, nadamw, radam, radamw, asgd, rprop, lion, lamb, lars, not 'sophia'. Run 'regularization train --help' for usage.",
            CliRunner.Run("train", "--optimizer", "sophia").Err.TrimEnd());
    }

    [Fact]
    public void A_folder_without_the_files_is_a_data_error()
    {
        var r = CliRunner.Run("train", "--data", _folder.Path);

        AssertOneLine(r, ExitCodes.Data);
        Assert.Contains("train-images-idx3-ubyte", r.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad-magic")]
    [InlineData("truncated-gzip")]
    [InlineData("not-gzip")]
    public void A_corrupt_idx_file_is_a_data_error(string corruption)
    {
        CopyMnist(_folder.Path);
        var labels = Path.Combine(_folder.Path, MnistDataset.TrainLabelsFile + ".gz");
        var bytes = File.ReadAllBytes(labels);
        switch (corruption)
        {
            case "bad-magic":
                var raw = Decompress(bytes);
                raw[3] = 0x03; // labels claiming to be images
                File.WriteAllBytes(labels, Compress(raw));
                break;
            case "truncated-gzip":
                File.WriteAllBytes(labels, bytes[..(bytes.Length / 2)]);
                break;
            default:
                File.WriteAllBytes(labels, "these are not gzip bytes"u8.ToArray());
                break;
        }

        var r = CliRunner.Run("train", "--data", _folder.Path, "--epochs", "1", "--provider", "managed");

        AssertOneLine(r, ExitCodes.Data);
        Assert.Contains(labels, r.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flipped-byte")]
    [InlineData("truncated")]
    [InlineData("foreign")]
    public void A_corrupt_checkpoint_is_a_checkpoint_error(string corruption)
    {
        var path = _folder.File("run.ckpt");
        var saved = CliRunner.Run("train", "--epochs", "1", "--train-limit", "128", "--test-limit", "100", "--provider", "managed", "--save", path);
        Assert.True(saved.ExitCode == 0, saved.ToString());
        var bytes = File.ReadAllBytes(path);
        switch (corruption)
        {
            case "flipped-byte":
                bytes[^100] ^= 0x40;
                File.WriteAllBytes(path, bytes);
                break;
            case "truncated":
                File.WriteAllBytes(path, bytes[..(bytes.Length - 1000)]);
                break;
            default:
                File.WriteAllText(path, "{\"not\": \"a checkpoint\"}");
                break;
        }

        var r = CliRunner.Run("train", "--resume", path, "--train-limit", "128", "--test-limit", "100", "--provider", "managed");

        AssertOneLine(r, ExitCodes.Checkpoint);
        Assert.StartsWith($"error: checkpoint: {path}: ", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_provider_variable_is_a_usage_error_and_the_option_overrides_it()
    {
        string? Environment(string name) => name == "REGULARIZATION_PROVIDER" ? "gpu" : null;
        var bad = CliRunner.RunHost(["train", "--epochs", "1", "--train-limit", "128", "--test-limit", "100"], Environment);
        AssertOneLine(bad, ExitCodes.Usage);
        Assert.Contains("REGULARIZATION_PROVIDER='gpu'", bad.Err, StringComparison.Ordinal);

        var overridden = CliRunner.RunHost(["train", "--epochs", "1", "--train-limit", "128", "--test-limit", "100", "--provider", "managed"], Environment);
        Assert.True(overridden.ExitCode == 0, overridden.ToString());
    }

    [Fact]
    public void The_provider_variable_chooses_when_no_option_is_given()
    {
        var r = CliRunner.RunHost(
            ["train", "--epochs", "1", "--train-limit", "128", "--test-limit", "100"],
            name => name == "REGULARIZATION_PROVIDER" ? "managed" : null);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(r.OutLines, l => l.StartsWith("Provider: managed", StringComparison.Ordinal));
    }

    internal static void AssertOneLine(CliResult r, int code)
    {
        Assert.True(r.ExitCode == code, $"expected exit {code}: {r}");
        var line = Assert.Single(r.ErrLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", r.Err, StringComparison.Ordinal);
    }

    private static void CopyMnist(string destination)
    {
        foreach (var file in Directory.GetFiles(MnistDataset.DefaultDirectory, "*.gz"))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }
    }

    private static byte[] Decompress(byte[] gz)
    {
        using var input = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Compress(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest))
        {
            gz.Write(raw);
        }

        return output.ToArray();
    }
}
