using System.Diagnostics.Contracts;
using System.Numerics;
using System.Runtime.CompilerServices;
using Regularization.Internal;

namespace Regularization;

/// <summary>
/// Proximal operators as functions of parameter sets: <c>soft(w, t) = sign(w) * max(|w| - t, 0)</c> (exact zeros) and
/// the elastic net's <c>soft(w, t) / divisor</c>. The same element rule as the proximal primitive of <see cref="Transforms"/>.
/// </summary>
/// <example>
/// <code>
/// var sparse = Proximal.SoftThreshold(parameters, threshold: 0.01);
/// </code>
/// </example>
public static class Proximal
{
    /// <summary>Soft-thresholds every element: <c>sign(w) * max(|w| - threshold, 0)</c>, exactly +0 where <c>|w| &lt;= threshold</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <param name="threshold">The threshold, &gt;= 0.</param>
    /// <returns>New parameters.</returns>
    [Pure]
    public static ParamSet<T> SoftThreshold<T>(ParamSet<T> parameters, double threshold)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Apply(parameters, Validate.NonNegative(threshold, nameof(threshold)), 1.0, Mask.All);
    }

    /// <summary>Soft-thresholds a matrix: <c>sign(w) * max(|w| - threshold, 0)</c>, as a new matrix.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="value">A dense matrix.</param>
    /// <param name="threshold">The threshold, &gt;= 0.</param>
    /// <returns>The new matrix.</returns>
    [Pure]
    public static MathNet.Numerics.LinearAlgebra.Matrix<T> SoftThreshold<T>(MathNet.Numerics.LinearAlgebra.Matrix<T> value, double threshold)
        where T : struct, IEquatable<T>, IFormattable =>
        SoftThreshold(ParamSet.Of(new Param<T>("value", value)), threshold)[0].Value;

    /// <summary>The elastic net's proximal operator: <c>soft(w, threshold) / divisor</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <param name="threshold">The L1 threshold, &gt;= 0.</param>
    /// <param name="divisor">The L2 divisor, finite and &gt;= 1.</param>
    /// <returns>New parameters.</returns>
    [Pure]
    public static ParamSet<T> ElasticNet<T>(ParamSet<T> parameters, double threshold, double divisor)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Validate.NonNegative(threshold, nameof(threshold));
        if (!(divisor >= 1) || !double.IsFinite(divisor))
        {
            throw new ArgumentOutOfRangeException(nameof(divisor), divisor, $"'divisor' must be a finite number >= 1, but was {Validate.Format(divisor)}.");
        }

        return Apply(parameters, threshold, divisor, Mask.All);
    }

    internal static ParamSet<T> Apply<T>(ParamSet<T> parameters, double threshold, double divisor, Mask mask)
        where T : struct, IEquatable<T>, IFormattable
    {
        var rule = new SoftThresholdRule<T>(Num<T>.Splat(threshold), Num<T>.Splat(divisor));
        return parameters.Map(p =>
        {
            var d = (T[])p.Value.AsColumnMajorArray().Clone();
            if (mask.Includes(p.Info))
            {
                RuleLoop.Run(rule, d, d);
            }

            return MathNet.Numerics.LinearAlgebra.Matrix<T>.Build.Dense(p.Rows, p.Columns, d);
        });
    }

    private readonly struct SoftThresholdRule<T>(Vector<T> threshold, Vector<T> divisor) : IElementRule<T>
        where T : struct, IEquatable<T>, IFormattable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<T> p, ref Vector<T> u, ref Vector<T> s0, ref Vector<T> s1, ref Vector<T> s2, ref Vector<T> s3) =>
            u = VectorMath.SoftThreshold(u, threshold) / divisor;
    }
}
