using System.Globalization;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Regularization.Mkl.Tests;

/// <summary>The providers under comparison.</summary>
internal static class Providers
{
    /// <summary>MathNet's managed provider: the reference.</summary>
    public static ManagedLinearAlgebraProvider Managed => ManagedLinearAlgebraProvider.Instance;

    /// <summary>The MKL provider with no size cutoffs, so that every size reaches MKL. Fails the test when MKL is missing.</summary>
    public static MklLinearAlgebraProvider Mkl
    {
        get
        {
            MklRequirement.Assert();
            return new MklLinearAlgebraProvider(null, ProviderCutoffs.None);
        }
    }

    /// <summary>The OpenBLAS provider with no size cutoffs. Fails the test when OpenBLAS is missing.</summary>
    public static OpenBlasLinearAlgebraProvider OpenBlas
    {
        get
        {
            OpenBlasRequirement.Assert();
            return new OpenBlasLinearAlgebraProvider(0, ProviderCutoffs.None);
        }
    }

    /// <summary>The OpenBLAS provider as users get it (measured cutoffs).</summary>
    public static OpenBlasLinearAlgebraProvider OpenBlasWithCutoffs
    {
        get
        {
            OpenBlasRequirement.Assert();
            return new OpenBlasLinearAlgebraProvider();
        }
    }

    /// <summary>The MKL provider as users get it (measured cutoffs: small inputs stay managed).</summary>
    public static MklLinearAlgebraProvider MklWithCutoffs
    {
        get
        {
            MklRequirement.Assert();
            return new MklLinearAlgebraProvider();
        }
    }
}

/// <summary>Seeded random inputs (column-major arrays, as MathNet's dense storage).</summary>
internal static class Rand
{
    public static double[] Array(int seed, int n, double scale = 1.0)
    {
        var rng = new Random(seed);
        var a = new double[n];
        for (var i = 0; i < n; i++)
        {
            a[i] = ((rng.NextDouble() * 2) - 1) * scale;
        }

        return a;
    }

    public static float[] FloatArray(int seed, int n)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (var i = 0; i < n; i++)
        {
            a[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        return a;
    }

    /// <summary>Values over many binades, with zeros, signed zeros, subnormals, infinities and NaN sprinkled in.</summary>
    public static double[] WithSpecials(int seed, int n)
    {
        var rng = new Random(seed);
        var a = new double[n];
        double[] specials = [0.0, -0.0, double.Epsilon, -4.9e-320, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.MaxValue, 1e-308];
        for (var i = 0; i < n; i++)
        {
            a[i] = rng.Next(16) == 0
                ? specials[rng.Next(specials.Length)]
                : ((rng.NextDouble() * 2) - 1) * Math.Pow(10, rng.Next(-12, 12));
        }

        return a;
    }

    /// <summary>A symmetric positive definite matrix <c>B^T B + n I</c>.</summary>
    public static double[] Spd(int seed, int n)
    {
        var b = Array(seed, n * n);
        var a = new double[n * n];
        for (var j = 0; j < n; j++)
        {
            for (var i = 0; i < n; i++)
            {
                var s = 0.0;
                for (var k = 0; k < n; k++)
                {
                    s += b[(i * n) + k] * b[(j * n) + k];
                }

                a[(j * n) + i] = s + (i == j ? n : 0);
            }
        }

        return a;
    }

    /// <summary>A symmetric matrix <c>(B + B^T) / 2</c>.</summary>
    public static double[] Symmetric(int seed, int n)
    {
        var b = Array(seed, n * n);
        var a = new double[n * n];
        for (var j = 0; j < n; j++)
        {
            for (var i = 0; i < n; i++)
            {
                a[(j * n) + i] = 0.5 * (b[(j * n) + i] + b[(i * n) + j]);
            }
        }

        return a;
    }
}

/// <summary>Comparisons with stated tolerances.</summary>
internal static class Check
{
    public const double Eps = 2.220446049250313e-16;

    /// <summary>Every element has the same bits (NaN payloads included).</summary>
    public static void Bitwise(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
            {
                Assert.Fail(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{what}: element {i} differs: managed {expected[i]:R} (0x{BitConverter.DoubleToInt64Bits(expected[i]):X16}), MKL {actual[i]:R} (0x{BitConverter.DoubleToInt64Bits(actual[i]):X16})."));
            }
        }
    }

    /// <summary>Within <paramref name="maxUlps"/> units in the last place; NaN where the other is NaN; infinities equal.</summary>
    public static void Ulps(double[] expected, double[] actual, long maxUlps, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var a = actual[i];
            if (double.IsNaN(e) || double.IsNaN(a))
            {
                Assert.True(double.IsNaN(e) && double.IsNaN(a), $"{what}: element {i}: managed {e:R}, MKL {a:R}.");
                continue;
            }

            if (e == a)
            {
                continue;
            }

            var distance = Math.Abs(Ordered(e) - Ordered(a));
            Assert.True(distance <= maxUlps, $"{what}: element {i}: managed {e:R}, MKL {a:R}, {distance} ulps apart (allowed {maxUlps}).");
        }
    }

    /// <summary><c>|expected[i] - actual[i]| &lt;= bound[i]</c> element by element.</summary>
    public static void Within(double[] expected, double[] actual, Func<int, double> bound, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var d = Math.Abs(expected[i] - actual[i]);
            var b = bound(i);
            if (!(d <= b) && !(double.IsNaN(expected[i]) && double.IsNaN(actual[i])) && expected[i] != actual[i])
            {
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}: element {i}: managed {expected[i]:R}, MKL {actual[i]:R}, |diff| {d:E3} > {b:E3}."));
            }
        }
    }

    /// <summary>Max-norm closeness: <c>max |e - a| &lt;= tolerance * max(1, max |e|)</c>.</summary>
    public static void Close(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = Math.Max(1.0, MaxAbs(expected));
        Within(expected, actual, _ => tolerance * scale, what);
    }

    /// <summary>Max-norm closeness for matrices.</summary>
    public static void Close(Matrix<double> expected, Matrix<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.RowCount, actual.RowCount);
        Assert.Equal(expected.ColumnCount, actual.ColumnCount);
        Close(expected.ToColumnMajorArray(), actual.ToColumnMajorArray(), tolerance, what);
    }

    public static double MaxAbs(double[] a)
    {
        var m = 0.0;
        foreach (var x in a)
        {
            m = Math.Max(m, Math.Abs(x));
        }

        return m;
    }

    public static bool AnyNonFinite(double[] a) => a.Any(x => !double.IsFinite(x));

    private static long Ordered(double x)
    {
        var bits = BitConverter.DoubleToInt64Bits(x);
        return bits < 0 ? long.MinValue - bits : bits;
    }
}

/// <summary>Column-major arrays as MathNet matrices (no copy).</summary>
internal static class M
{
    public static Matrix<double> Of(int rows, int columns, double[] data) => Matrix<double>.Build.Dense(rows, columns, data);

    public static Matrix<double> Abs(Matrix<double> m) => m.Map(Math.Abs);
}

/// <summary>One pure optimization step: the transform's update, applied to the parameters.</summary>
internal static class Pure
{
    public static Stepped Step(IGradientTransform transform, ParamSet<double> gradients, TransformState state, ParamSet<double> parameters)
    {
        var result = transform.Update(gradients, state, parameters);
        return new Stepped(Updates.Apply(parameters, result.Updates), result.State);
    }
}

/// <summary>The parameters and state after a pure step.</summary>
internal sealed record Stepped(ParamSet<double> Parameters, TransformState State);
