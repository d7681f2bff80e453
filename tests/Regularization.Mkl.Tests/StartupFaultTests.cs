namespace Regularization.Mkl.Tests;

/// <summary>
/// Broken MKL installations in child processes (issue 10 item 1 and "MKL start-up faults"): a truncated
/// <c>libmkl_rt</c> or part, a library of the wrong ELF class or machine, a part with the wrong symbols. Before the ELF
/// check each truncated case ended the child with SIGBUS (exit 135, reproduced with the real MKL 2020.4 files); now
/// every one ends with <c>TryUse() == false</c>, <c>Use()</c> throwing <see cref="MklUnavailableException"/> with the
/// file and defect named, and the child reaching its end.
/// </summary>
public sealed class StartupFaultTests
{
    [MklFact]
    public void TruncatedRuntimeLibrary_IsRefused_NotSigbus()
    {
        using var dir = new FaultyMkl();
        var rt = dir.Truncated("libmkl_rt.so", 1_000_000); // the repro: head -c 1000000 libmkl_rt.so > t.so
        var output = RunRefused(rt);
        Assert.Contains($"'{rt}' is truncated or damaged", output, StringComparison.Ordinal);
    }

    [MklTheory]
    [InlineData("libmkl_core.so")]
    [InlineData("libmkl_intel_lp64.so")]
    [InlineData("libmkl_sequential.so")]
    [InlineData("libmkl_def.so")]
    [InlineData("libmkl_vml_def.so")]
    [InlineData("libmkl_avx512.so")]
    public void TruncatedPart_IsRefused_NotSigbus(string part)
    {
        using var dir = new FaultyMkl();
        var broken = dir.Truncated(part, 1_000_000);
        var output = RunRefused(dir.Runtime);
        Assert.Contains($"'{broken}' is truncated or damaged", output, StringComparison.Ordinal);
    }

    [MklTheory]
    [InlineData(4, 1, "not a 64-bit ELF library (ELF class 1")]
    [InlineData(18, 183, "built for another machine (ELF machine 183")]
    public void RuntimeLibraryOfAnotherClassOrMachine_IsRefused(int offset, byte value, string expected)
    {
        using var dir = new FaultyMkl();
        var rt = dir.Patched("libmkl_rt.so", offset, value);
        Assert.Contains(expected, RunRefused(rt), StringComparison.Ordinal);
    }

    [MklFact]
    public void PartOfAnotherMachine_IsRefused()
    {
        using var dir = new FaultyMkl();
        var core = dir.Patched("libmkl_core.so", 18, 183);
        Assert.Contains($"'{core}' is built for another machine", RunRefused(dir.Runtime), StringComparison.Ordinal);
    }

    [MklFact]
    public void PartWithTheWrongSymbols_IsRefused()
    {
        // A sound ELF library with none of the part's symbols (the runtime's own libSystem.Native.so under MKL's name).
        using var dir = new FaultyMkl();
        var foreign = Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "libSystem.Native.so");
        var def = dir.Replace("libmkl_def.so", foreign);
        Assert.Contains($"'{def}' is another library: its DT_SONAME is 'libSystem.Native.so'", RunRefused(dir.Runtime), StringComparison.Ordinal);
    }

    [MklFact]
    public void RuntimeLibraryWithoutMklSymbols_IsRefused()
    {
        using var dir = new FaultyMkl();
        var foreign = dir.Replace("libmkl_rt.so", Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "libSystem.Native.so"));
        Assert.Contains("lacks MKL_Set_Interface_Layer", RunRefused(foreign), StringComparison.Ordinal);
    }

    [MklFact]
    public void IntactCopy_Works()
    {
        // The control: the same directory of links, nothing broken, starts and computes.
        using var dir = new FaultyMkl();
        var (code, output, error) = ChildProcess.Run("try-use", ChildProcess.NoOpenBlas, ("REGULARIZATION_MKL_PATH", dir.Runtime));
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("tryuse=True", output, StringComparison.Ordinal);
        Assert.Contains($"library {dir.Runtime}", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_000_000)]
    [InlineData(20_000_000)]
    public void TruncatedOpenBlas_IsRefused_NotSigbus(int keep)
    {
        var real = OpenBlasRequirement.Available ? Regularization.Mkl.Native.OpenBlasRuntime.LoadedFrom : null;
        if (real is null)
        {
            OpenBlasRequirement.Assert();
            return;
        }

        var dir = Directory.CreateTempSubdirectory("regularization-openblas-faults-");
        try
        {
            var truncated = Path.Combine(dir.FullName, "libopenblas.so.0");
            var bytes = File.ReadAllBytes(real);
            File.WriteAllBytes(truncated, bytes.AsSpan(0, Math.Min(keep, bytes.Length - 4096)).ToArray());
            var (code, output, error) = ChildProcess.Run("openblas-try-use", ("REGULARIZATION_OPENBLAS_PATH", truncated));
            Assert.True(code == 0, $"exit {code} (128 + n is signal n: the process died)\n{output}\n{error}");
            Assert.Contains("tryuse=False", output, StringComparison.Ordinal);
            Assert.Contains($"reason=OpenBLAS '{truncated}' is", output, StringComparison.Ordinal);
            Assert.Contains("provider=ManagedLinearAlgebraProvider", output, StringComparison.Ordinal);
            Assert.Contains("end=reached", output, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void OpenBlas_StartsInAFreshProcess_WithTwoThreads()
    {
        OpenBlasRequirement.Assert();
        var (code, output, error) = ChildProcess.Run("openblas-try-use");
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("tryuse=True", output, StringComparison.Ordinal);
        Assert.Contains("threads 2", output, StringComparison.Ordinal);
        Assert.Contains("MathNet provider: OpenBLAS", output, StringComparison.Ordinal);
        var line = output.Split('\n').Single(l => l.StartsWith("gemm-error=", StringComparison.Ordinal));
        Assert.True(double.Parse(line["gemm-error=".Length..], System.Globalization.CultureInfo.InvariantCulture) < 1e-12, output);
    }

    [Theory]
    [InlineData("mkl")]
    [InlineData("openblas")]
    public void NoThreadSpinsAfterTheWorkEnds(string library)
    {
        // OMP_WAIT_POLICY is no longer forced to PASSIVE; this checks that no library thread is left spinning: over one
        // idle second after 40 two-thread products the process uses well under a core (a spinning thread: about 1 s).
        if (library == "mkl")
        {
            MklRequirement.Assert();
        }
        else
        {
            OpenBlasRequirement.Assert();
        }

        var (code, output, error) = ChildProcess.Run("idle-cpu " + library);
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("started=True", output, StringComparison.Ordinal);
        var line = output.Split('\n').Single(l => l.StartsWith("idle-cpu-seconds=", StringComparison.Ordinal));
        Assert.True(double.Parse(line["idle-cpu-seconds=".Length..], System.Globalization.CultureInfo.InvariantCulture) < 0.25, output);
    }

    /// <summary>Runs <c>try-use</c> on <paramref name="runtime"/>, checks the refusal and the clean end, returns the output.</summary>
    private static string RunRefused(string runtime)
    {
        var (code, output, error) = ChildProcess.Run("try-use", ChildProcess.NoOpenBlas, ("REGULARIZATION_MKL_PATH", runtime));
        Assert.True(code == 0, $"exit {code} (128 + n is signal n: the process died)\n{output}\n{error}");
        Assert.Contains("tryuse=False", output, StringComparison.Ordinal);
        Assert.Contains("use=threw MklUnavailableException", output, StringComparison.Ordinal);
        Assert.Contains("selection=Managed", output, StringComparison.Ordinal);
        Assert.Contains("end=reached", output, StringComparison.Ordinal);
        return output;
    }

    /// <summary>
    /// A temporary directory with a symbolic link for every file of the real MKL (mkl_rt loads its parts from its own
    /// directory, the core its kernels from the core's), in which single files are replaced by broken ones.
    /// </summary>
    private sealed class FaultyMkl : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("regularization-mkl-faults-");
        private readonly string _source;

        public FaultyMkl()
        {
            MklRequirement.Assert();
            var loaded = Regularization.Mkl.Native.MklRuntime.LoadedFrom!;
            _source = Path.GetDirectoryName(loaded)!;
            foreach (var file in Directory.GetFiles(_source, "libmkl_*.so*"))
            {
                File.CreateSymbolicLink(Path.Combine(_dir.FullName, Path.GetFileName(file)), file);
            }

            Runtime = Path.Combine(_dir.FullName, Path.GetFileName(loaded));
        }

        /// <summary>The link to libmkl_rt in the directory.</summary>
        public string Runtime { get; }

        /// <summary>Replaces <paramref name="name"/> by its first <paramref name="keep"/> bytes.</summary>
        public string Truncated(string name, int keep)
        {
            var bytes = new byte[keep];
            using (var source = File.OpenRead(Path.Combine(_source, name)))
            {
                source.ReadExactly(bytes);
            }

            return Write(name, bytes);
        }

        /// <summary>Replaces <paramref name="name"/> by a whole copy with one byte changed.</summary>
        public string Patched(string name, int offset, byte value)
        {
            var bytes = File.ReadAllBytes(Path.Combine(_source, name));
            bytes[offset] = value;
            return Write(name, bytes);
        }

        /// <summary>Replaces <paramref name="name"/> by a copy of another file.</summary>
        public string Replace(string name, string other) => Write(name, File.ReadAllBytes(other));

        public void Dispose() => _dir.Delete(recursive: true);

        private string Write(string name, byte[] bytes)
        {
            var path = Path.Combine(_dir.FullName, name);
            File.Delete(path);
            File.WriteAllBytes(path, bytes);
            return path;
        }
    }
}
