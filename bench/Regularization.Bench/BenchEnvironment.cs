using System.Runtime.InteropServices;
using MathNet.Numerics;

namespace Regularization.Bench;

/// <summary>What every result must be read with: CPU, cores, threads, runtime, linear-algebra provider.</summary>
public static class BenchEnvironment
{
    /// <summary>
    /// Starts MKL for the benchmarks: always the GNU OpenMP threading layer (fixed for the process once chosen), so that
    /// one-thread and two-thread runs can share a process (<c>--inProcess</c>); only the thread count changes.
    /// </summary>
    public static void UseMkl(int threads)
    {
        if (!Regularization.Mkl.MklControl.TryUse(new Regularization.Mkl.MklOptions { Threading = Regularization.Mkl.MklThreading.Gnu, Threads = threads }))
        {
            throw new InvalidOperationException("These benchmarks need MKL: " + Regularization.Mkl.MklControl.DescribeRuntime());
        }
    }

    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return string.Join(Environment.NewLine,
            $"CPU: {cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} logical cores",
            $"Runtime: {RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription}",
            $"SIMD: Vector256 {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}, Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, FMA {System.Runtime.Intrinsics.X86.Fma.IsSupported}",
            $"MathNet provider: {MathNet.Numerics.Providers.LinearAlgebra.LinearAlgebraControl.Provider}, MaxDegreeOfParallelism {Control.MaxDegreeOfParallelism}",
            $"MKL: {Regularization.Mkl.MklControl.DescribeRuntime()}",
            $"Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    }
}
