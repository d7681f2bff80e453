using System.Diagnostics.Contracts;
using Regularization.Internal;

namespace Regularization;

/// <summary>
/// A regularization term added to the loss, with its convention written down: its value, its (sub)gradient, and
/// its proximal operator, over the parameters a <see cref="Regularization.Mask"/> includes.
/// </summary>
/// <remarks>
/// <para>Conventions (this library's, and the seeds'):</para>
/// <list type="table">
/// <item><term><see cref="L1Penalty"/></term><description><c>R(w) = lambda * sum|w|</c>; subgradient <c>lambda * sign(w)</c> with <c>sign(0) = 0</c>.</description></item>
/// <item><term><see cref="L2Penalty"/></term><description><c>R(w) = lambda * sum(w^2)</c> (no 1/2, as Keras); gradient <c>2 * lambda * w</c>, so SGD on it equals PyTorch <c>SGD(weight_decay = 2 * lambda)</c>.</description></item>
/// <item><term><see cref="ElasticNetPenalty"/></term><description><c>R(w) = lambda * (r * sum|w| + (1 - r) * sum(w^2))</c>; ratio 1 is L1, ratio 0 is L2.</description></item>
/// </list>
/// <para>See <see cref="Conventions"/> for the conversions to PyTorch, Keras, Optax and scikit-learn.</para>
/// <example>
/// <code>
/// var l2 = Penalties.L2(0.001);                      // 0.001 * sum(w^2), as the second seed
/// double term = l2.Value(parameters);               // add to the loss
/// ParamSet grad = l2.Gradient(parameters);          // add to the loss gradient
/// </code>
/// </example>
/// </remarks>
public abstract record Penalty
{
    private protected Penalty(Mask mask)
    {
        Mask = mask ?? throw new ArgumentNullException(nameof(mask));
    }

    /// <summary>The parameters the penalty applies to (others contribute 0 and get a zero gradient).</summary>
    public Mask Mask { get; }

    /// <summary>The formula, for example <c>0.001 * sum(w^2)</c>.</summary>
    public abstract string Convention { get; }

    /// <summary>The penalty's value over the included parameters.</summary>
    /// <param name="parameters">The parameters.</param>
    [Pure]
    public double Value<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double total = 0;
        foreach (var p in parameters)
        {
            if (Mask.Includes(p.Info))
            {
                total += ValueOf(Sums.Of<T>(p.Value.AsColumnMajorArray()));
            }
        }

        return total;
    }

    /// <summary>The (sub)gradient with respect to every parameter (zero for excluded ones).</summary>
    /// <param name="parameters">The parameters.</param>
        [Pure]
    public ParamSet<T> Gradient<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var (l1, twoL2) = GradientScalars;
        var rule = new PenaltyGradientRule<T>(Num<T>.Splat(l1), Num<T>.Splat(twoL2), l1 != 0, twoL2 != 0);
        return parameters.Map(p =>
        {
            var d = new T[p.Count];
            if (Mask.Includes(p.Info))
            {
                var w = p.Value.AsColumnMajorArray();
                w.CopyTo(d, 0);
                RuleLoop.Run(rule, w, d);
            }

            return MathNet.Numerics.LinearAlgebra.Matrix<T>.Build.Dense(p.Rows, p.Columns, d);
        });
    }

    /// <summary>
    /// The proximal operator of <c>stepSize</c> times the penalty: <c>argmin_x ||x - w||^2 / 2 + stepSize * penalty(x)</c>,
    /// on the parameters the mask includes (the rest are returned unchanged). L1 gives exact zeros.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <param name="stepSize">The step size (the learning rate), &gt;= 0.</param>
    /// <returns>The new parameters.</returns>
    [Pure]
    public ParamSet<T> Proximal<T>(ParamSet<T> parameters, double stepSize)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Validate.NonNegative(stepSize, nameof(stepSize));
        var (threshold, divisor) = ProximalScalars(stepSize);
        return Regularization.Proximal.Apply(parameters, threshold, divisor, Mask);
    }

    /// <summary>The same penalty over the parameters <paramref name="mask"/> includes.</summary>
    /// <param name="mask">The mask.</param>
    /// <returns>The masked penalty.</returns>
    [Pure]
    public abstract Penalty WithMask(Mask mask);

    /// <summary>The threshold <c>s*l1</c> and divisor <c>1 + 2*s*l2</c> of the proximal operator for step size <c>s</c>.</summary>
    internal abstract (double Threshold, double Divisor) ProximalScalars(double stepSize);

    private protected abstract double ValueOf(Sums w);

    private protected abstract (double L1, double TwoL2) GradientScalars { get; }

    private protected static string Suffix(Mask mask) => ReferenceEquals(mask, Mask.All) ? string.Empty : $" over {mask.Description}";
}

/// <summary>L1: <c>lambda * sum|w|</c>; subgradient <c>lambda * sign(w)</c> (0 at 0); proximal operator: soft thresholding.</summary>
public sealed record L1Penalty : Penalty
{
    /// <summary>Creates an L1 penalty.</summary>
    /// <param name="lambda">The strength, finite and &gt;= 0.</param>
    /// <param name="mask">The parameters it applies to; all when null.</param>
    internal L1Penalty(double lambda, Mask? mask = null)
        : base(mask ?? Mask.All)
    {
        Lambda = Validate.NonNegative(lambda, nameof(lambda));
    }

    /// <summary>The strength.</summary>
    public double Lambda { get; }

    /// <inheritdoc />
    public override string Convention => $"{Schedule.F(Lambda)} * sum|w|{Suffix(Mask)}";

    /// <inheritdoc />
    public override Penalty WithMask(Mask mask) => new L1Penalty(Lambda, mask);

    internal override (double Threshold, double Divisor) ProximalScalars(double stepSize) => (stepSize * Lambda, 1.0);

    private protected override double ValueOf(Sums w) => Lambda * w.Abs;

    private protected override (double L1, double TwoL2) GradientScalars => (Lambda, 0);
}

/// <summary>
/// L2 in the seeds' convention: <c>lambda * sum(w^2)</c>; gradient <c>2 * lambda * w</c> (so SGD on it equals
/// PyTorch <c>SGD(weight_decay = 2 * lambda)</c>); proximal operator <c>w / (1 + 2 * s * lambda)</c>.
/// </summary>
public sealed record L2Penalty : Penalty
{
    /// <summary>Creates an L2 penalty.</summary>
    /// <param name="lambda">The strength, finite and &gt;= 0.</param>
    /// <param name="mask">The parameters it applies to; all when null.</param>
    internal L2Penalty(double lambda, Mask? mask = null)
        : base(mask ?? Mask.All)
    {
        Lambda = Validate.NonNegative(lambda, nameof(lambda));
    }

    /// <summary>The strength.</summary>
    public double Lambda { get; }

    /// <inheritdoc />
    public override string Convention => $"{Schedule.F(Lambda)} * sum(w^2){Suffix(Mask)}";

    /// <inheritdoc />
    public override Penalty WithMask(Mask mask) => new L2Penalty(Lambda, mask);

    internal override (double Threshold, double Divisor) ProximalScalars(double stepSize) => (0.0, 1 + (2 * (stepSize * Lambda)));

    private protected override double ValueOf(Sums w) => Lambda * w.Squares;

    private protected override (double L1, double TwoL2) GradientScalars => (0, 2 * Lambda);
}

/// <summary>
/// Elastic net: <c>lambda * (r * sum|w| + (1 - r) * sum(w^2))</c> with mixing ratio <c>r</c> (scikit-learn's
/// <c>l1_ratio</c>, with this library's L2 convention). Ratio 1 computes exactly as <see cref="L1Penalty"/>, ratio 0 exactly as
/// <see cref="L2Penalty"/>. Proximal operator: <c>soft(w, s*lambda*r) / (1 + 2*s*lambda*(1 - r))</c>.
/// </summary>
public sealed record ElasticNetPenalty : Penalty
{
    /// <summary>Creates an elastic-net penalty.</summary>
    /// <param name="lambda">The strength, finite and &gt;= 0.</param>
    /// <param name="l1Ratio">The share of L1, in [0, 1].</param>
    /// <param name="mask">The parameters it applies to; all when null.</param>
    internal ElasticNetPenalty(double lambda, double l1Ratio, Mask? mask = null)
        : base(mask ?? Mask.All)
    {
        Lambda = Validate.NonNegative(lambda, nameof(lambda));
        L1Ratio = Validate.Unit(l1Ratio, nameof(l1Ratio));
    }

    /// <summary>The strength.</summary>
    public double Lambda { get; }

    /// <summary>The share of L1.</summary>
    public double L1Ratio { get; }

    /// <summary>The L1 strength, <c>lambda * r</c>.</summary>
    public double L1 => L1Ratio == 1 ? Lambda : Lambda * L1Ratio;

    /// <summary>The L2 strength, <c>lambda * (1 - r)</c>.</summary>
    public double L2 => L1Ratio == 0 ? Lambda : Lambda * (1 - L1Ratio);

    /// <inheritdoc />
    public override string Convention => $"{Schedule.F(Lambda)} * ({Schedule.F(L1Ratio)} * sum|w| + {Schedule.F(1 - L1Ratio)} * sum(w^2)){Suffix(Mask)}";

    /// <inheritdoc />
    public override Penalty WithMask(Mask mask) => new ElasticNetPenalty(Lambda, L1Ratio, mask);

    internal override (double Threshold, double Divisor) ProximalScalars(double stepSize) => L1Ratio switch
    {
        1 => (stepSize * Lambda, 1.0),
        0 => (0.0, 1 + (2 * (stepSize * Lambda))),
        _ => (stepSize * L1, 1 + (2 * (stepSize * L2))),
    };

    private protected override double ValueOf(Sums w) => L1Ratio switch
    {
        1 => Lambda * w.Abs,
        0 => Lambda * w.Squares,
        _ => (L1 * w.Abs) + (L2 * w.Squares),
    };

    private protected override (double L1, double TwoL2) GradientScalars => L1Ratio switch
    {
        1 => (Lambda, 0),
        0 => (0, 2 * Lambda),
        _ => (L1, 2 * L2),
    };
}

/// <summary>Factories for <see cref="Penalty"/> values.</summary>
public static class Penalties
{
    /// <summary>L1: <c>lambda * sum|w|</c>. See <see cref="L1Penalty"/>.</summary>
    /// <param name="lambda">The strength, finite and &gt;= 0.</param>
    [Pure]
    public static Penalty L1(double lambda) => new L1Penalty(lambda);

    /// <summary>L2 in the seeds' convention: <c>lambda * sum(w^2)</c>, gradient <c>2*lambda*w</c>. See <see cref="L2Penalty"/>.</summary>
    /// <param name="lambda">The strength, finite and &gt;= 0.</param>
    [Pure]
    public static Penalty L2(double lambda) => new L2Penalty(lambda);

    /// <summary>Elastic net: <c>lambda * (r * sum|w| + (1 - r) * sum(w^2))</c>. See <see cref="ElasticNetPenalty"/>.</summary>
    /// <param name="lambda">The strength, finite and &gt;= 0.</param>
    /// <param name="l1Ratio">The share of L1, in [0, 1].</param>
    [Pure]
    public static Penalty ElasticNet(double lambda, double l1Ratio) => new ElasticNetPenalty(lambda, l1Ratio);

    /// <summary>The sum of several penalties' values.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="penalties">The penalties.</param>
    [Pure]
    public static double Total<T>(ParamSet<T> parameters, params Penalty[] penalties)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(penalties);
        double total = 0;
        foreach (var penalty in penalties)
        {
            total += penalty.Value(parameters);
        }

        return total;
    }
}

/// <summary>The sums a penalty's value needs, computed in double in a fixed order.</summary>
internal readonly record struct Sums(double Abs, double Squares)
{
    public static Sums Of<T>(T[] w)
        where T : struct, IEquatable<T>, IFormattable => new(Elements.SumAbs<T>(w), Elements.SumSquares<T>(w));
}

/// <summary>A penalty's gradient, <c>l1 * sign(w) + 2*l2 * w</c> (the L1 part zero at zero), with <c>u</c> holding <c>w</c>.</summary>
internal readonly struct PenaltyGradientRule<T>(System.Numerics.Vector<T> l1, System.Numerics.Vector<T> twoL2, bool hasL1, bool hasL2) : IElementRule<T>
    where T : struct, IEquatable<T>, IFormattable
{
    public void Apply(
        System.Numerics.Vector<T> p, ref System.Numerics.Vector<T> u, ref System.Numerics.Vector<T> s0, ref System.Numerics.Vector<T> s1, ref System.Numerics.Vector<T> s2, ref System.Numerics.Vector<T> s3)
    {
        if (hasL1 && hasL2)
        {
            u = VectorMath.MultiplyAdd(twoL2, p, VectorMath.Sign(u) * l1);
        }
        else if (hasL1)
        {
            u = VectorMath.Sign(u) * l1;
        }
        else
        {
            u *= twoL2;
        }
    }
}
