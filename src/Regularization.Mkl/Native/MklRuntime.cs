using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Regularization.Mkl.Native;

/// <summary>
/// Loads <c>libmkl_rt</c> and starts it safely, once per process and thread-safely, before any other MKL call:
/// interface layer LP64, threading layer (sequential, or GNU after loading libgomp globally), optional CBWR, thread
/// count, then a smoke test. Every MKL call in the assembly goes through <see cref="EnsureReady"/> first.
/// </summary>
/// <remarks>
/// Why each step (see <c>mkl-provider-notes.md</c>): mkl_rt's default INTEL threading layer needs libiomp5, which
/// Debian does not ship, and ends the process at the first computational call; <c>MKL_INTERFACE_LAYER=ILP64</c> in
/// the environment would silently break the 32-bit integer signatures; CBWR can only be set before the first
/// computational call. A missing or partial installation is detected with <see cref="NativeLibrary.TryLoad(string, out nint)"/>,
/// export look-ups and file checks, so that it gives <c>false</c> or an exception, never a dead process.
/// </remarks>
internal static unsafe class MklRuntime
{
    private static readonly Lock Gate = new();

    // Every export the assembly binds to (besides BlasLibrary.RequiredExports); a library that lacks one is refused at
    // start-up instead of throwing EntryPointNotFoundException in the middle of a computation.
    private static readonly string[] RequiredExports =
    [
        "MKL_Set_Interface_Layer", "MKL_Set_Threading_Layer", "MKL_Set_Num_Threads", "MKL_Set_Num_Threads_Local", "MKL_Get_Max_Threads",
        "MKL_CBWR_Set", "MKL_CBWR_Get", "MKL_Get_Version_String", "MKL_Get_Version", "MKL_Free_Buffers",
        "cblas_daxpy", "vmdAdd", "vmdSub", "vmdMul", "vmdDiv", "vmdPow", "vmdSqrt", "vmdLinearFrac",
    ];

    private static nint _handle;
    private static volatile bool _ready;
    private static string? _loadedFrom;
    private static int _layerSet = -1;
    private static MklOptions? _active;
    private static string? _lastFailure;
    private static string? _version;
    private static string? _processor;

    private static BlasLibrary? _library;

    /// <summary>The CBLAS/LAPACK/VML entry points of the started MKL, or null before a successful start.</summary>
    public static BlasLibrary? Library => _library;

    /// <summary>True once MKL has been started successfully in this process.</summary>
    public static bool IsReady => _ready;

    /// <summary>The options MKL was started with (the thread count is the latest one set), or null before a start.</summary>
    public static MklOptions? Active => _active;

    /// <summary>Why the last start failed, or null.</summary>
    public static string? LastFailure => _lastFailure;

    /// <summary>The file <c>libmkl_rt</c> was loaded from (resolved with <c>dladdr</c> where possible).</summary>
    public static string? LoadedFrom => _loadedFrom;

    /// <summary><c>MKL_Get_Version_String</c>, read after a successful start.</summary>
    public static string? Version => _version;

    /// <summary>The code path MKL chose for this CPU (<c>MKLVersion.Processor</c>).</summary>
    public static string? Processor => _processor;

    /// <summary>
    /// Registers the resolver that maps <see cref="MklNative.Mkl"/> to the handle loaded here. It runs when the
    /// assembly is loaded, before any method that calls MKL can be compiled or bound.
    /// </summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "The DllImport resolver must be registered before any P/Invoke of this assembly is bound.")]
    internal static void RegisterResolver() => NativeLibrary.SetDllImportResolver(typeof(MklRuntime).Assembly, Resolve);

    /// <summary>Starts MKL with the given options if it is not started yet; throws when it cannot be started.</summary>
    /// <exception cref="MklUnavailableException">MKL is missing, broken, or was started with incompatible options.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void EnsureReady()
    {
        if (!_ready)
        {
            Start(null);
        }
    }

    /// <summary>
    /// Starts MKL (once) or, when it is already started, checks that <paramref name="options"/> agree with the start
    /// and applies a new thread count. Null options mean: the defaults for a first start, anything for a later one.
    /// </summary>
    /// <param name="options">The requested configuration, or null.</param>
    /// <exception cref="MklUnavailableException">MKL cannot be used with these options; the message says why and how to fix it.</exception>
    public static void Start(MklOptions? options)
    {
        if (!TryStart(options, out var reason))
        {
            throw new MklUnavailableException(reason);
        }
    }

    /// <summary>Like <see cref="Start"/>, without throwing.</summary>
    /// <param name="options">The requested configuration, or null.</param>
    /// <param name="reason">Why MKL cannot be used, when the result is false.</param>
    /// <returns>True when MKL is started and configured as asked.</returns>
    public static bool TryStart(MklOptions? options, [NotNullWhen(false)] out string? reason)
    {
        options?.Validate();
        lock (Gate)
        {
            if (_ready)
            {
                return TryReconfigure(options, out reason);
            }

            options ??= MklOptions.Default;
            if (!TryStartCore(options, out reason))
            {
                _lastFailure = reason;
                return false;
            }

            _active = options;
            _lastFailure = null;
            _library = BlasLibrary.Mkl(_handle, MklNative.VmlMode);
            _ready = true;
            return true;
        }
    }

    /// <summary>Current MKL thread count (<c>MKL_Get_Max_Threads</c>).</summary>
    public static int MaxThreads()
    {
        EnsureReady();
        return MklNative.GetMaxThreads();
    }

    /// <summary>The CBWR branch in force (<c>MKL_CBWR_Get(MKL_CBWR_BRANCH)</c>).</summary>
    public static int CbwrBranch()
    {
        EnsureReady();
        return MklNative.CbwrGet(MklNative.CbwrBranch);
    }

    private static bool TryReconfigure(MklOptions? options, out string? reason)
    {
        reason = null;
        if (options is null)
        {
            return true;
        }

        var active = _active!;
        if (options.Threading != active.Threading)
        {
            reason = $"MKL is already running with the {active.Threading} threading layer in this process; the layer can be chosen only " +
                     $"once, before the first MKL call (asked for {options.Threading}).";
            return false;
        }

        if (options.Cbwr != active.Cbwr)
        {
            reason = $"MKL is already running with CBWR mode {active.Cbwr}; the mode can be set only before the first computational call " +
                     $"(asked for {options.Cbwr}).";
            return false;
        }

        if (options.EffectiveThreads != active.EffectiveThreads)
        {
            MklNative.SetNumThreads(options.EffectiveThreads);
        }

        _active = active with { Threads = options.Threads };
        return true;
    }

    private static bool TryStartCore(MklOptions options, [NotNullWhen(false)] out string? reason)
    {
        if (_handle == 0 && !TryLoad(options, out reason))
        {
            return false;
        }

        var layer = options.Threading == MklThreading.Gnu ? MklNative.ThreadingGnu : MklNative.ThreadingSequential;
        if (_layerSet >= 0 && _layerSet != layer)
        {
            reason = $"An earlier start in this process set MKL's threading layer to {LayerName(_layerSet)}; it cannot be changed to {options.Threading}.";
            return false;
        }

        if (!CheckComponents(options.Threading, out reason))
        {
            return false;
        }

        if (options.Threading == MklThreading.Gnu && !TryLoadGnuOpenMp(out reason))
        {
            return false;
        }

        // The interface layer first (it may precede the threading layer), then the threading layer, before anything else.
        var iface = MklNative.SetInterfaceLayer(MklNative.InterfaceLp64);
        if (iface != MklNative.InterfaceLp64)
        {
            reason = $"MKL_Set_Interface_Layer(LP64) returned {iface}: the LP64 interface is not available (is MKL_INTERFACE_LAYER set?).";
            return false;
        }

        var set = MklNative.SetThreadingLayer(layer);
        if (set != layer)
        {
            reason = $"MKL_Set_Threading_Layer({LayerName(layer)}) returned {set} ({LayerName(set)}): the layer is not available or was set before.";
            return false;
        }

        _layerSet = layer;
        if (options.Cbwr != MklCbwrMode.Off)
        {
            var status = MklNative.CbwrSet((int)options.Cbwr);
            if (status != MklNative.CbwrSuccess)
            {
                reason = $"MKL_CBWR_Set({options.Cbwr}) failed with {status} ({CbwrError(status)}).";
                return false;
            }
        }

        MklNative.SetNumThreads(options.EffectiveThreads);
        ReadVersion();
        return SmokeTest(out reason);
    }

    private static bool TryLoad(MklOptions options, [NotNullWhen(false)] out string? reason)
    {
        var explicitPath = options.LibraryPath ?? NonEmpty(Environment.GetEnvironmentVariable(MklOptions.LibraryPathVariable));
        var candidates = explicitPath is not null ? [explicitPath] : DefaultNames();
        if (NativeFiles.TryLoadChecked(
                "Intel MKL's runtime library", candidates, [.. RequiredExports, .. BlasLibrary.RequiredExports],
                "it is not Intel MKL's libmkl_rt, or it is older than MKL 2018", out var handle, out var loadedFrom, out var failure))
        {
            _handle = handle;
            _loadedFrom = loadedFrom;
            reason = null;
            return true;
        }

        if (failure is not null)
        {
            reason = failure;
            return false;
        }

        reason = explicitPath is not null
            ? $"Intel MKL could not be loaded from '{explicitPath}' (set by MklOptions.LibraryPath or {MklOptions.LibraryPathVariable})."
            : $"Intel MKL's runtime library was not found (tried {string.Join(", ", candidates)}).";
        return false;
    }

    private static string[] DefaultNames() =>
        OperatingSystem.IsWindows() ? ["mkl_rt.2.dll", "mkl_rt.1.dll", "mkl_rt.dll"]
        : OperatingSystem.IsMacOS() ? ["libmkl_rt.2.dylib", "libmkl_rt.dylib"]
        : ["libmkl_rt.so.2", "libmkl_rt.so"];

    /// <summary>
    /// mkl_rt loads its parts at the first computational call and ends the process when one is missing ("Intel MKL
    /// FATAL ERROR: Cannot load ...") or, when one is truncated, with SIGBUS. Where the library's directory is known,
    /// find each part where mkl_rt will and validate it first; see <see cref="ComponentProblems"/>. (Loading a part on
    /// its own to test it is not possible: each has undefined symbols that only the others provide.)
    /// </summary>
    private static bool CheckComponents(MklThreading threading, [NotNullWhen(false)] out string? reason)
    {
        reason = null;
        if (!OperatingSystem.IsLinux() || _loadedFrom is null || !Path.IsPathRooted(_loadedFrom))
        {
            return true;
        }

        var problems = ComponentProblems(Path.GetDirectoryName(_loadedFrom)!, NativeFiles.LoaderDirectories(), threading);
        if (problems.Count == 0)
        {
            return true;
        }

        reason = $"Intel MKL is incomplete or damaged: {string.Join("; ", problems)} (on Debian: apt-get install --reinstall libmkl-rt libmkl-core " +
                 "libmkl-def libmkl-vml-def, or .ci/install-mkl).";
        return false;
    }

    /// <summary>
    /// What is wrong with the parts that mkl_rt loads at its first computational call, found as it finds them
    /// (observed with <c>LD_DEBUG=libs</c> and <c>strace</c> on MKL 2020.4): the core, the LP64 interface and the
    /// threading layer from mkl_rt's own directory, else by name through the loader's search path; then, from the
    /// core's directory, the computational and VML kernels for the CPU, of which the default (<c>libmkl_def</c>,
    /// <c>libmkl_vml_def</c>) must exist (the fallback when the library for this CPU is absent). Every part that is
    /// present, needed or not, must pass <see cref="ElfImage.Problem"/> with its own <c>DT_SONAME</c>: MKL picks
    /// the kernel by CPU, so any of them may be the one it maps.
    /// </summary>
    /// <param name="mklRtDirectory">The directory libmkl_rt was loaded from.</param>
    /// <param name="loaderDirectories">The loader's search path, in order (<see cref="NativeFiles.LoaderDirectories"/>).</param>
    /// <param name="threading">The threading layer whose library is needed.</param>
    /// <returns>One sentence per missing or damaged part; empty when MKL looks complete.</returns>
    internal static IReadOnlyList<string> ComponentProblems(string mklRtDirectory, IReadOnlyList<string> loaderDirectories, MklThreading threading)
    {
        var problems = new List<string>();
        string? coreDirectory = null;
        foreach (var part in new[] { "libmkl_core", "libmkl_intel_lp64", threading == MklThreading.Gnu ? "libmkl_gnu_thread" : "libmkl_sequential" })
        {
            var file = FindPart(part, [mklRtDirectory, .. loaderDirectories]);
            if (file is null)
            {
                problems.Add($"{part}.so is missing next to libmkl_rt and on the loader's path");
                continue;
            }

            coreDirectory ??= part == "libmkl_core" ? Path.GetDirectoryName(file) : null;
            if (ElfImage.Problem(file, part) is { } problem)
            {
                problems.Add(problem);
            }
        }

        if (coreDirectory is null)
        {
            return problems;
        }

        foreach (var part in KernelParts)
        {
            var file = FindPart(part, [coreDirectory]);
            if (file is null)
            {
                if (part is "libmkl_def" or "libmkl_vml_def")
                {
                    problems.Add($"{part}.so is missing in {coreDirectory}");
                }

                continue;
            }

            if (ElfImage.Problem(file, part) is { } problem)
            {
                problems.Add(problem);
            }
        }

        return problems;
    }

    // The per-CPU kernels libmkl_core chooses from (MKL 2020: def = SSE2 and the AMD Zen path, mc/mc3 = SSE4.2, avx,
    // avx2, avx512, avx512_mic = Xeon Phi; vml_cmpt = the VML compatibility layer).
    private static readonly string[] KernelParts =
    [
        "libmkl_def", "libmkl_mc", "libmkl_mc3", "libmkl_avx", "libmkl_avx2", "libmkl_avx512", "libmkl_avx512_mic",
        "libmkl_vml_def", "libmkl_vml_cmpt", "libmkl_vml_mc", "libmkl_vml_mc2", "libmkl_vml_mc3", "libmkl_vml_avx", "libmkl_vml_avx2",
        "libmkl_vml_avx512", "libmkl_vml_avx512_mic",
    ];

    private static string? FindPart(string part, IEnumerable<string> directories) =>
        directories.SelectMany(d => new[] { Path.Combine(d, part + ".so"), Path.Combine(d, part + ".so.2") }).FirstOrDefault(File.Exists);

    private static bool TryLoadGnuOpenMp([NotNullWhen(false)] out string? reason)
    {
        reason = null;
        if (!OperatingSystem.IsLinux())
        {
            reason = "GNU threading is supported on Linux only.";
            return false;
        }

        // OMP_WAIT_POLICY is left as the user set it. Unset, libgomp spins for a short while after a parallel region
        // (GOMP_SPINCOUNT, 300,000 iterations, well under a millisecond) and then sleeps on a futex: the next product
        // of a training step finds its threads awake, and nothing spins once training ends. PASSIVE (forced here before)
        // put the threads to sleep after every call, and waking them cost about 110 us per product (issue 11).
        nint gomp;
        try
        {
            gomp = MklNative.DlOpenLibC("libgomp.so.1", MklNative.RtldNowGlobal);
        }
        catch (EntryPointNotFoundException)
        {
            gomp = MklNative.DlOpenLibDl("libgomp.so.1", MklNative.RtldNowGlobal);
        }

        if (gomp == 0)
        {
            reason = "GNU threading needs libgomp.so.1 (apt-get install libgomp1), which could not be loaded.";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Sets a variable in the native environment (libc <c>setenv</c>), where MKL and libgomp read it;
    /// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach it on Unix.
    /// </summary>
    public static bool SetNativeEnvironment(string name, string value, bool overwrite)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MklNative.SetEnv(name, value, overwrite ? 1 : 0) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static void ReadVersion()
    {
        var buffer = stackalloc byte[512];
        MklNative.GetVersionString(buffer, 512);
        buffer[511] = 0;
        _version = Marshal.PtrToStringUTF8((nint)buffer)?.Trim();
        MklNative.MklVersion v;
        MklNative.GetVersion(&v);
        _processor = v.Processor is null ? null : Marshal.PtrToStringUTF8((nint)v.Processor)?.Trim();
    }

    /// <summary>A 2x2 dgemm and a VML add with known answers: the first computational calls, made here rather than in user code.</summary>
    private static bool SmokeTest([NotNullWhen(false)] out string? reason)
    {
        var a = stackalloc double[] { 1, 3, 2, 4 };
        var b = stackalloc double[] { 5, 7, 6, 8 };
        var c = stackalloc double[4];
        MklNative.Dgemm(Cblas.ColMajor, Cblas.NoTrans, Cblas.NoTrans, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2);
        var r = stackalloc double[2];
        MklNative.VmdAdd(2, a, b, r, MklNative.VmlMode);
        if (c[0] != 19 || c[1] != 43 || c[2] != 22 || c[3] != 50 || r[0] != 6 || r[1] != 10)
        {
            reason = "Intel MKL loaded but a 2x2 dgemm or vdAdd gave a wrong answer; the installation is broken.";
            return false;
        }

        reason = null;
        return true;
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == MklNative.Mkl ? _handle : 0;

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>Name of an <c>MKL_THREADING_*</c> code.</summary>
    public static string LayerName(int layer) => layer switch
    {
        0 => "INTEL",
        1 => "SEQUENTIAL",
        2 => "PGI",
        3 => "GNU",
        4 => "TBB",
        _ => $"unknown ({layer})",
    };

    private static string CbwrError(int status) => status switch
    {
        -1 => "invalid settings",
        -2 => "invalid input",
        -3 => "branch not supported on this CPU",
        -4 => "unknown branch",
        -8 => "the mode cannot change after the first computational call",
        _ => "unknown error",
    };
}
