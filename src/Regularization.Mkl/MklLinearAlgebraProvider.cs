using Regularization.Mkl.Native;

namespace Regularization.Mkl;

/// <summary>
/// <see cref="NativeLinearAlgebraProvider"/> over Intel MKL (<c>libmkl_rt</c>, MKL 2018 or later). Install it
/// process-wide with <see cref="MklControl.Use()"/> or <see cref="MklControl.TryUse()"/>, which set
/// <c>LinearAlgebraControl.Provider</c>.
/// </summary>
/// <remarks>
/// MKL is started once per process (<see cref="MklControl"/>: LP64, the threading layer, CBWR, threads) before its first
/// call; a provider created with other options than the running ones fails in <see cref="InitializeVerify"/>.
/// MKL 2020 takes a generic code path on AMD CPUs (<c>libmkl_def</c>, not its AVX2/AVX-512 kernels), where OpenBLAS is
/// faster; see README, "Providers".
/// </remarks>
/// <example>
/// <code>
/// if (MklControl.TryUse())
/// {
///     var c = a * b; // cblas_dgemm in MKL
/// }
/// </code>
/// </example>
public sealed class MklLinearAlgebraProvider : NativeLinearAlgebraProvider
{
    private readonly MklOptions? _options;

    /// <summary>Creates a provider that starts MKL with <see cref="MklOptions.Default"/> (or keeps a configuration already started).</summary>
    public MklLinearAlgebraProvider()
        : this(null, ProviderCutoffs.Measured)
    {
    }

    /// <summary>Creates a provider that starts MKL with the given options.</summary>
    /// <param name="options">Threading, threads, CBWR mode and library path; see <see cref="MklOptions"/>.</param>
    public MklLinearAlgebraProvider(MklOptions options)
        : this(options ?? throw new ArgumentNullException(nameof(options)), ProviderCutoffs.Measured)
    {
    }

    internal MklLinearAlgebraProvider(MklOptions? options, ProviderCutoffs cutoffs)
        : base(cutoffs)
    {
        options?.Validate();
        _options = options;
    }

    /// <summary>
    /// True when MKL can be loaded and started (it is started by this call if it was not). Never throws for a missing
    /// or broken MKL, and never lets it end the process.
    /// </summary>
    /// <returns>True when MKL is usable.</returns>
    public override bool IsAvailable() => MklRuntime.TryStart(_options, out _);

    /// <summary>Starts MKL (once per process), as <c>LinearAlgebraControl.Provider</c>'s setter requires.</summary>
    /// <exception cref="MklUnavailableException">MKL is missing, broken or started with incompatible options.</exception>
    public override void InitializeVerify() => MklRuntime.Start(_options);

    /// <summary>Frees MKL's internal memory buffers (<c>MKL_Free_Buffers</c>); the provider stays usable.</summary>
    public override void FreeResources()
    {
        if (MklRuntime.IsReady)
        {
            MklNative.FreeBuffers();
        }
    }

    /// <summary>A one-line description: MKL's version, code path, threading layer and thread count, or why MKL is not started.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => MklControl.DescribeRuntime();

    private protected override int LibraryThreads
    {
        get => MklNative.GetMaxThreads();
        set => MklNative.SetNumThreads(value);
    }

    private protected override BlasLibrary StartLibrary()
    {
        if (!MklRuntime.IsReady)
        {
            MklRuntime.Start(_options);
        }

        return MklRuntime.Library!;
    }
}
