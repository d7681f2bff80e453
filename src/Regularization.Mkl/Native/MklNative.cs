using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Regularization.Mkl.Native;

/// <summary>
/// Every native declaration of the assembly: Intel MKL's C API in <c>libmkl_rt</c> (service functions, CBLAS,
/// LAPACKE, VML) and the few libc functions used to prepare it (<c>setenv</c>, <c>dlopen</c>, <c>dladdr</c>).
/// </summary>
/// <remarks>
/// <para>
/// Conventions: LP64, so every <c>MKL_INT</c>/<c>lapack_int</c> is <see cref="int"/> (the start-up code forces the LP64
/// interface layer); <c>MKL_INT64</c> (the VML mode) is <see cref="long"/>; LAPACKE <c>char</c> arguments are
/// <see cref="byte"/>; arrays go as pointers that the caller pins with <c>fixed</c>; enums cross as <see cref="int"/>.
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

    // ---- Constants (mkl_cblas.h, mkl_lapacke.h, mkl_service.h, mkl_vml_defines.h) ----

    /// <summary><c>CblasColMajor</c> and <c>LAPACK_COL_MAJOR</c>.</summary>
    public const int ColMajor = 102;

    /// <summary><c>CblasNoTrans</c>.</summary>
    public const int NoTrans = 111;

    /// <summary><c>CblasTrans</c>.</summary>
    public const int Trans = 112;

    /// <summary><c>CblasUpper</c>.</summary>
    public const int Upper = 121;

    /// <summary><c>CblasNonUnit</c>.</summary>
    public const int NonUnit = 131;

    /// <summary><c>CblasLeft</c>.</summary>
    public const int Left = 141;

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

    /// <summary><c>LAPACK_WORK_MEMORY_ERROR</c>: LAPACKE could not allocate its work array.</summary>
    public const int LapackWorkMemoryError = -1010;

    /// <summary><c>LAPACK_TRANSPOSE_MEMORY_ERROR</c>: LAPACKE could not allocate a transposition buffer.</summary>
    public const int LapackTransposeMemoryError = -1011;

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

    [LibraryImport(Mkl, EntryPoint = "MKL_Free_Buffers")]
    public static partial void FreeBuffers();

    // ---- CBLAS ----

    [LibraryImport(Mkl, EntryPoint = "cblas_daxpy")]
    public static partial void Daxpy(int n, double alpha, double* x, int incx, double* y, int incy);

    [LibraryImport(Mkl, EntryPoint = "cblas_daxpby")]
    public static partial void Daxpby(int n, double alpha, double* x, int incx, double beta, double* y, int incy);

    [LibraryImport(Mkl, EntryPoint = "cblas_dscal")]
    public static partial void Dscal(int n, double alpha, double* x, int incx);

    [LibraryImport(Mkl, EntryPoint = "cblas_ddot")]
    public static partial double Ddot(int n, double* x, int incx, double* y, int incy);

    [LibraryImport(Mkl, EntryPoint = "cblas_dgemm")]
    public static partial void Dgemm(
        int layout, int transA, int transB, int m, int n, int k, double alpha, double* a, int lda, double* b, int ldb, double beta, double* c, int ldc);

    [LibraryImport(Mkl, EntryPoint = "cblas_sgemm")]
    public static partial void Sgemm(
        int layout, int transA, int transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Mkl, EntryPoint = "cblas_dtrsm")]
    public static partial void Dtrsm(
        int layout, int side, int uplo, int transA, int diag, int m, int n, double alpha, double* a, int lda, double* b, int ldb);

    // ---- VML, explicit-mode variants ----

    [LibraryImport(Mkl, EntryPoint = "vmdAdd")]
    public static partial void VmdAdd(int n, double* a, double* b, double* r, long mode);

    [LibraryImport(Mkl, EntryPoint = "vmdSub")]
    public static partial void VmdSub(int n, double* a, double* b, double* r, long mode);

    [LibraryImport(Mkl, EntryPoint = "vmdMul")]
    public static partial void VmdMul(int n, double* a, double* b, double* r, long mode);

    [LibraryImport(Mkl, EntryPoint = "vmdDiv")]
    public static partial void VmdDiv(int n, double* a, double* b, double* r, long mode);

    [LibraryImport(Mkl, EntryPoint = "vmdPow")]
    public static partial void VmdPow(int n, double* a, double* b, double* r, long mode);

    [LibraryImport(Mkl, EntryPoint = "vmdSqrt")]
    public static partial void VmdSqrt(int n, double* a, double* r, long mode);

    /// <summary>
    /// <c>LAPACKE_set_nancheck(0)</c> turns off LAPACKE's scan of input matrices for NaN (on by default, it returns
    /// <c>-i</c> instead of computing), so that NaN propagates as it does in the managed provider.
    /// </summary>
    [LibraryImport(Mkl, EntryPoint = "LAPACKE_set_nancheck")]
    public static partial void LapackeSetNanCheck(int flag);

    [LibraryImport(Mkl, EntryPoint = "LAPACKE_get_nancheck")]
    public static partial int LapackeGetNanCheck();

    /// <summary><c>r[i] = (scaleA * a[i] + shiftA) / (scaleB * b[i] + shiftB)</c>.</summary>
    [LibraryImport(Mkl, EntryPoint = "vmdLinearFrac")]
    public static partial void VmdLinearFrac(int n, double* a, double* b, double scaleA, double shiftA, double scaleB, double shiftB, double* r, long mode);

    // ---- LAPACKE (column-major; info: 0 ok, -i bad argument i counting the layout, > 0 numerical) ----

    [LibraryImport(Mkl, EntryPoint = "LAPACKE_dlange")]
    public static partial double Dlange(int layout, byte norm, int m, int n, double* a, int lda);

    [LibraryImport(Mkl, EntryPoint = "LAPACKE_dgetrf")]
    public static partial int Dgetrf(int layout, int m, int n, double* a, int lda, int* ipiv);

    [LibraryImport(Mkl, EntryPoint = "LAPACKE_dgetri")]
    public static partial int Dgetri(int layout, int n, double* a, int lda, int* ipiv);

    [LibraryImport(Mkl, EntryPoint = "LAPACKE_dgetrs")]
    public static partial int Dgetrs(int layout, byte trans, int n, int nrhs, double* a, int lda, int* ipiv, double* b, int ldb);

    [LibraryImport(Mkl, EntryPoint = "LAPACKE_dpotrf")]
    public static partial int Dpotrf(int layout, byte uplo, int n, double* a, int lda);

    [LibraryImport(Mkl, EntryPoint = "LAPACKE_dpotrs")]
    public static partial int Dpotrs(int layout, byte uplo, int n, int nrhs, double* a, int lda, double* b, int ldb);

    [LibraryImport(Mkl, EntryPoint = "LAPACKE_dgeqrf")]
    public static partial int Dgeqrf(int layout, int m, int n, double* a, int lda, double* tau);

    [LibraryImport(Mkl, EntryPoint = "LAPACKE_dorgqr")]
    public static partial int Dorgqr(int layout, int m, int n, int k, double* a, int lda, double* tau);

    [LibraryImport(Mkl, EntryPoint = "LAPACKE_dormqr")]
    public static partial int Dormqr(
        int layout, byte side, byte trans, int m, int n, int k, double* a, int lda, double* tau, double* c, int ldc);

    [LibraryImport(Mkl, EntryPoint = "LAPACKE_dgesdd")]
    public static partial int Dgesdd(int layout, byte jobz, int m, int n, double* a, int lda, double* s, double* u, int ldu, double* vt, int ldvt);

    [LibraryImport(Mkl, EntryPoint = "LAPACKE_dgesvd")]
    public static partial int Dgesvd(
        int layout, byte jobu, byte jobvt, int m, int n, double* a, int lda, double* s, double* u, int ldu, double* vt, int ldvt, double* superb);

    [LibraryImport(Mkl, EntryPoint = "LAPACKE_dsyevd")]
    public static partial int Dsyevd(int layout, byte jobz, byte uplo, int n, double* a, int lda, double* w);

    [LibraryImport(Mkl, EntryPoint = "LAPACKE_dgeev")]
    public static partial int Dgeev(
        int layout, byte jobvl, byte jobvr, int n, double* a, int lda, double* wr, double* wi, double* vl, int ldvl, double* vr, int ldvr);

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
