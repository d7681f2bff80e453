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
        // OpenBLAS is made unavailable so that auto reaches MKL whatever the CPU (on AMD it tries OpenBLAS first).
        var environment = new Dictionary<string, string?>
        {
            ["REGULARIZATION_MKL_PATH"] = truncated, ["REGULARIZATION_OPENBLAS_PATH"] = "/nonexistent/libopenblas.so.0", ["REGULARIZATION_PROVIDER"] = null,
        };
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

    [Fact]
    public void Openblas_is_chosen_by_name_and_auto_follows_the_cpu_vendor()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/lib/x86_64-linux-gnu/libopenblas.so.0"))
        {
            Assert.False(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")), "OpenBLAS is required in CI but libopenblas.so.0 is missing");
            return;
        }

        var environment = new Dictionary<string, string?> { ["REGULARIZATION_PROVIDER"] = null };
        var openblas = CliRunner.RunProcess(["train", "--epochs", "1", "--train-limit", "128", "--test-limit", "100", "--provider", "openblas", "--threads", "2"], environment);
        Assert.True(openblas.ExitCode == 0, openblas.ToString());
        Assert.Contains(openblas.OutLines, l => l.StartsWith("Provider: OpenBLAS (OpenBLAS 0.", StringComparison.Ordinal) && l.Contains("threads 2", StringComparison.Ordinal));

        var providers = CliRunner.RunProcess(["providers", "--size", "64", "--repeat", "1"], environment);
        Assert.True(providers.ExitCode == 0, providers.ToString());
        Assert.Contains(providers.OutLines, l => l.StartsWith("openblas available  OpenBLAS 0.", StringComparison.Ordinal));
        Assert.Contains(providers.OutLines, l => l.StartsWith("openblas ", StringComparison.Ordinal) && l.Contains("(agree)", StringComparison.Ordinal));
        var vendor = Regularization.Mkl.OpenBlasControl.CpuVendor;
        var first = vendor == "GenuineIntel" && File.Exists("/usr/lib/x86_64-linux-gnu/libmkl_rt.so") ? "mkl" : "openblas";
        Assert.Contains(providers.OutLines, l => l.StartsWith($"Default for train and compare: REGULARIZATION_PROVIDER unset, so auto -> {first} (auto on this {vendor} CPU", StringComparison.Ordinal));

        var missing = CliRunner.RunProcess(
            ["train", "--epochs", "1", "--train-limit", "128", "--test-limit", "100", "--provider", "openblas"],
            new Dictionary<string, string?> { ["REGULARIZATION_PROVIDER"] = null, ["REGULARIZATION_OPENBLAS_PATH"] = "/nonexistent/libopenblas.so.0" });
        ErrorTests.AssertOneLine(missing, ExitCodes.Provider);
        Assert.Contains("--provider openblas asks for OpenBLAS", missing.Err, StringComparison.Ordinal);
        Assert.Contains("apt-get install libopenblas0", missing.Err, StringComparison.Ordinal);
    }
}
