using Regularization.Internal;

namespace Regularization;

/// <summary>
/// A proximal step after the optimizer's update, giving exact zeros: with <c>w = p + u</c> and step size <c>eta(t)</c>,
/// the new parameter is <c>z = soft(w, eta*l1) / (1 + 2*eta*l2)</c> where <c>soft(w, t) = sign(w)*max(|w| - t, 0)</c>,
/// the proximal operator of <c>eta*(l1*sum|w| + l2*sum(w^2))</c> (this library's L1 and L2 conventions). The output
/// update is <c>z - p</c>. See <see cref="Transforms.ProximalL1"/> and <see cref="Transforms.ProximalElasticNet"/>.
/// </summary>
/// <remarks>
/// <para>
/// Guarantees: wherever <c>|w| &lt;= eta*l1</c> the new parameter <c>p + (z - p)</c> is exactly zero (<c>x + (-x)</c> is 0
/// in IEEE arithmetic); it never has the opposite sign of <c>z</c>; with both strengths 0 the updates pass through
/// untouched. Elsewhere <c>p + (z - p)</c> equals <c>z</c> up to one rounding (exactly when <c>|z - p| &lt;= |p|</c>, the
/// usual case of a small step).
/// </para>
/// <para>The step size follows the learning rate as <see cref="Scaling"/> says. State: a <see cref="CountState"/>.</para>
/// </remarks>
public sealed record ProximalTransform : IGradientTransform
{
    /// <summary>Creates a proximal step.</summary>
    /// <param name="l1">The L1 strength <c>l1(t)</c> (penalty <c>l1*sum|w|</c>).</param>
    /// <param name="l2">The L2 strength <c>l2(t)</c> (penalty <c>l2*sum(w^2)</c>).</param>
    /// <param name="learningRate">The learning rate the step size follows (unused with <see cref="DecayScaling.None"/>).</param>
    /// <param name="scaling">How the step size follows the learning rate.</param>
    public ProximalTransform(Schedule l1, Schedule l2, Schedule learningRate, DecayScaling scaling = DecayScaling.LearningRate)
    {
        L1 = l1 ?? throw new ArgumentNullException(nameof(l1));
        L2 = l2 ?? throw new ArgumentNullException(nameof(l2));
        LearningRate = learningRate ?? throw new ArgumentNullException(nameof(learningRate));
        Scaling = Enum.IsDefined(scaling) ? scaling : throw new ArgumentOutOfRangeException(nameof(scaling), scaling, "Unknown DecayScaling.");
    }

    /// <summary>The L1 strength.</summary>
    public Schedule L1 { get; }

    /// <summary>The L2 strength.</summary>
    public Schedule L2 { get; }

    /// <summary>The learning rate the step size follows.</summary>
    public Schedule LearningRate { get; }

    /// <summary>How the step size follows the learning rate.</summary>
    public DecayScaling Scaling { get; }

    /// <summary>The threshold <c>eta*l1</c> and divisor <c>1 + 2*eta*l2</c> at a step.</summary>
    /// <param name="step">Updates done before this one.</param>
    public (double Threshold, double Divisor) At(long step)
    {
        var threshold = DecayMath.Coefficient(L1, LearningRate, Scaling, step, "proximal L1");
        var c2 = DecayMath.Coefficient(L2, LearningRate, Scaling, step, "proximal L2");
        return (threshold, 1 + (2 * c2));
    }

    /// <inheritdoc />
    public TransformState Init(ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new CountState(0);
    }

    /// <inheritdoc />
    public Step Update(ParamSet updates, TransformState state, ParamSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var u = Validate.Aligned(parameters, nameof(updates), updates, nameof(parameters));
        var count = Validate.State<CountState>(state, this);
        var (threshold, divisor) = At(count.Count);
        var next = new CountState(count.Count + 1);
        if (threshold == 0 && divisor == 1)
        {
            return new Step(updates, next);
        }

        var p = parameters.Items;
        var result = Buffers.Compute(parameters, (i, d) => Kernels.ProximalUpdate(Buffers.Data(p[i]), Buffers.Data(u[i]), threshold, divisor, d));
        return new Step(result, next);
    }
}
