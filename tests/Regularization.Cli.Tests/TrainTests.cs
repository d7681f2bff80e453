using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Regularization.Training;

namespace Regularization.Cli.Tests;

[Collection("in-process")]
public sealed partial class TrainTests
{
    private static readonly string[] Slice = ["--epochs", "1", "--train-limit", "2000", "--test-limit", "500", "--provider", "managed"];

    [Fact]
    public void Train_prints_the_seed_lines_and_the_train_time_line()
    {
        var r = CliRunner.Run(["train", .. Slice]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Err);
        var lines = r.OutLines;
        var epoch = Array.FindIndex(lines, l => l.StartsWith("Epoch ", StringComparison.Ordinal));
        Assert.True(epoch >= 0, r.ToString());
        Assert.Matches(EpochLine(), lines[epoch]);
        Assert.Matches(TestAccuracyLine(), lines[epoch + 1]);
        Assert.Single(lines, l => TrainTimeLine().IsMatch(l));
        Assert.Equal(lines[^1], lines.Single(l => l.StartsWith("Train time", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("Sum of squared weights: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Exact zeros: 0 of 101770 parameters", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Train accuracy: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Gap: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Provider: managed", StringComparison.Ordinal));
        foreach (var name in new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" })
        {
            Assert.Contains(lines, l => l.StartsWith(name, StringComparison.Ordinal));
        }

        // Redirected output is plain text: no escape code anywhere.
        Assert.DoesNotContain('\u001b', r.Out);
    }

    [Theory]
    [InlineData(null, ElementType.Float32)]
    [InlineData("float32", ElementType.Float32)]
    [InlineData("float64", ElementType.Float64)]
    public void Train_prints_what_the_library_computes(string? dtype, ElementType type)
    {
        var r = CliRunner.Run(["train", .. dtype is null ? Array.Empty<string>() : ["--dtype", dtype], .. Slice]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith($"SimpleNet 784-128-10, {(type == ElementType.Float32 ? "float32" : "float64")}, on ", r.OutLines[0], StringComparison.Ordinal);

        Mkl.MklControl.UseManaged();
        var mnist = MnistDataset.LoadDefault();
        var trainer = Trainer.Create(new TrainingOptions(epochs: 1, elementType: type), mnist.Train.Take(2000), mnist.Test.Take(500));
        Assert.Equal(type, trainer.ElementType);
        var result = trainer.Run();

        Assert.Equal(result.Epochs[0].SeedLines.Split(Environment.NewLine), r.EpochLines);
        Assert.Contains(
            $"Sum of squared weights: {result.SumOfSquares.ToString("F4", CultureInfo.InvariantCulture)} (all parameters, biases included)", r.OutLines);
        Assert.Contains($"Test accuracy: {result.TestAccuracyPercent.ToString("F2", CultureInfo.InvariantCulture)}% (500 test images)", r.OutLines);
    }

    [Fact]
    public void Json_is_one_document_with_the_result_and_the_epoch_lines()
    {
        var r = CliRunner.Run(["train", "--json", "--l2", "0.0005", "--weight-decay", "0", .. Slice]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Err);
        using var document = JsonDocument.Parse(r.Out);
        var root = document.RootElement;
        foreach (var name in new[]
                 {
                     "TestAccuracyPercent", "TrainAccuracyPercent", "GapPercentagePoints", "SumOfSquares", "ParameterCount", "Zeros", "ZeroShare",
                     "TrainingSeconds", "SecondsPerEpoch", "Provider", "ProviderKind", "Threads", "TrainImages", "TestImages",
                 })
        {
            Assert.True(root.TryGetProperty(name, out _), $"missing {name} in {r.Out}");
        }

        Assert.Equal("managed", root.GetProperty("ProviderKind").GetString());
        Assert.Equal(2000, root.GetProperty("TrainImages").GetInt32());
        Assert.Equal(0.0005, root.GetProperty("Options").GetProperty("L2").GetDouble());
        Assert.Equal(4, root.GetProperty("Parameters").GetArrayLength());
        Assert.True(root.GetProperty("Parameters")[0].GetProperty("FrobeniusNorm").GetDouble() > 0);
        var epoch = root.GetProperty("Epochs")[0];
        var lines = root.GetProperty("EpochLines").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(
            [
                $"Epoch 1, Average Loss: {epoch.GetProperty("AverageLoss").GetDouble().ToString("F4", CultureInfo.InvariantCulture)}",
                $"Test Accuracy: {epoch.GetProperty("TestAccuracyPercent").GetDouble().ToString("F2", CultureInfo.InvariantCulture)}%",
            ],
            lines);
        Assert.Equal(
            root.GetProperty("TrainAccuracyPercent").GetDouble() - root.GetProperty("TestAccuracyPercent").GetDouble(),
            root.GetProperty("GapPercentagePoints").GetDouble(),
            12);
    }

    [Fact]
    public void Regularization_options_reach_the_run()
    {
        var r = CliRunner.Run(
        [
            "train", "--optimizer", "sgdw", "--lr", "0.05", "--momentum", "0.9", "--nesterov", "--weight-decay", "0.01", "--l1", "1e-5", "--l2", "1e-4",
            "--proximal-l1", "0.5", "--exclude-biases", "--batch-size", "32", "--seed", "3", "--json", .. Slice,
        ]);

        Assert.True(r.ExitCode == 0, r.ToString());
        using var document = JsonDocument.Parse(r.Out);
        var o = document.RootElement.GetProperty("Options");
        Assert.Equal("SgdW", o.GetProperty("Optimizer").GetString());
        Assert.Equal(0.05, o.GetProperty("LearningRate").GetDouble());
        Assert.Equal(0.9, o.GetProperty("Momentum").GetDouble());
        Assert.True(o.GetProperty("Nesterov").GetBoolean());
        Assert.Equal(0.01, o.GetProperty("WeightDecay").GetDouble());
        Assert.Equal(1e-5, o.GetProperty("L1").GetDouble());
        Assert.Equal(1e-4, o.GetProperty("L2").GetDouble());
        Assert.Equal(0.5, o.GetProperty("ProximalL1").GetDouble());
        Assert.True(o.GetProperty("ExcludeBiases").GetBoolean());
        Assert.Equal(32, o.GetProperty("BatchSize").GetInt32());
        Assert.Equal(3UL, o.GetProperty("Seed").GetUInt64());

        // Proximal L1 with biases excluded: exact zeros in the weights, none in the biases.
        var parameters = document.RootElement.GetProperty("Parameters").EnumerateArray().ToDictionary(p => p.GetProperty("Name").GetString()!);
        Assert.True(parameters["fc1.weight"].GetProperty("Zeros").GetInt64() > 0);
        Assert.Equal(0, parameters["fc1.bias"].GetProperty("Zeros").GetInt64());
    }

    [Fact]
    public void Adam_runs()
    {
        var r = CliRunner.Run(["train", "--optimizer", "adamw", "--lr", "0.001", "--weight-decay", "0.01", .. Slice]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("AdamW(lr=0.001, weight_decay=0.01) [decoupled decay], batch 64, 1 epoch, seed 0", r.OutLines);
        Assert.Equal(2, r.EpochLines.Length);
    }

    [Fact]
    public void A_terminal_gets_a_live_progress_bar_and_the_same_lines()
    {
        var r = CliRunner.RunHost(["train", .. Slice], terminal: true);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains('\u001b', r.Out);
        Assert.Contains("Epoch 1, Average Loss: ", r.Out, StringComparison.Ordinal);
        Assert.Contains("Test Accuracy: ", r.Out, StringComparison.Ordinal);
        Assert.Matches(TrainTimeLine(), r.OutLines[^1]);
    }

    [Fact]
    public void Divergence_is_one_line_and_its_own_exit_code()
    {
        var r = CliRunner.Run(["train", "--lr", "1e300", "--weight-decay", "0", .. Slice]);

        Assert.Equal(ExitCodes.Diverged, r.ExitCode);
        var line = Assert.Single(r.ErrLines);
        Assert.StartsWith("error: training diverged in epoch 1", line, StringComparison.Ordinal);
        Assert.EndsWith("Try a smaller --lr.", line, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^Epoch 1, Average Loss: \d+\.\d{4}$")]
    private static partial Regex EpochLine();

    [GeneratedRegex(@"^Test Accuracy: \d{1,3}\.\d{2}%$")]
    private static partial Regex TestAccuracyLine();

    [GeneratedRegex(@"^Train time: \d+\.\d{2} s$")]
    internal static partial Regex TrainTimeLine();
}
