using System.Globalization;

namespace Regularization.Mkl;

/// <summary>How MKL runs its computational routines (its threading layer).</summary>
public enum MklThreading
{
    /// <summary>
    /// One thread per call, on the caller's thread (<c>MKL_THREADING_SEQUENTIAL</c>). The default: it needs nothing but
    /// MKL itself, does not fight .NET's thread pool for cores, and compares like with like against MathNet's managed
    /// provider under <c>Control.UseSingleThread()</c>.
    /// </summary>
    Sequential = 0,

    /// <summary>
    /// GNU OpenMP threads (<c>MKL_THREADING_GNU</c>, libgomp). Start-up loads <c>libgomp.so.1</c> with
    /// <c>RTLD_GLOBAL</c> first (without that MKL's GNU layer ends the process with "undefined symbol
    /// omp_get_num_procs"), and sets <c>OMP_WAIT_POLICY=PASSIVE</c> unless the variable is already set, so that idle
    /// OpenMP threads do not spin against .NET threads.
    /// </summary>
    Gnu = 1,
}

/// <summary>
/// Conditional Numerical Reproducibility (<c>MKL_CBWR_Set</c>): pins MKL to one code path so that results are the
/// same bits from run to run and across CPUs. Process-wide, and only settable before the first computational call.
/// </summary>
/// <remarks>
/// Bitwise run-to-run stability also needs a fixed thread count (<see cref="MklThreading.Sequential"/> is simplest).
/// Reproducible modes are slower (on the machine the notes were measured on, <see cref="Compatible"/> made a 512x512
/// dgemm about 3.5 times slower). MKL's results still differ from the managed provider's in the last bits.
/// </remarks>
public enum MklCbwrMode
{
    /// <summary>Leave MKL's default (<c>MKL_CBWR_OFF</c> unless the <c>MKL_CBWR</c> environment variable says otherwise).</summary>
    Off = 0,

    /// <summary><c>MKL_CBWR_AUTO</c>: the best path for this CPU, fixed for the process.</summary>
    Auto = 2,

    /// <summary><c>MKL_CBWR_COMPATIBLE</c>: a path that gives the same bits on every x86-64 CPU.</summary>
    Compatible = 3,

    /// <summary><c>MKL_CBWR_SSE2</c>.</summary>
    Sse2 = 4,

    /// <summary><c>MKL_CBWR_SSE4_2</c>.</summary>
    Sse4_2 = 8,

    /// <summary><c>MKL_CBWR_AVX</c>.</summary>
    Avx = 9,

    /// <summary><c>MKL_CBWR_AVX2</c>.</summary>
    Avx2 = 10,

    /// <summary><c>MKL_CBWR_AVX512</c>.</summary>
    Avx512 = 12,
}

/// <summary>
/// How to load and start MKL: threading layer, thread count, reproducibility mode and library path. The threading
/// layer and the CBWR mode are fixed for the process by the first successful start; a later start may change only the
/// thread count.
/// </summary>
/// <example>
/// <code>
/// // Two GNU OpenMP threads, reproducible across runs on this CPU:
/// MklControl.Use(new MklOptions { Threading = MklThreading.Gnu, Threads = 2, Cbwr = MklCbwrMode.Auto });
/// </code>
/// </example>
public sealed record MklOptions
{
    /// <summary>Environment variable with the path of <c>libmkl_rt</c> to load instead of the usual names.</summary>
    public const string LibraryPathVariable = "REGULARIZATION_MKL_PATH";

    /// <summary>Environment variable read by <see cref="FromEnvironment"/>: <c>sequential</c> or <c>gnu</c>.</summary>
    public const string ThreadingVariable = "REGULARIZATION_MKL_THREADING";

    /// <summary>Environment variable read by <see cref="FromEnvironment"/>: a thread count &gt;= 1 (GNU threading only).</summary>
    public const string ThreadsVariable = "REGULARIZATION_MKL_THREADS";

    /// <summary>
    /// Environment variable read by <see cref="FromEnvironment"/>: <c>off</c>, <c>auto</c>, <c>compatible</c>,
    /// <c>sse2</c>, <c>sse4_2</c>, <c>avx</c>, <c>avx2</c> or <c>avx512</c>.
    /// </summary>
    public const string CbwrVariable = "REGULARIZATION_MKL_CBWR";

    /// <summary>The defaults: sequential, one thread, no CBWR, the usual library names.</summary>
    public static MklOptions Default { get; } = new();

    /// <summary>The threading layer (default <see cref="MklThreading.Sequential"/>).</summary>
    public MklThreading Threading { get; init; } = MklThreading.Sequential;

    /// <summary>
    /// Number of MKL threads for <see cref="MklThreading.Gnu"/>; null means <see cref="Environment.ProcessorCount"/>.
    /// Must be null or 1 with <see cref="MklThreading.Sequential"/>.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>The reproducibility mode (default <see cref="MklCbwrMode.Off"/>).</summary>
    public MklCbwrMode Cbwr { get; init; } = MklCbwrMode.Off;

    /// <summary>
    /// Path of <c>libmkl_rt</c>; null means the <c>REGULARIZATION_MKL_PATH</c> environment variable if set, then
    /// <c>libmkl_rt.so.2</c> (oneAPI) and <c>libmkl_rt.so</c> (Debian's <c>libmkl-rt</c>) through the normal
    /// dynamic-linker search. Only the first load in a process uses it.
    /// </summary>
    public string? LibraryPath { get; init; }

    /// <summary>The thread count this configuration asks MKL for: 1 when sequential, else <see cref="Threads"/> or the processor count.</summary>
    public int EffectiveThreads => Threading == MklThreading.Sequential ? 1 : Threads ?? Environment.ProcessorCount;

    /// <summary>
    /// Options from the environment: <c>REGULARIZATION_MKL_THREADING</c>, <c>REGULARIZATION_MKL_THREADS</c>,
    /// <c>REGULARIZATION_MKL_CBWR</c> and <c>REGULARIZATION_MKL_PATH</c>; an unset variable keeps the default.
    /// </summary>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">A variable has a value that is not allowed; the message names it.</exception>
    public static MklOptions FromEnvironment()
    {
        var options = Default;
        var threading = Environment.GetEnvironmentVariable(ThreadingVariable);
        if (!string.IsNullOrWhiteSpace(threading))
        {
            options = options with
            {
                Threading = threading.Trim().ToUpperInvariant() switch
                {
                    "SEQUENTIAL" => MklThreading.Sequential,
                    "GNU" => MklThreading.Gnu,
                    _ => throw new ArgumentException($"{ThreadingVariable}='{threading}' is not one of: sequential, gnu."),
                },
            };
        }

        var threads = Environment.GetEnvironmentVariable(ThreadsVariable);
        if (!string.IsNullOrWhiteSpace(threads))
        {
            if (!int.TryParse(threads.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
            {
                throw new ArgumentException($"{ThreadsVariable}='{threads}' is not a thread count >= 1.");
            }

            options = options with { Threads = count };
        }

        var cbwr = Environment.GetEnvironmentVariable(CbwrVariable);
        if (!string.IsNullOrWhiteSpace(cbwr))
        {
            options = options with
            {
                Cbwr = cbwr.Trim().ToUpperInvariant() switch
                {
                    "OFF" => MklCbwrMode.Off,
                    "AUTO" => MklCbwrMode.Auto,
                    "COMPATIBLE" => MklCbwrMode.Compatible,
                    "SSE2" => MklCbwrMode.Sse2,
                    "SSE4_2" => MklCbwrMode.Sse4_2,
                    "AVX" => MklCbwrMode.Avx,
                    "AVX2" => MklCbwrMode.Avx2,
                    "AVX512" => MklCbwrMode.Avx512,
                    _ => throw new ArgumentException(
                        $"{CbwrVariable}='{cbwr}' is not one of: off, auto, compatible, sse2, sse4_2, avx, avx2, avx512."),
                },
            };
        }

        var path = Environment.GetEnvironmentVariable(LibraryPathVariable);
        if (!string.IsNullOrWhiteSpace(path))
        {
            options = options with { LibraryPath = path };
        }

        return options;
    }

    /// <summary>Checks the combination of settings.</summary>
    /// <exception cref="ArgumentException">An enum value is undefined, the thread count is below 1, or more than one thread is asked of the sequential layer.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Threading))
        {
            throw new ArgumentException($"Unknown MklThreading value {(int)Threading}.", nameof(Threading));
        }

        if (!Enum.IsDefined(Cbwr))
        {
            throw new ArgumentException($"Unknown MklCbwrMode value {(int)Cbwr}.", nameof(Cbwr));
        }

        if (Threads is < 1)
        {
            throw new ArgumentException($"Threads must be >= 1, not {Threads}.", nameof(Threads));
        }

        if (Threading == MklThreading.Sequential && Threads is > 1)
        {
            throw new ArgumentException(
                $"The sequential threading layer runs one thread; {Threads} threads need Threading = MklThreading.Gnu.", nameof(Threads));
        }
    }

    /// <summary>One line: <c>threading Sequential, threads 1, CBWR Off, library (default names)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"threading {Threading}, threads {EffectiveThreads}, CBWR {Cbwr}, library {LibraryPath ?? "(default names)"}";
}
