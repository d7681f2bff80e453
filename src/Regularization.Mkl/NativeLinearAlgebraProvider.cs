using MathNet.Numerics;
using MathNet.Numerics.Providers.LinearAlgebra;
using Regularization.Mkl.Native;

namespace Regularization.Mkl;

/// <summary>
/// The MathNet.Numerics linear-algebra provider over a native CBLAS and LAPACK, called directly through function
/// pointers: no native wrapper library and no MathNet native-provider package. The two concrete providers are
/// <see cref="MklLinearAlgebraProvider"/> (Intel MKL's <c>libmkl_rt</c>) and <see cref="OpenBlasLinearAlgebraProvider"/>
/// (OpenBLAS's <c>libopenblas.so.0</c>); every method below is shared by both, only the loading and start-up differ.
/// </summary>
/// <remarks>
/// <para>
/// <b>What runs natively</b> (double): <c>AddVectorToScaledVector</c> (<c>cblas_daxpby</c>), <c>ScaleArray</c>
/// (<c>cblas_dscal</c>), <c>DotProduct</c> (<c>cblas_ddot</c>), <c>MatrixNorm</c> (<c>dlange</c>), <c>MatrixMultiply</c>
/// and <c>MatrixMultiplyWithUpdate</c> (<c>cblas_dgemm</c>), LU (<c>dgetrf/dgetri/dgetrs</c>), Cholesky
/// (<c>dpotrf/dpotrs</c>), QR (<c>dgeqrf/dorgqr/dormqr</c> and <c>cblas_dtrsm</c>), SVD (<c>dgesdd</c>, falling back to
/// <c>dgesvd</c>) and the eigen decomposition (<c>dsyevd</c>, <c>dgeev</c>); with MKL also the four array operations and
/// the power (VML <c>vmdAdd/vmdSub/vmdMul/vmdDiv/vmdPow</c> in high-accuracy mode), which stay managed on OpenBLAS (it
/// has no vector-math library). For float only the matrix products (<c>cblas_sgemm</c>); the remaining float,
/// <see cref="System.Numerics.Complex"/> and <see cref="Complex32"/> methods are forwarded to
/// <see cref="ManagedLinearAlgebraProvider.Instance"/>. LAPACK is called through its Fortran entry points, which both
/// libraries export (Debian's OpenBLAS has no LAPACKE), with LAPACKE's workspace handling.
/// </para>
/// <para>
/// <b>Same contract as the managed provider.</b> Arguments are validated in C# before any native call, with the
/// managed provider's exception types; pivots are 0-based; the Cholesky factor has zeros above the diagonal; the full
/// QR leaves exact zeros below R's diagonal; results may alias inputs wherever the managed provider allows it (and
/// also for the products, where it does not). Numerical failures map to the managed provider's exceptions: a matrix
/// that is not positive definite gives <see cref="ArgumentException"/>, SVD or eigen non-convergence gives
/// <see cref="NonConvergenceException"/>; an exactly singular matrix in an LU inverse or solve, or a rank-deficient
/// one in a QR solve, gives IEEE infinities and NaN without an exception, as the managed provider does.
/// </para>
/// <para>
/// <b>Bits.</b> Add, subtract, pointwise multiply, scale and add-scaled-vector give the managed provider's bits
/// (verified bitwise by the tests; <c>cblas_daxpy</c> itself fuses the multiply-add on AVX-512 and is therefore not
/// used). VML's high-accuracy divide and power are within 1 ulp. Products, dot products, norms and factorizations
/// agree to rounding (the tests state each tolerance).
/// </para>
/// <para>
/// <b>Threads.</b> Products with <c>m * n * k</c> under 524,288 run on one thread, larger ones on the library's thread
/// count (README, "Threads"). <b>Small inputs</b> stay managed where a native call costs more than it saves.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// if (MklControl.TryUse() || OpenBlasControl.TryUse())
/// {
///     var c = a * b; // cblas_dgemm
/// }
/// </code>
/// </example>
public abstract partial class NativeLinearAlgebraProvider : ILinearAlgebraProvider
{
    private static readonly ManagedLinearAlgebraProvider Managed = ManagedLinearAlgebraProvider.Instance;

    private readonly ProviderCutoffs _cutoffs;
    private BlasLibrary? _blas;

    private protected NativeLinearAlgebraProvider(ProviderCutoffs cutoffs) => _cutoffs = cutoffs;

    /// <summary>The size cutoffs below which calls stay managed.</summary>
    internal ProviderCutoffs Cutoffs => _cutoffs;

    /// <summary>The started library (started on first use: a provider used without <see cref="InitializeVerify"/> still starts it properly).</summary>
    private BlasLibrary Blas => _blas ??= StartLibrary();

    /// <summary>True when the native library can be loaded and started. Never throws for a missing or broken library, and never lets it end the process.</summary>
    /// <returns>True when the library is usable.</returns>
    public abstract bool IsAvailable();

    /// <summary>Starts the native library (once per process), as <c>LinearAlgebraControl.Provider</c>'s setter requires.</summary>
    public abstract void InitializeVerify();

    /// <summary>Frees the library's internal buffers where it has any; the provider stays usable.</summary>
    public abstract void FreeResources();

    /// <summary>Starts the library if needed and returns its entry points; throws the library's unavailable exception.</summary>
    private protected abstract BlasLibrary StartLibrary();

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void EnsureStarted() => _ = Blas;

    /// <summary>The library's process-wide thread count (get: <c>MKL_Get_Max_Threads</c> or <c>openblas_get_num_threads</c>; set: the matching setter).</summary>
    private protected abstract int LibraryThreads { get; set; }
}

/// <summary>
/// Sizes below which a call stays in the managed provider because the native call costs more than it saves (VML
/// calls cost about 100 ns before the first element, level-1 BLAS 30-50 ns, LAPACKE's workspace queries more).
/// </summary>
/// <remarks>
/// Measured on the project's machine (2-core Intel Xeon, Sapphire Rapids, AVX-512; MKL 2020.4 sequential; .NET 10,
/// <c>Control.UseSingleThread()</c>; a loaded shared box, so the crossovers are rounded to powers of two). Managed and
/// MKL times per call, in ns, at the crossover: add 128 elements 185 vs 115, divide 32 elements 109 vs 111, power 4
/// elements 157 vs 111, daxpby 64 elements 73 vs 66 (32: 36 vs 55), dscal 128 elements 92 vs 76, dot 64 elements 79 vs 45, dgemm 4x4x4 428 vs 367, LU 8x8 674 vs
/// 795 (12x12: 2970 vs 1732), QR 8x8 4684 vs 2990, symmetric eigen 16x16 45457 vs 42585.
/// </remarks>
/// <param name="Arithmetic">Minimum length for <c>vmdAdd</c>, <c>vmdSub</c>, <c>vmdMul</c>.</param>
/// <param name="Divide">Minimum length for <c>vmdDiv</c>.</param>
/// <param name="Power">Minimum length for <c>vmdPow</c>.</param>
/// <param name="Level1">Minimum length for <c>daxpby</c>, <c>dscal</c>, <c>ddot</c> and <c>dlange</c>.</param>
/// <param name="Gemm">Minimum <c>m*n*k</c> for dgemm/sgemm.</param>
/// <param name="Factorization">Minimum order (or smaller dimension) for LU, Cholesky, QR and SVD and their solves.</param>
/// <param name="Eigen">Minimum order for the eigen decomposition.</param>
internal readonly record struct ProviderCutoffs(int Arithmetic, int Divide, int Power, int Level1, long Gemm, int Factorization, int Eigen)
{
    /// <summary>The cutoffs chosen from the measurements above.</summary>
    public static ProviderCutoffs Measured { get; } = new(Arithmetic: 128, Divide: 32, Power: 8, Level1: 64, Gemm: 64, Factorization: 8, Eigen: 16);

    /// <summary>Always native: what the parity tests use to exercise the library at every size.</summary>
    public static ProviderCutoffs None { get; } = new(0, 0, 0, 0, 0, 0, 0);
}
