using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Regularization.Internal;

/// <summary>Whole-array helpers: value equality, the one non-finite scan, zeroing, and fixed-order sums.</summary>
internal static class Elements
{
    /// <summary>Element-wise <c>T.Equals</c>: NaN equals NaN, 0 equals -0.</summary>
    public static bool Equal<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where T : struct, IEquatable<T>
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!a[i].Equals(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when every element is finite. This is the library's one non-finite scan (the guard of the pure path and of
    /// the facade both call it). <c>x - x</c> is zero exactly for finite <c>x</c>; four interleaved streams keep more
    /// memory requests in flight than one.
    /// </summary>
    public static bool AllFinite<T>(ReadOnlySpan<T> x)
        where T : struct
    {
        ref var r = ref MemoryMarshal.GetReference(x);
        var n = x.Length;
        var w = Vector<T>.Count;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var quarter = n / 4 / w * w;
            var acc0 = Vector<T>.Zero;
            var acc1 = Vector<T>.Zero;
            var acc2 = Vector<T>.Zero;
            var acc3 = Vector<T>.Zero;
            for (var k = 0; k < quarter; k += w)
            {
                var a = Vector.LoadUnsafe(ref r, (nuint)k);
                var b = Vector.LoadUnsafe(ref r, (nuint)(quarter + k));
                var c = Vector.LoadUnsafe(ref r, (nuint)((2 * quarter) + k));
                var d = Vector.LoadUnsafe(ref r, (nuint)((3 * quarter) + k));
                acc0 += a - a;
                acc1 += b - b;
                acc2 += c - c;
                acc3 += d - d;
            }

            // Finite elements contribute exact zeros; one NaN or infinity makes the sum NaN.
            var sum = (acc0 + acc1) + (acc2 + acc3);
            if (!Vector.EqualsAll(sum, Vector<T>.Zero))
            {
                return false;
            }

            i = 4 * quarter;
        }

        for (; i < n; i++)
        {
            var v = Unsafe.Add(ref r, i);
            if (!IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsFinite<T>(T v)
        where T : struct =>
        typeof(T) == typeof(double) ? double.IsFinite(Unsafe.As<T, double>(ref v)) : float.IsFinite(Unsafe.As<T, float>(ref v));

    /// <summary>Number of NaN or infinite elements and the index of the first (-1 when none).</summary>
    public static int CountNonFinite<T>(ReadOnlySpan<T> x, out int first)
        where T : struct
    {
        first = -1;
        var count = 0;
        for (var i = 0; i < x.Length; i++)
        {
            if (!IsFinite(x[i]))
            {
                if (count == 0)
                {
                    first = i;
                }

                count++;
            }
        }

        return count;
    }

    /// <summary>Replaces NaN and infinities by +0, in place.</summary>
    public static void ZeroNonFinite<T>(Span<T> x)
        where T : struct
    {
        for (var i = 0; i < x.Length; i++)
        {
            if (!IsFinite(x[i]))
            {
                x[i] = default;
            }
        }
    }

    /// <summary>Sum of absolute values in double, in a fixed order (the same on every machine).</summary>
    public static double SumAbs<T>(ReadOnlySpan<T> x)
        where T : struct, IEquatable<T>, IFormattable
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var i = 0;
        for (; i + 4 <= x.Length; i += 4)
        {
            s0 += Math.Abs(Num<T>.ToDouble(x[i]));
            s1 += Math.Abs(Num<T>.ToDouble(x[i + 1]));
            s2 += Math.Abs(Num<T>.ToDouble(x[i + 2]));
            s3 += Math.Abs(Num<T>.ToDouble(x[i + 3]));
        }

        for (; i < x.Length; i++)
        {
            s0 += Math.Abs(Num<T>.ToDouble(x[i]));
        }

        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>Sum of squares in double, in a fixed order.</summary>
    public static double SumSquares<T>(ReadOnlySpan<T> x)
        where T : struct, IEquatable<T>, IFormattable
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var i = 0;
        for (; i + 4 <= x.Length; i += 4)
        {
            double a = Num<T>.ToDouble(x[i]), b = Num<T>.ToDouble(x[i + 1]), c = Num<T>.ToDouble(x[i + 2]), d = Num<T>.ToDouble(x[i + 3]);
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }

        for (; i < x.Length; i++)
        {
            var a = Num<T>.ToDouble(x[i]);
            s0 += a * a;
        }

        return (s0 + s1) + (s2 + s3);
    }

    /// <summary><c>d = a + b</c> element-wise (<paramref name="d"/> may be <paramref name="a"/>): how updates are applied.</summary>
    public static void Add<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d)
        where T : struct
    {
        if (a.Length != b.Length || d.Length != a.Length)
        {
            throw new ArgumentException("Spans differ in length.");
        }

        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rd = ref MemoryMarshal.GetReference(d);
        var w = Vector<T>.Count;
        var i = 0;
        for (; i <= a.Length - w; i += w)
        {
            (Vector.LoadUnsafe(ref ra, (nuint)i) + Vector.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        }

        for (; i < a.Length; i++)
        {
            Unsafe.Add(ref rd, i) = Scalar<T>.Add(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i));
        }
    }
}

/// <summary>Runs an element rule without state over whole arrays (for the penalties and proximal operators).</summary>
internal static class RuleLoop
{
    public static void Run<T, TRule>(TRule rule, T[] p, T[] u)
        where T : struct, IEquatable<T>, IFormattable
        where TRule : struct, IElementRule<T> =>
        new BlockRunner<T, TRule, Arity0> { Rule = rule }.Run(p, u, default, default, default, default);
}

/// <summary>Scalar arithmetic for the element types (only where a loop has a scalar remainder that is not a rule).</summary>
internal static class Scalar<T>
    where T : struct
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T a, T b)
    {
        if (typeof(T) == typeof(double))
        {
            var r = Unsafe.As<T, double>(ref a) + Unsafe.As<T, double>(ref b);
            return Unsafe.As<double, T>(ref r);
        }

        var f = Unsafe.As<T, float>(ref a) + Unsafe.As<T, float>(ref b);
        return Unsafe.As<float, T>(ref f);
    }
}
