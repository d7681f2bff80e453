using MathNet.Numerics.Providers.LinearAlgebra;

namespace Regularization.Mkl.Tests;

/// <summary>
/// Level-1 and element-wise methods against the managed provider. Bitwise: add, subtract, pointwise multiply, scale,
/// add-scaled-vector (inputs include signed zeros, subnormals, infinities and NaN). Within 1 ulp: divide and power
/// (VML high accuracy). Dot product: <c>|diff| &lt;= n * eps * sum |x_i y_i|</c>. Norms: max-abs exact, the others
/// within <c>rows * columns * eps</c> relative.
/// </summary>
public abstract class ElementwiseParityTests
{
    /// <summary>The native provider under test, with no size cutoffs (every size reaches the library).</summary>
    private protected abstract NativeLinearAlgebraProvider Native { get; }

    /// <summary>The native provider as users get it (measured cutoffs).</summary>
    private protected abstract NativeLinearAlgebraProvider NativeWithCutoffs { get; }

    public static TheoryData<int> Sizes => new() { 0, 1, 7, 33, 257, 4099 };

    [NativeTheory]
    [MemberData(nameof(Sizes))]
    public void AddArrays_IsBitwiseEqualToManaged(int n) =>
        Binary(n, (p, x, y, r) => p.AddArrays(x, y, r), "AddArrays");

    [NativeTheory]
    [MemberData(nameof(Sizes))]
    public void SubtractArrays_IsBitwiseEqualToManaged(int n) =>
        Binary(n, (p, x, y, r) => p.SubtractArrays(x, y, r), "SubtractArrays");

    [NativeTheory]
    [MemberData(nameof(Sizes))]
    public void PointWiseMultiplyArrays_IsBitwiseEqualToManaged(int n) =>
        Binary(n, (p, x, y, r) => p.PointWiseMultiplyArrays(x, y, r), "PointWiseMultiplyArrays");

    [NativeTheory]
    [MemberData(nameof(Sizes))]
    public void PointWiseDivideArrays_IsWithinOneUlpOfManaged(int n)
    {
        var x = Rand.WithSpecials(1, n);
        var y = Rand.WithSpecials(2, n);
        if (n > 3)
        {
            y[0] = 0.0;
            y[1] = -0.0;
            x[2] = 0.0;
            y[2] = 0.0;
        }

        var expected = new double[n];
        var actual = new double[n];
        Providers.Managed.PointWiseDivideArrays(x, y, expected);
        Native.PointWiseDivideArrays(x, y, actual);
        Check.Ulps(expected, actual, 1, "PointWiseDivideArrays");
    }

    [NativeTheory]
    [MemberData(nameof(Sizes))]
    public void PointWisePowerArrays_IsWithinOneUlpOfMathPow(int n)
    {
        var x = Rand.Array(3, n, 4.0).Select(Math.Abs).ToArray();
        var y = Rand.Array(4, n, 6.0);
        if (n > 6)
        {
            (x[0], y[0]) = (-8.0, 1.0 / 3.0); // NaN, as Math.Pow
            (x[1], y[1]) = (0.0, -1.0);       // +infinity
            (x[2], y[2]) = (double.NaN, 0.0); // 1
            (x[3], y[3]) = (-2.0, 3.0);       // -8
            (x[4], y[4]) = (1.0, double.NaN); // 1
            (x[5], y[5]) = (double.PositiveInfinity, -0.5); // 0
        }

        var expected = new double[n];
        var actual = new double[n];
        Providers.Managed.PointWisePowerArrays(x, y, expected);
        Native.PointWisePowerArrays(x, y, actual);
        Check.Ulps(expected, actual, 1, "PointWisePowerArrays");
    }

    [NativeTheory]
    [MemberData(nameof(Sizes))]
    public void ElementwiseResults_MayAliasEitherInput_Bitwise(int n)
    {
        var mkl = Native;
        var x = Rand.WithSpecials(5, n);
        var y = Rand.WithSpecials(6, n);
        var expected = new double[n];
        Providers.Managed.PointWiseMultiplyArrays(x, y, expected);

        var xr = (double[])x.Clone();
        mkl.PointWiseMultiplyArrays(xr, y, xr);
        Check.Bitwise(expected, xr, "x *= y in place");
        var yr = (double[])y.Clone();
        mkl.PointWiseMultiplyArrays(x, yr, yr);
        Check.Bitwise(expected, yr, "y = x * y in place");

        Providers.Managed.SubtractArrays(x, x, expected);
        var same = (double[])x.Clone();
        mkl.SubtractArrays(same, same, same);
        Check.Bitwise(expected, same, "x = x - x in place");
    }

    public static TheoryData<int, double> AxpyCases()
    {
        var data = new TheoryData<int, double>();
        foreach (var n in new[] { 0, 1, 7, 33, 257, 4099 })
        {
            foreach (var alpha in new[] { 0.0, 1.0, -1.0, 0.37, -3.25e-3 })
            {
                data.Add(n, alpha);
            }
        }

        return data;
    }

    [NativeTheory]
    [MemberData(nameof(AxpyCases))]
    public void AddVectorToScaledVector_IsBitwiseEqualToManaged_ForEveryAliasing(int n, double alpha)
    {
        var mkl = Native;
        var y = Rand.WithSpecials(7, n);
        var x = Rand.WithSpecials(8, n);
        var expected = new double[n];
        Providers.Managed.AddVectorToScaledVector(y, alpha, x, expected);

        var r = new double[n];
        mkl.AddVectorToScaledVector(y, alpha, x, r);
        Check.Bitwise(expected, r, "result distinct");

        var ry = (double[])y.Clone();
        mkl.AddVectorToScaledVector(ry, alpha, x, ry);
        Check.Bitwise(expected, ry, "result is y");

        var rx = (double[])x.Clone();
        mkl.AddVectorToScaledVector(y, alpha, rx, rx);
        Check.Bitwise(expected, rx, "result is x");

        var expectedSame = new double[n];
        Providers.Managed.AddVectorToScaledVector(x, alpha, x, expectedSame);
        var all = (double[])x.Clone();
        mkl.AddVectorToScaledVector(all, alpha, all, all);
        Check.Bitwise(expectedSame, all, "x, y and result the same array");

        var xy = (double[])x.Clone();
        var rxy = new double[n];
        mkl.AddVectorToScaledVector(xy, alpha, xy, rxy);
        Check.Bitwise(expectedSame, rxy, "x and y the same array");
        Check.Bitwise(x, xy, "input untouched");
    }

    [NativeTheory]
    [MemberData(nameof(AxpyCases))]
    public void ScaleArray_IsBitwiseEqualToManaged_InPlaceToo(int n, double alpha)
    {
        var mkl = Native;
        var x = Rand.WithSpecials(9, n);
        var expected = new double[n];
        Providers.Managed.ScaleArray(alpha, x, expected);
        var r = new double[n];
        mkl.ScaleArray(alpha, x, r);
        Check.Bitwise(expected, r, "ScaleArray");
        var same = (double[])x.Clone();
        mkl.ScaleArray(alpha, same, same);
        Check.Bitwise(expected, same, "ScaleArray in place");
    }

    [NativeTheory]
    [MemberData(nameof(Sizes))]
    public void DotProduct_IsWithin_nEps_OfSumOfAbsoluteProducts(int n)
    {
        var x = Rand.Array(10, n);
        var y = Rand.Array(11, n, 1e3);
        var expected = Providers.Managed.DotProduct(x, y);
        var actual = Native.DotProduct(x, y);
        var bound = Math.Max(1, n) * Check.Eps * x.Zip(y, (a, b) => Math.Abs(a * b)).Sum();
        Assert.True(Math.Abs(expected - actual) <= bound, $"dot: managed {expected:R}, MKL {actual:R}, bound {bound:E3}");
        Assert.True(n > 0 || actual == 0.0);
    }

    public static TheoryData<int, int> NormShapes => new() { { 0, 3 }, { 3, 0 }, { 1, 1 }, { 7, 5 }, { 5, 7 }, { 257, 33 } };

    [NativeTheory]
    [MemberData(nameof(NormShapes))]
    public void MatrixNorm_MaxIsExact_OthersWithin_mnEps(int rows, int columns)
    {
        var a = Rand.Array(12, rows * columns, 10.0);
        var mkl = Native;
        foreach (var norm in new[] { Norm.OneNorm, Norm.InfinityNorm, Norm.FrobeniusNorm, Norm.LargestAbsoluteValue })
        {
            var actual = mkl.MatrixNorm(norm, rows, columns, a);
            if (rows == 0 || columns == 0)
            {
                Assert.Equal(0.0, actual);
                continue;
            }

            var expected = Providers.Managed.MatrixNorm(norm, rows, columns, a);
            if (norm == Norm.LargestAbsoluteValue)
            {
                Assert.Equal(expected, actual);
            }
            else
            {
                var bound = Math.Max(4, rows * columns) * Check.Eps * expected;
                Assert.True(Math.Abs(expected - actual) <= bound, $"{norm}: managed {expected:R}, MKL {actual:R}");
            }
        }
    }

    [NativeTheory]
    [InlineData(1)]
    [InlineData(20)]
    [InlineData(100)]
    [InlineData(3000)]
    public void DefaultCutoffs_GiveTheSameResultsOnBothSidesOfTheCutoff(int n)
    {
        var mkl = NativeWithCutoffs;
        var x = Rand.WithSpecials(13, n);
        var y = Rand.WithSpecials(14, n);
        var expected = new double[n];
        var actual = new double[n];
        Providers.Managed.AddArrays(x, y, expected);
        mkl.AddArrays(x, y, actual);
        Check.Bitwise(expected, actual, "AddArrays with cutoffs");
        Providers.Managed.AddVectorToScaledVector(y, 0.37, x, expected);
        mkl.AddVectorToScaledVector(y, 0.37, x, actual);
        Check.Bitwise(expected, actual, "AddVectorToScaledVector with cutoffs");
        Providers.Managed.PointWiseDivideArrays(x, y, expected);
        mkl.PointWiseDivideArrays(x, y, actual);
        Check.Ulps(expected, actual, 1, "PointWiseDivideArrays with cutoffs");
    }

    private void Binary(int n, Action<ILinearAlgebraProvider<double>, double[], double[], double[]> op, string what)
    {
        var x = Rand.WithSpecials(15, n);
        var y = Rand.WithSpecials(16, n);
        var expected = new double[n];
        var actual = new double[n];
        op(Providers.Managed, x, y, expected);
        op(Native, x, y, actual);
        Check.Bitwise(expected, actual, what);
    }
}

/// <summary><see cref="ElementwiseParityTests"/> on Intel MKL.</summary>
public sealed class MklElementwiseParityTests : ElementwiseParityTests
{
    private protected override NativeLinearAlgebraProvider Native => Providers.Mkl;

    private protected override NativeLinearAlgebraProvider NativeWithCutoffs => Providers.MklWithCutoffs;
}

/// <summary><see cref="ElementwiseParityTests"/> on OpenBLAS.</summary>
public sealed class OpenBlasElementwiseParityTests : ElementwiseParityTests
{
    private protected override NativeLinearAlgebraProvider Native => Providers.OpenBlas;

    private protected override NativeLinearAlgebraProvider NativeWithCutoffs => Providers.OpenBlasWithCutoffs;
}
