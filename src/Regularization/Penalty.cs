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
    public double Value(ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double total = 0;
        foreach (var p in parameters)
        {
            if (Mask.Includes(p))
            {
                total += ValueOf(Buffers.Data(p));
            }
        }

        return total;
    }

    /// <summary>The (sub)gradient with respect to every parameter (zero for excluded ones).</summary>
    /// <param name="parameters">The parameters.</param>
    [Pure]
    public ParamSet Gradient(ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var items = parameters.Items;
        return Buffers.Compute(parameters, (i, d) =>
        {
            if (Mask.Includes(items[i]))
            {
                GradientOf(Buffers.Data(items[i]), d);
            }
        });
    }

    /// <summary>
    /// The proximal operator of <c>stepSize * R</c>: <c>argmin_x (1/2)||x - w||^2 + stepSize * R(x)</c>, element-wise
    /// (excluded parameters are returned unchanged, as new matrices).
    /// </summary>
    /// <param name="parameters">The parameters <c>w</c>.</param>
    /// <param name="stepSize">The step size, finite and &gt;= 0 (usually the learning rate).</param>
    [Pure]
    public ParamSet Proximal(ParamSet parameters, double stepSize)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Validate.NonNegative(stepSize, nameof(stepSize));
        var (threshold, divisor) = ProximalScalars(stepSize);
        var items = parameters.Items;
        return Buffers.Compute(parameters, (i, d) =>
        {
            var x = Buffers.Data(items[i]);
            if (Mask.Includes(items[i]))
            {
                Kernels.Proximal(x, threshold, divisor, d);
            }
            else
            {
                x.CopyTo(d, 0);
            }
        });
    }

    /// <summary>The same penalty over the parameters <paramref name="mask"/> includes.</summary>
    /// <param name="mask">The mask.</param>
    [Pure]
    public abstract Penalty WithMask(Mask mask);

    /// <summary>The threshold <c>s*l1</c> and divisor <c>1 + 2*s*l2</c> of the proximal operator for step size <c>s</c>.</summary>
    internal abstract (double Threshold, double Divisor) ProximalScalars(double stepSize);

    private protected abstract double ValueOf(double[] w);

    private protected abstract void GradientOf(double[] w, double[] destination);

    private protected static string Suffix(Mask mask) => ReferenceEquals(mask, Mask.All) ? string.Empty : $" over {mask.Description}";
}

/// <summary>L1: <c>lambda * sum|w|</c>; subgradient <c>lambda * sign(w)</c> (0 at 0); proximal operator: soft thresholding.</summary>
public sealed record L1Penalty : Penalty
{
    /// <summary>Creates an L1 penalty.</summary>
    /// <param name="lambda">The strength, finite and &gt;= 0.</param>
    /// <param name="mask">The parameters it applies to; all when null.</param>
    public L1Penalty(double lambda, Mask? mask = null)
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

    private protected override double ValueOf(double[] w) => Lambda * Kernels.SumAbs(w);

    private protected override void GradientOf(double[] w, double[] destination) => Kernels.ScaledSign(w, Lambda, destination);
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
    public L2Penalty(double lambda, Mask? mask = null)
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

    private protected override double ValueOf(double[] w) => Lambda * Kernels.SumSquares(w);

    private protected override void GradientOf(double[] w, double[] destination) => Kernels.Scale(w, 2 * Lambda, destination);
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
    public ElasticNetPenalty(double lambda, double l1Ratio, Mask? mask = null)
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

    private protected override double ValueOf(double[] w) => L1Ratio switch
    {
        1 => Lambda * Kernels.SumAbs(w),
        0 => Lambda * Kernels.SumSquares(w),
        _ => (L1 * Kernels.SumAbs(w)) + (L2 * Kernels.SumSquares(w)),
    };

    private protected override void GradientOf(double[] w, double[] destination)
    {
        switch (L1Ratio)
        {
            case 1:
                Kernels.ScaledSign(w, Lambda, destination);
                break;
            case 0:
                Kernels.Scale(w, 2 * Lambda, destination);
                break;
            default:
                Kernels.ScaledSign(w, L1, destination);
                Kernels.MultiplyAdd(destination, 2 * L2, w, destination);
                break;
        }
    }
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
    public static double Total(ParamSet parameters, params Penalty[] penalties)
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
