using MathNet.Numerics.Providers.LinearAlgebra;

namespace Regularization.Mkl.Tests;

/// <summary>
/// dgemm/sgemm against the managed provider. Tolerance, element by element, the standard bound for a dot product of
/// length k: <c>|C_mkl - C_managed| &lt;= 2 (k + 2) eps (|alpha| |op(A)| |op(B)| + |beta| |C0|)</c>, with
/// <c>eps = 2^-52</c> (double) or <c>2^-23</c> (float).
/// </summary>
public abstract class GemmParityTests
{
    /// <summary>The native provider under test, with no size cutoffs (every size reaches the library).</summary>
    private protected abstract NativeLinearAlgebraProvider Native { get; }

    /// <summary>The native provider as users get it (measured cutoffs).</summary>
    private protected abstract NativeLinearAlgebraProvider NativeWithCutoffs { get; }

    private static readonly Transpose[] AllTransposes = [Transpose.DontTranspose, Transpose.Transpose, Transpose.ConjugateTranspose];

    public static TheoryData<int, int, int> ProductShapes => new()
    {
        { 0, 0, 0 }, { 0, 3, 2 }, { 2, 0, 3 }, { 3, 2, 0 }, { 1, 1, 1 }, { 7, 5, 3 }, { 3, 9, 1 }, { 33, 17, 65 }, { 257, 31, 9 }, { 257, 257, 257 },
    };

    [NativeTheory]
    [MemberData(nameof(ProductShapes))]
    public void MatrixMultiply_IsWithinDotProductBound(int m, int k, int n)
    {
        var x = Rand.Array(20, m * k);
        var y = Rand.Array(21, k * n, 3.0);
        var expected = new double[m * n];
        var actual = Rand.Array(22, m * n); // garbage that must be overwritten
        Providers.Managed.MatrixMultiply(x, m, k, y, k, n, expected);
        Native.MatrixMultiply(x, m, k, y, k, n, actual);
        var bound = Bound(false, false, 1.0, x, m, k, y, k, n, 0.0, new double[m * n], Check.Eps);
        Check.Within(expected, actual, i => bound[i], $"MatrixMultiply {m}x{k}x{n}");
    }

    public static TheoryData<Transpose, Transpose, int, int, int, double, double> UpdateCases()
    {
        var data = new TheoryData<Transpose, Transpose, int, int, int, double, double>();
        (int M, int K, int N)[] shapes = [(1, 1, 1), (7, 5, 3), (3, 9, 1), (0, 2, 3), (4, 0, 2), (33, 17, 65)];
        (double Alpha, double Beta)[] scalars = [(1, 0), (0.7, -1.3), (0, 2), (-2, 1)];
        foreach (var ta in AllTransposes)
        {
            foreach (var tb in AllTransposes)
            {
                foreach (var (m, k, n) in shapes)
                {
                    foreach (var (alpha, beta) in scalars)
                    {
                        data.Add(ta, tb, m, k, n, alpha, beta);
                    }
                }
            }
        }

        return data;
    }

    [NativeTheory]
    [MemberData(nameof(UpdateCases))]
    public void MatrixMultiplyWithUpdate_EveryTransposeAndScalar_IsWithinDotProductBound(
        Transpose transposeA, Transpose transposeB, int m, int k, int n, double alpha, double beta)
    {
        var ta = transposeA != Transpose.DontTranspose;
        var tb = transposeB != Transpose.DontTranspose;
        var (rowsA, columnsA) = ta ? (k, m) : (m, k);
        var (rowsB, columnsB) = tb ? (n, k) : (k, n);
        var a = Rand.Array(23, rowsA * columnsA);
        var b = Rand.Array(24, rowsB * columnsB, 2.0);
        var c0 = Rand.Array(25, m * n);
        var expected = (double[])c0.Clone();
        var actual = (double[])c0.Clone();
        Providers.Managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, expected);
        Native.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, actual);
        var bound = Bound(ta, tb, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c0, Check.Eps);
        Check.Within(expected, actual, i => bound[i], $"gemm {transposeA}/{transposeB} {m}x{k}x{n} alpha {alpha} beta {beta}");
    }

    [NativeTheory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void MatrixMultiplyWithUpdate_Large257_IsWithinDotProductBound(bool ta, bool tb)
    {
        const int n = 257;
        var a = Rand.Array(26, n * n);
        var b = Rand.Array(27, n * n);
        var c0 = Rand.Array(28, n * n);
        var expected = (double[])c0.Clone();
        var actual = (double[])c0.Clone();
        var tA = ta ? Transpose.Transpose : Transpose.DontTranspose;
        var tB = tb ? Transpose.Transpose : Transpose.DontTranspose;
        Providers.Managed.MatrixMultiplyWithUpdate(tA, tB, 1.5, a, n, n, b, n, n, -0.25, expected);
        Native.MatrixMultiplyWithUpdate(tA, tB, 1.5, a, n, n, b, n, n, -0.25, actual);
        var bound = Bound(ta, tb, 1.5, a, n, n, b, n, n, -0.25, c0, Check.Eps);
        Check.Within(expected, actual, i => bound[i], "gemm 257");
    }

    [NativeFact]
    public void BetaZero_OverwritesNaNInC_AndAlphaZero_LeavesBetaC_AsManaged()
    {
        var a = Rand.Array(29, 12);
        var b = Rand.Array(30, 12);
        var c = Enumerable.Repeat(double.NaN, 9).ToArray();
        Native.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1.0, a, 3, 4, b, 4, 3, 0.0, c);
        Assert.All(c, v => Assert.True(double.IsFinite(v)));

        a[0] = double.NaN;
        var c0 = Rand.Array(31, 9);
        var expected = (double[])c0.Clone();
        var actual = (double[])c0.Clone();
        Providers.Managed.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 0.0, a, 3, 4, b, 4, 3, 0.5, expected);
        Native.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 0.0, a, 3, 4, b, 4, 3, 0.5, actual);
        Check.Bitwise(expected, actual, "alpha 0: beta * c, NaN in a ignored");
    }

    [NativeTheory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(64)]
    public void Results_MayAliasInputs(int n)
    {
        var mkl = Native;
        var a = Rand.Array(32, n * n);
        var b = Rand.Array(33, n * n);
        var tolerance = 4 * (n + 2) * Check.Eps * n;

        var expected = new double[n * n];
        Providers.Managed.MatrixMultiply(a, n, n, b, n, n, expected);
        var ra = (double[])a.Clone();
        mkl.MatrixMultiply(ra, n, n, b, n, n, ra);
        Check.Close(expected, ra, tolerance, "result is x");
        var rb = (double[])b.Clone();
        mkl.MatrixMultiply(a, n, n, rb, n, n, rb);
        Check.Close(expected, rb, tolerance, "result is y");

        // c = 0.5 * a^T * a - 2 * a, with c the same array as both inputs.
        var expectedSame = (double[])a.Clone();
        Providers.Managed.MatrixMultiplyWithUpdate(Transpose.Transpose, Transpose.DontTranspose, 0.5, (double[])a.Clone(), n, n, (double[])a.Clone(), n, n, -2.0, expectedSame);
        var same = (double[])a.Clone();
        mkl.MatrixMultiplyWithUpdate(Transpose.Transpose, Transpose.DontTranspose, 0.5, same, n, n, same, n, n, -2.0, same);
        Check.Close(expectedSame, same, tolerance, "a, b and c the same array");

        var expectedB = (double[])b.Clone();
        Providers.Managed.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.Transpose, 1.0, a, n, n, (double[])b.Clone(), n, n, 1.0, expectedB);
        var cb = (double[])b.Clone();
        mkl.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.Transpose, 1.0, a, n, n, cb, n, n, 1.0, cb);
        Check.Close(expectedB, cb, tolerance, "c is b");
    }

    [NativeTheory]
    [InlineData(false, false, 7, 5, 3)]
    [InlineData(true, false, 33, 17, 65)]
    [InlineData(false, true, 1, 1, 1)]
    [InlineData(true, true, 129, 257, 31)]
    public void Float_MatrixMultiplyWithUpdate_IsWithinFloatDotProductBound(bool ta, bool tb, int m, int k, int n)
    {
        var (rowsA, columnsA) = ta ? (k, m) : (m, k);
        var (rowsB, columnsB) = tb ? (n, k) : (k, n);
        var a = Rand.FloatArray(34, rowsA * columnsA);
        var b = Rand.FloatArray(35, rowsB * columnsB);
        var c0 = Rand.FloatArray(36, m * n);
        var expected = (float[])c0.Clone();
        var actual = (float[])c0.Clone();
        var tA = ta ? Transpose.Transpose : Transpose.DontTranspose;
        var tB = tb ? Transpose.Transpose : Transpose.DontTranspose;
        Providers.Managed.MatrixMultiplyWithUpdate(tA, tB, 0.75f, a, rowsA, columnsA, b, rowsB, columnsB, 0.5f, expected);
        Native.MatrixMultiplyWithUpdate(tA, tB, 0.75f, a, rowsA, columnsA, b, rowsB, columnsB, 0.5f, actual);
        var bound = Bound(
            ta, tb, 0.75, Array.ConvertAll(a, v => (double)v), rowsA, columnsA, Array.ConvertAll(b, v => (double)v), rowsB, columnsB, 0.5,
            Array.ConvertAll(c0, v => (double)v), 1.0 / (1 << 23));
        Check.Within(Array.ConvertAll(expected, v => (double)v), Array.ConvertAll(actual, v => (double)v), i => bound[i], "sgemm");

        var product = new float[m * k];
        var productExpected = new float[m * k];
        var x = Rand.FloatArray(37, m * n);
        var y = Rand.FloatArray(38, n * k);
        Providers.Managed.MatrixMultiply(x, m, n, y, n, k, productExpected);
        Native.MatrixMultiply(x, m, n, y, n, k, product);
        var productBound = Bound(
            false, false, 1.0, Array.ConvertAll(x, v => (double)v), m, n, Array.ConvertAll(y, v => (double)v), n, k, 0.0, new double[m * k], 1.0 / (1 << 23));
        Check.Within(Array.ConvertAll(productExpected, v => (double)v), Array.ConvertAll(product, v => (double)v), i => productBound[i], "sgemm product");

        // The result may alias an input (square case).
        var sq = Rand.FloatArray(39, m * m);
        var sqExpected = new float[m * m];
        Providers.Managed.MatrixMultiply(sq, m, m, sq, m, m, sqExpected);
        var sqBound = Bound(
            false, false, 1.0, Array.ConvertAll(sq, v => (double)v), m, m, Array.ConvertAll(sq, v => (double)v), m, m, 0.0, new double[m * m], 1.0 / (1 << 23));
        Native.MatrixMultiply(sq, m, m, sq, m, m, sq);
        Check.Within(Array.ConvertAll(sqExpected, v => (double)v), Array.ConvertAll(sq, v => (double)v), i => sqBound[i], "sgemm x*x into x");
    }

    [NativeFact]
    public void DimensionErrors_HaveTheManagedProvidersExceptionTypes()
    {
        var mkl = Native;
        var managed = Providers.Managed;
        var a = new double[6];
        var b = new double[6];
        var c = new double[4];
        SameException(
            () => managed.MatrixMultiply(a, 2, 3, b, 2, 3, c),
            () => mkl.MatrixMultiply(a, 2, 3, b, 2, 3, c));
        SameException(
            () => managed.MatrixMultiply(a, 2, 3, b, 3, 2, new double[5]),
            () => mkl.MatrixMultiply(a, 2, 3, b, 3, 2, new double[5]));
        SameException(
            () => managed.MatrixMultiplyWithUpdate(Transpose.Transpose, Transpose.DontTranspose, 1, a, 2, 3, b, 3, 2, 0, c),
            () => mkl.MatrixMultiplyWithUpdate(Transpose.Transpose, Transpose.DontTranspose, 1, a, 2, 3, b, 3, 2, 0, c));
        SameException(
            () => managed.MatrixMultiply(null!, 2, 3, b, 3, 2, c),
            () => mkl.MatrixMultiply(null!, 2, 3, b, 3, 2, c));
    }

    internal static void SameException(Action managed, Action mkl)
    {
        var expected = Record.Exception(managed);
        var actual = Record.Exception(mkl);
        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected.GetType(), actual.GetType());
    }

    /// <summary>Element bound <c>2 (k + 2) eps (|alpha| |op(A)||op(B)| + |beta| |C0|)</c>, with a floor for exact zeros.</summary>
    private static double[] Bound(
        bool ta, bool tb, double alpha, double[] a, int rowsA, int columnsA, double[] b, int rowsB, int columnsB, double beta, double[] c0, double eps)
    {
        var m = ta ? columnsA : rowsA;
        var k = ta ? rowsA : columnsA;
        var n = tb ? rowsB : columnsB;
        var abs = new double[m * n];
        Providers.Managed.MatrixMultiplyWithUpdate(
            ta ? Transpose.Transpose : Transpose.DontTranspose, tb ? Transpose.Transpose : Transpose.DontTranspose, Math.Abs(alpha),
            Array.ConvertAll(a, Math.Abs), rowsA, columnsA, Array.ConvertAll(b, Math.Abs), rowsB, columnsB, 0.0, abs);
        for (var i = 0; i < abs.Length; i++)
        {
            abs[i] = (2 * (k + 2) * eps * (abs[i] + (Math.Abs(beta) * Math.Abs(c0[i])))) + double.Epsilon;
        }

        return abs;
    }
}

/// <summary><see cref="GemmParityTests"/> on Intel MKL.</summary>
public sealed class MklGemmParityTests : GemmParityTests
{
    private protected override NativeLinearAlgebraProvider Native => Providers.Mkl;

    private protected override NativeLinearAlgebraProvider NativeWithCutoffs => Providers.MklWithCutoffs;
}

/// <summary><see cref="GemmParityTests"/> on OpenBLAS.</summary>
public sealed class OpenBlasGemmParityTests : GemmParityTests
{
    private protected override NativeLinearAlgebraProvider Native => Providers.OpenBlas;

    private protected override NativeLinearAlgebraProvider NativeWithCutoffs => Providers.OpenBlasWithCutoffs;
}
