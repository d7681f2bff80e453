using System.Buffers;
using System.Globalization;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Providers.LinearAlgebra;
using Regularization.Mkl.Native;
using Complex = System.Numerics.Complex;

namespace Regularization.Mkl;

/// <content>The <see cref="double"/> methods, mapped onto CBLAS, LAPACK (with LAPACKE's conventions, see <see cref="Native.BlasLibrary"/>) and, with MKL, VML.</content>
public abstract unsafe partial class NativeLinearAlgebraProvider
{
    private const byte Lower = (byte)'L';
    private const byte UpperChar = (byte)'U';
    private const byte NoTransChar = (byte)'N';
    private const byte TransChar = (byte)'T';
    private const byte LeftChar = (byte)'L';

    /// <inheritdoc />
    /// <remarks>
    /// <c>result = y + alpha * x</c> with the managed provider's bits: <c>cblas_daxpby(n, 1, y, alpha, result)</c> on a copy
    /// of <paramref name="x"/>, which rounds the product before the sum (<c>cblas_daxpy</c> fuses them on AVX-512).
    /// <paramref name="result"/> may be <paramref name="x"/> or <paramref name="y"/>. <c>alpha == 0</c> copies
    /// <paramref name="y"/> (non-finite values in <paramref name="x"/> are ignored, as in the managed provider).
    /// </remarks>
    public void AddVectorToScaledVector(double[] y, double alpha, double[] x, double[] result)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(result);
        SameLength(y, x, result);
        var n = y.Length;
        if (n < _cutoffs.Level1 || n == 0)
        {
            Managed.AddVectorToScaledVector(y, alpha, x, result);
            return;
        }

        if (alpha == 0.0)
        {
            if (!ReferenceEquals(y, result))
            {
                y.AsSpan().CopyTo(result);
            }

            return;
        }

        EnsureStarted();
        if (ReferenceEquals(result, x) || !ReferenceEquals(result, y))
        {
            // result holds x (already, or after the copy), then result = 1*y + alpha*result.
            if (!ReferenceEquals(result, x))
            {
                x.AsSpan().CopyTo(result);
            }

            fixed (double* py = y, pr = result)
            {
                Blas.Daxpby(n, 1.0, py, 1, alpha, pr, 1);
            }

            return;
        }

        // result is y (and not x): x cannot be copied into it, so go through a scratch copy of x.
        var scratch = ArrayPool<double>.Shared.Rent(n);
        try
        {
            x.AsSpan().CopyTo(scratch);
            fixed (double* py = y, ps = scratch)
            {
                Blas.Daxpby(n, 1.0, py, 1, alpha, ps, 1);
            }

            scratch.AsSpan(0, n).CopyTo(result);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scratch);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>result = alpha * x</c> through <c>cblas_dscal</c> on a copy (bitwise equal to the managed provider).
    /// As in the managed provider, <c>alpha == 0</c> clears <paramref name="result"/> (NaN and infinities become 0) and
    /// <c>alpha == 1</c> copies. <paramref name="result"/> may be <paramref name="x"/>.
    /// </remarks>
    public void ScaleArray(double alpha, double[] x, double[] result)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(result);
        SameLength(x, result);
        var n = x.Length;
        if (n < _cutoffs.Level1 || n == 0 || alpha == 0.0 || alpha == 1.0)
        {
            Managed.ScaleArray(alpha, x, result);
            return;
        }

        EnsureStarted();
        if (!ReferenceEquals(x, result))
        {
            x.AsSpan().CopyTo(result);
        }

        fixed (double* pr = result)
        {
            Blas.Dscal(n, alpha, pr, 1);
        }
    }

    /// <inheritdoc />
    /// <remarks>A real array is its own conjugate: a copy, done by the managed provider.</remarks>
    public void ConjugateArray(double[] x, double[] result) => Managed.ConjugateArray(x, result);

    /// <inheritdoc />
    /// <remarks><c>cblas_ddot</c>: the summation order differs from the managed loop, so results agree to rounding only.</remarks>
    public double DotProduct(double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(x);
        SameLength(x, y);
        var n = x.Length;
        if (n < _cutoffs.Level1 || n == 0)
        {
            return Managed.DotProduct(x, y);
        }

        EnsureStarted();
        fixed (double* px = x, py = y)
        {
            return Blas.Ddot(n, px, 1, py, 1);
        }
    }

    /// <inheritdoc />
    /// <remarks><c>vmdAdd</c>: bitwise equal to the managed provider; <paramref name="result"/> may alias either input.</remarks>
    public void AddArrays(double[] x, double[] y, double[] result) => Elementwise(x, y, result, VectorOp.Add);

    /// <inheritdoc />
    /// <remarks><c>vmdSub</c>: bitwise equal to the managed provider; <paramref name="result"/> may alias either input.</remarks>
    public void SubtractArrays(double[] x, double[] y, double[] result) => Elementwise(x, y, result, VectorOp.Subtract);

    /// <inheritdoc />
    /// <remarks><c>vmdMul</c>: bitwise equal to the managed provider; <paramref name="result"/> may alias either input.</remarks>
    public void PointWiseMultiplyArrays(double[] x, double[] y, double[] result) => Elementwise(x, y, result, VectorOp.Multiply);

    /// <inheritdoc />
    /// <remarks>
    /// <c>vmdDiv</c> in VML's high-accuracy mode: within 1 ulp of the correctly rounded quotient (on AVX-512 about 1 in
    /// 900 quotients differ from C#'s by 1 ulp); <c>x/0</c> gives IEEE infinities or NaN as in C#.
    /// </remarks>
    public void PointWiseDivideArrays(double[] x, double[] y, double[] result) => Elementwise(x, y, result, VectorOp.Divide);

    /// <inheritdoc />
    /// <remarks><c>vmdPow</c> in high-accuracy mode: within 1 ulp of <see cref="Math.Pow(double, double)"/>, with its special cases.</remarks>
    public void PointWisePowerArrays(double[] x, double[] y, double[] result) => Elementwise(x, y, result, VectorOp.Power);

    /// <inheritdoc />
    /// <remarks>
    /// <c>dlange</c> ('1', 'I', 'F', 'M'). The Frobenius norm is a scaled sum of squares (the managed provider
    /// forms <c>A*A^T</c>, which costs <c>rows^2 * columns</c>); results agree to rounding. An empty matrix has norm 0.
    /// </remarks>
    public double MatrixNorm(Norm norm, int rows, int columns, double[] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var lapackNorm = norm switch
        {
            Norm.OneNorm => (byte)'1',
            Norm.InfinityNorm => (byte)'I',
            Norm.FrobeniusNorm => (byte)'F',
            Norm.LargestAbsoluteValue => (byte)'M',
            _ => throw new NotSupportedException($"Unknown norm {norm}."),
        };
        NonNegative(rows, nameof(rows));
        NonNegative(columns, nameof(columns));
        Length(matrix, (long)rows * columns, nameof(matrix));
        if (rows == 0 || columns == 0)
        {
            return 0.0;
        }

        if (matrix.Length < _cutoffs.Level1)
        {
            return Managed.MatrixNorm(norm, rows, columns, matrix);
        }

        EnsureStarted();
        fixed (double* pa = matrix)
        {
            return Blas.Dlange(Cblas.ColMajor, lapackNorm, rows, columns, pa, rows);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>cblas_dgemm(NoTrans, NoTrans, alpha = 1, beta = 0)</c>. <paramref name="result"/> may alias
    /// <paramref name="x"/> or <paramref name="y"/> (the product then goes through a scratch array).
    /// </remarks>
    public void MatrixMultiply(double[] x, int rowsX, int columnsX, double[] y, int rowsY, int columnsY, double[] result)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(result);
        CheckProduct(rowsX, columnsX, x.Length, rowsY, columnsY, y.Length, rowsX, columnsY, result.Length);
        Gemm(false, false, 1.0, x, rowsX, columnsX, y, rowsY, columnsY, 0.0, result);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>c = alpha * op(a) * op(b) + beta * c</c> with <c>cblas_dgemm</c>; <see cref="Transpose.ConjugateTranspose"/>
    /// means transpose. <paramref name="c"/> may alias <paramref name="a"/> or <paramref name="b"/>. As in the managed
    /// provider, <c>beta == 0</c> overwrites <paramref name="c"/> (NaN in it does not propagate) and <c>alpha == 0</c>
    /// leaves <c>beta * c</c>.
    /// </remarks>
    public void MatrixMultiplyWithUpdate(
        Transpose transposeA, Transpose transposeB, double alpha, double[] a, int rowsA, int columnsA, double[] b, int rowsB, int columnsB, double beta, double[] c)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        var ta = transposeA != Transpose.DontTranspose;
        var tb = transposeB != Transpose.DontTranspose;
        var (opRowsA, opColumnsA) = ta ? (columnsA, rowsA) : (rowsA, columnsA);
        var (opRowsB, opColumnsB) = tb ? (columnsB, rowsB) : (rowsB, columnsB);
        CheckProduct(opRowsA, opColumnsA, a.Length, opRowsB, opColumnsB, b.Length, opRowsA, opColumnsB, c.Length);
        Gemm(ta, tb, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>dgetrf</c>, then the pivots are made 0-based. An exactly singular matrix is not an error (as in the
    /// managed provider): U then has a zero on its diagonal.
    /// </remarks>
    public void LUFactor(double[] data, int order, int[] ipiv)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(ipiv);
        NonNegative(order, nameof(order));
        Length(data, (long)order * order, nameof(data));
        Length(ipiv, order, nameof(ipiv));
        if (order < _cutoffs.Factorization || order == 0)
        {
            Managed.LUFactor(data, order, ipiv);
            return;
        }

        EnsureStarted();
        int info;
        fixed (double* pa = data)
        fixed (int* pp = ipiv)
        {
            info = Blas.Dgetrf(Cblas.ColMajor, order, order, pa, order, pp);
        }

        ThrowOnArgumentError(info);
        for (var i = 0; i < order; i++)
        {
            ipiv[i]--;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>dgetrf</c> + <c>dgetri</c>. A singular matrix gives infinities or NaN, without an exception, as in the managed
    /// provider (<c>dgetri</c> refuses it, so the inverse is then solved from the identity with <c>dgetrs</c>).
    /// </remarks>
    public void LUInverse(double[] a, int order)
    {
        ArgumentNullException.ThrowIfNull(a);
        NonNegative(order, nameof(order));
        Length(a, (long)order * order, nameof(a));
        if (order < _cutoffs.Factorization || order == 0)
        {
            Managed.LUInverse(a, order);
            return;
        }

        EnsureStarted();
        var ipiv = ArrayPool<int>.Shared.Rent(order);
        try
        {
            int info;
            fixed (double* pa = a)
            fixed (int* pp = ipiv)
            {
                info = Blas.Dgetrf(Cblas.ColMajor, order, order, pa, order, pp);
            }

            ThrowOnArgumentError(info);
            InverseFromFactors(a, order, ipiv);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ipiv);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>dgetri</c> with a 1-based copy of the pivots (the caller's array is not touched). Singular factors give
    /// infinities or NaN, as in <see cref="LUInverse(double[], int)"/>.
    /// </remarks>
    /// <exception cref="ArgumentException">A pivot is outside <c>[0, order)</c>.</exception>
    public void LUInverseFactored(double[] a, int order, int[] ipiv)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(ipiv);
        NonNegative(order, nameof(order));
        Length(a, (long)order * order, nameof(a));
        Length(ipiv, order, nameof(ipiv));
        CheckPivots(ipiv, order);
        if (order < _cutoffs.Factorization || order == 0)
        {
            Managed.LUInverseFactored(a, order, ipiv);
            return;
        }

        EnsureStarted();
        var pivots = OneBased(ipiv, order);
        try
        {
            InverseFromFactors(a, order, pivots);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(pivots);
        }
    }

    /// <inheritdoc />
    /// <remarks><c>dgetrf</c> on a copy of <paramref name="a"/>, then <c>dgetrs</c>; a singular matrix gives infinities or NaN.</remarks>
    public void LUSolve(int columnsOfB, double[] a, int order, double[] b)
    {
        if (StaysManagedSolve(a, order, b, columnsOfB, nameof(order), nameof(columnsOfB)))
        {
            Managed.LUSolve(columnsOfB, a, order, b);
            return;
        }

        EnsureStarted();
        var lu = ArrayPool<double>.Shared.Rent(a.Length);
        var ipiv = ArrayPool<int>.Shared.Rent(order);
        try
        {
            a.AsSpan().CopyTo(lu);
            int info;
            fixed (double* pa = lu, pb = b)
            fixed (int* pp = ipiv)
            {
                info = Blas.Dgetrf(Cblas.ColMajor, order, order, pa, order, pp);
                ThrowOnArgumentError(info);
                info = Blas.Dgetrs(Cblas.ColMajor, NoTransChar, order, columnsOfB, pa, order, pp, pb, order);
            }

            ThrowOnArgumentError(info);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(lu);
            ArrayPool<int>.Shared.Return(ipiv);
        }
    }

    /// <inheritdoc />
    /// <remarks><c>dgetrs('N')</c> with a 1-based copy of the pivots.</remarks>
    /// <exception cref="ArgumentException">A pivot is outside <c>[0, order)</c>.</exception>
    public void LUSolveFactored(int columnsOfB, double[] a, int order, int[] ipiv, double[] b)
    {
        ArgumentNullException.ThrowIfNull(ipiv);
        var managed = StaysManagedSolve(a, order, b, columnsOfB, nameof(order), nameof(columnsOfB));
        Length(ipiv, order, nameof(ipiv));
        CheckPivots(ipiv, order);
        if (managed)
        {
            Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
            return;
        }

        EnsureStarted();
        var pivots = OneBased(ipiv, order);
        try
        {
            int info;
            fixed (double* pa = a, pb = b)
            fixed (int* pp = pivots)
            {
                info = Blas.Dgetrs(Cblas.ColMajor, NoTransChar, order, columnsOfB, pa, order, pp, pb, order);
            }

            ThrowOnArgumentError(info);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(pivots);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>dpotrf('L')</c> on the lower triangle, then the strict upper triangle is zeroed, so that
    /// <paramref name="a"/> holds <c>L</c> with <c>A = L*L^T</c>.
    /// </remarks>
    /// <exception cref="ArgumentException">The matrix is not positive definite (the managed provider's exception).</exception>
    public void CholeskyFactor(double[] a, int order)
    {
        ArgumentNullException.ThrowIfNull(a);
        NonNegative(order, nameof(order));
        Length(a, (long)order * order, nameof(a));
        if (order < _cutoffs.Factorization || order == 0)
        {
            Managed.CholeskyFactor(a, order);
            return;
        }

        EnsureStarted();
        int info;
        fixed (double* pa = a)
        {
            info = Blas.Dpotrf(Cblas.ColMajor, Lower, order, pa, order);
        }

        ThrowOnCholesky(info);
        for (var j = 1; j < order; j++)
        {
            a.AsSpan(j * order, j).Clear();
        }
    }

    /// <inheritdoc />
    /// <remarks><c>dpotrf('L')</c> on a copy of <paramref name="a"/>, then <c>dpotrs('L')</c>.</remarks>
    /// <exception cref="ArgumentException">The matrix is not positive definite.</exception>
    public void CholeskySolve(double[] a, int orderA, double[] b, int columnsB)
    {
        if (StaysManagedSolve(a, orderA, b, columnsB, nameof(orderA), nameof(columnsB)))
        {
            Managed.CholeskySolve(a, orderA, b, columnsB);
            return;
        }

        EnsureStarted();
        var factor = ArrayPool<double>.Shared.Rent(a.Length);
        try
        {
            a.AsSpan().CopyTo(factor);
            int info;
            fixed (double* pa = factor, pb = b)
            {
                info = Blas.Dpotrf(Cblas.ColMajor, Lower, orderA, pa, orderA);
                ThrowOnCholesky(info);
                info = Blas.Dpotrs(Cblas.ColMajor, Lower, orderA, columnsB, pa, orderA, pb, orderA);
            }

            ThrowOnArgumentError(info);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(factor);
        }
    }

    /// <inheritdoc />
    /// <remarks><c>dpotrs('L')</c>: only the lower triangle of <paramref name="a"/> is read.</remarks>
    public void CholeskySolveFactored(double[] a, int orderA, double[] b, int columnsB)
    {
        if (StaysManagedSolve(a, orderA, b, columnsB, nameof(orderA), nameof(columnsB)))
        {
            Managed.CholeskySolveFactored(a, orderA, b, columnsB);
            return;
        }

        EnsureStarted();
        int info;
        fixed (double* pa = a, pb = b)
        {
            info = Blas.Dpotrs(Cblas.ColMajor, Lower, orderA, columnsB, pa, orderA, pb, orderA);
        }

        ThrowOnArgumentError(info);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>dgeqrf</c> on <paramref name="r"/>, the reflectors copied into <paramref name="q"/> and expanded by
    /// <c>dorgqr</c> into the full <c>m x m</c> Q; then R's strict lower part is zeroed, as the managed provider leaves
    /// it. <paramref name="tau"/> receives LAPACK's reflector scalars. Q and R may differ from the managed provider's by
    /// the signs of matching columns of Q and rows of R; <c>Q*R</c> agrees to rounding.
    /// </remarks>
    public void QRFactor(double[] r, int rowsR, int columnsR, double[] q, double[] tau)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(tau);
        NonNegative(rowsR, nameof(rowsR));
        NonNegative(columnsR, nameof(columnsR));
        Length(r, (long)rowsR * columnsR, nameof(r));
        var k = Math.Min(rowsR, columnsR);
        if (tau.Length < k)
        {
            throw new ArgumentException("The given array is too small. It must be at least min(m,n) long.", nameof(tau));
        }

        Length(q, (long)rowsR * rowsR, nameof(q));
        if (k < _cutoffs.Factorization || k == 0)
        {
            Managed.QRFactor(r, rowsR, columnsR, q, tau);
            return;
        }

        EnsureStarted();
        var m = rowsR;
        int info;
        fixed (double* pr = r, pt = tau)
        {
            info = Blas.Dgeqrf(Cblas.ColMajor, m, columnsR, pr, m, pt);
        }

        ThrowOnArgumentError(info);
        Array.Clear(q);
        for (var j = 0; j < k; j++)
        {
            r.AsSpan((j * m) + j + 1, m - j - 1).CopyTo(q.AsSpan((j * m) + j + 1));
        }

        fixed (double* pq = q, pt = tau)
        {
            info = Blas.Dorgqr(Cblas.ColMajor, m, m, k, pq, m, pt);
        }

        ThrowOnArgumentError(info);
        ZeroBelowDiagonal(r, m, columnsR);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>dgeqrf</c> on <paramref name="a"/>, R (the upper <c>n x n</c> part) copied into <paramref name="r"/>, then
    /// <c>dorgqr</c> turns <paramref name="a"/> into the <c>m x n</c> Q. Requires <c>rowsA &gt;= columnsA</c> for LAPACK;
    /// other shapes go to the managed provider.
    /// </remarks>
    public void ThinQRFactor(double[] a, int rowsA, int columnsA, double[] r, double[] tau)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(tau);
        NonNegative(rowsA, nameof(rowsA));
        NonNegative(columnsA, nameof(columnsA));
        Length(a, (long)rowsA * columnsA, nameof(a));
        if (tau.Length < Math.Min(rowsA, columnsA))
        {
            throw new ArgumentException("The given array is too small. It must be at least min(m,n) long.", nameof(tau));
        }

        Length(r, (long)columnsA * columnsA, nameof(r));
        if (columnsA < _cutoffs.Factorization || columnsA == 0 || rowsA < columnsA)
        {
            Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
            return;
        }

        EnsureStarted();
        int m = rowsA, n = columnsA;
        int info;
        fixed (double* pa = a, pt = tau)
        {
            info = Blas.Dgeqrf(Cblas.ColMajor, m, n, pa, m, pt);
            ThrowOnArgumentError(info);
            for (var j = 0; j < n; j++)
            {
                a.AsSpan(j * m, j + 1).CopyTo(r.AsSpan(j * n));
                r.AsSpan((j * n) + j + 1, n - j - 1).Clear();
            }

            info = Blas.Dorgqr(Cblas.ColMajor, m, n, n, pa, m, pt);
        }

        ThrowOnArgumentError(info);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Least squares through QR: <c>dgeqrf</c> on a copy of <paramref name="a"/>, <c>dormqr</c> applies <c>Q^T</c> to a copy
    /// of <paramref name="b"/>, <c>cblas_dtrsm</c> solves with R. Both <paramref name="method"/> values give the same
    /// solution (the thin factorization is always enough). A rank-deficient matrix gives infinities or NaN, as in the
    /// managed provider (<c>dgels</c> would refuse it).
    /// </remarks>
    public void QRSolve(double[] a, int rows, int columns, double[] b, int columnsB, double[] x, QRMethod method = QRMethod.Full)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(x);
        NonNegative(rows, nameof(rows));
        NonNegative(columns, nameof(columns));
        NonNegative(columnsB, nameof(columnsB));
        Length(a, (long)rows * columns, nameof(a));
        Length(b, (long)rows * columnsB, nameof(b));
        Length(x, (long)columns * columnsB, nameof(x));
        if (rows < columns)
        {
            throw new ArgumentException("The number of rows must greater than or equal to the number of columns.");
        }

        if (columns < _cutoffs.Factorization || columns == 0 || columnsB == 0)
        {
            Managed.QRSolve(a, rows, columns, b, columnsB, x, method);
            return;
        }

        EnsureStarted();
        int m = rows, n = columns;
        var qr = ArrayPool<double>.Shared.Rent(a.Length);
        var y = ArrayPool<double>.Shared.Rent(b.Length);
        var tau = ArrayPool<double>.Shared.Rent(n);
        try
        {
            a.AsSpan().CopyTo(qr);
            b.AsSpan().CopyTo(y);
            int info;
            fixed (double* pa = qr, py = y, pt = tau)
            {
                info = Blas.Dgeqrf(Cblas.ColMajor, m, n, pa, m, pt);
                ThrowOnArgumentError(info);
                info = Blas.Dormqr(Cblas.ColMajor, LeftChar, TransChar, m, columnsB, n, pa, m, pt, py, m);
                ThrowOnArgumentError(info);
                Blas.Dtrsm(
                    Cblas.ColMajor, Cblas.Left, Cblas.Upper, Cblas.NoTrans, Cblas.NonUnit, n, columnsB, 1.0, pa, m, py, m);
            }

            for (var j = 0; j < columnsB; j++)
            {
                y.AsSpan(j * m, n).CopyTo(x.AsSpan(j * n));
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(qr);
            ArrayPool<double>.Shared.Return(y);
            ArrayPool<double>.Shared.Return(tau);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>x = R^-1 (Q[:, :n]^T b)</c>: <c>cblas_dgemm</c>, then <c>cblas_dtrsm</c> on R's upper triangle. It needs neither
    /// <paramref name="tau"/> nor reflectors, so it works with Q and R from either provider, full or thin (MathNet's
    /// Gram-Schmidt passes no tau). Zeros on R's diagonal give infinities or NaN, as in the managed provider.
    /// </remarks>
    public void QRSolveFactored(double[] q, double[] r, int rowsA, int columnsA, double[] tau, double[] b, int columnsB, double[] x, QRMethod method = QRMethod.Full)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(x);
        NonNegative(columnsA, nameof(columnsA));
        NonNegative(columnsB, nameof(columnsB));
        if (rowsA < columnsA)
        {
            throw new ArgumentException("The number of rows must greater than or equal to the number of columns.");
        }

        int m = rowsA, n = columnsA;
        var full = method == QRMethod.Full;
        var rowsR = full ? m : n;
        Length(r, (long)rowsR * n, nameof(r));
        Length(q, full ? (long)m * m : (long)m * n, nameof(q));
        Length(b, (long)m * columnsB, nameof(b));
        Length(x, (long)n * columnsB, nameof(x));
        if (n < _cutoffs.Factorization || n == 0 || columnsB == 0)
        {
            Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
            return;
        }

        EnsureStarted();
        var aliased = ReferenceEquals(x, q) || ReferenceEquals(x, r) || ReferenceEquals(x, b);
        var target = aliased ? ArrayPool<double>.Shared.Rent(x.Length) : x;
        try
        {
            fixed (double* pq = q, pr = r, pb = b, px = target)
            {
                Blas.Dgemm(Cblas.ColMajor, Cblas.Trans, Cblas.NoTrans, n, columnsB, m, 1.0, pq, m, pb, m, 0.0, px, n);
                Blas.Dtrsm(
                    Cblas.ColMajor, Cblas.Left, Cblas.Upper, Cblas.NoTrans, Cblas.NonUnit, n, columnsB, 1.0, pr, rowsR, px, n);
            }

            if (aliased)
            {
                target.AsSpan(0, x.Length).CopyTo(x);
            }
        }
        finally
        {
            if (aliased)
            {
                ArrayPool<double>.Shared.Return(target);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>dgesdd</c> (divide and conquer, job 'A' or 'N'); if it does not converge, <c>dgesvd</c> on a saved
    /// copy. <paramref name="a"/> is overwritten. Singular values come in descending order, as from the managed provider;
    /// singular vectors may differ in sign, so compare <c>U*S*V^T</c>.
    /// </remarks>
    /// <exception cref="NonConvergenceException">Neither routine converged.</exception>
    public void SingularValueDecomposition(bool computeVectors, double[] a, int rowsA, int columnsA, double[] s, double[] u, double[] vt)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(u);
        ArgumentNullException.ThrowIfNull(vt);
        NonNegative(rowsA, nameof(rowsA));
        NonNegative(columnsA, nameof(columnsA));
        Length(a, (long)rowsA * columnsA, nameof(a));
        Length(u, (long)rowsA * rowsA, nameof(u));
        Length(vt, (long)columnsA * columnsA, nameof(vt));
        Length(s, Math.Min(rowsA, columnsA), nameof(s));
        if (Math.Min(rowsA, columnsA) < _cutoffs.Factorization || rowsA == 0 || columnsA == 0)
        {
            Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
            return;
        }

        EnsureStarted();
        int m = rowsA, n = columnsA;
        var job = computeVectors ? (byte)'A' : (byte)'N';
        var saved = ArrayPool<double>.Shared.Rent(a.Length);
        try
        {
            a.AsSpan().CopyTo(saved);
            int info;
            fixed (double* pa = a, ps = s, pu = u, pvt = vt)
            {
                info = Blas.Dgesdd(Cblas.ColMajor, job, m, n, pa, m, ps, pu, m, pvt, n);
            }

            ThrowOnArgumentError(info);
            if (info > 0)
            {
                saved.AsSpan(0, a.Length).CopyTo(a);
                var superb = ArrayPool<double>.Shared.Rent(Math.Max(1, Math.Min(m, n)));
                try
                {
                    fixed (double* pa = a, ps = s, pu = u, pvt = vt, psb = superb)
                    {
                        info = Blas.Dgesvd(Cblas.ColMajor, job, job, m, n, pa, m, ps, pu, m, pvt, n, psb);
                    }
                }
                finally
                {
                    ArrayPool<double>.Shared.Return(superb);
                }

                ThrowOnArgumentError(info);
                if (info > 0)
                {
                    throw new NonConvergenceException(
                        string.Create(CultureInfo.InvariantCulture, $"The SVD did not converge (dgesdd and dgesvd, info {info})."));
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(saved);
        }
    }

    /// <inheritdoc />
    /// <remarks>SVD of a copy of <paramref name="a"/> (<c>dgesdd</c>, as in <c>SingularValueDecomposition</c>), then the factored solve (two <c>cblas_dgemm</c>).</remarks>
    public void SvdSolve(double[] a, int rowsA, int columnsA, double[] b, int columnsB, double[] x)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(x);
        NonNegative(rowsA, nameof(rowsA));
        NonNegative(columnsA, nameof(columnsA));
        NonNegative(columnsB, nameof(columnsB));
        Length(a, (long)rowsA * columnsA, nameof(a));
        Length(b, (long)rowsA * columnsB, nameof(b));
        Length(x, (long)columnsA * columnsB, nameof(x));
        var mn = Math.Min(rowsA, columnsA);
        if (mn < _cutoffs.Factorization || mn == 0 || columnsB == 0)
        {
            Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
            return;
        }

        var s = new double[mn];
        var u = new double[rowsA * rowsA];
        var vt = new double[columnsA * columnsA];
        var clone = (double[])a.Clone();
        SingularValueDecomposition(true, clone, rowsA, columnsA, s, u, vt);
        SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The managed formula <c>x = V[:, :k] * diag(1/s) * U[:, :k]^T * b</c> (<c>k = min(m, n)</c>, no cut-off for small
    /// singular values) with two <c>cblas_dgemm</c> calls and a division by <c>s[j]</c> in between.
    /// </remarks>
    public void SvdSolveFactored(int rowsA, int columnsA, double[] s, double[] u, double[] vt, double[] b, int columnsB, double[] x)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(u);
        ArgumentNullException.ThrowIfNull(vt);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(x);
        NonNegative(rowsA, nameof(rowsA));
        NonNegative(columnsA, nameof(columnsA));
        NonNegative(columnsB, nameof(columnsB));
        Length(u, (long)rowsA * rowsA, nameof(u));
        Length(vt, (long)columnsA * columnsA, nameof(vt));
        var mn = Math.Min(rowsA, columnsA);
        Length(s, mn, nameof(s));
        Length(b, (long)rowsA * columnsB, nameof(b));
        Length(x, (long)columnsA * columnsB, nameof(x));
        if (mn < _cutoffs.Factorization || mn == 0 || columnsB == 0)
        {
            Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
            return;
        }

        EnsureStarted();
        int m = rowsA, n = columnsA;
        var t = ArrayPool<double>.Shared.Rent(mn * columnsB);
        var aliased = ReferenceEquals(x, u) || ReferenceEquals(x, vt) || ReferenceEquals(x, b) || ReferenceEquals(x, s);
        var target = aliased ? ArrayPool<double>.Shared.Rent(x.Length) : x;
        try
        {
            fixed (double* pu = u, pb = b, pt = t)
            {
                Blas.Dgemm(Cblas.ColMajor, Cblas.Trans, Cblas.NoTrans, mn, columnsB, m, 1.0, pu, m, pb, m, 0.0, pt, mn);
            }

            for (var k = 0; k < columnsB; k++)
            {
                var column = t.AsSpan(k * mn, mn);
                for (var j = 0; j < mn; j++)
                {
                    column[j] /= s[j];
                }
            }

            fixed (double* pvt = vt, pt = t, px = target)
            {
                Blas.Dgemm(Cblas.ColMajor, Cblas.Trans, Cblas.NoTrans, n, columnsB, mn, 1.0, pvt, n, pt, mn, 0.0, px, n);
            }

            if (aliased)
            {
                target.AsSpan(0, x.Length).CopyTo(x);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(t);
            if (aliased)
            {
                ArrayPool<double>.Shared.Return(target);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Symmetric: <c>dsyevd('V', 'U')</c> on a copy (eigenvalues ascending, orthonormal eigenvectors). General:
    /// <c>dgeev</c> on a copy (right eigenvectors of unit 2-norm; a complex pair <c>wr +- i wi</c> has its real and
    /// imaginary parts in two adjacent columns). <paramref name="matrixD"/> is cleared and receives the real
    /// block-diagonal form (<c>wi</c> at <c>(i, i+1)</c> when <c>wi &gt; 0</c>, at <c>(i, i-1)</c> when <c>wi &lt; 0</c>), as
    /// in the managed provider, so that <c>A*V = V*D</c>. Eigenvectors are scaled and, for general matrices, ordered
    /// differently from the managed provider's.
    /// </remarks>
    /// <exception cref="NonConvergenceException">The QR algorithm did not converge.</exception>
    public void EigenDecomp(bool isSymmetric, int order, double[] matrix, double[] matrixEv, Complex[] vectorEv, double[] matrixD)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(matrixEv);
        ArgumentNullException.ThrowIfNull(vectorEv);
        ArgumentNullException.ThrowIfNull(matrixD);
        NonNegative(order, nameof(order));
        Length(matrix, (long)order * order, nameof(matrix));
        Length(matrixEv, (long)order * order, nameof(matrixEv));
        Length(vectorEv, order, nameof(vectorEv));
        Length(matrixD, (long)order * order, nameof(matrixD));
        if (order < _cutoffs.Eigen || order == 0)
        {
            Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);
            return;
        }

        EnsureStarted();
        var n = order;
        var wr = new double[n];
        var wi = new double[n];
        int info;
        if (isSymmetric)
        {
            matrix.AsSpan().CopyTo(matrixEv);
            fixed (double* pv = matrixEv, pw = wr)
            {
                info = Blas.Dsyevd(Cblas.ColMajor, (byte)'V', UpperChar, n, pv, n, pw);
            }
        }
        else
        {
            var work = ArrayPool<double>.Shared.Rent(matrix.Length);
            try
            {
                matrix.AsSpan().CopyTo(work);
                fixed (double* pa = work, pwr = wr, pwi = wi, pv = matrixEv)
                {
                    info = Blas.Dgeev(Cblas.ColMajor, (byte)'N', (byte)'V', n, pa, n, pwr, pwi, null, 1, pv, n);
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(work);
            }
        }

        ThrowOnArgumentError(info);
        if (info > 0)
        {
            throw new NonConvergenceException(
                string.Create(CultureInfo.InvariantCulture, $"The eigenvalue algorithm did not converge ({(isSymmetric ? "dsyevd" : "dgeev")}, info {info})."));
        }

        Array.Clear(matrixD);
        for (var i = 0; i < n; i++)
        {
            vectorEv[i] = new Complex(wr[i], wi[i]);
            matrixD[(i * n) + i] = wr[i];
            if (wi[i] > 0)
            {
                matrixD[((i + 1) * n) + i] = wi[i];
            }
            else if (wi[i] < 0)
            {
                matrixD[((i - 1) * n) + i] = wi[i];
            }
        }
    }

    // ---- helpers ----

    private void Elementwise(double[] x, double[] y, double[] result, VectorOp op)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(result);
        SameLength(x, y, result);
        var n = x.Length;
        var cutoff = op switch
        {
            VectorOp.Divide => _cutoffs.Divide,
            VectorOp.Power => _cutoffs.Power,
            _ => _cutoffs.Arithmetic,
        };
        if (n < cutoff || n == 0 || !Blas.HasVectorMath)
        {
            switch (op)
            {
                case VectorOp.Add: Managed.AddArrays(x, y, result); break;
                case VectorOp.Subtract: Managed.SubtractArrays(x, y, result); break;
                case VectorOp.Multiply: Managed.PointWiseMultiplyArrays(x, y, result); break;
                case VectorOp.Divide: Managed.PointWiseDivideArrays(x, y, result); break;
                default: Managed.PointWisePowerArrays(x, y, result); break;
            }

            return;
        }

        EnsureStarted();
        fixed (double* px = x, py = y, pr = result)
        {
            Blas.VectorMath(op, n, px, py, pr);
        }
    }

    /// <summary>dgemm over validated arguments: aliasing, cutoff and degenerate shapes, then the call.</summary>
    private void Gemm(bool ta, bool tb, double alpha, double[] a, int rowsA, int columnsA, double[] b, int rowsB, int columnsB, double beta, double[] c)
    {
        var m = ta ? columnsA : rowsA;
        var k = ta ? rowsA : columnsA;
        var n = tb ? rowsB : columnsB;
        double[]? copyA = null, copyB = null;
        try
        {
            // c is written while a and b are read: work on private copies of the inputs it aliases.
            if (ReferenceEquals(a, c))
            {
                copyA = Copy(a);
            }

            if (ReferenceEquals(b, c))
            {
                copyB = copyA ?? Copy(b);
            }

            var inA = copyA ?? a;
            var inB = copyB ?? b;
            if ((long)m * n * k < _cutoffs.Gemm || m == 0 || n == 0 || k == 0 || alpha == 0.0)
            {
                // The managed provider wants exact lengths, so pooled copies (which may be longer) are trimmed.
                Managed.MatrixMultiplyWithUpdate(
                    ta ? Transpose.Transpose : Transpose.DontTranspose, tb ? Transpose.Transpose : Transpose.DontTranspose, alpha,
                    Exact(inA, a.Length), rowsA, columnsA, Exact(inB, b.Length), rowsB, columnsB, beta, c);
                return;
            }

            EnsureStarted();
            fixed (double* pa = inA, pb = inB, pc = c)
            {
                Blas.Dgemm(
                    Cblas.ColMajor, ta ? Cblas.Trans : Cblas.NoTrans, tb ? Cblas.Trans : Cblas.NoTrans, m, n, k,
                    alpha, pa, rowsA, pb, rowsB, beta, pc, m);
            }
        }
        finally
        {
            if (copyA is not null)
            {
                ArrayPool<double>.Shared.Return(copyA);
            }

            if (copyB is not null && !ReferenceEquals(copyB, copyA))
            {
                ArrayPool<double>.Shared.Return(copyB);
            }
        }
    }

    private static T[] Exact<T>(T[] array, int length) => array.Length == length ? array : array.AsSpan(0, length).ToArray();

    private static double[] Copy(double[] source)
    {
        var copy = ArrayPool<double>.Shared.Rent(source.Length);
        source.AsSpan().CopyTo(copy);
        return copy;
    }

    /// <summary>
    /// The inverse from LU factors in <paramref name="a"/> and 1-based pivots: <c>dgetri</c>, or, when U has an exact zero
    /// on its diagonal (which <c>dgetri</c> refuses), <c>dgetrs</c> on the identity, which yields the managed provider's
    /// infinities and NaN.
    /// </summary>
    private void InverseFromFactors(double[] a, int order, int[] pivots1)
    {
        var singular = false;
        for (var i = 0; i < order && !singular; i++)
        {
            singular = a[(i * order) + i] == 0.0;
        }

        int info;
        if (!singular)
        {
            fixed (double* pa = a)
            fixed (int* pp = pivots1)
            {
                info = Blas.Dgetri(Cblas.ColMajor, order, pa, order, pp);
            }

            ThrowOnArgumentError(info);
            return;
        }

        var lu = ArrayPool<double>.Shared.Rent(a.Length);
        try
        {
            a.AsSpan().CopyTo(lu);
            Array.Clear(a);
            for (var i = 0; i < order; i++)
            {
                a[(i * order) + i] = 1.0;
            }

            fixed (double* pl = lu, pa = a)
            fixed (int* pp = pivots1)
            {
                info = Blas.Dgetrs(Cblas.ColMajor, NoTransChar, order, order, pl, order, pp, pa, order);
            }

            ThrowOnArgumentError(info);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(lu);
        }
    }

    private static int[] OneBased(int[] ipiv, int order)
    {
        var pivots = ArrayPool<int>.Shared.Rent(order);
        for (var i = 0; i < order; i++)
        {
            pivots[i] = ipiv[i] + 1;
        }

        return pivots;
    }

    private static void ZeroBelowDiagonal(double[] matrix, int rows, int columns)
    {
        for (var j = 0; j < columns && j + 1 < rows; j++)
        {
            matrix.AsSpan((j * rows) + j + 1, rows - j - 1).Clear();
        }
    }

    /// <summary>Pivots index rows, so one out of range would make LAPACK swap memory it does not own.</summary>
    private static void CheckPivots(int[] ipiv, int order)
    {
        for (var i = 0; i < order; i++)
        {
            if ((uint)ipiv[i] >= (uint)order)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Pivot {i} is {ipiv[i]}, outside [0, {order}): not the pivots of an LU factorization of this order."),
                    nameof(ipiv));
            }
        }
    }

    private static void CheckProduct(int rowsA, int columnsA, int lengthA, int rowsB, int columnsB, int lengthB, int rowsC, int columnsC, int lengthC)
    {
        if (rowsA < 0 || columnsA < 0 || rowsB < 0 || columnsB < 0)
        {
            throw new ArgumentOutOfRangeException(
                string.Create(CultureInfo.InvariantCulture, $"Matrix dimensions must not be negative ({rowsA}x{columnsA}, {rowsB}x{columnsB})."));
        }

        if (columnsA != rowsB)
        {
            throw new ArgumentOutOfRangeException(string.Create(CultureInfo.InvariantCulture, $"columnsA ({columnsA}) != rowsB ({rowsB})"));
        }

        if ((long)rowsA * columnsA != lengthA)
        {
            throw new ArgumentOutOfRangeException(string.Create(CultureInfo.InvariantCulture, $"rowsA ({rowsA}) * columnsA ({columnsA}) != a.Length ({lengthA})"));
        }

        if ((long)rowsB * columnsB != lengthB)
        {
            throw new ArgumentOutOfRangeException(string.Create(CultureInfo.InvariantCulture, $"rowsB ({rowsB}) * columnsB ({columnsB}) != b.Length ({lengthB})"));
        }

        if ((long)rowsC * columnsC != lengthC)
        {
            throw new ArgumentOutOfRangeException(string.Create(CultureInfo.InvariantCulture, $"rowsA ({rowsC}) * columnsB ({columnsC}) != c.Length ({lengthC})"));
        }
    }

    private static void SameLength(Array a, Array b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("All vectors must have the same dimensionality.");
        }
    }

    private static void SameLength(Array a, Array b, Array c)
    {
        if (a.Length != b.Length || a.Length != c.Length)
        {
            throw new ArgumentException("All vectors must have the same dimensionality.");
        }
    }

    /// <summary>
    /// Checks a square solve's arguments (<paramref name="a"/> order x order, <paramref name="b"/> order x columns, not
    /// the same array) and says whether the solve stays with the managed provider (small or empty).
    /// </summary>
    private bool StaysManagedSolve(double[] a, int order, double[] b, int columns, string orderName, string columnsName)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        NonNegative(order, orderName);
        NonNegative(columns, columnsName);
        Length(a, (long)order * order, nameof(a));
        Length(b, (long)order * columns, nameof(b));
        Distinct(a, b);
        return order < _cutoffs.Factorization || order == 0 || columns == 0;
    }

    private static void Length(Array array, long expected, string name)
    {
        if (array.LongLength != expected)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The given array has the wrong length. Should be {expected}, is {array.LongLength}."), name);
        }
    }

    private static void NonNegative(int value, string name)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "A dimension must not be negative.");
        }
    }

    private static void Distinct(double[] a, double[] b)
    {
        if (ReferenceEquals(a, b))
        {
            throw new ArgumentException("Arguments must be different objects.");
        }
    }

    /// <summary>Negative LAPACK codes (LAPACKE's convention): a work-array allocation failure, or an argument error (a bug here, since arguments are validated).</summary>
    private static void ThrowOnArgumentError(int info)
    {
        if (info is Cblas.LapackWorkMemoryError or Cblas.LapackTransposeMemoryError)
        {
            throw new MemoryAllocationException();
        }

        if (info < 0)
        {
            throw new InvalidParameterException(-info);
        }
    }

    private static void ThrowOnCholesky(int info)
    {
        ThrowOnArgumentError(info);
        if (info > 0)
        {
            throw new ArgumentException("Matrix must be positive definite.");
        }
    }
}
