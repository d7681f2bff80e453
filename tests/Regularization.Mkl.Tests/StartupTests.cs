using System.Runtime.InteropServices;

namespace Regularization.Mkl.Tests;

/// <summary>
/// Start-up in fresh child processes: a missing or foreign library gives <c>false</c> and an exception with install
/// instructions, never a dead process; hostile MKL environment variables are overridden; GNU threading and CBWR work.
/// </summary>
public sealed class StartupTests
{
    [Fact]
    public void MissingLibrary_TryUseIsFalse_UseThrowsWithInstallHint_AndTheProcessSurvives()
    {
        var (code, output, error) = ChildProcess.Run("try-use", ChildProcess.NoOpenBlas, ("REGULARIZATION_MKL_PATH", "/nonexistent/libmkl_rt.so.2"));
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("tryuse=False", output, StringComparison.Ordinal);
        Assert.Contains("provider=ManagedLinearAlgebraProvider", output, StringComparison.Ordinal);
        Assert.Contains("use=threw MklUnavailableException", output, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/libmkl_rt.so.2", output, StringComparison.Ordinal);
        Assert.Contains("apt-get install libmkl-rt", output, StringComparison.Ordinal);
        Assert.Contains(".ci/install-mkl", output, StringComparison.Ordinal);
        Assert.Contains("describe=Intel MKL not started", output, StringComparison.Ordinal);
        Assert.Contains("selection=Managed", output, StringComparison.Ordinal);
        Assert.Contains("end=reached", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ForeignLibrary_IsRefusedBeforeAnyCall()
    {
        var foreign = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), OperatingSystem.IsLinux() ? "libSystem.Native.so" : "System.Native.dll");
        Assert.True(File.Exists(foreign) || !OperatingSystem.IsLinux(), $"{foreign} not found");
        var (code, output, error) = ChildProcess.Run("try-use", ChildProcess.NoOpenBlas, ("REGULARIZATION_MKL_PATH", foreign));
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("tryuse=False", output, StringComparison.Ordinal);
        Assert.Contains("use=threw MklUnavailableException", output, StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            Assert.Contains("lacks MKL_Set_Interface_Layer", output, StringComparison.Ordinal);
        }
    }

    [MklFact]
    public void HostileEnvironment_IntelLayerAndIlp64_AreOverridden()
    {
        // Unhandled, MKL_THREADING_LAYER=INTEL ends the process at the first dgemm (no libiomp5) and
        // MKL_INTERFACE_LAYER=ILP64 breaks the 32-bit integer signatures.
        var (code, output, error) = ChildProcess.Run(
            "from-environment", ("REGULARIZATION_PROVIDER", "mkl"), ("MKL_THREADING_LAYER", "INTEL"), ("MKL_INTERFACE_LAYER", "ILP64"));
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("selection=Mkl", output, StringComparison.Ordinal);
        Assert.Contains("threading Sequential; threads 1", output, StringComparison.Ordinal);
        Assert.True(GemmError(output) < 1e-12, output);
        Assert.Contains("end=reached", output, StringComparison.Ordinal);
    }

    [MklFact]
    public void GnuThreading_TwoThreads_Works()
    {
        var (code, output, error) = ChildProcess.Run(
            "from-environment", ("REGULARIZATION_PROVIDER", "mkl"), ("REGULARIZATION_MKL_THREADING", "gnu"), ("REGULARIZATION_MKL_THREADS", "2"));
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("threading Gnu; threads 2", output, StringComparison.Ordinal);
        Assert.True(GemmError(output) < 1e-12, output);
        Assert.Contains("threads-after=2", output, StringComparison.Ordinal);
        Assert.Contains("end=reached", output, StringComparison.Ordinal);
    }

    [MklFact]
    public void CbwrCompatible_IsSetBeforeTheFirstComputation()
    {
        var (code, output, error) = ChildProcess.Run("from-environment", ChildProcess.NoOpenBlas, ("REGULARIZATION_PROVIDER", "auto"), ("REGULARIZATION_MKL_CBWR", "compatible"));
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("selection=Mkl", output, StringComparison.Ordinal);
        Assert.Contains("CBWR branch 3 (compatible)", output, StringComparison.Ordinal);
        Assert.Contains("end=reached", output, StringComparison.Ordinal);
    }

    private static double GemmError(string output)
    {
        var line = output.Split('\n').Single(l => l.StartsWith("gemm-error=", StringComparison.Ordinal));
        return double.Parse(line["gemm-error=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void ComponentCheck_FindsMissingTruncatedOrForeignParts_BeforeMklCouldEndTheProcess()
    {
        var dir = Directory.CreateTempSubdirectory("regularization-mkl-parts-");
        try
        {
            string Part(string name) => Path.Combine(dir.FullName, name);
            foreach (var part in new[] { "libmkl_core", "libmkl_intel_lp64", "libmkl_sequential", "libmkl_def", "libmkl_vml_def" })
            {
                File.WriteAllBytes(Part(part + ".so"), Elf.Build(part + ".so"));
            }

            var loader = new[] { Path.Combine(dir.FullName, "nowhere") };
            Assert.Empty(Regularization.Mkl.Native.MklRuntime.ComponentProblems(dir.FullName, loader, MklThreading.Sequential));
            Assert.Equal(
                ["libmkl_gnu_thread.so is missing next to libmkl_rt and on the loader's path"],
                Regularization.Mkl.Native.MklRuntime.ComponentProblems(dir.FullName, loader, MklThreading.Gnu));

            // Truncated (what SIGBUS'd in the fault-injection trial), present but empty, foreign: each is named.
            File.WriteAllBytes(Part("libmkl_def.so"), Elf.Build("libmkl_def.so", loadSize: 1 << 20));
            File.WriteAllBytes(Part("libmkl_avx512.so"), []);
            File.WriteAllBytes(Part("libmkl_sequential.so"), Elf.Build("libSystem.Native.so"));
            var problems = Regularization.Mkl.Native.MklRuntime.ComponentProblems(dir.FullName, loader, MklThreading.Sequential);
            Assert.Equal(3, problems.Count);
            Assert.Contains(problems, p => p.Contains("libmkl_sequential.so' is another library", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("libmkl_def.so' is truncated", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("libmkl_avx512.so' is not an ELF library: 0 bytes", StringComparison.Ordinal));

            // The core, interface and threading parts are found on the loader's path when they are not next to mkl_rt;
            // the kernels are looked for next to the core.
            var elsewhere = Directory.CreateDirectory(Path.Combine(dir.FullName, "rt"));
            Assert.Equal(3, Regularization.Mkl.Native.MklRuntime.ComponentProblems(elsewhere.FullName, [dir.FullName], MklThreading.Sequential).Count);
            File.Delete(Part("libmkl_def.so"));
            Assert.Contains(
                $"libmkl_def.so is missing in {dir.FullName}",
                Regularization.Mkl.Native.MklRuntime.ComponentProblems(dir.FullName, loader, MklThreading.Sequential));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void SkipPolicy_RunsWhenRequired_SkipsWithReasonOtherwise()
    {
        Assert.True(MklRequirement.IsRequired("true", null));
        Assert.True(MklRequirement.IsRequired(null, "1"));
        Assert.False(MklRequirement.IsRequired(null, null));
        Assert.False(MklRequirement.IsRequired(string.Empty, "0"));
        Assert.Null(MklRequirement.Decide(available: true, reason: null, required: false));
        Assert.Null(MklRequirement.Decide(available: false, reason: "not found", required: true));
        var skip = MklRequirement.Decide(available: false, reason: "not found", required: false);
        Assert.NotNull(skip);
        Assert.Contains("not found", skip, StringComparison.Ordinal);
        Assert.Contains("REGULARIZATION_REQUIRE_MKL=1", skip, StringComparison.Ordinal);
    }
}
