using System.Numerics;
using System.Runtime.CompilerServices;
using Regularization.Internal;

namespace Regularization;

/// <summary>Vector operations the element rules use, for either element type (hardware FMA where there is one).</summary>
public static class VectorMath
{
    /// <summary>A vector with every lane <paramref name="value"/>, rounded to the element type: how a rule gets its scalars.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="value">The scalar (a double, as schedules and hyperparameters are).</param>
    /// <returns>The broadcast vector.</returns>
    /// <example><code>var beta = VectorMath.Broadcast&lt;T&gt;(0.9);</code></example>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Broadcast<T>(double value)
        where T : struct, IEquatable<T>, IFormattable => Num<T>.Splat(value);

    /// <summary><c>a * b + c</c> rounded once (fused multiply-add), as PyTorch's vectorized <c>add(alpha=)</c> computes it.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns>The fused product and sum.</returns>
    /// <example><code>u = VectorMath.MultiplyAdd(lambda, p, u); // u + lambda * p, one rounding</code></example>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> MultiplyAdd<T>(Vector<T> a, Vector<T> b, Vector<T> c)
    {
        if (typeof(T) == typeof(double))
        {
            return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        }

        if (typeof(T) == typeof(float))
        {
            return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        }

        throw new NotSupportedException($"Element type {typeof(T).Name} is not supported.");
    }

    /// <summary>The square root of each element (IEEE, correctly rounded).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The elements.</param>
    /// <returns>The square roots.</returns>
    /// <example><code>var denominator = VectorMath.Sqrt(v) + epsilon;</code></example>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Sqrt<T>(Vector<T> x) => Vector.SquareRoot(x);

    /// <summary>
    /// The larger of each pair with <see cref="Math.Max(double, double)"/> semantics: NaN wins and +0 beats -0
    /// (PyTorch's <c>torch.maximum</c>).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="a">The first elements.</param>
    /// <param name="b">The second elements.</param>
    /// <returns>The maxima.</returns>
    /// <example><code>vmax = VectorMath.Max(vmax, v);</code></example>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Max<T>(Vector<T> a, Vector<T> b) => Vector.Max(a, b);

    /// <summary><c>sign(w) * max(|w| - t, 0)</c>, the soft threshold (proximal operator of <c>t * |w|</c>); exact zeros.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="w">The elements.</param>
    /// <param name="t">The threshold, &gt;= 0.</param>
    /// <returns>The soft-thresholded elements (a positive zero where <c>|w| &lt;= t</c>).</returns>
    /// <example><code>var shrunk = VectorMath.SoftThreshold(p + u, threshold);</code></example>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> SoftThreshold<T>(Vector<T> w, Vector<T> t)
    {
        var a = Vector.Abs(w) - t;
        var signed = Vector.ConditionalSelect(NegativeZero<T>(), w, a);
        return Vector.ConditionalSelect(Vector.LessThanOrEqual(a, Vector<T>.Zero), Vector<T>.Zero, signed);
    }

    private static Vector<T> NegativeZero<T>()
    {
        if (typeof(T) == typeof(double))
        {
            return new Vector<double>(-0.0).As<double, T>();
        }

        return new Vector<float>(-0.0f).As<float, T>();
    }

    /// <summary>Each element where it is finite, and +0 where it is NaN or infinite.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The elements.</param>
    /// <returns>The finite elements, zeros elsewhere.</returns>
    /// <example><code>u = VectorMath.ZeroIfNonFinite(u);</code></example>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> ZeroIfNonFinite<T>(Vector<T> x) => Vector.ConditionalSelect(Vector.Equals(x - x, Vector<T>.Zero), x, Vector<T>.Zero);

    /// <summary>The elementwise sign: -1, +1, or 0 (for zeros of either sign); NaN stays NaN (PyTorch's <c>torch.sign</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The elements.</param>
    /// <returns>The signs.</returns>
    /// <example><code>var direction = VectorMath.Sign(u);</code></example>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Sign<T>(Vector<T> x)
    {
        var one = Vector<T>.One;
        var s = Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), one, Vector<T>.Zero);
        s = Vector.ConditionalSelect(Vector.LessThan(x, Vector<T>.Zero), -one, s);
        return Vector.ConditionalSelect(Vector.Equals(x, x), s, x);
    }
}
