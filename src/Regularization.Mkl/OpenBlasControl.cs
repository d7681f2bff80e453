using System.Globalization;
using System.Runtime.Intrinsics.X86;
using System.Text;
using MathNet.Numerics.Providers.LinearAlgebra;
using Regularization.Mkl.Native;

namespace Regularization.Mkl;

/// <summary>
/// Switches MathNet.Numerics to OpenBLAS (<see cref="OpenBlasLinearAlgebraProvider"/>), process-wide, and describes
/// it; also says which native BLAS <c>auto</c> prefers on this CPU (<see cref="PreferredOrder"/>).
/// </summary>
/// <example>
/// <code>
/// if (OpenBlasControl.TryUse(threads: 2))
/// {
///     Console.WriteLine(OpenBlasControl.Describe()); // OpenBLAS 0.3.21 ... ; core SkylakeX; threads 2; library ...
/// }
/// </code>
/// </example>
public static class OpenBlasControl
{
    /// <summary>Environment variable with a path to <c>libopenblas.so.0</c> to use instead of the loader's search.</summary>
    public const string LibraryPathVariable = OpenBlasRuntime.LibraryPathVariable;

    /// <summary>True when OpenBLAS is MathNet's current linear-algebra provider.</summary>
    public static bool IsInUse => LinearAlgebraControl.Provider is OpenBlasLinearAlgebraProvider;

    /// <summary>The CPU vendor from <c>CPUID</c> leaf 0 (<c>GenuineIntel</c>, <c>AuthenticAMD</c>, ...), or <c>unknown</c> off x86.</summary>
    public static string CpuVendor
    {
        get
        {
            if (!X86Base.IsSupported)
            {
                return "unknown";
            }

            var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
            Span<byte> vendor = stackalloc byte[12];
            BitConverter.TryWriteBytes(vendor, ebx);
            BitConverter.TryWriteBytes(vendor[4..], edx);
            BitConverter.TryWriteBytes(vendor[8..], ecx);
            return Encoding.ASCII.GetString(vendor);
        }
    }

    /// <summary>
    /// The order in which <c>auto</c> tries the native libraries on this CPU: <c>[OpenBlas, Mkl]</c> on a CPU whose
    /// vendor is not Intel (MKL 2020 takes its generic SSE2/Zen path there: on the project's AMD EPYC, OpenBLAS's GEMM
    /// floor for a seed epoch is 0.56 s against MKL's 0.77 s, float64, one thread), <c>[Mkl, OpenBlas]</c> on Intel
    /// (MKL runs its AVX2/AVX-512 kernels). The choice is by vendor, not by a timed probe: a probe costs start-up time
    /// on every run and, on a shared 2-core machine, its result changes from run to run.
    /// </summary>
    /// <param name="vendor">A <see cref="CpuVendor"/> string.</param>
    /// <returns>Two kinds, most preferred first.</returns>
    public static IReadOnlyList<ProviderKind> PreferredOrder(string vendor) =>
        vendor == "GenuineIntel" ? [ProviderKind.Mkl, ProviderKind.OpenBlas] : [ProviderKind.OpenBlas, ProviderKind.Mkl];

    /// <summary>Makes OpenBLAS the provider with <paramref name="threads"/> threads if it can be loaded; never throws for a missing one.</summary>
    /// <param name="threads">Threads for large products (at least 1).</param>
    /// <returns>True when OpenBLAS is now the provider; false when it is not available (the provider is then unchanged).</returns>
    public static bool TryUse(int threads = 1) => TryUse(threads, out _);

    /// <summary>Like <see cref="TryUse(int)"/>, with the reason when it fails.</summary>
    /// <param name="threads">Threads for large products (at least 1).</param>
    /// <param name="reason">Why OpenBLAS cannot be used, when the result is false.</param>
    /// <returns>True when OpenBLAS is now the provider.</returns>
    public static bool TryUse(int threads, out string? reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (!OpenBlasRuntime.TryStart(threads, null, out reason))
        {
            return false;
        }

        LinearAlgebraControl.Provider = new OpenBlasLinearAlgebraProvider(threads);
        return true;
    }

    /// <summary>Makes OpenBLAS the provider with <paramref name="threads"/> threads, or throws with the reason and install instructions.</summary>
    /// <param name="threads">Threads for large products (at least 1).</param>
    /// <exception cref="OpenBlasUnavailableException">OpenBLAS is missing or broken.</exception>
    public static void Use(int threads = 1)
    {
        if (!TryUse(threads, out var reason))
        {
            throw new OpenBlasUnavailableException(reason!);
        }
    }

    /// <summary>
    /// Describes the OpenBLAS of this process: configuration, kernel set, threads, library file, and whether MathNet
    /// uses it; or why it is not started. Does not start it.
    /// </summary>
    /// <returns>One line, for logs and benchmark headers.</returns>
    public static string Describe()
    {
        if (!OpenBlasRuntime.IsReady)
        {
            return $"OpenBLAS not started: {OpenBlasRuntime.LastFailure ?? "not requested yet"}";
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{OpenBlasRuntime.Config}; core {OpenBlasRuntime.CoreName}; threads {OpenBlasRuntime.Threads}; library {OpenBlasRuntime.LoadedFrom}; MathNet provider: {(IsInUse ? "OpenBLAS" : "other")}");
    }
}
