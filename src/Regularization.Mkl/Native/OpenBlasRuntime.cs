using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Regularization.Mkl.Native;

/// <summary>
/// Loads OpenBLAS (<c>libopenblas.so.0</c>; Debian's <c>libopenblas0</c>) and starts it, once per process and
/// thread-safely: the file is validated before <c>dlopen</c> (<see cref="ElfImage"/>), every export the provider uses
/// is looked up before any call, the thread count is set, and a smoke test runs.
/// </summary>
/// <remarks>
/// OpenBLAS needs no start-up order (unlike MKL's threading and interface layers) and its thread count can change at
/// any time (<c>openblas_set_num_threads</c>, process-wide). Its pthreads server keeps idle worker threads spinning
/// for a short while after a call (<c>THREAD_TIMEOUT</c>, 2^28 cycles, about 0.1 s) and then sleeps them, so nothing
/// spins after training ends; <c>OPENBLAS_NUM_THREADS</c> is read when the library loads and then overridden here.
/// </remarks>
internal static unsafe class OpenBlasRuntime
{
    /// <summary>Environment variable with the library's path, instead of the loader's search for <c>libopenblas.so.0</c>.</summary>
    public const string LibraryPathVariable = "REGULARIZATION_OPENBLAS_PATH";

    private static readonly Lock Gate = new();
    private static readonly string[] ServiceExports = ["openblas_set_num_threads", "openblas_get_num_threads", "openblas_get_config", "openblas_get_corename"];

    private static nint _handle;
    private static volatile BlasLibrary? _library;
    private static string? _loadedFrom;
    private static string? _lastFailure;
    private static delegate* unmanaged[Cdecl]<int, void> _setThreads;
    private static delegate* unmanaged[Cdecl]<int> _getThreads;

    /// <summary>The started library, or null.</summary>
    public static BlasLibrary? Library => _library;

    /// <summary>True once OpenBLAS has been started in this process.</summary>
    public static bool IsReady => _library is not null;

    /// <summary>Why the last start failed, or null.</summary>
    public static string? LastFailure => _lastFailure;

    /// <summary>The file OpenBLAS was loaded from.</summary>
    public static string? LoadedFrom => _loadedFrom;

    /// <summary><c>openblas_get_config()</c>, e.g. <c>OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64</c>.</summary>
    public static string? Config { get; private set; }

    /// <summary><c>openblas_get_corename()</c>: the kernel set chosen for this CPU, e.g. <c>SkylakeX</c> or <c>Zen</c>.</summary>
    public static string? CoreName { get; private set; }

    /// <summary>The current thread count (<c>openblas_get_num_threads</c>), or 0 before a start.</summary>
    public static int Threads => IsReady ? _getThreads() : 0;

    /// <summary>Sets the process-wide thread count of a started OpenBLAS (<c>openblas_set_num_threads</c>).</summary>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        lock (Gate)
        {
            _setThreads(threads);
        }
    }

    /// <summary>Starts OpenBLAS (once) with <paramref name="threads"/> threads, or sets the count when it is running.</summary>
    /// <param name="threads">Threads for large products, at least 1.</param>
    /// <param name="libraryPath">A path to use instead of the search, or null (then <see cref="LibraryPathVariable"/>, then the search).</param>
    /// <param name="reason">Why OpenBLAS cannot be used.</param>
    /// <returns>True when OpenBLAS is started and set to <paramref name="threads"/> threads.</returns>
    public static bool TryStart(int threads, string? libraryPath, [NotNullWhen(false)] out string? reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        lock (Gate)
        {
            if (_library is null)
            {
                if (!TryLoad(libraryPath, out reason) || !SmokeTest(out reason))
                {
                    _lastFailure = reason;
                    return false;
                }

                _lastFailure = null;
            }

            _setThreads(threads);
            reason = null;
            return true;
        }
    }

    private static bool TryLoad(string? libraryPath, [NotNullWhen(false)] out string? reason)
    {
        var explicitPath = libraryPath ?? (Environment.GetEnvironmentVariable(LibraryPathVariable) is { Length: > 0 } p ? p : null);
        string[] candidates = explicitPath is not null ? [explicitPath] : ["libopenblas.so.0", "libopenblas.so"];
        if (!NativeFiles.TryLoadChecked(
                "OpenBLAS", candidates, [.. ServiceExports, .. BlasLibrary.RequiredExports], "it is not OpenBLAS with LAPACK (Debian: libopenblas0-pthread)",
                out var handle, out var loadedFrom, out var failure))
        {
            reason = failure ?? (explicitPath is not null
                ? $"OpenBLAS could not be loaded from '{explicitPath}' (set by {LibraryPathVariable} or the library path option)."
                : $"OpenBLAS was not found (tried {string.Join(", ", candidates)}).");
            return false;
        }

        _handle = handle;
        _loadedFrom = loadedFrom;
        _setThreads = (delegate* unmanaged[Cdecl]<int, void>)NativeLibrary.GetExport(handle, "openblas_set_num_threads");
        _getThreads = (delegate* unmanaged[Cdecl]<int>)NativeLibrary.GetExport(handle, "openblas_get_num_threads");
        Config = Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<nint>)NativeLibrary.GetExport(handle, "openblas_get_config"))())?.Trim();
        CoreName = Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<nint>)NativeLibrary.GetExport(handle, "openblas_get_corename"))())?.Trim();
        reason = null;
        return true;
    }
    /// <summary>A 2x2 dgemm and a 2x2 LU with known answers through the provider's own entry points.</summary>
    private static bool SmokeTest([NotNullWhen(false)] out string? reason)
    {
        var library = BlasLibrary.OpenBlas(_handle);
        var a = stackalloc double[] { 1, 3, 2, 4 };
        var b = stackalloc double[] { 5, 7, 6, 8 };
        var c = stackalloc double[4];
        library.Dgemm(Cblas.ColMajor, Cblas.NoTrans, Cblas.NoTrans, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2);
        var ipiv = stackalloc int[2];
        var info = library.Dgetrf(Cblas.ColMajor, 2, 2, a, 2, ipiv);
        if (c[0] != 19 || c[1] != 43 || c[2] != 22 || c[3] != 50 || info != 0 || ipiv[0] != 2 || a[0] != 3)
        {
            reason = "OpenBLAS loaded but a 2x2 dgemm or dgetrf gave a wrong answer; the installation is broken.";
            return false;
        }

        _library = library;
        reason = null;
        return true;
    }
}
