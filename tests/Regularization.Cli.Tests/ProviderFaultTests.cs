namespace Regularization.Cli.Tests;

/// <summary>
/// Issue 10's repro as the user runs it: <c>head -c 1000000 libmkl_rt.so &gt; t.so; REGULARIZATION_MKL_PATH=t.so
/// regularization train</c> ended with SIGBUS (exit 135). Now <c>auto</c> trains on the managed provider and says why,
/// and <c>--provider mkl</c> is a provider error (exit 5) that names the damage.
/// </summary>
[Collection("child-process")]
public sealed class ProviderFaultTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Truncated_mkl_falls_back_under_auto_and_is_a_provider_error_under_mkl()
    {
        const string Real = "/usr/lib/x86_64-linux-gnu/libmkl_rt.so";
        if (!OperatingSystem.IsLinux() || !File.Exists(Real))
        {
            Assert.False(
                !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) || Environment.GetEnvironmentVariable("REGULARIZATION_REQUIRE_MKL") == "1",
                $"MKL is required here but {Real} is missing");
            return;
        }

        var truncated = _folder.File("t.so");
        var bytes = new byte[1_000_000];
        using (var source = File.OpenRead(Real))
        {
            source.ReadExactly(bytes);
        }

        File.WriteAllBytes(truncated, bytes);
        var environment = new Dictionary<string, string?> { ["REGULARIZATION_MKL_PATH"] = truncated, ["REGULARIZATION_PROVIDER"] = null };
        var args = new[] { "train", "--epochs", "1", "--train-limit", "128", "--test-limit", "100" };

        var auto = CliRunner.RunProcess(args, environment);
        Assert.True(auto.ExitCode == 0, auto.ToString());
        Assert.Contains(
            auto.OutLines,
            l => l.StartsWith("Provider: managed", StringComparison.Ordinal) && l.Contains($"'{truncated}' is truncated or damaged", StringComparison.Ordinal));

        var mkl = CliRunner.RunProcess([.. args, "--provider", "mkl"], environment);
        ErrorTests.AssertOneLine(mkl, ExitCodes.Provider);
        Assert.Contains("is truncated or damaged", mkl.Err, StringComparison.Ordinal);
    }
}
