using System.Numerics;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Regularization.Mkl.Tests;

/// <summary>
/// LAPACK-backed methods against the managed provider, compared by reconstruction and residuals (factors are unique
/// only up to signs, pivots and ordering). Bounds, with <c>eps = 2^-52</c> and <c>n</c> the order or larger dimension:
/// <list type="bullet">
/// <item>reconstructions (<c>P*L*U</c>, <c>L*L^T</c>, <c>Q*R</c>, <c>U*S*V^T</c>, <c>A*V = V*D</c>) and orthogonality
/// (<c>Q^T Q = I</c>): max-norm error &lt;= <c>64 n eps</c> times the size of the terms;</item>
/// <item>solves: residual <c>|A X - B| &lt;= 64 n eps |A| |X|</c> element-wise, and X within <c>1e-8</c> (relative, max
/// norm) of the managed provider's X (the test matrices have condition numbers below about 1e4);</item>
/// <item>LU pivots identical; Cholesky factors within <c>1e-12</c> relative; singular values and symmetric eigenvalues
/// within <c>64 n eps max|.|</c>; general eigenvalues matched as multisets within <c>1e-9</c> relative.</item>
/// </list>
/// </summary>
public abstract class FactorizationParityTests
{
    /// <summary>The native provider under test, with no size cutoffs (every size reaches the library).</summary>
    private protected abstract NativeLinearAlgebraProvider Native { get; }

    /// <summary>The native provider as users get it (measured cutoffs).</summary>
    private protected abstract NativeLinearAlgebraProvider NativeWithCutoffs { get; }

    public static TheoryData<int> Orders => new() { 0, 1, 7, 33, 257 };

    // ---- LU ----

    [NativeTheory]
    [MemberData(nameof(Orders))]
    public void LUFactor_PivotsEqualManaged_AndPLUReconstructsA(int n)
    {
        var a = Rand.Array(40, n * n);
        var lu = (double[])a.Clone();
        var pivots = new int[n];
        Native.LUFactor(lu, n, pivots);
        var luManaged = (double[])a.Clone();
        var pivotsManaged = new int[n];
        Providers.Managed.LUFactor(luManaged, n, pivotsManaged);

        Assert.Equal(pivotsManaged, pivots);
        Check.Close(luManaged, lu, 1e-10, "LU factors");
        if (n == 0)
        {
            return;
        }

        var factors = M.Of(n, n, lu);
        var l = factors.StrictlyLowerTriangle() + Matrix<double>.Build.DenseIdentity(n);
        var u = factors.UpperTriangle();
        var pa = M.Of(n, n, (double[])a.Clone());
        for (var i = 0; i < n; i++)
        {
            if (pivots[i] != i)
            {
                var row = pa.Row(i);
                pa.SetRow(i, pa.Row(pivots[i]));
                pa.SetRow(pivots[i], row);
            }
        }

        AssertSmall(pa - (l * u), 64 * n * Check.Eps * (M.Abs(l) * M.Abs(u)).Enumerate().Max(), "P*A - L*U");
    }

    [NativeTheory]
    [MemberData(nameof(Orders))]
    public void LUInverse_AndLUInverseFactored_InvertA(int n)
    {
        var a = Rand.Array(41, n * n);
        var inverse = (double[])a.Clone();
        Native.LUInverse(inverse, n);
        var expected = (double[])a.Clone();
        Providers.Managed.LUInverse(expected, n);
        Check.Close(expected, inverse, 1e-8, "LUInverse vs managed");
        AssertSmall(M.Of(n, n, a) * M.Of(n, n, inverse) - Matrix<double>.Build.DenseIdentity(n), 1e-9, "A * inv(A) - I");

        // Factored, from MKL's factors and from the managed provider's (0-based pivots either way).
        foreach (var factorWithMkl in new[] { true, false })
        {
            var lu = (double[])a.Clone();
            var pivots = new int[n];
            (factorWithMkl ? (MathNet.Numerics.Providers.LinearAlgebra.ILinearAlgebraProvider<double>)Native : Providers.Managed).LUFactor(lu, n, pivots);
            var pivotsBefore = (int[])pivots.Clone();
            Native.LUInverseFactored(lu, n, pivots);
            Assert.Equal(pivotsBefore, pivots);
            Check.Close(expected, lu, 1e-8, $"LUInverseFactored (factors from {(factorWithMkl ? "MKL" : "managed")})");
        }
    }

    [NativeTheory]
    [InlineData(1, 1)]
    [InlineData(7, 1)]
    [InlineData(33, 3)]
    [InlineData(257, 2)]
    [InlineData(7, 0)]
    public void LUSolve_AndLUSolveFactored_HaveSmallResiduals(int n, int nrhs)
    {
        var a = Rand.Array(42, n * n);
        var b = Rand.Array(43, n * nrhs);
        var aBefore = (double[])a.Clone();
        var x = (double[])b.Clone();
        Native.LUSolve(nrhs, a, n, x);
        Check.Bitwise(aBefore, a, "LUSolve leaves A untouched");
        var expected = (double[])b.Clone();
        Providers.Managed.LUSolve(nrhs, a, n, expected);
        Check.Close(expected, x, 1e-8, "LUSolve vs managed");
        AssertResidual(n, a, x, b, nrhs, "LUSolve");

        var lu = (double[])a.Clone();
        var pivots = new int[n];
        Native.LUFactor(lu, n, pivots);
        var xf = (double[])b.Clone();
        Native.LUSolveFactored(nrhs, lu, n, pivots, xf);
        AssertResidual(n, a, xf, b, nrhs, "LUSolveFactored");
    }

    [NativeFact]
    public void SingularMatrix_LikeManaged_NoException_NonFiniteInverseAndSolution()
    {
        const int n = 5;
        var a = Rand.Array(44, n * n);
        Array.Clear(a, 2 * n, n); // column 2 is zero: U(2,2) is exactly 0

        var inverseMkl = (double[])a.Clone();
        var inverseManaged = (double[])a.Clone();
        Providers.Managed.LUInverse(inverseManaged, n);
        Native.LUInverse(inverseMkl, n);
        Assert.True(Check.AnyNonFinite(inverseManaged));
        Assert.True(Check.AnyNonFinite(inverseMkl));

        var b = Rand.Array(45, n);
        var xManaged = (double[])b.Clone();
        var xMkl = (double[])b.Clone();
        Providers.Managed.LUSolve(1, a, n, xManaged);
        Native.LUSolve(1, a, n, xMkl);
        Assert.True(Check.AnyNonFinite(xManaged));
        Assert.True(Check.AnyNonFinite(xMkl));
    }

    [NativeFact]
    public void InvalidPivots_AreRejectedBeforeTheNativeCall()
    {
        var lu = Rand.Array(46, 16);
        var b = Rand.Array(47, 4);
        Assert.Throws<ArgumentException>(() => Native.LUSolveFactored(1, lu, 4, [0, 1, 7, 3], b));
        Assert.Throws<ArgumentException>(() => Native.LUInverseFactored(lu, 4, [0, -1, 2, 3]));
    }

    [NativeFact]
    public void NaN_Propagates_WithoutException_AsInManaged()
    {
        var a = Rand.Array(48, 49);
        a[10] = double.NaN;
        var lu = (double[])a.Clone();
        Native.LUFactor(lu, 7, new int[7]);
        Assert.Contains(lu, double.IsNaN);
        var x = Rand.Array(49, 7);
        Native.LUSolve(1, a, 7, x);
        Assert.Contains(x, double.IsNaN);
    }

    // ---- Cholesky ----

    [NativeTheory]
    [MemberData(nameof(Orders))]
    public void CholeskyFactor_EqualsManaged_ZeroUpperTriangle_LLtReconstructsA(int n)
    {
        var a = Rand.Spd(50, n);
        var l = (double[])a.Clone();
        Native.CholeskyFactor(l, n);
        var expected = (double[])a.Clone();
        Providers.Managed.CholeskyFactor(expected, n);
        Check.Close(expected, l, 1e-12, "Cholesky factor");
        for (var j = 0; j < n; j++)
        {
            for (var i = 0; i < j; i++)
            {
                Assert.Equal(0.0, l[(j * n) + i]);
            }
        }

        var lm = M.Of(n, n, l);
        AssertSmall(lm.TransposeAndMultiply(lm) - M.Of(n, n, a), 64 * Math.Max(1, n) * Check.Eps * Math.Max(1, Check.MaxAbs(a)), "L*L^T - A");
    }

    [NativeTheory]
    [InlineData(3)]
    [InlineData(33)]
    [InlineData(257)]
    public void NotPositiveDefinite_ThrowsArgumentException_LikeManaged(int n)
    {
        var a = Rand.Symmetric(51, n);
        a[((n - 1) * n) + (n - 1)] = -1.0;
        GemmParityTests.SameException(() => Providers.Managed.CholeskyFactor((double[])a.Clone(), n), () => Native.CholeskyFactor((double[])a.Clone(), n));
        Assert.Throws<ArgumentException>(() => Native.CholeskyFactor((double[])a.Clone(), n));
        var b = Rand.Array(52, n);
        GemmParityTests.SameException(() => Providers.Managed.CholeskySolve(a, n, (double[])b.Clone(), 1), () => Native.CholeskySolve(a, n, (double[])b.Clone(), 1));
    }

    [NativeTheory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(257, 3)]
    public void CholeskySolve_AndFactored_HaveSmallResiduals(int n, int nrhs)
    {
        var a = Rand.Spd(53, n);
        var b = Rand.Array(54, n * nrhs);
        var x = (double[])b.Clone();
        Native.CholeskySolve(a, n, x, nrhs);
        var expected = (double[])b.Clone();
        Providers.Managed.CholeskySolve(a, n, expected, nrhs);
        Check.Close(expected, x, 1e-8, "CholeskySolve vs managed");
        AssertResidual(n, a, x, b, nrhs, "CholeskySolve");

        var l = (double[])a.Clone();
        Providers.Managed.CholeskyFactor(l, n);
        var xf = (double[])b.Clone();
        Native.CholeskySolveFactored(l, n, xf, nrhs);
        AssertResidual(n, a, xf, b, nrhs, "CholeskySolveFactored (managed factor)");
    }

    // ---- QR ----

    public static TheoryData<int, int> QRShapes => new() { { 0, 0 }, { 1, 1 }, { 7, 7 }, { 9, 5 }, { 5, 9 }, { 257, 33 } };

    [NativeTheory]
    [MemberData(nameof(QRShapes))]
    public void QRFactor_QOrthogonal_RUpperWithExactZeros_QRReconstructsA(int m, int n)
    {
        var a = Rand.Array(55, m * n);
        var r = (double[])a.Clone();
        var q = new double[m * m];
        var tau = new double[Math.Min(m, n)];
        Native.QRFactor(r, m, n, q, tau);
        var rManaged = (double[])a.Clone();
        Providers.Managed.QRFactor(rManaged, m, n, new double[m * m], new double[Math.Min(m, n)]);

        var rm = M.Of(m, n, r);
        Assert.Equal(rm.UpperTriangle(), rm);
        for (var i = 0; i < Math.Min(m, n); i++)
        {
            Assert.Equal(Math.Abs(rManaged[(i * m) + i]), Math.Abs(r[(i * m) + i]), 1e-12 * Math.Max(1, Check.MaxAbs(rManaged)));
        }

        var qm = M.Of(m, m, q);
        var tol = 64 * Math.Max(1, m) * Check.Eps;
        AssertSmall(qm.TransposeThisAndMultiply(qm) - Matrix<double>.Build.DenseIdentity(m), tol, "Q^T Q - I");
        AssertSmall((qm * rm) - M.Of(m, n, a), tol * Math.Max(1, Check.MaxAbs(r)), "Q R - A");
    }

    public static TheoryData<int, int> ThinShapes => new() { { 1, 1 }, { 7, 7 }, { 9, 5 }, { 257, 33 } };

    [NativeTheory]
    [MemberData(nameof(ThinShapes))]
    public void ThinQRFactor_QHasOrthonormalColumns_QRReconstructsA(int m, int n)
    {
        var a = Rand.Array(56, m * n);
        var q = (double[])a.Clone();
        var r = new double[n * n];
        Native.ThinQRFactor(q, m, n, r, new double[n]);
        var qm = M.Of(m, n, q);
        var rm = M.Of(n, n, r);
        Assert.Equal(rm.UpperTriangle(), rm);
        var tol = 64 * m * Check.Eps;
        AssertSmall(qm.TransposeThisAndMultiply(qm) - Matrix<double>.Build.DenseIdentity(n), tol, "Q^T Q - I");
        AssertSmall((qm * rm) - M.Of(m, n, a), tol * Math.Max(1, Check.MaxAbs(r)), "Q R - A");
    }

    public static TheoryData<int, int, int> SolveShapes => new() { { 1, 1, 1 }, { 7, 7, 2 }, { 9, 5, 1 }, { 257, 33, 3 }, { 9, 5, 0 } };

    [NativeTheory]
    [MemberData(nameof(SolveShapes))]
    public void QRSolve_AndQRSolveFactored_GiveTheManagedLeastSquaresSolution(int m, int n, int nrhs)
    {
        var a = Rand.Array(57, m * n);
        var b = Rand.Array(58, m * nrhs);
        var expected = new double[n * nrhs];
        Providers.Managed.QRSolve(a, m, n, (double[])b.Clone(), nrhs, expected);
        foreach (var method in new[] { QRMethod.Full, QRMethod.Thin })
        {
            var x = new double[n * nrhs];
            var bCopy = (double[])b.Clone();
            Native.QRSolve(a, m, n, bCopy, nrhs, x, method);
            Check.Bitwise(b, bCopy, "QRSolve leaves B untouched");
            Check.Close(expected, x, 1e-8, $"QRSolve {method}");
        }

        // Factored: with MKL's factors (tau from MKL), and with managed factors (thin: tau null, as Gram-Schmidt passes).
        var rFull = (double[])a.Clone();
        var qFull = new double[m * m];
        var tau = new double[n];
        Native.QRFactor(rFull, m, n, qFull, tau);
        var xf = new double[n * nrhs];
        Native.QRSolveFactored(qFull, rFull, m, n, tau, b, nrhs, xf, QRMethod.Full);
        Check.Close(expected, xf, 1e-8, "QRSolveFactored full, MKL factors");

        var qThin = (double[])a.Clone();
        var rThin = new double[n * n];
        Providers.Managed.ThinQRFactor(qThin, m, n, rThin, new double[n]);
        var xt = new double[n * nrhs];
        Native.QRSolveFactored(qThin, rThin, m, n, null!, b, nrhs, xt, QRMethod.Thin);
        Check.Close(expected, xt, 1e-8, "QRSolveFactored thin, managed factors, no tau");
    }

    [NativeFact]
    public void RankDeficientQRSolve_LikeManaged_NoException_NonFinite()
    {
        const int m = 8;
        const int n = 4;
        var a = Rand.Array(59, m * n);
        Array.Clear(a, 1 * m, m);
        var b = Rand.Array(60, m);
        var xManaged = new double[n];
        var xMkl = new double[n];
        Providers.Managed.QRSolve(a, m, n, b, 1, xManaged);
        Native.QRSolve(a, m, n, b, 1, xMkl);
        Assert.True(Check.AnyNonFinite(xManaged));
        Assert.True(Check.AnyNonFinite(xMkl));
    }

    // ---- SVD ----

    public static TheoryData<int, int> SvdShapes => new() { { 1, 1 }, { 7, 7 }, { 9, 5 }, { 5, 9 }, { 65, 65 }, { 257, 33 } };

    [NativeTheory]
    [MemberData(nameof(SvdShapes))]
    public void Svd_SingularValuesEqualManaged_UsvtReconstructsA(int m, int n)
    {
        var a = Rand.Array(61, m * n);
        var k = Math.Min(m, n);
        var s = new double[k];
        var u = new double[m * m];
        var vt = new double[n * n];
        Native.SingularValueDecomposition(true, (double[])a.Clone(), m, n, s, u, vt);
        var sManaged = new double[k];
        Providers.Managed.SingularValueDecomposition(true, (double[])a.Clone(), m, n, sManaged, new double[m * m], new double[n * n]);
        var tol = 64 * Math.Max(m, n) * Check.Eps;
        Check.Within(sManaged, s, _ => tol * sManaged[0], "singular values");

        var sOnly = new double[k];
        Native.SingularValueDecomposition(false, (double[])a.Clone(), m, n, sOnly, new double[m * m], new double[n * n]);
        Check.Within(sManaged, sOnly, _ => tol * sManaged[0], "singular values without vectors");

        var um = M.Of(m, m, u);
        var vtm = M.Of(n, n, vt);
        var sm = Matrix<double>.Build.Dense(m, n);
        for (var i = 0; i < k; i++)
        {
            sm[i, i] = s[i];
        }

        AssertSmall(um.TransposeThisAndMultiply(um) - Matrix<double>.Build.DenseIdentity(m), tol, "U^T U - I");
        AssertSmall(vtm.TransposeAndMultiply(vtm) - Matrix<double>.Build.DenseIdentity(n), tol, "V^T V - I");
        AssertSmall((um * sm * vtm) - M.Of(m, n, a), tol * s[0], "U S V^T - A");
    }

    [NativeTheory]
    [InlineData(7, 7, 1)]
    [InlineData(9, 5, 2)]
    [InlineData(257, 33, 3)]
    public void SvdSolve_AndFactored_EqualManaged(int m, int n, int nrhs)
    {
        var a = Rand.Array(62, m * n);
        var b = Rand.Array(63, m * nrhs);
        var expected = new double[n * nrhs];
        Providers.Managed.SvdSolve(a, m, n, b, nrhs, expected);
        var x = new double[n * nrhs];
        Native.SvdSolve(a, m, n, b, nrhs, x);
        Check.Close(expected, x, 1e-8, "SvdSolve");

        var k = Math.Min(m, n);
        var s = new double[k];
        var u = new double[m * m];
        var vt = new double[n * n];
        Providers.Managed.SingularValueDecomposition(true, (double[])a.Clone(), m, n, s, u, vt);
        var xf = new double[n * nrhs];
        Native.SvdSolveFactored(m, n, s, u, vt, b, nrhs, xf);
        Check.Close(expected, xf, 1e-8, "SvdSolveFactored with managed factors");
    }

    // ---- Eigen ----

    [NativeTheory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(257)]
    public void SymmetricEvd_EigenvaluesEqualManaged_AVEqualsVD(int n)
    {
        var a = Rand.Symmetric(64, n);
        var v = new double[n * n];
        var lambda = new Complex[n];
        var d = new double[n * n];
        Native.EigenDecomp(true, n, a, v, lambda, d);
        var lambdaManaged = new Complex[n];
        Providers.Managed.EigenDecomp(true, n, a, new double[n * n], lambdaManaged, new double[n * n]);

        var scale = Math.Max(1, lambdaManaged.Max(c => c.Magnitude));
        var tol = 64 * n * Check.Eps;
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(0.0, lambda[i].Imaginary);
            Assert.Equal(lambdaManaged[i].Real, lambda[i].Real, tol * scale);
        }

        var vm = M.Of(n, n, v);
        var dm = M.Of(n, n, d);
        Assert.Equal(Matrix<double>.Build.DenseOfDiagonalArray(lambda.Select(c => c.Real).ToArray()), dm);
        AssertSmall(vm.TransposeThisAndMultiply(vm) - Matrix<double>.Build.DenseIdentity(n), tol, "V^T V - I");
        AssertSmall((M.Of(n, n, a) * vm) - (vm * dm), tol * scale, "A V - V D");
    }

    [NativeTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(100)]
    public void GeneralEvd_EigenvaluesMatchManaged_AVEqualsVD(int n)
    {
        var a = Rand.Array(65, n * n);
        if (n == 2)
        {
            a = [0.5, 2.0, -2.0, 0.5]; // eigenvalues 0.5 +- 2i
        }

        var v = new double[n * n];
        var lambda = new Complex[n];
        var d = new double[n * n];
        Native.EigenDecomp(false, n, a, v, lambda, d);
        var lambdaManaged = new Complex[n];
        Providers.Managed.EigenDecomp(false, n, a, new double[n * n], lambdaManaged, new double[n * n]);

        var scale = Math.Max(1, lambdaManaged.Max(c => c.Magnitude));
        var unused = lambda.ToList();
        foreach (var expected in lambdaManaged)
        {
            var nearest = unused.MinBy(c => (c - expected).Magnitude);
            Assert.True((nearest - expected).Magnitude <= 1e-9 * scale, $"eigenvalue {expected} not matched (nearest {nearest})");
            unused.Remove(nearest);
        }

        var vm = M.Of(n, n, v);
        AssertSmall((M.Of(n, n, a) * vm) - (vm * M.Of(n, n, d)), 64 * n * Check.Eps * scale, "A V - V D");
        if (n == 2)
        {
            Assert.Equal(0.5, lambda[0].Real, 1e-14);
            Assert.Equal(2.0, Math.Abs(lambda[0].Imaginary), 1e-14);
        }
    }

    [NativeFact]
    public void ArgumentErrors_HaveTheManagedProvidersExceptionTypes()
    {
        var mkl = Native;
        var managed = Providers.Managed;
        GemmParityTests.SameException(() => managed.LUFactor(new double[8], 3, new int[3]), () => mkl.LUFactor(new double[8], 3, new int[3]));
        GemmParityTests.SameException(() => managed.LUSolve(1, new double[9], 3, new double[4]), () => mkl.LUSolve(1, new double[9], 3, new double[4]));
        var same = new double[9];
        GemmParityTests.SameException(() => managed.LUSolve(3, same, 3, same), () => mkl.LUSolve(3, same, 3, same));
        GemmParityTests.SameException(() => managed.QRSolve(new double[6], 2, 3, new double[2], 1, new double[3]), () => mkl.QRSolve(new double[6], 2, 3, new double[2], 1, new double[3]));
        GemmParityTests.SameException(
            () => managed.SingularValueDecomposition(true, new double[6], 2, 3, new double[2], new double[3], new double[9]),
            () => mkl.SingularValueDecomposition(true, new double[6], 2, 3, new double[2], new double[3], new double[9]));
        GemmParityTests.SameException(
            () => managed.EigenDecomp(true, 3, new double[9], new double[9], new Complex[2], new double[9]),
            () => mkl.EigenDecomp(true, 3, new double[9], new double[9], new Complex[2], new double[9]));
        GemmParityTests.SameException(() => managed.AddArrays(new double[2], new double[3], new double[2]), () => mkl.AddArrays(new double[2], new double[3], new double[2]));
        GemmParityTests.SameException(() => managed.DotProduct(new double[2], null!), () => mkl.DotProduct(new double[2], null!));
    }

    private static void AssertSmall(Matrix<double> difference, double bound, string what)
    {
        var max = difference.RowCount * difference.ColumnCount == 0 ? 0.0 : difference.Enumerate().Max(Math.Abs);
        Assert.True(max <= bound, $"{what}: max |.| = {max:E3} > {bound:E3}");
    }

    /// <summary><c>|A X - B| &lt;= 64 n eps |A| |X|</c> element-wise (plus a floor of <c>eps |B|</c>).</summary>
    private static void AssertResidual(int n, double[] a, double[] x, double[] b, int nrhs, string what)
    {
        if (n == 0 || nrhs == 0)
        {
            return;
        }

        var am = M.Of(n, n, a);
        var xm = M.Of(n, nrhs, x);
        var residual = (am * xm) - M.Of(n, nrhs, b);
        var scale = M.Abs(am) * M.Abs(xm);
        for (var j = 0; j < nrhs; j++)
        {
            for (var i = 0; i < n; i++)
            {
                var bound = (64 * n * Check.Eps * scale[i, j]) + (Check.Eps * Math.Abs(b[(j * n) + i]));
                Assert.True(Math.Abs(residual[i, j]) <= bound, $"{what}: residual ({i},{j}) = {residual[i, j]:E3} > {bound:E3}");
            }
        }
    }
}

/// <summary><see cref="FactorizationParityTests"/> on Intel MKL.</summary>
public sealed class MklFactorizationParityTests : FactorizationParityTests
{
    private protected override NativeLinearAlgebraProvider Native => Providers.Mkl;

    private protected override NativeLinearAlgebraProvider NativeWithCutoffs => Providers.MklWithCutoffs;
}

/// <summary><see cref="FactorizationParityTests"/> on OpenBLAS.</summary>
public sealed class OpenBlasFactorizationParityTests : FactorizationParityTests
{
    private protected override NativeLinearAlgebraProvider Native => Providers.OpenBlas;

    private protected override NativeLinearAlgebraProvider NativeWithCutoffs => Providers.OpenBlasWithCutoffs;
}
