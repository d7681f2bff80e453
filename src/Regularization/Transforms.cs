using System.Diagnostics.Contracts;

namespace Regularization;

/// <summary>
/// The primitives optimizers are made of, in Optax's vocabulary. Updates flow through a <see cref="Chain"/> from the
/// gradient to the final update that <see cref="Updates.Apply{T}"/> adds to the parameters.
/// </summary>
/// <remarks>
/// <para>
/// Coupled and decoupled decay are only positions in a chain: <see cref="AddDecayedWeights"/> before
/// <see cref="Trace"/> or <see cref="ScaleByAdam"/> is coupled (L2 through the optimizer, PyTorch's
/// <c>weight_decay</c> on SGD and Adam); <see cref="AddDecoupledWeightDecay"/> after
/// <see cref="ScaleByLearningRate(Schedule)"/> is decoupled (AdamW, SGDW).
/// </para>
/// <example>
/// PyTorch's <c>SGD(lr=0.1, momentum=0.9, weight_decay=5e-4)</c>, written out:
/// <code>
/// var sgd = Transforms.Chain(
///     Transforms.AddDecayedWeights(5e-4),
///     Transforms.Trace(momentum: 0.9),
///     Transforms.ScaleByLearningRate(0.1));
/// </code>
/// </example>
/// </remarks>
public static partial class Transforms
{
    /// <summary>Passes updates through unchanged: <c>u' = u</c>.</summary>
    [Pure]
    public static IGradientTransform Identity() => IdentityTransform.Instance;

    /// <summary>Multiplies updates by a constant: <c>u' = factor * u</c>. <c>Scale(-1)</c> is PyTorch's <c>maximize</c>.</summary>
    /// <param name="factor">A finite factor.</param>
    [Pure]
    public static IGradientTransform Scale(double factor) => new ScalePrimitive(factor);

    /// <summary>
    /// <c>u' = u + lambda(t) * p</c> (one rounding): the gradient of <c>(lambda/2)*sum(p^2)</c>, PyTorch's coupled
    /// <c>weight_decay</c> when placed before momentum or Adam.
    /// </summary>
    /// <param name="weightDecay">The coefficient <c>lambda(t)</c> (a number converts to a constant schedule).</param>
    [Pure]
    public static IGradientTransform AddDecayedWeights(Schedule weightDecay) => new AddDecayedWeightsPrimitive(weightDecay);

    /// <summary>
    /// Decoupled decay after the learning-rate scaling: <c>u' = u - c(t) * p</c>, a shrink by <c>1 - c(t)</c>.
    ///
    /// </summary>
    /// <param name="weightDecay">The decay <c>lambda(t)</c>.</param>
    /// <param name="learningRate">The learning rate the decay follows.</param>
    /// <param name="scaling">How the decay follows the learning rate (PyTorch's by default).</param>
    [Pure]
    public static IGradientTransform AddDecoupledWeightDecay(Schedule weightDecay, Schedule learningRate, DecayScaling scaling = DecayScaling.LearningRate) =>
        new AddDecoupledWeightDecayPrimitive(weightDecay, learningRate, scaling);

    /// <summary>
    /// Momentum with PyTorch's semantics: <c>b = momentum*b + (1 - dampening)*u</c> (the first <c>b</c> is <c>u</c>), output
    /// <c>b</c> or, with Nesterov, <c>u + momentum*b</c>.
    /// </summary>
    /// <param name="momentum">Momentum factor, &gt;= 0.</param>
    /// <param name="dampening">Dampening, in [0, 1].</param>
    /// <param name="nesterov">Nesterov momentum (needs momentum &gt; 0 and dampening 0).</param>
    [Pure]
    public static IGradientTransform Trace(double momentum, double dampening = 0, bool nesterov = false) =>
        new TracePrimitive(momentum, dampening, nesterov);

    /// <summary>
    /// Adam's scaling, PyTorch's arithmetic: output <c>m-hat / (sqrt(v) / sqrt(1 - b2^t) + eps)</c>.
    /// (AMSGrad follows PyTorch's code: maximum over the raw <c>v</c>). State slots <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c>.
    /// </summary>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0 (zero would divide 0 by 0 for a zero gradient).</param>
    /// <param name="amsGrad">AMSGrad.</param>
    [Pure]
    public static IGradientTransform ScaleByAdam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, bool amsGrad = false) =>
        new ScaleByAdamPrimitive(beta1, beta2, epsilon, amsGrad);

    /// <summary>Scales by the negative learning rate: <c>u' = -lr(t) * u</c>.</summary>
    /// <param name="learningRate">The learning rate (base value &gt; 0).</param>
    [Pure]
    public static IGradientTransform ScaleByLearningRate(Schedule learningRate) => new ScaleByLearningRatePrimitive(learningRate);

    /// <summary>Scales by the negative learning rate: <c>u' = -learningRate * u</c>.</summary>
    /// <param name="learningRate">The learning rate, &gt; 0.</param>
    [Pure]
    public static IGradientTransform ScaleByLearningRate(double learningRate) => new ScaleByLearningRatePrimitive(learningRate);

    /// <summary>
    /// Proximal L1 after the step, giving exact zeros: new parameter <c>soft(p + u, eta*l1)</c>. Place it last.
    /// </summary>
    /// <remarks>
    /// After a momentum optimizer (SGD with momentum <c>m</c> and no dampening) the iteration converges to the lasso with
    /// strength <c>l1 * (1 - m)</c>, not <c>l1</c>: at a fixed point the momentum buffer holds <c>g / (1 - m)</c>, so the
    /// gradient step is <c>1/(1 - m)</c> times longer than the threshold assumes. Pass <c>l1 / (1 - m)</c> for the lasso
    /// at <c>l1</c>, or use the exact solvers of <c>Regularization.Linear</c> (coordinate descent, FISTA). Tested in
    /// <c>tests/Regularization.Linear.Tests</c>.
    /// </remarks>

    /// <param name="l1">The L1 strength (penalty <c>l1*sum|w|</c>).</param>
    /// <param name="learningRate">The learning rate the step size follows.</param>
    /// <param name="scaling">How the step size follows the learning rate.</param>
    [Pure]
    public static IGradientTransform ProximalL1(Schedule l1, Schedule learningRate, DecayScaling scaling = DecayScaling.LearningRate) =>
        new ProximalPrimitive(l1, Schedule.Constant(0), learningRate, scaling);

    /// <summary>
    /// Proximal elastic net after the step: new parameter <c>soft(p + u, eta*lambda*r) / (1 + 2*eta*lambda*(1 - r))</c>,
    /// the proximal operator of <see cref="ElasticNetPenalty"/>. Place it last.
    /// </summary>
    /// <remarks>
    /// After SGD with momentum <c>m</c> (no dampening) the iteration converges to the elastic net with strength
    /// <c>lambda * (1 - m)</c>; pass <c>lambda / (1 - m)</c> for the elastic net at <c>lambda</c>.
    /// <see cref="Conventions.FromSklearnElasticNet"/> gives scikit-learn's <c>alpha</c>, <c>l1_ratio</c> in this form.
    /// </remarks>
    /// <param name="lambda">The strength.</param>
    /// <param name="l1Ratio">The share of L1, in [0, 1].</param>
    /// <param name="learningRate">The learning rate the step size follows.</param>
    /// <param name="scaling">How the step size follows the learning rate.</param>
    [Pure]
    public static IGradientTransform ProximalElasticNet(double lambda, double l1Ratio, Schedule learningRate, DecayScaling scaling = DecayScaling.LearningRate)
    {
        var net = new ElasticNetPenalty(lambda, l1Ratio);
        return new ProximalPrimitive(Schedule.Constant(net.L1), Schedule.Constant(net.L2), learningRate, scaling);
    }

    /// <summary>Adds a penalty's gradient to the updates, as if it were part of the loss.</summary>
    /// <param name="penalty">The penalty.</param>
    [Pure]
    public static IGradientTransform AddPenaltyGradient(Penalty penalty) => new AddPenaltyGradientTransform(penalty ?? throw new ArgumentNullException(nameof(penalty)));

    /// <summary>Applies transforms in order.</summary>
    /// <param name="transforms">The transforms; none is the identity.</param>
    [Pure]
    public static IGradientTransform Chain(params IGradientTransform[] transforms) => new ChainTransform(Checked(transforms, nameof(transforms)));

    /// <summary>Applies a transform to the parameters a mask includes; the rest pass through.</summary>
    /// <param name="inner">The transform.</param>
    /// <param name="mask">The mask.</param>
    [Pure]
    public static IGradientTransform Masked(IGradientTransform inner, Mask mask) => new MaskedTransform(inner ?? throw new ArgumentNullException(nameof(inner)), mask ?? throw new ArgumentNullException(nameof(mask)));

    /// <summary>Updates each group of parameters with its own transform (PyTorch's <c>param_groups</c>).</summary>
    /// <param name="groups">The groups; a parameter goes to the first group that includes it.</param>
    [Pure]
    public static IGradientTransform Partition(params ParamGroup[] groups) => new PartitionTransform(Checked(groups, nameof(groups)));

    /// <summary>Checks gradients for NaN and infinities and throws, skips or zeroes.</summary>
    /// <param name="inner">The guarded transform.</param>
    /// <param name="policy">The policy.</param>
    [Pure]
    public static IGradientTransform GuardNonFinite(IGradientTransform inner, NonFinitePolicy policy = NonFinitePolicy.Throw) =>
        new NonFiniteGuardTransform(inner ?? throw new ArgumentNullException(nameof(inner)), Enum.IsDefined(policy) ? policy : throw new ArgumentOutOfRangeException(nameof(policy)));

    private static T[] Checked<T>(T[] items, string name)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(items, name);
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i] is null)
            {
                throw new ArgumentNullException(name, $"Item {i} of '{name}' is null.");
            }
        }

        return (T[])items.Clone();
    }
}
