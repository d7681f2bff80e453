using System.Runtime.InteropServices;

namespace Regularization.Mkl.Native;

/// <summary>The CBLAS constants (<c>cblas.h</c>; the same values in MKL and OpenBLAS) and LAPACKE's error codes.</summary>
internal static class Cblas
{
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

    /// <summary><c>LAPACK_WORK_MEMORY_ERROR</c>: the work array could not be allocated.</summary>
    public const int LapackWorkMemoryError = -1010;

    /// <summary><c>LAPACK_TRANSPOSE_MEMORY_ERROR</c>: a transposition buffer could not be allocated.</summary>
    public const int LapackTransposeMemoryError = -1011;
}

/// <summary>The element-wise operations a vector-math library may provide (MKL's VML).</summary>
internal enum VectorOp
{
    /// <summary><c>r = x + y</c>.</summary>
    Add,

    /// <summary><c>r = x - y</c>.</summary>
    Subtract,

    /// <summary><c>r = x * y</c>.</summary>
    Multiply,

    /// <summary><c>r = x / y</c>.</summary>
    Divide,

    /// <summary><c>r = x ^ y</c>.</summary>
    Power,
}

/// <summary>
/// One native BLAS, reached through function pointers looked up by name in its handle: the CBLAS and Fortran LAPACK
/// entry points that MKL's <c>libmkl_rt</c> and OpenBLAS's <c>libopenblas.so.0</c> both export with the same C ABI, plus
/// MKL's VML and per-thread thread count where the library has them. <see cref="NativeLinearAlgebraProvider"/> is
/// written once over this class, so MKL and OpenBLAS share every line of the provider.
/// </summary>
/// <remarks>
/// <para>
/// <b>LAPACK.</b> Debian's <c>libopenblas0</c> has no LAPACKE (the C interface comes with the separate
/// <c>liblapacke</c>), only the Fortran routines (<c>dgetrf_</c>, ...), which MKL exports too. The LAPACK methods here
/// keep LAPACKE's signatures and return convention (the layout argument counts as argument 1, so a bad argument
/// <c>i</c> of the Fortran routine is <c>-(i + 1)</c>; column-major only) and do what LAPACKE does: query the
/// optimal workspace (<c>lwork = -1</c>), allocate it, call. Fortran passes everything by reference, and gfortran
/// appends one hidden length (<c>size_t</c>) per character argument, which is passed (1); compilers that do not read it
/// (MKL's) ignore the extra argument under the C calling convention.
/// </para>
/// <para>
/// <b>Threads.</b> Products with <c>m * n * k</c> below <see cref="SmallProduct"/> run on one thread
/// (<c>MKL_Set_Num_Threads_Local(1)</c> around the call, restored after it). OpenBLAS has no per-call thread count and
/// chooses by itself (measured: one thread up to at least 96^3 = 884,736 multiply-adds, two from 1,048,576). The
/// cutoff was measured with <c>bench/peer/gemm_floor.c</c> (see <c>bench/results.md</c>) on a 2-core AMD EPYC (Zen 4):
/// at the seed network's three small products (<c>m * n * k = 81,920</c>) two MKL threads lose in float32 and are mixed
/// in float64 (the <c>k = 10</c> product loses), while from about 5e5 on two threads win by 1.3x to 1.9x.
/// </para>
/// </remarks>
internal sealed unsafe class BlasLibrary
{
    /// <summary>Products with fewer multiply-adds than this run on one thread (see the remarks).</summary>
    public const long SmallProduct = 1L << 19;

    /// <summary>Environment variable that overrides <see cref="SmallProduct"/> (a whole number of multiply-adds; 0 turns the policy off).</summary>
    public const string SmallProductVariable = "REGULARIZATION_SMALL_PRODUCT";

    private readonly long _smallProduct = ReadSmallProduct();

    private readonly delegate* unmanaged[Cdecl]<int, double, double*, int, double, double*, int, void> _daxpby;
    private readonly delegate* unmanaged[Cdecl]<int, double, double*, int, void> _dscal;
    private readonly delegate* unmanaged[Cdecl]<int, double*, int, double*, int, double> _ddot;
    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void> _dgemm;
    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;
    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, int, double, double*, int, double*, int, void> _dtrsm;
    private readonly delegate* unmanaged[Cdecl]<int, int> _setLocalThreads;

    private readonly delegate* unmanaged[Cdecl]<byte*, int*, int*, double*, int*, double*, nuint, double> _dlange;
    private readonly delegate* unmanaged[Cdecl]<int*, int*, double*, int*, int*, int*, void> _dgetrf;
    private readonly delegate* unmanaged[Cdecl]<int*, double*, int*, int*, double*, int*, int*, void> _dgetri;
    private readonly delegate* unmanaged[Cdecl]<byte*, int*, int*, double*, int*, int*, double*, int*, int*, nuint, void> _dgetrs;
    private readonly delegate* unmanaged[Cdecl]<byte*, int*, double*, int*, int*, nuint, void> _dpotrf;
    private readonly delegate* unmanaged[Cdecl]<byte*, int*, int*, double*, int*, double*, int*, int*, nuint, void> _dpotrs;
    private readonly delegate* unmanaged[Cdecl]<int*, int*, double*, int*, double*, double*, int*, int*, void> _dgeqrf;
    private readonly delegate* unmanaged[Cdecl]<int*, int*, int*, double*, int*, double*, double*, int*, int*, void> _dorgqr;
    private readonly delegate* unmanaged[Cdecl]<byte*, byte*, int*, int*, int*, double*, int*, double*, double*, int*, double*, int*, int*, nuint, nuint, void> _dormqr;
    private readonly delegate* unmanaged[Cdecl]<byte*, int*, int*, double*, int*, double*, double*, int*, double*, int*, double*, int*, int*, int*, nuint, void> _dgesdd;
    private readonly delegate* unmanaged[Cdecl]<byte*, byte*, int*, int*, double*, int*, double*, double*, int*, double*, int*, double*, int*, int*, nuint, nuint, void> _dgesvd;
    private readonly delegate* unmanaged[Cdecl]<byte*, byte*, int*, double*, int*, double*, double*, int*, int*, int*, int*, nuint, nuint, void> _dsyevd;
    private readonly delegate* unmanaged[Cdecl]<byte*, byte*, int*, double*, int*, double*, double*, double*, int*, double*, int*, double*, int*, int*, nuint, nuint, void> _dgeev;

    private readonly delegate* unmanaged[Cdecl]<int, double*, double*, double*, long, void>[]? _vector;
    private readonly long _vectorMode;

    private BlasLibrary(nint handle, string name, string? vectorPrefix, long vectorMode, string? setLocalThreads)
    {
        Name = name;
        _daxpby = (delegate* unmanaged[Cdecl]<int, double, double*, int, double, double*, int, void>)Export(handle, "cblas_daxpby");
        _dscal = (delegate* unmanaged[Cdecl]<int, double, double*, int, void>)Export(handle, "cblas_dscal");
        _ddot = (delegate* unmanaged[Cdecl]<int, double*, int, double*, int, double>)Export(handle, "cblas_ddot");
        _dgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)Export(handle, "cblas_dgemm");
        _sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)Export(handle, "cblas_sgemm");
        _dtrsm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, int, double, double*, int, double*, int, void>)Export(handle, "cblas_dtrsm");
        _dlange = (delegate* unmanaged[Cdecl]<byte*, int*, int*, double*, int*, double*, nuint, double>)Export(handle, "dlange_");
        _dgetrf = (delegate* unmanaged[Cdecl]<int*, int*, double*, int*, int*, int*, void>)Export(handle, "dgetrf_");
        _dgetri = (delegate* unmanaged[Cdecl]<int*, double*, int*, int*, double*, int*, int*, void>)Export(handle, "dgetri_");
        _dgetrs = (delegate* unmanaged[Cdecl]<byte*, int*, int*, double*, int*, int*, double*, int*, int*, nuint, void>)Export(handle, "dgetrs_");
        _dpotrf = (delegate* unmanaged[Cdecl]<byte*, int*, double*, int*, int*, nuint, void>)Export(handle, "dpotrf_");
        _dpotrs = (delegate* unmanaged[Cdecl]<byte*, int*, int*, double*, int*, double*, int*, int*, nuint, void>)Export(handle, "dpotrs_");
        _dgeqrf = (delegate* unmanaged[Cdecl]<int*, int*, double*, int*, double*, double*, int*, int*, void>)Export(handle, "dgeqrf_");
        _dorgqr = (delegate* unmanaged[Cdecl]<int*, int*, int*, double*, int*, double*, double*, int*, int*, void>)Export(handle, "dorgqr_");
        _dormqr = (delegate* unmanaged[Cdecl]<byte*, byte*, int*, int*, int*, double*, int*, double*, double*, int*, double*, int*, int*, nuint, nuint, void>)Export(handle, "dormqr_");
        _dgesdd = (delegate* unmanaged[Cdecl]<byte*, int*, int*, double*, int*, double*, double*, int*, double*, int*, double*, int*, int*, int*, nuint, void>)Export(handle, "dgesdd_");
        _dgesvd = (delegate* unmanaged[Cdecl]<byte*, byte*, int*, int*, double*, int*, double*, double*, int*, double*, int*, double*, int*, int*, nuint, nuint, void>)Export(handle, "dgesvd_");
        _dsyevd = (delegate* unmanaged[Cdecl]<byte*, byte*, int*, double*, int*, double*, double*, int*, int*, int*, int*, nuint, nuint, void>)Export(handle, "dsyevd_");
        _dgeev = (delegate* unmanaged[Cdecl]<byte*, byte*, int*, double*, int*, double*, double*, double*, int*, double*, int*, double*, int*, int*, nuint, nuint, void>)Export(handle, "dgeev_");
        if (setLocalThreads is not null)
        {
            _setLocalThreads = (delegate* unmanaged[Cdecl]<int, int>)Export(handle, setLocalThreads);
        }

        if (vectorPrefix is not null)
        {
            _vector = new delegate* unmanaged[Cdecl]<int, double*, double*, double*, long, void>[5];
            string[] names = ["Add", "Sub", "Mul", "Div", "Pow"];
            for (var i = 0; i < names.Length; i++)
            {
                _vector[i] = (delegate* unmanaged[Cdecl]<int, double*, double*, double*, long, void>)Export(handle, vectorPrefix + names[i]);
            }

            _vectorMode = vectorMode;
        }
    }

    /// <summary>The exports every library must have for this class (checked at start-up, before any call).</summary>
    public static IReadOnlyList<string> RequiredExports { get; } =
    [
        "cblas_daxpby", "cblas_dscal", "cblas_ddot", "cblas_dgemm", "cblas_sgemm", "cblas_dtrsm", "dlange_", "dgetrf_", "dgetri_", "dgetrs_",
        "dpotrf_", "dpotrs_", "dgeqrf_", "dorgqr_", "dormqr_", "dgesdd_", "dgesvd_", "dsyevd_", "dgeev_",
    ];

    /// <summary>A short name for messages: <c>MKL</c> or <c>OpenBLAS</c>.</summary>
    public string Name { get; }

    /// <summary>True when the library has vector math (MKL's VML); otherwise element-wise work stays managed.</summary>
    public bool HasVectorMath => _vector is not null;

    /// <summary>Intel MKL: CBLAS, LAPACK, VML (<c>vmd*</c> with the given mode) and <c>MKL_Set_Num_Threads_Local</c>.</summary>
    public static BlasLibrary Mkl(nint handle, long vmlMode) => new(handle, "MKL", "vmd", vmlMode, "MKL_Set_Num_Threads_Local");

    /// <summary>OpenBLAS: CBLAS and LAPACK only.</summary>
    public static BlasLibrary OpenBlas(nint handle) => new(handle, "OpenBLAS", null, 0, null);

    // ---- CBLAS ----

    public void Daxpby(int n, double alpha, double* x, int incx, double beta, double* y, int incy) => _daxpby(n, alpha, x, incx, beta, y, incy);

    public void Dscal(int n, double alpha, double* x, int incx) => _dscal(n, alpha, x, incx);

    public double Ddot(int n, double* x, int incx, double* y, int incy) => _ddot(n, x, incx, y, incy);

    /// <summary><c>cblas_dgemm</c>, on one thread when <c>m * n * k &lt; </c><see cref="SmallProduct"/>.</summary>
    public void Dgemm(int layout, int transA, int transB, int m, int n, int k, double alpha, double* a, int lda, double* b, int ldb, double beta, double* c, int ldc)
    {
        var previous = EnterProduct(m, n, k);
        try
        {
            _dgemm(layout, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        finally
        {
            LeaveProduct(previous);
        }
    }

    /// <summary><c>cblas_sgemm</c>, on one thread when <c>m * n * k &lt; </c><see cref="SmallProduct"/>.</summary>
    public void Sgemm(int layout, int transA, int transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        var previous = EnterProduct(m, n, k);
        try
        {
            _sgemm(layout, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        finally
        {
            LeaveProduct(previous);
        }
    }

    public void Dtrsm(int layout, int side, int uplo, int transA, int diag, int m, int n, double alpha, double* a, int lda, double* b, int ldb) =>
        _dtrsm(layout, side, uplo, transA, diag, m, n, alpha, a, lda, b, ldb);

    /// <summary><c>r = x op y</c> through VML; only when <see cref="HasVectorMath"/>.</summary>
    public void VectorMath(VectorOp op, int n, double* x, double* y, double* r) => _vector![(int)op](n, x, y, r, _vectorMode);

    // ---- LAPACK, with LAPACKE's signatures (layout must be column-major) ----

    public double Dlange(int layout, byte norm, int m, int n, double* a, int lda)
    {
        _ = layout;
        var work = (double*)NativeMemory.Alloc((nuint)Math.Max(1, m), sizeof(double));
        try
        {
            return _dlange(&norm, &m, &n, a, &lda, work, 1);
        }
        finally
        {
            NativeMemory.Free(work);
        }
    }

    public int Dgetrf(int layout, int m, int n, double* a, int lda, int* ipiv)
    {
        _ = layout;
        int info;
        _dgetrf(&m, &n, a, &lda, ipiv, &info);
        return Info(info);
    }

    public int Dgetri(int layout, int n, double* a, int lda, int* ipiv)
    {
        _ = layout;
        int info, query = -1;
        double size;
        _dgetri(&n, a, &lda, ipiv, &size, &query, &info);
        if (!TryWork(info, size, out var work, out var lwork, out var failure))
        {
            return failure;
        }

        try
        {
            _dgetri(&n, a, &lda, ipiv, work, &lwork, &info);
            return Info(info);
        }
        finally
        {
            NativeMemory.Free(work);
        }
    }

    public int Dgetrs(int layout, byte trans, int n, int nrhs, double* a, int lda, int* ipiv, double* b, int ldb)
    {
        _ = layout;
        int info;
        _dgetrs(&trans, &n, &nrhs, a, &lda, ipiv, b, &ldb, &info, 1);
        return Info(info);
    }

    public int Dpotrf(int layout, byte uplo, int n, double* a, int lda)
    {
        _ = layout;
        int info;
        _dpotrf(&uplo, &n, a, &lda, &info, 1);
        return Info(info);
    }

    public int Dpotrs(int layout, byte uplo, int n, int nrhs, double* a, int lda, double* b, int ldb)
    {
        _ = layout;
        int info;
        _dpotrs(&uplo, &n, &nrhs, a, &lda, b, &ldb, &info, 1);
        return Info(info);
    }

    public int Dgeqrf(int layout, int m, int n, double* a, int lda, double* tau)
    {
        _ = layout;
        int info, query = -1;
        double size;
        _dgeqrf(&m, &n, a, &lda, tau, &size, &query, &info);
        if (!TryWork(info, size, out var work, out var lwork, out var failure))
        {
            return failure;
        }

        try
        {
            _dgeqrf(&m, &n, a, &lda, tau, work, &lwork, &info);
            return Info(info);
        }
        finally
        {
            NativeMemory.Free(work);
        }
    }

    public int Dorgqr(int layout, int m, int n, int k, double* a, int lda, double* tau)
    {
        _ = layout;
        int info, query = -1;
        double size;
        _dorgqr(&m, &n, &k, a, &lda, tau, &size, &query, &info);
        if (!TryWork(info, size, out var work, out var lwork, out var failure))
        {
            return failure;
        }

        try
        {
            _dorgqr(&m, &n, &k, a, &lda, tau, work, &lwork, &info);
            return Info(info);
        }
        finally
        {
            NativeMemory.Free(work);
        }
    }

    public int Dormqr(int layout, byte side, byte trans, int m, int n, int k, double* a, int lda, double* tau, double* c, int ldc)
    {
        _ = layout;
        int info, query = -1;
        double size;
        _dormqr(&side, &trans, &m, &n, &k, a, &lda, tau, c, &ldc, &size, &query, &info, 1, 1);
        if (!TryWork(info, size, out var work, out var lwork, out var failure))
        {
            return failure;
        }

        try
        {
            _dormqr(&side, &trans, &m, &n, &k, a, &lda, tau, c, &ldc, work, &lwork, &info, 1, 1);
            return Info(info);
        }
        finally
        {
            NativeMemory.Free(work);
        }
    }

    public int Dgesdd(int layout, byte jobz, int m, int n, double* a, int lda, double* s, double* u, int ldu, double* vt, int ldvt)
    {
        _ = layout;
        var iwork = (int*)NativeMemory.Alloc((nuint)Math.Max(1, 8 * Math.Min(m, n)), sizeof(int));
        try
        {
            int info, query = -1;
            double size;
            _dgesdd(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, &size, &query, iwork, &info, 1);
            if (!TryWork(info, size, out var work, out var lwork, out var failure))
            {
                return failure;
            }

            try
            {
                _dgesdd(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, &info, 1);
                return Info(info);
            }
            finally
            {
                NativeMemory.Free(work);
            }
        }
        finally
        {
            NativeMemory.Free(iwork);
        }
    }

    public int Dgesvd(int layout, byte jobu, byte jobvt, int m, int n, double* a, int lda, double* s, double* u, int ldu, double* vt, int ldvt, double* superb)
    {
        _ = layout;
        int info, query = -1;
        double size;
        _dgesvd(&jobu, &jobvt, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, &size, &query, &info, 1, 1);
        if (!TryWork(info, size, out var work, out var lwork, out var failure))
        {
            return failure;
        }

        try
        {
            _dgesvd(&jobu, &jobvt, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, &info, 1, 1);

            // LAPACKE returns work(2 : min(m, n)) (the unconverged superdiagonal) in superb.
            for (var j = 0; j < Math.Min(m, n) - 1; j++)
            {
                superb[j] = work[j + 1];
            }

            return Info(info);
        }
        finally
        {
            NativeMemory.Free(work);
        }
    }

    public int Dsyevd(int layout, byte jobz, byte uplo, int n, double* a, int lda, double* w)
    {
        _ = layout;
        int info, query = -1, isize;
        double size;
        _dsyevd(&jobz, &uplo, &n, a, &lda, w, &size, &query, &isize, &query, &info, 1, 1);
        if (info != 0)
        {
            return Info(info);
        }

        var liwork = Math.Max(1, isize);
        var iwork = (int*)NativeMemory.Alloc((nuint)liwork, sizeof(int));
        try
        {
            if (!TryWork(info, size, out var work, out var lwork, out var failure))
            {
                return failure;
            }

            try
            {
                _dsyevd(&jobz, &uplo, &n, a, &lda, w, work, &lwork, iwork, &liwork, &info, 1, 1);
                return Info(info);
            }
            finally
            {
                NativeMemory.Free(work);
            }
        }
        finally
        {
            NativeMemory.Free(iwork);
        }
    }

    public int Dgeev(int layout, byte jobvl, byte jobvr, int n, double* a, int lda, double* wr, double* wi, double* vl, int ldvl, double* vr, int ldvr)
    {
        _ = layout;
        double ignored;
        var pvl = vl is null ? &ignored : vl;
        int info, query = -1;
        double size;
        _dgeev(&jobvl, &jobvr, &n, a, &lda, wr, wi, pvl, &ldvl, vr, &ldvr, &size, &query, &info, 1, 1);
        if (!TryWork(info, size, out var work, out var lwork, out var failure))
        {
            return failure;
        }

        try
        {
            _dgeev(&jobvl, &jobvr, &n, a, &lda, wr, wi, pvl, &ldvl, vr, &ldvr, work, &lwork, &info, 1, 1);
            return Info(info);
        }
        finally
        {
            NativeMemory.Free(work);
        }
    }

    /// <summary>The thread policy before a product: one thread for a small one; returns what to restore (-1: nothing).</summary>
    private int EnterProduct(int m, int n, int k) =>
        _setLocalThreads is null || (long)m * n * k >= _smallProduct ? -1 : _setLocalThreads(1);

    private static long ReadSmallProduct() =>
        long.TryParse(Environment.GetEnvironmentVariable(SmallProductVariable), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : SmallProduct;

    private void LeaveProduct(int previous)
    {
        if (previous >= 0)
        {
            _ = _setLocalThreads(previous);
        }
    }

    /// <summary>After a workspace query: allocates the optimal workspace (at least 1 element), or says why not.</summary>
    private static bool TryWork(int queryInfo, double optimal, out double* work, out int lwork, out int failure)
    {
        work = null;
        lwork = (int)Math.Clamp(Math.Ceiling(optimal), 1, int.MaxValue);
        if (queryInfo != 0)
        {
            failure = Info(queryInfo);
            return false;
        }

        try
        {
            work = (double*)NativeMemory.Alloc((nuint)lwork, sizeof(double));
            failure = 0;
            return true;
        }
        catch (OutOfMemoryException)
        {
            failure = Cblas.LapackWorkMemoryError;
            return false;
        }
    }

    /// <summary>Fortran's info to LAPACKE's: a bad argument <c>i</c> becomes <c>-(i + 1)</c> (LAPACKE counts the layout).</summary>
    private static int Info(int info) => info < 0 ? info - 1 : info;

    private static nint Export(nint handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out var address) && address != 0
            ? address
            : throw new EntryPointNotFoundException($"The BLAS library lacks '{name}' (checked at start-up; this is a bug).");
}
