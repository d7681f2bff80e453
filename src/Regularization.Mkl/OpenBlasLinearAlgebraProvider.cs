using System.Diagnostics.CodeAnalysis;
using Regularization.Mkl.Native;

namespace Regularization.Mkl;

/// <summary>
/// <see cref="NativeLinearAlgebraProvider"/> over OpenBLAS (<c>libopenblas.so.0</c>, Debian's <c>libopenblas0</c>:
/// CBLAS plus the Fortran LAPACK it bundles). Install it process-wide with <see cref="OpenBlasControl.Use"/> or
/// <see cref="OpenBlasControl.TryUse(int)"/>.
/// </summary>
/// <remarks>
/// The same methods, checks and cutoffs as <see cref="MklLinearAlgebraProvider"/>; the element-wise array operations
/// stay managed (OpenBLAS has no vector-math library). On AMD CPUs it is faster than MKL 2020 (which takes its generic
/// path there): at the seed network's shapes, float64, one thread, about 0.56 s of GEMM per epoch against 0.77 s
/// (<c>bench/results.md</c>).
/// </remarks>
/// <example>
/// <code>
/// if (OpenBlasControl.TryUse(threads: 2))
/// {
///     var c = a * b; // cblas_dgemm in OpenBLAS
/// }
/// </code>
/// </example>
public sealed class OpenBlasLinearAlgebraProvider : NativeLinearAlgebraProvider
{
    private readonly int _threads;

    /// <summary>Creates a provider that starts OpenBLAS with one thread (or keeps the running thread count).</summary>
    public OpenBlasLinearAlgebraProvider()
        : this(0, ProviderCutoffs.Measured)
    {
    }

    /// <summary>Creates a provider that runs OpenBLAS with <paramref name="threads"/> threads for large products.</summary>
    /// <param name="threads">At least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is less than 1.</exception>
    public OpenBlasLinearAlgebraProvider(int threads)
        : this(threads, ProviderCutoffs.Measured)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
    }

    /// <summary>threads 0: keep the running count (1 for a first start).</summary>
    internal OpenBlasLinearAlgebraProvider(int threads, ProviderCutoffs cutoffs)
        : base(cutoffs) => _threads = threads;

    /// <summary>True when OpenBLAS can be loaded and started (this call starts it). Never throws for a missing or broken OpenBLAS.</summary>
    /// <returns>True when OpenBLAS is usable.</returns>
    public override bool IsAvailable() => Start(out _);

    /// <summary>Starts OpenBLAS (once per process) and sets this provider's thread count.</summary>
    /// <exception cref="OpenBlasUnavailableException">OpenBLAS is missing or broken.</exception>
    public override void InitializeVerify()
    {
        if (!Start(out var reason))
        {
            throw new OpenBlasUnavailableException(reason);
        }
    }

    /// <summary>Nothing to free: OpenBLAS keeps no buffers that it would hand back on request.</summary>
    public override void FreeResources()
    {
    }

    /// <summary>A one-line description: OpenBLAS's configuration, kernel set, threads and file, or why it is not started.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => OpenBlasControl.Describe();

    private protected override BlasLibrary StartLibrary()
    {
        InitializeVerify();
        return OpenBlasRuntime.Library!;
    }

    private protected override int LibraryThreads
    {
        get => OpenBlasRuntime.Threads;
        set => OpenBlasRuntime.SetThreads(value);
    }

    private bool Start([NotNullWhen(false)] out string? reason)
    {
        var threads = _threads > 0 ? _threads : Math.Max(1, OpenBlasRuntime.Threads);
        return OpenBlasRuntime.TryStart(threads, null, out reason);
    }
}
