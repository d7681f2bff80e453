using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Regularization.Mkl.Native;

/// <summary>
/// The MKL-only native declarations: Intel MKL's C service API in <c>libmkl_rt</c>, the few CBLAS and VML calls of the
/// start-up smoke test and of the MKL-composed optimizer steps in bench/ (<c>MklUpdateKernels</c>), and the libc functions used to prepare MKL
/// (<c>setenv</c>, <c>dlopen</c>, <c>dladdr</c>). The provider's CBLAS and LAPACK calls go through <see cref="BlasLibrary"/>.
/// </summary>
/// <remarks>
/// <para>
/// Conventions: LP64, so every <c>MKL_INT</c>/<c>lapack_int</c> is <see cref="int"/> (the start-up code forces the LP64
/// interface layer); <c>MKL_INT64</c> (the VML mode) is <see cref="long"/>; arrays go as pointers that the caller pins with <c>fixed</c>; enums cross as <see cref="int"/>.
/// </para>
/// <para>
/// Only the Mixed_Case C service entry points are declared (<c>MKL_Set_Threading_Layer</c>, ...): the lower-case
/// exports of the same names are the Fortran entry points, which take their arguments by reference and crash when
/// called with values. Nothing here may be called before <see cref="MklRuntime"/> has set the interface and
/// threading layers; the callers go through <see cref="MklRuntime.EnsureReady"/>.
/// </para>
/// <para>
/// <see cref="SuppressGCTransitionAttribute"/> is not used: the measured gain was nil (about 0.5 ns per call) and
/// it is unsafe for calls that can block, start threads or call back (gemm, LAPACK, xerbla).
/// </para>
/// </remarks>
internal static unsafe partial class MklNative
{
    /// <summary>The logical library name; <see cref="MklRuntime"/> resolves it to <c>libmkl_rt.so.2</c> or <c>libmkl_rt.so</c>.</summary>
    public const string Mkl = "mkl_rt";

    private const string LibC = "libc.so.6";
    private const string LibDl = "libdl.so.2";

    // ---- Constants (mkl_service.h, mkl_vml_defines.h) ----

    /// <summary><c>MKL_INTERFACE_LP64</c>.</summary>
    public const int InterfaceLp64 = 0;

    /// <summary><c>MKL_THREADING_SEQUENTIAL</c>.</summary>
    public const int ThreadingSequential = 1;

    /// <summary><c>MKL_THREADING_GNU</c>.</summary>
    public const int ThreadingGnu = 3;

    /// <summary><c>MKL_CBWR_BRANCH</c>: the option that <c>MKL_CBWR_Get</c> reports.</summary>
    public const int CbwrBranch = 1;

    /// <summary><c>MKL_CBWR_SUCCESS</c>.</summary>
    public const int CbwrSuccess = 0;

    /// <summary>
    /// The VML mode of every <c>vmd*</c> call: <c>VML_HA | VML_ERRMODE_IGNORE | VML_FTZDAZ_OFF</c> (high accuracy, no
    /// error reporting, denormals kept). It is passed per call because <c>vmlSetMode</c> is thread-local.
    /// </summary>
    public const long VmlMode = 0x2 | 0x100 | 0x140000;

    /// <summary><c>RTLD_NOW | RTLD_GLOBAL</c> (glibc values).</summary>
    public const int RtldNowGlobal = 0x2 | 0x100;

    // ---- Service functions (C API, by value) ----

    [LibraryImport(Mkl, EntryPoint = "MKL_Set_Interface_Layer")]
    public static partial int SetInterfaceLayer(int code);

    [LibraryImport(Mkl, EntryPoint = "MKL_Set_Threading_Layer")]
    public static partial int SetThreadingLayer(int code);

    [LibraryImport(Mkl, EntryPoint = "MKL_Set_Num_Threads")]
    public static partial void SetNumThreads(int threads);

    [LibraryImport(Mkl, EntryPoint = "MKL_Get_Max_Threads")]
    public static partial int GetMaxThreads();

    [LibraryImport(Mkl, EntryPoint = "MKL_CBWR_Set")]
    public static partial int CbwrSet(int settings);

    [LibraryImport(Mkl, EntryPoint = "MKL_CBWR_Get")]
    public static partial int CbwrGet(int option);

    [LibraryImport(Mkl, EntryPoint = "MKL_Get_Version_String")]
    public static partial void GetVersionString(byte* buffer, int length);

    [LibraryImport(Mkl, EntryPoint = "MKL_Get_Version")]
    public static partial void GetVersion(MklVersion* version);

    /// <summary>Sets the calling thread's MKL thread count (0: back to the global one); returns the previous thread-local count.</summary>
    [LibraryImport(Mkl, EntryPoint = "MKL_Set_Num_Threads_Local")]
    public static partial int SetNumThreadsLocal(int threads);

    [LibraryImport(Mkl, EntryPoint = "MKL_Free_Buffers")]
    public static partial void FreeBuffers();

    // ---- CBLAS ----

    [LibraryImport(Mkl, EntryPoint = "cblas_daxpy")]
    public static partial void Daxpy(int n, double alpha, double* x, int incx, double* y, int incy);

    [LibraryImport(Mkl, EntryPoint = "cblas_daxpby")]
    public static partial void Daxpby(int n, double alpha, double* x, int incx, double beta, double* y, int incy);

    [LibraryImport(Mkl, EntryPoint = "cblas_dgemm")]
    public static partial void Dgemm(
        int layout, int transA, int transB, int m, int n, int k, double alpha, double* a, int lda, double* b, int ldb, double beta, double* c, int ldc);

    // ---- VML, explicit-mode variants ----

    [LibraryImport(Mkl, EntryPoint = "vmdAdd")]
    public static partial void VmdAdd(int n, double* a, double* b, double* r, long mode);

    [LibraryImport(Mkl, EntryPoint = "vmdMul")]
    public static partial void VmdMul(int n, double* a, double* b, double* r, long mode);

    [LibraryImport(Mkl, EntryPoint = "vmdSqrt")]
    public static partial void VmdSqrt(int n, double* a, double* r, long mode);

    /// <summary><c>r[i] = (scaleA * a[i] + shiftA) / (scaleB * b[i] + shiftB)</c>.</summary>
    [LibraryImport(Mkl, EntryPoint = "vmdLinearFrac")]
    public static partial void VmdLinearFrac(int n, double* a, double* b, double scaleA, double shiftA, double scaleB, double shiftB, double* r, long mode);

    // ---- libc ----

    [LibraryImport(LibC, EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport(LibC, EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint DlOpenLibC(string file, int mode);

    [LibraryImport(LibDl, EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint DlOpenLibDl(string file, int mode);

    [LibraryImport(LibC, EntryPoint = "dladdr")]
    public static partial int DlAddr(nint address, DlInfo* info);

    /// <summary><c>MKLVersion</c> from <c>mkl_types.h</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MklVersion
    {
        public int MajorVersion;
        public int MinorVersion;
        public int UpdateVersion;
        public byte* ProductStatus;
        public byte* Build;
        public byte* Processor;
        public byte* Platform;
    }

    /// <summary>glibc <c>Dl_info</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct DlInfo
    {
        public byte* FileName;
        public nint FileBase;
        public byte* SymbolName;
        public nint SymbolAddress;
    }
}
