namespace Regularization.Mkl.Tests;

/// <summary>
/// <see cref="NativeLinearAlgebraProvider.Multiply(bool, bool, int, int, int, double, ReadOnlySpan{double}, int, ReadOnlySpan{double}, int, double, Span{double}, int)"/>
/// and its float twin on sub-blocks of larger matrices (leading dimensions above the row counts), against a triple
/// loop in double on the same blocks, within the dot-product bound <c>2 (k + 2) eps sum |a| |b|</c> (plus
/// <c>|beta| |c0|</c>); the elements of <c>c</c>'s storage outside the block stay as they were, bit for bit.
/// </summary>
public abstract class StridedProductTests
{
    private protected abstract NativeLinearAlgebraProvider Native { get; }

    public static TheoryData<bool, bool, int, int, int, double> Cases => new()
    {
        { false, false, 128, 64, 392, 0.0 }, { false, true, 128, 392, 64, 0.0 }, { true, false, 7, 5, 3, 0.5 }, { true, true, 9, 4, 6, -1.0 },
        { false, false, 3, 2, 0, 2.0 }, { false, false, 0, 4, 3, 0.0 },
    };

    [NativeTheory]
    [MemberData(nameof(Cases))]
    public void ASubBlockProductIsWithinTheDotProductBound_Float64(bool ta, bool tb, int m, int n, int k, double beta)
    {
        var (a, lda, aOffset) = Storage(1, ta ? k : m, ta ? m : k);
        var (b, ldb, bOffset) = Storage(2, tb ? n : k, tb ? k : n);
        var (c, ldc, cOffset) = Storage(3, m, n);
        var before = (double[])c.Clone();
        Native.Multiply(ta, tb, m, n, k, 1.5, a.AsSpan(aOffset), lda, b.AsSpan(bOffset), ldb, beta, c.AsSpan(cOffset), ldc);
        Compare(ta, tb, m, n, k, beta, a, lda, aOffset, b, ldb, bOffset, before, c, ldc, cOffset, Math.Pow(2, -52), x => x);
    }

    [NativeTheory]
    [MemberData(nameof(Cases))]
    public void ASubBlockProductIsWithinTheDotProductBound_Float32(bool ta, bool tb, int m, int n, int k, double beta)
    {
        var (a, lda, aOffset) = Storage(1, ta ? k : m, ta ? m : k);
        var (b, ldb, bOffset) = Storage(2, tb ? n : k, tb ? k : n);
        var (c, ldc, cOffset) = Storage(3, m, n);
        float[] af = [.. a.Select(x => (float)x)], bf = [.. b.Select(x => (float)x)], cf = [.. c.Select(x => (float)x)];
        var before = cf.Select(x => (double)x).ToArray();
        Native.Multiply(ta, tb, m, n, k, 1.5f, af.AsSpan(aOffset), lda, bf.AsSpan(bOffset), ldb, (float)beta, cf.AsSpan(cOffset), ldc);
        Compare(ta, tb, m, n, k, beta, [.. af.Select(x => (double)x)], lda, aOffset, [.. bf.Select(x => (double)x)], ldb, bOffset, before, [.. cf.Select(x => (double)x)], ldc, cOffset, Math.Pow(2, -23), x => (float)x);
    }

    [NativeFact]
    public void BadArgumentsAreRefusedWithTheirNames()
    {
        var a = new double[20];
        var b = new double[20];
        var c = new double[20];
        Assert.Equal("lda", Assert.Throws<ArgumentOutOfRangeException>(() => Native.Multiply(false, false, 4, 2, 3, 1.0, a, 3, b, 3, 0.0, c, 4)).ParamName);
        Assert.Equal("ldb", Assert.Throws<ArgumentOutOfRangeException>(() => Native.Multiply(false, true, 4, 5, 3, 1.0, a, 4, b, 4, 0.0, c, 4)).ParamName);
        Assert.Equal("ldc", Assert.Throws<ArgumentOutOfRangeException>(() => Native.Multiply(false, false, 4, 2, 3, 1.0, a, 4, b, 3, 0.0, c, 3)).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentOutOfRangeException>(() => Native.Multiply(false, false, 4, 2, 6, 1.0, a, 4, b, 6, 0.0, c, 4)).ParamName);
        Assert.Equal("c", Assert.Throws<ArgumentOutOfRangeException>(() => Native.Multiply(false, false, 4, 6, 3, 1.0, a, 4, b, 3, 0.0, c, 4)).ParamName);
        Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => Native.Multiply(false, false, -1, 2, 3, 1.0, a, 4, b, 3, 0.0, c, 4)).ParamName);
        var e = Assert.Throws<ArgumentException>(() => Native.Multiply(false, false, 2, 2, 2, 1.0, a, 2, a.AsSpan(4), 2, 0.0, a.AsSpan(2), 2));
        Assert.Equal("c", e.ParamName);
    }

    /// <summary>A rows x columns block at a random offset of a larger random storage, with 3 spare rows per column.</summary>
    private static (double[] Data, int Ld, int Offset) Storage(int seed, int rows, int columns)
    {
        var ld = rows + 3;
        var offset = 2;
        var data = Rand.Array(seed, offset + (ld * Math.Max(columns, 1)) + 5);
        return (data, ld, offset);
    }

    private static void Compare(
        bool ta, bool tb, int m, int n, int k, double beta, double[] a, int lda, int ao, double[] b, int ldb, int bo, double[] before, double[] actual, int ldc, int co, double eps, Func<double, double> round)
    {
        var inBlock = new bool[actual.Length];
        for (var j = 0; j < n; j++)
        {
            for (var i = 0; i < m; i++)
            {
                double sum = 0, bound = 0;
                for (var p = 0; p < k; p++)
                {
                    var x = ta ? a[ao + (i * lda) + p] : a[ao + (p * lda) + i];
                    var y = tb ? b[bo + (p * ldb) + j] : b[bo + (j * ldb) + p];
                    sum += x * y;
                    bound += Math.Abs(x * y);
                }

                var index = co + (j * ldc) + i;
                inBlock[index] = true;
                var c0 = before[index];
                var expected = (1.5 * sum) + (beta * c0);
                var tolerance = (2 * (k + 2) * eps * ((1.5 * bound) + Math.Abs(beta * c0))) + double.Epsilon;
                Assert.True(Math.Abs(round(actual[index]) - expected) <= tolerance, $"c[{i},{j}] = {actual[index]:R}, expected {expected:R} +- {tolerance:G3}");
            }
        }

        for (var q = 0; q < actual.Length; q++)
        {
            if (!inBlock[q])
            {
                Assert.True(BitConverter.DoubleToInt64Bits(before[q]) == BitConverter.DoubleToInt64Bits(actual[q]), $"storage element {q} outside the block changed");
            }
        }
    }
}

/// <summary><see cref="StridedProductTests"/> on Intel MKL.</summary>
public sealed class MklStridedProductTests : StridedProductTests
{
    private protected override NativeLinearAlgebraProvider Native => Providers.Mkl;
}

/// <summary><see cref="StridedProductTests"/> on OpenBLAS.</summary>
public sealed class OpenBlasStridedProductTests : StridedProductTests
{
    private protected override NativeLinearAlgebraProvider Native => Providers.OpenBlas;
}

/// <summary>
/// <see cref="NativeLinearAlgebraProvider.UseOneThreadPerProduct"/> with OpenBLAS (whose thread count can change in a
/// running process): one thread inside every open scope, the old count back when the last one closes, and
/// <see cref="NativeLinearAlgebraProvider.Threads"/> the count outside scopes throughout.
/// </summary>
[Collection(GlobalProviderCollection.Name)]
public sealed class OneThreadScopeTests
{
    [OpenBlasFact]
    public void ScopesNestAndTheLastOneRestoresTheThreadCount()
    {
        OpenBlasRequirement.Assert();
        var native = new OpenBlasLinearAlgebraProvider(2);
        native.InitializeVerify();
        try
        {
            Assert.Equal(2, native.Threads);
            Assert.Equal(2, Native.OpenBlasRuntime.Threads);
            var outer = native.UseOneThreadPerProduct();
            Assert.Equal(1, Native.OpenBlasRuntime.Threads);
            Assert.Equal(2, native.Threads); // the count outside scopes, for callers choosing a split
            using (native.UseOneThreadPerProduct())
            {
                Assert.Equal(1, Native.OpenBlasRuntime.Threads);
            }

            Assert.Equal(1, Native.OpenBlasRuntime.Threads);
            outer.Dispose();
            Assert.Equal(2, Native.OpenBlasRuntime.Threads);
            outer.Dispose(); // a second dispose changes nothing
            Assert.Equal(2, Native.OpenBlasRuntime.Threads);
            Assert.Equal(2, native.Threads);
        }
        finally
        {
            new OpenBlasLinearAlgebraProvider(1).InitializeVerify();
        }
    }
}
