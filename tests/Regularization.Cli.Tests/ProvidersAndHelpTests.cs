namespace Regularization.Cli.Tests;

[Collection("in-process")]
public sealed class ProvidersAndHelpTests
{
    private static bool MklRequired =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) || Environment.GetEnvironmentVariable("REGULARIZATION_REQUIRE_MKL") == "1";

    [Fact]
    public void Providers_lists_managed_and_mkl_and_checks_a_product()
    {
        var r = CliRunner.Run("providers", "--size", "96", "--repeat", "1");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(r.OutLines, l => l.StartsWith("managed  available  MathNet.Numerics ", StringComparison.Ordinal));
        var mkl = Assert.Single(r.OutLines, l => l.StartsWith("mkl      available", StringComparison.Ordinal) || l.StartsWith("mkl      not available", StringComparison.Ordinal));
        Assert.Contains(r.OutLines, l => l.StartsWith("Matrix product check: C = A * B, 96x96 float64", StringComparison.Ordinal));
        Assert.Contains(r.OutLines, l => l.StartsWith("managed ", StringComparison.Ordinal) && l.Contains("reference", StringComparison.Ordinal));
        if (mkl.StartsWith("mkl      available", StringComparison.Ordinal))
        {
            Assert.Contains("Intel(R) Math Kernel Library", mkl, StringComparison.Ordinal);
            Assert.Contains(r.OutLines, l => l.Trim() == "threading Gnu");
            Assert.Contains(r.OutLines, l => l.Trim() == "threads 1");
            Assert.Contains(r.OutLines, l => l.StartsWith("mkl ", StringComparison.Ordinal) && l.Contains("(agree)", StringComparison.Ordinal));
        }
        else
        {
            Assert.False(MklRequired, $"MKL is required here but providers says: {mkl}");
            Assert.Contains("apt-get install libmkl-rt", mkl, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("train", "--help")]
    [InlineData("train", "-h")]
    [InlineData("compare", "--help")]
    [InlineData("providers", "--help")]
    [InlineData("demo", "--help")]
    [InlineData("train", "--lr", "abc", "--help")]
    public void Help_works_for_every_command(params string[] args)
    {
        var r = CliRunner.Run(args);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Err);
        Assert.Contains("Usage:", r.Out, StringComparison.Ordinal);
        Assert.Contains("--help", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_help_lists_every_option()
    {
        var r = CliRunner.Run("train", "--help");
        foreach (var option in new[]
                 {
                     "--optimizer", "--lr", "--momentum", "--nesterov", "--beta1", "--beta2", "--eps", "--weight-decay", "--l1", "--l2", "--proximal-l1", "--exclude-biases", "--epochs",
                     "--batch-size", "--seed", "--provider", "--threads", "--data", "--json", "--save", "--resume", "--train-limit", "--test-limit",
                 })
        {
            Assert.Contains(option + " ", r.Out, StringComparison.Ordinal);
        }

        // Every optimizer choice is in the help, as the option's placeholder (the choices list wraps, so compare without the layout).
        var flat = string.Join(' ', r.Out.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--optimizer <sgd|sgdw|adam|adamw|rmsprop|adagrad|adadelta|adamax|nadam|nadamw|radam|radamw|asgd|rprop|lion|lamb|lars>", flat, StringComparison.Ordinal);
    }

    [Fact]
    public void No_command_shows_the_help()
    {
        var r = CliRunner.Run();

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Commands:", r.Out, StringComparison.Ordinal);
        foreach (var command in new[] { "train", "compare", "providers", "demo" })
        {
            Assert.Contains($"  {command} ", r.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Demo_runs()
    {
        var r = CliRunner.Run("demo");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(7, r.OutLines.Length);
    }
}
