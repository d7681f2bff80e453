using System.Diagnostics.Contracts;
using Regularization.Internal;

namespace Regularization;

/// <summary>
/// Optimizers as documented chains of <see cref="Transforms"/>, with PyTorch's argument names (in camelCase), defaults,
/// argument order and argument rules. Each result is wrapped in <see cref="Transforms.GuardNonFinite"/> with
/// <see cref="NonFinitePolicy.Throw"/>; change that with <see cref="WithNonFinitePolicy"/>.
/// </summary>
/// <remarks>
/// <para>
/// Coupled decay (<see cref="Sgd(double, double, double, double, bool, bool)"/>, <see cref="Adam(double, double, double, double, double, bool, bool)"/>)
/// adds <c>weightDecay * p</c> to the gradient before momentum or Adam; it is the gradient of
/// <c>(weightDecay / 2) * sum(p^2)</c>, so <c>Sgd(weightDecay: 2 * lambda)</c> equals SGD on <c>loss + lambda * sum(p^2)</c>.
/// Decoupled decay (<see cref="SgdW(double, double, double, double, bool, bool)"/>, <see cref="AdamW(double, double, double, double, double, bool, bool)"/>)
/// shrinks the weights by <c>1 - c(t)</c> outside the gradient statistics (see <see cref="DecayScaling"/>).
/// </para>
/// <para>
/// Every factory's overloads order their positional parameters the same way, PyTorch's: the schedule overload takes a
/// <see cref="Schedule"/> where the number overload takes the learning rate and the weight decay, and adds what PyTorch
/// has no argument for (<c>decayScaling</c>, <c>decayMask</c>, <c>trustRatioMask</c>) after PyTorch's parameters. So
/// <c>AdamW(schedule, 0.9)</c> sets <c>beta1</c>, as <c>AdamW(1e-3, 0.9)</c> does (a test over every overload keeps it so).
/// </para>
/// <example>
/// The first seed's optimizer, <c>torch.optim.SGD(model.parameters(), lr=0.01, weight_decay=1e-4)</c>:
/// <code>
/// IGradientTransform sgd = Optimizers.Sgd(learningRate: 0.01, weightDecay: 1e-4);
/// </code>
/// </example>
/// </remarks>
public static partial class Optimizers
{
    /// <summary>
    /// Stochastic gradient descent as PyTorch's <c>torch.optim.SGD</c> (coupled weight decay), same parameter order:
    /// <c>g = grad + weightDecay*p</c>; with momentum <c>b = momentum*b + (1 - dampening)*g</c> (<c>b = g</c> at the
    /// first step) and <c>d = g + momentum*b</c> (Nesterov) or <c>d = b</c>, else <c>d = g</c>; <c>p &lt;- p - lr*d</c>.
    /// Chain: <c>[Scale(-1) if maximize], [AddDecayedWeights(weightDecay)], [Trace(momentum, dampening, nesterov)], ScaleByLearningRate(learningRate)</c>.
    /// </summary>
    /// <param name="learningRate">Learning rate, &gt; 0 (PyTorch accepts 0; a zero rate is rejected here).</param>
    /// <param name="momentum">Momentum factor, &gt;= 0 (0: no momentum buffer, as PyTorch).</param>
    /// <param name="dampening">Dampening for momentum, in [0, 1].</param>
    /// <param name="weightDecay">Coupled decay (PyTorch's L2 <c>weight_decay</c>), &gt;= 0.</param>
    /// <param name="nesterov">Nesterov momentum; requires momentum &gt; 0 and dampening 0.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException">An argument breaks PyTorch's rules or is NaN, infinite or negative.</exception>
    [Pure]
    public static IGradientTransform Sgd(
        double learningRate, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false) =>
        Sgd(LearningRate(learningRate), momentum, dampening, Decay(weightDecay, nameof(weightDecay)), nesterov, maximize);

    /// <summary>
    /// SGD with schedules for the learning rate and the coupled decay, and an optional decay mask.
    /// See <see cref="Sgd(double, double, double, double, bool, bool)"/>.
    /// </summary>
    /// <example><code>var sgd = Optimizers.Sgd(Schedule.Cosine(0.1, totalSteps: 10_000), momentum: 0.9, weightDecay: 5e-4, decayMask: Mask.ExcludeVectors);</code></example>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="momentum">Momentum factor, &gt;= 0.</param>
    /// <param name="dampening">Dampening, in [0, 1].</param>
    /// <param name="weightDecay">Coupled decay schedule; none when null.</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <param name="decayMask">Parameters that get decay (for example <see cref="Mask.ExcludeVectors"/>); all when null.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform Sgd(
        Schedule learningRate,
        double momentum = 0,
        double dampening = 0,
        Schedule? weightDecay = null,
        bool nesterov = false,
        bool maximize = false,
        Mask? decayMask = null) =>
        Chain(learningRate, maximize, CoupledDecay(weightDecay, decayMask), Momentum(momentum, dampening, nesterov), Transforms.ScaleByLearningRate(learningRate));

    /// <summary>
    /// SGD with decoupled weight decay (SGDW, Loshchilov and Hutter): PyTorch-style momentum <c>d</c> (as
    /// <see cref="Sgd(double, double, double, double, bool, bool)"/>, without the decay in the gradient), then
    /// <c>p &lt;- p - lr*d - c(t)*p</c> with <c>c(t) = lr*weightDecay</c>. Chain:
    /// <c>[Scale(-1)], [Trace], ScaleByLearningRate, AddDecoupledWeightDecay(weightDecay, learningRate, LearningRate)</c>.
    /// </summary>
    /// <remarks>
    /// PyTorch has no SGDW; the weight decay comes second here because it is required. The paper puts the learning rate
    /// inside the momentum buffer (<c>m = beta*m + eta*alpha*g</c>); here it is outside, as in PyTorch. The two agree
    /// while the learning rate is constant.
    /// </remarks>
    /// <param name="learningRate">Learning rate, &gt; 0.</param>
    /// <param name="weightDecay">Decoupled decay <c>lambda</c>, &gt;= 0; each step shrinks weights by <c>1 - learningRate*lambda</c>.</param>
    /// <param name="momentum">Momentum factor, &gt;= 0.</param>
    /// <param name="dampening">Dampening, in [0, 1].</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform SgdW(
        double learningRate, double weightDecay, double momentum = 0, double dampening = 0, bool nesterov = false, bool maximize = false) =>
        SgdW(LearningRate(learningRate), Decay(weightDecay, nameof(weightDecay)), momentum, dampening, nesterov, maximize);

    /// <summary>SGDW with schedules, a decay scaling mode and an optional decay mask. See <see cref="SgdW(double, double, double, double, bool, bool)"/>.</summary>
    /// <example><code>var sgdw = Optimizers.SgdW(Schedule.Cosine(0.1, 10_000), 5e-4, momentum: 0.9, decayScaling: DecayScaling.ScheduleMultiplier);</code></example>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="weightDecay">Decoupled decay schedule <c>lambda(t)</c>.</param>
    /// <param name="momentum">Momentum factor, &gt;= 0.</param>
    /// <param name="dampening">Dampening, in [0, 1].</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <param name="decayScaling">How the decay follows the learning rate (<see cref="DecayScaling.ScheduleMultiplier"/> is the paper's).</param>
    /// <param name="decayMask">Parameters that get decay; all when null.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform SgdW(
        Schedule learningRate,
        Schedule weightDecay,
        double momentum = 0,
        double dampening = 0,
        bool nesterov = false,
        bool maximize = false,
        DecayScaling decayScaling = DecayScaling.LearningRate,
        Mask? decayMask = null) =>
        Chain(
            learningRate,
            maximize,
            Momentum(momentum, dampening, nesterov),
            Transforms.ScaleByLearningRate(learningRate),
            DecoupledDecay(Validate.Schedule(weightDecay, nameof(weightDecay)), learningRate, decayScaling, decayMask));

    /// <summary>
    /// Adam as PyTorch's <c>torch.optim.Adam</c> (coupled weight decay, "L2 penalty"): <c>g = grad + weightDecay*p</c>,
    /// <c>m = b1*m + (1-b1)*g</c>, <c>v = b2*v + (1-b2)*g^2</c> (AMSGrad: <c>vmax = max(vmax, v)</c> in place of
    /// <c>v</c>), <c>p &lt;- p - lr * (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)</c>. Chain:
    /// <c>[Scale(-1)], [AddDecayedWeights(weightDecay)], ScaleByAdam(beta1, beta2, epsilon, amsgrad), ScaleByLearningRate(learningRate)</c>.
    /// </summary>
    /// <remarks>
    /// Coupled decay goes through Adam's normalization, so it is not a weight shrink; for that use
    /// <see cref="AdamW(double, double, double, double, double, bool, bool)"/>.
    /// </remarks>
    /// <param name="learningRate">Learning rate, &gt; 0 (default 1e-3).</param>
    /// <param name="beta1">First-moment decay, in [0, 1) (default 0.9).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1) (default 0.999).</param>
    /// <param name="epsilon">Denominator term, &gt; 0 (default 1e-8; zero would divide 0 by 0 for a zero gradient).</param>
    /// <param name="weightDecay">Coupled decay, &gt;= 0 (default 0).</param>
    /// <param name="amsgrad">AMSGrad (PyTorch's code: maximum over the raw second moment).</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform Adam(
        double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false) =>
        Adam(LearningRate(learningRate), beta1, beta2, epsilon, Decay(weightDecay, nameof(weightDecay)), amsgrad, maximize);

    /// <summary>Adam with schedules and an optional decay mask. See <see cref="Adam(double, double, double, double, double, bool, bool)"/>.</summary>
    /// <example><code>var adam = Optimizers.Adam(Schedule.Cosine(1e-3, 10_000).WithWarmup(500), weightDecay: 1e-4, decayMask: Mask.ExcludeVectors);</code></example>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <param name="weightDecay">Coupled decay schedule; none when null.</param>
    /// <param name="amsgrad">AMSGrad.</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <param name="decayMask">Parameters that get decay; all when null.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform Adam(
        Schedule learningRate,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-8,
        Schedule? weightDecay = null,
        bool amsgrad = false,
        bool maximize = false,
        Mask? decayMask = null) =>
        Chain(
            learningRate,
            maximize,
            CoupledDecay(weightDecay, decayMask),
            Transforms.ScaleByAdam(beta1, beta2, epsilon, amsgrad),
            Transforms.ScaleByLearningRate(learningRate));

    /// <summary>
    /// AdamW as PyTorch's <c>torch.optim.AdamW</c> (decoupled decay scaled by the learning rate, default 1e-2):
    /// <c>p &lt;- p*(1 - lr*weightDecay) - lr*adam(grad)</c>, with Adam's step <c>adam(g)</c> as in
    /// <see cref="Adam(double, double, double, double, double, bool, bool)"/> (without decay in the gradient). Chain:
    /// <c>[Scale(-1)], ScaleByAdam(...), ScaleByLearningRate(learningRate), AddDecoupledWeightDecay(weightDecay, learningRate, LearningRate)</c>
    /// (PyTorch multiplies first and adds after; the chain adds <c>-lr*adam - lr*wd*p</c> in one fused rounding).
    /// </summary>
    /// <param name="learningRate">Learning rate, &gt; 0 (default 1e-3).</param>
    /// <param name="beta1">First-moment decay, in [0, 1) (default 0.9).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1) (default 0.999).</param>
    /// <param name="epsilon">Denominator term, &gt; 0 (default 1e-8; zero would divide 0 by 0 for a zero gradient).</param>
    /// <param name="weightDecay">Decoupled decay, &gt;= 0 (default 1e-2, PyTorch's; Optax's is 1e-4, Keras' 0.004).</param>
    /// <param name="amsgrad">AMSGrad.</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform AdamW(
        double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false) =>
        AdamW(LearningRate(learningRate), beta1, beta2, epsilon, Decay(weightDecay, nameof(weightDecay)), amsgrad, maximize);

    /// <summary>
    /// AdamW with schedules, a decay scaling mode (<see cref="DecayScaling.ScheduleMultiplier"/> is the paper's
    /// <c>theta &lt;- theta - eta(t) * (alpha * adam + lambda * theta)</c>) and an optional decay mask, parameters in
    /// the order of <see cref="AdamW(double, double, double, double, double, bool, bool)"/>.
    /// </summary>
    /// <example><code>var adamw = Optimizers.AdamW(Schedule.Cosine(1e-3, 10_000), weightDecay: 0.05, decayScaling: DecayScaling.ScheduleMultiplier, decayMask: Mask.ExcludeVectors);</code></example>
    /// <param name="learningRate">Learning-rate schedule <c>alpha * eta(t)</c> (base value &gt; 0).</param>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <param name="weightDecay">Decoupled decay schedule <c>lambda(t)</c>; when null, PyTorch's default 1e-2 (<c>0</c> for none).</param>
    /// <param name="amsgrad">AMSGrad.</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <param name="decayScaling">How the decay follows the learning rate.</param>
    /// <param name="decayMask">Parameters that get decay; all when null.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform AdamW(
        Schedule learningRate,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-8,
        Schedule? weightDecay = null,
        bool amsgrad = false,
        bool maximize = false,
        DecayScaling decayScaling = DecayScaling.LearningRate,
        Mask? decayMask = null) =>
        Chain(
            learningRate,
            maximize,
            Transforms.ScaleByAdam(beta1, beta2, epsilon, amsgrad),
            Transforms.ScaleByLearningRate(learningRate),
            DecoupledDecay(weightDecay ?? DefaultDecoupledDecay, learningRate, decayScaling, decayMask));

    /// <summary>
    /// Appends a proximal L1 step to an optimizer (inside its non-finite guard), giving exact zeros for any optimizer:
    /// after the optimizer's update the new parameter is <c>soft(p + u, eta*l1)</c>.
    /// </summary>
    /// <remarks>
    /// After a momentum optimizer (SGD with momentum <c>m</c> and no dampening) the iteration converges to the lasso with
    /// strength <c>l1 * (1 - m)</c>, not <c>l1</c>: at a fixed point the momentum buffer holds <c>g / (1 - m)</c>, so the
    /// gradient step is <c>1/(1 - m)</c> times longer than the threshold assumes. Pass <c>l1 / (1 - m)</c> for the lasso
    /// at <c>l1</c>, or use the exact solvers of <c>Regularization.Linear</c> (coordinate descent, FISTA). Tested in
    /// <c>tests/Regularization.Linear.Tests</c>.
    /// </remarks>
    /// <param name="optimizer">Any transform, for example <c>Optimizers.Adam()</c>.</param>
    /// <param name="l1">The L1 strength (penalty <c>l1 * sum|w|</c>), &gt;= 0.</param>
    /// <param name="learningRate">The step size's learning rate; when null, the optimizer's single learning rate (of its ScaleByLearningRate) is used.</param>
    /// <param name="scaling">How the threshold follows the learning rate (<c>lr*l1</c> by default).</param>
    /// <param name="mask">Parameters the step applies to; all when null.</param>
    /// <returns>The optimizer followed by the proximal step.</returns>
    [Pure]
    public static IGradientTransform WithProximalL1(
        IGradientTransform optimizer, double l1, Schedule? learningRate = null, DecayScaling scaling = DecayScaling.LearningRate, Mask? mask = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var lr = learningRate ?? FindLearningRate(optimizer);
        return Then(optimizer, MaskIf(Transforms.ProximalL1(Validate.NonNegative(l1, nameof(l1)), lr, scaling), mask));
    }

    /// <summary>
    /// Appends a proximal elastic-net step (see <see cref="ElasticNetPenalty"/>) to an optimizer, inside its guard.
    /// </summary>
    /// <param name="optimizer">Any transform.</param>
    /// <param name="lambda">The strength, &gt;= 0.</param>
    /// <param name="l1Ratio">The share of L1, in [0, 1].</param>
    /// <param name="learningRate">The step size's learning rate; when null, the optimizer's own.</param>
    /// <param name="scaling">How the step size follows the learning rate.</param>
    /// <param name="mask">Parameters the step applies to; all when null.</param>
    /// <returns>The optimizer followed by the proximal step.</returns>
    [Pure]
    public static IGradientTransform WithProximalElasticNet(
        IGradientTransform optimizer, double lambda, double l1Ratio, Schedule? learningRate = null, DecayScaling scaling = DecayScaling.LearningRate, Mask? mask = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var lr = learningRate ?? FindLearningRate(optimizer);
        return Then(optimizer, MaskIf(Transforms.ProximalElasticNet(lambda, l1Ratio, lr, scaling), mask));
    }

    /// <summary>Sets the non-finite gradient policy of an optimizer (replacing its guard, or adding one).</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="policy">Throw (the default of every optimizer), skip the step, or zero the entries.</param>
    /// <returns>The optimizer with that policy.</returns>
    [Pure]
    public static IGradientTransform WithNonFinitePolicy(IGradientTransform optimizer, NonFinitePolicy policy)
    {
        return new NonFiniteGuardTransform(WithoutNonFiniteGuard(optimizer), policy);
    }

    /// <summary>
    /// Removes an optimizer's non-finite guard: gradients are no longer checked, and a NaN or infinite gradient entry
    /// flows into the parameters and the state, as in PyTorch. It saves the guard's extra read of every gradient
    /// (about a third of an SGD step's time at 10^7 parameters); use it when something else already checks the loss
    /// or the gradients. On finite gradients the result is the guarded optimizer's, bit for bit.
    /// </summary>
    /// <example>
    /// <code>
    /// var fast = Optimizers.WithoutNonFiniteGuard(Optimizers.Sgd(0.01, weightDecay: 1e-4));
    /// </code>
    /// </example>
    /// <param name="optimizer">The optimizer.</param>
    /// <returns>The optimizer without its guard (itself when it has none).</returns>
    [Pure]
    public static IGradientTransform WithoutNonFiniteGuard(IGradientTransform optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return optimizer is NonFiniteGuardTransform guard ? guard.Inner : optimizer;
    }

    /// <summary>
    /// Parameter groups, like PyTorch's <c>param_groups</c>: each group has its own optimizer (learning rate, decay...);
    /// a parameter belongs to the first group whose selector includes it. The groups' own guards are replaced by one
    /// guard with <paramref name="policy"/> over all gradients.
    /// </summary>
    /// <example>
    /// <code>
    /// var opt = Optimizers.Groups(new[]
    /// {
    ///     new ParamGroup("weights", Mask.ExcludeVectors, Optimizers.Sgd(0.1, momentum: 0.9, weightDecay: 5e-4)),
    ///     new ParamGroup("biases", Mask.All, Optimizers.Sgd(0.1, momentum: 0.9)),
    /// });
    /// </code>
    /// </example>
    /// <param name="groups">The groups, in priority order.</param>
    /// <param name="policy">The non-finite policy for the whole step.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform Groups(IEnumerable<ParamGroup> groups, NonFinitePolicy policy = NonFinitePolicy.Throw)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var unguarded = groups.Select(g => g is null
            ? throw new ArgumentNullException(nameof(groups), "A group is null.")
            : g.Transform is NonFiniteGuardTransform guard ? new ParamGroup(g.Name, g.Selector, guard.Inner) : g);
        return new NonFiniteGuardTransform(new PartitionTransform(unguarded.ToArray()), policy);
    }

    /// <summary>AdamW's default decoupled decay (PyTorch's), also NAdamW's and RAdamW's.</summary>
    private static readonly Schedule DefaultDecoupledDecay = Schedule.Constant(1e-2);

    private static Schedule LearningRate(double learningRate) => Schedule.Constant(Validate.Positive(learningRate, nameof(learningRate)));

    private static Schedule Decay(double weightDecay, string name) => Schedule.Constant(Validate.NonNegative(weightDecay, name));

    private static bool HasDecay(Schedule? weightDecay) => weightDecay is not null && !(weightDecay.IsConstant && weightDecay.At(0) == 0);

    private static IGradientTransform MaskIf(IGradientTransform transform, Mask? mask) =>
        mask is null || ReferenceEquals(mask, Mask.All) ? transform : Transforms.Masked(transform, mask);

    /// <summary>
    /// Every optimizer's chain, the one place they are built: <c>[Scale(-1) if maximize]</c>, then the steps that are
    /// not null in their order, inside the non-finite guard (<see cref="NonFinitePolicy.Throw"/>).
    /// </summary>
    private static IGradientTransform Chain(Schedule learningRate, bool maximize, params IGradientTransform?[] steps)
    {
        Validate.Schedule(learningRate, nameof(learningRate), positive: true);
        var chain = new List<IGradientTransform>(steps.Length + 1);
        if (maximize)
        {
            chain.Add(Transforms.Scale(-1));
        }

        chain.AddRange(steps.OfType<IGradientTransform>());
        return new NonFiniteGuardTransform(new ChainTransform(chain.ToArray()), NonFinitePolicy.Throw);
    }

    /// <summary>Coupled decay <c>g + lambda(t)*p</c> (masked), or null when there is none.</summary>
    private static IGradientTransform? CoupledDecay(Schedule? weightDecay, Mask? decayMask) =>
        HasDecay(weightDecay) ? MaskIf(Transforms.AddDecayedWeights(weightDecay!), decayMask) : null;

    /// <summary>Decoupled decay after the learning rate (masked), or null when there is none.</summary>
    private static IGradientTransform? DecoupledDecay(Schedule weightDecay, Schedule learningRate, DecayScaling scaling, Mask? decayMask) =>
        HasDecay(Validate.Schedule(weightDecay, nameof(weightDecay)))
            ? MaskIf(Transforms.AddDecoupledWeightDecay(weightDecay, learningRate, scaling), decayMask)
            : null;

    /// <summary>PyTorch's momentum buffer (the arguments checked), or null when <paramref name="momentum"/> is 0.</summary>
    private static IGradientTransform? Momentum(double momentum, double dampening, bool nesterov)
    {
        var trace = new TracePrimitive(momentum, dampening, nesterov);
        return momentum != 0 ? trace : null;
    }

    /// <summary>Appends <paramref name="next"/> after <paramref name="optimizer"/>, inside its guard when it has one.</summary>
    private static IGradientTransform Then(IGradientTransform optimizer, IGradientTransform next)
    {
        if (optimizer is NonFiniteGuardTransform guard)
        {
            var inner = guard.Inner is ChainTransform chain ? [.. chain.Items, next] : new[] { guard.Inner, next };
            return new NonFiniteGuardTransform(new ChainTransform(inner), guard.Policy);
        }

        return optimizer is ChainTransform c ? new ChainTransform([.. c.Items, next]) : Transforms.Chain(optimizer, next);
    }

    private static Schedule FindLearningRate(IGradientTransform optimizer)
    {
        var found = TransformWalker.All(optimizer).OfType<ScaleByLearningRatePrimitive>().Select(t => t.LearningRate).Distinct().ToList();
        return found.Count == 1
            ? found[0]
            : throw new ArgumentException(
                $"The optimizer has {found.Count} different learning rates; pass 'learningRate' explicitly.", nameof(optimizer));
    }
}
