using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Regularization.Mpi.Native;

/// <summary>
/// The binding to Open MPI's C API in <c>libmpi.so.40</c>: the library is opened with <c>dlopen(RTLD_NOW | RTLD_GLOBAL)</c>
/// (Open MPI's plug-ins, loaded later by <c>MPI_Init</c>, resolve symbols of <c>libmpi</c> and <c>libopen-pal</c>
/// through the global namespace), every function is looked up once into an unmanaged function pointer, and the
/// predefined handles are the addresses of Open MPI's exported global objects.
/// </summary>
/// <remarks>
/// <para>
/// Open MPI's handles are pointers: <c>MPI_Comm</c> is <c>struct ompi_communicator_t*</c>, <c>MPI_Datatype</c> is
/// <c>struct ompi_datatype_t*</c>, <c>MPI_Op</c> is <c>struct ompi_op_t*</c>, and <c>mpi.h</c> defines
/// <c>MPI_COMM_WORLD</c> as <c>&amp;ompi_mpi_comm_world</c>, <c>MPI_DOUBLE</c> as <c>&amp;ompi_mpi_double</c>,
/// <c>MPI_SUM</c> as <c>&amp;ompi_mpi_op_sum</c> (and so on), so <see cref="NativeLibrary.GetExport"/> of those
/// symbols gives exactly the handle values a C program passes. <c>MPI_IN_PLACE</c> is <c>(void*)1</c>. This is the
/// Open MPI ABI (any version with <c>libmpi.so.40</c>, 3.0 to 5.x); MPICH's integer handles are not supported.
/// </para>
/// <para>
/// Nothing here runs until <see cref="TryLoad"/> is called, which only <see cref="MpiWorld.Initialize(string?, bool)"/> does:
/// a process that never initializes MPI never maps <c>libmpi</c>.
/// </para>
/// </remarks>
internal static unsafe partial class MpiNative
{
    /// <summary><c>MPI_SUCCESS</c>.</summary>
    public const int Success = 0;

    /// <summary><c>MPI_THREAD_FUNNELED</c> (Open MPI's value): only the thread that initialized MPI calls it.</summary>
    public const int ThreadFunneled = 1;

    /// <summary><c>MPI_IN_PLACE</c> in Open MPI's <c>mpi.h</c>.</summary>
    public static readonly nint InPlace = 1;

    private const int RtldNowGlobal = 0x2 | 0x100;

    // The exported objects whose addresses are the predefined handles.
    internal static readonly string[] HandleExports =
    [
        "ompi_mpi_comm_world", "ompi_mpi_byte", "ompi_mpi_int", "ompi_mpi_long", "ompi_mpi_float", "ompi_mpi_double",
        "ompi_mpi_op_sum", "ompi_mpi_op_max", "ompi_mpi_op_min",
    ];

    internal static readonly string[] FunctionExports =
    [
        "MPI_Initialized", "MPI_Finalized", "MPI_Init_thread", "MPI_Finalize", "MPI_Comm_rank", "MPI_Comm_size", "MPI_Barrier",
        "MPI_Bcast", "MPI_Allreduce", "MPI_Reduce_scatter_block", "MPI_Allgather", "MPI_Allgatherv", "MPI_Abort",
        "MPI_Get_library_version",
    ];

    public static nint CommWorld;
    public static nint Byte;
    public static nint Int;
    public static nint Long;
    public static nint Float;
    public static nint Double;
    public static nint OpSum;
    public static nint OpMax;
    public static nint OpMin;

    public static delegate* unmanaged[Cdecl]<int*, int> Initialized;
    public static delegate* unmanaged[Cdecl]<int*, int> Finalized;
    public static delegate* unmanaged[Cdecl]<int*, byte***, int, int*, int> InitThread;
    public static delegate* unmanaged[Cdecl]<int> FinalizeCall;
    public static delegate* unmanaged[Cdecl]<nint, int*, int> CommRank;
    public static delegate* unmanaged[Cdecl]<nint, int*, int> CommSize;
    public static delegate* unmanaged[Cdecl]<nint, int> Barrier;
    public static delegate* unmanaged[Cdecl]<void*, int, nint, int, nint, int> Bcast;
    public static delegate* unmanaged[Cdecl]<void*, void*, int, nint, nint, nint, int> Allreduce;
    public static delegate* unmanaged[Cdecl]<void*, void*, int, nint, nint, nint, int> ReduceScatterBlock;
    public static delegate* unmanaged[Cdecl]<void*, int, nint, void*, int, nint, nint, int> Allgather;
    public static delegate* unmanaged[Cdecl]<void*, int, nint, void*, int*, int*, nint, nint, int> Allgatherv;
    public static delegate* unmanaged[Cdecl]<nint, int, int> Abort;
    public static delegate* unmanaged[Cdecl]<byte*, int*, int> GetLibraryVersion;

    /// <summary>The <c>dlopen</c> handle, or 0 before a successful load.</summary>
    public static nint Handle { get; private set; }

    /// <summary>The name or path the library was opened by.</summary>
    public static string? LoadedFrom { get; private set; }

    /// <summary>
    /// Opens <c>libmpi</c> (once) and binds every function and handle; false with a reason when the library is missing
    /// or is not Open MPI (a missing export).
    /// </summary>
    /// <param name="libraryPath">A path to use instead of the loader's search for <c>libmpi.so.40</c>, or null.</param>
    /// <param name="reason">Why the library cannot be used.</param>
    /// <returns>True when everything is bound.</returns>
    public static bool TryLoad(string? libraryPath, [NotNullWhen(false)] out string? reason)
    {
        if (Handle != 0)
        {
            reason = null;
            return true;
        }

        string[] candidates = libraryPath is not null ? [libraryPath] : ["libmpi.so.40", "libmpi.so"];
        nint handle = 0;
        string? from = null;
        var errors = new List<string>();
        foreach (var candidate in candidates)
        {
            handle = DlOpen(candidate, RtldNowGlobal);
            if (handle != 0)
            {
                from = candidate;
                break;
            }

            errors.Add(DlError() ?? candidate + ": not found");
        }

        if (handle == 0)
        {
            reason = libraryPath is not null
                ? $"libmpi could not be loaded from '{libraryPath}' ({string.Join("; ", errors)})."
                : $"libmpi was not found (tried {string.Join(", ", candidates)}: {string.Join("; ", errors)}).";
            return false;
        }

        var missing = HandleExports.Concat(FunctionExports).Where(name => !NativeLibrary.TryGetExport(handle, name, out _)).ToArray();
        if (missing.Length > 0)
        {
            reason = $"'{from}' is not Open MPI's libmpi (missing export{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing)}); only Open MPI's ABI is supported.";
            return false;
        }

        CommWorld = NativeLibrary.GetExport(handle, "ompi_mpi_comm_world");
        Byte = NativeLibrary.GetExport(handle, "ompi_mpi_byte");
        Int = NativeLibrary.GetExport(handle, "ompi_mpi_int");
        Long = NativeLibrary.GetExport(handle, "ompi_mpi_long");
        Float = NativeLibrary.GetExport(handle, "ompi_mpi_float");
        Double = NativeLibrary.GetExport(handle, "ompi_mpi_double");
        OpSum = NativeLibrary.GetExport(handle, "ompi_mpi_op_sum");
        OpMax = NativeLibrary.GetExport(handle, "ompi_mpi_op_max");
        OpMin = NativeLibrary.GetExport(handle, "ompi_mpi_op_min");

        Initialized = (delegate* unmanaged[Cdecl]<int*, int>)NativeLibrary.GetExport(handle, "MPI_Initialized");
        Finalized = (delegate* unmanaged[Cdecl]<int*, int>)NativeLibrary.GetExport(handle, "MPI_Finalized");
        InitThread = (delegate* unmanaged[Cdecl]<int*, byte***, int, int*, int>)NativeLibrary.GetExport(handle, "MPI_Init_thread");
        FinalizeCall = (delegate* unmanaged[Cdecl]<int>)NativeLibrary.GetExport(handle, "MPI_Finalize");
        CommRank = (delegate* unmanaged[Cdecl]<nint, int*, int>)NativeLibrary.GetExport(handle, "MPI_Comm_rank");
        CommSize = (delegate* unmanaged[Cdecl]<nint, int*, int>)NativeLibrary.GetExport(handle, "MPI_Comm_size");
        Barrier = (delegate* unmanaged[Cdecl]<nint, int>)NativeLibrary.GetExport(handle, "MPI_Barrier");
        Bcast = (delegate* unmanaged[Cdecl]<void*, int, nint, int, nint, int>)NativeLibrary.GetExport(handle, "MPI_Bcast");
        Allreduce = (delegate* unmanaged[Cdecl]<void*, void*, int, nint, nint, nint, int>)NativeLibrary.GetExport(handle, "MPI_Allreduce");
        ReduceScatterBlock = (delegate* unmanaged[Cdecl]<void*, void*, int, nint, nint, nint, int>)NativeLibrary.GetExport(handle, "MPI_Reduce_scatter_block");
        Allgather = (delegate* unmanaged[Cdecl]<void*, int, nint, void*, int, nint, nint, int>)NativeLibrary.GetExport(handle, "MPI_Allgather");
        Allgatherv = (delegate* unmanaged[Cdecl]<void*, int, nint, void*, int*, int*, nint, nint, int>)NativeLibrary.GetExport(handle, "MPI_Allgatherv");
        Abort = (delegate* unmanaged[Cdecl]<nint, int, int>)NativeLibrary.GetExport(handle, "MPI_Abort");
        GetLibraryVersion = (delegate* unmanaged[Cdecl]<byte*, int*, int>)NativeLibrary.GetExport(handle, "MPI_Get_library_version");
        Handle = handle;
        LoadedFrom = from;
        reason = null;
        return true;
    }

    private static nint DlOpen(string file, int mode)
    {
        try
        {
            return DlOpenLibC(file, mode);
        }
        catch (EntryPointNotFoundException)
        {
            return DlOpenLibDl(file, mode);
        }
        catch (DllNotFoundException)
        {
            return DlOpenLibDl(file, mode);
        }
    }

    private static string? DlError()
    {
        try
        {
            return Marshal.PtrToStringUTF8(DlErrorLibC());
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint DlOpenLibC(string file, int mode);

    [LibraryImport("libdl.so.2", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint DlOpenLibDl(string file, int mode);

    [LibraryImport("libc.so.6", EntryPoint = "dlerror")]
    private static partial nint DlErrorLibC();
}
