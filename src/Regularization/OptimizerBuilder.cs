using System.Diagnostics.Contracts;
using Regularization.Internal;

namespace Regularization;

/// <summary>
/// A fluent, immutable description of an optimizer: every method returns a new builder. <see cref="ToTransform"/> gives
/// the pure chain (the same one <see cref="Optimizers"/> documents); <see cref="Build{T}"/> gives an in-place
/// <see cref="Optimizer"/> over it.
/// </summary>
/// <example>
/// <code>
/// Optimizer&lt;double&gt; opt = Optimizer.Sgd(0.1).Momentum(0.9, nesterov: true).WeightDecay(5e-4).ExcludeBiases().Build(parameters);
/// IGradientTransform pure = Optimizer.AdamW(1e-3).WeightDecay(0.05).DecayScaling(DecayScaling.ScheduleMultiplier).ToTransform();
/// </code>
/// </example>
public sealed record OptimizerBuilder
{
    private OptimizerBuilder(BuilderFamily kind, Schedule learningRate, Schedule weightDecay)
    {
        Kind = kind;
        LearningRateSchedule = learningRate;
        WeightDecaySchedule = weightDecay;
    }

    /// <summary>The optimizer family.</summary>
    internal BuilderFamily Kind { get; private init; }

    /// <summary>The learning rate.</summary>
    internal Schedule LearningRateSchedule { get; private init; }

    /// <summary>The weight decay: coupled for SGD and Adam, decoupled for SGDW and AdamW.</summary>
    internal Schedule WeightDecaySchedule { get; private init; }

    /// <summary>How decoupled decay and proximal steps follow the learning rate.</summary>
    internal DecayScaling Scaling { get; private init; } = Regularization.DecayScaling.LearningRate;

    /// <summary>Which parameters are regularized, by weight decay and by the proximal step (null: all).</summary>
    internal Mask? DecayMask { get; private init; }

    /// <summary>Momentum factor (SGD and SGDW).</summary>
    internal double MomentumFactor { get; private init; }

    /// <summary>Dampening (SGD and SGDW).</summary>
    internal double DampeningFactor { get; private init; }

    /// <summary>Nesterov momentum (SGD and SGDW).</summary>
    internal bool UseNesterov { get; private init; }

    /// <summary>Adam's first-moment decay.</summary>
    internal double Beta1 { get; private init; } = 0.9;

    /// <summary>Adam's second-moment decay.</summary>
    internal double Beta2 { get; private init; } = 0.999;

    /// <summary>Adam's epsilon.</summary>
    internal double Eps { get; private init; } = 1e-8;

    /// <summary>AMSGrad (Adam and AdamW).</summary>
    internal bool UseAmsGrad { get; private init; }

    /// <summary>Maximize instead of minimize.</summary>
    internal bool IsMaximizing { get; private init; }

    /// <summary>Proximal L1 strength after each step (0: none).</summary>
    internal double ProximalStrength { get; private init; }

    /// <summary>Share of L1 in the proximal step (1: L1; less: elastic net).</summary>
    internal double ProximalL1Ratio { get; private init; } = 1;

    /// <summary>The non-finite gradient policy.</summary>
    internal NonFinitePolicy NonFinite { get; private init; } = NonFinitePolicy.Throw;

    /// <summary>Whether gradients are checked for NaN and infinities (true unless <see cref="WithoutNonFiniteGuard"/>).</summary>
    internal bool ChecksNonFinite { get; private init; } = true;

    internal static OptimizerBuilder Create(BuilderFamily kind, double learningRate, double weightDecay) =>
        new(kind, Schedule.Constant(Validate.Positive(learningRate, nameof(learningRate))), Schedule.Constant(Validate.NonNegative(weightDecay, nameof(weightDecay))));

    /// <summary>Uses a learning-rate schedule.</summary>
    /// <param name="schedule">The schedule (base value &gt; 0).</param>
    [Pure]
    public OptimizerBuilder LearningRate(Schedule schedule) =>
        this with { LearningRateSchedule = Validate.Schedule(schedule, "learningRate", positive: true) };

    /// <summary>Sets the weight decay (coupled for SGD/Adam, decoupled for SGDW/AdamW); a schedule is allowed.</summary>
    /// <param name="weightDecay">The decay.</param>
    [Pure]
    public OptimizerBuilder WeightDecay(Schedule weightDecay) =>
        this with { WeightDecaySchedule = Validate.Schedule(weightDecay, nameof(weightDecay)) };

    /// <summary>Sets how decoupled decay and proximal steps follow the learning rate.</summary>
    /// <param name="scaling">The scaling.</param>
    [Pure]
    public OptimizerBuilder DecayScaling(DecayScaling scaling) =>
        this with { Scaling = Enum.IsDefined(scaling) ? scaling : throw new ArgumentOutOfRangeException(nameof(scaling)) };

    /// <summary>
    /// Excludes biases and other vector-shaped parameters from regularization (<see cref="Mask.ExcludeVectors"/>): they get
    /// neither weight decay nor the proximal step.
    /// </summary>
    [Pure]
    public OptimizerBuilder ExcludeBiases() => DecayOnly(Mask.ExcludeVectors);

    /// <summary>Applies weight decay and the proximal step only to the parameters <paramref name="mask"/> includes.</summary>
    /// <param name="mask">The mask.</param>
    [Pure]
    public OptimizerBuilder DecayOnly(Mask mask) => this with { DecayMask = mask ?? throw new ArgumentNullException(nameof(mask)) };

    /// <summary>Sets momentum (SGD and SGDW; PyTorch semantics).</summary>
    /// <param name="momentum">Momentum factor, &gt;= 0.</param>
    /// <param name="dampening">Dampening, in [0, 1].</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    [Pure]
    public OptimizerBuilder Momentum(double momentum, double dampening = 0, bool nesterov = false)
    {
        RequireSgd(nameof(Momentum));
        _ = new TracePrimitive(momentum, dampening, nesterov);
        return this with { MomentumFactor = momentum, DampeningFactor = dampening, UseNesterov = nesterov };
    }

    /// <summary>Sets Adam's moment decays.</summary>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    [Pure]
    public OptimizerBuilder Betas(double beta1, double beta2)
    {
        RequireAdam(nameof(Betas));
        return this with { Beta1 = Validate.UnitHalfOpen(beta1, nameof(beta1)), Beta2 = Validate.UnitHalfOpen(beta2, nameof(beta2)) };
    }

    /// <summary>Sets Adam's epsilon.</summary>
    /// <param name="epsilon">The epsilon, &gt;= 0.</param>
    [Pure]
    public OptimizerBuilder Epsilon(double epsilon)
    {
        RequireAdam(nameof(Epsilon));
        return this with { Eps = Validate.Epsilon(epsilon, nameof(epsilon)) };
    }

    /// <summary>Turns AMSGrad on or off.</summary>
    /// <param name="enabled">Whether to use AMSGrad.</param>
    [Pure]
    public OptimizerBuilder AmsGrad(bool enabled = true)
    {
        RequireAdam(nameof(AmsGrad));
        return this with { UseAmsGrad = enabled };
    }

    /// <summary>Maximizes the objective instead of minimizing it.</summary>
    /// <param name="enabled">Whether to maximize.</param>
    [Pure]
    public OptimizerBuilder Maximize(bool enabled = true) => this with { IsMaximizing = enabled };

    /// <summary>Adds a proximal L1 step after each update (exact zeros where <c>|w| &lt;= lr * l1</c>).</summary>
    /// <param name="l1">The L1 strength, &gt;= 0.</param>
    [Pure]
    public OptimizerBuilder ProximalL1(double l1) =>
        this with { ProximalStrength = Validate.NonNegative(l1, nameof(l1)), ProximalL1Ratio = 1 };

    /// <summary>Adds a proximal elastic-net step after each update (see <see cref="ElasticNetPenalty"/>).</summary>
    /// <param name="lambda">The strength, &gt;= 0.</param>
    /// <param name="l1Ratio">The share of L1, in [0, 1].</param>
    [Pure]
    public OptimizerBuilder ProximalElasticNet(double lambda, double l1Ratio) =>
        this with { ProximalStrength = Validate.NonNegative(lambda, nameof(lambda)), ProximalL1Ratio = Validate.Unit(l1Ratio, nameof(l1Ratio)) };

    /// <summary>Sets what happens when a gradient holds NaN or an infinity.</summary>
    /// <param name="policy">The policy (throw by default).</param>
    [Pure]
    public OptimizerBuilder OnNonFinite(NonFinitePolicy policy) =>
        this with { NonFinite = Enum.IsDefined(policy) ? policy : throw new ArgumentOutOfRangeException(nameof(policy)), ChecksNonFinite = true };

    /// <summary>
    /// Leaves gradients unchecked: a NaN or infinity flows into the parameters, as in PyTorch, and the guard's extra read
    /// of every gradient is saved (see <see cref="Optimizers.WithoutNonFiniteGuard"/>). A later
    /// <see cref="OnNonFinite"/> turns the check back on.
    /// </summary>
    /// <example><c>Optimizer.Sgd(0.01).WeightDecay(1e-4).WithoutNonFiniteGuard().Build(parameters)</c></example>
    [Pure]
    public OptimizerBuilder WithoutNonFiniteGuard() => this with { ChecksNonFinite = false };

    /// <summary>The pure transform: a documented chain of <see cref="Transforms"/> wrapped in the non-finite guard.</summary>
    [Pure]
    public IGradientTransform ToTransform()
    {
        var lr = LearningRateSchedule;
        var wd = WeightDecaySchedule;
        var optimizer = Kind switch
        {
            BuilderFamily.Sgd => Optimizers.Sgd(lr, MomentumFactor, DampeningFactor, UseNesterov, wd, IsMaximizing, DecayMask),
            BuilderFamily.SgdW => Optimizers.SgdW(lr, wd, Scaling, MomentumFactor, DampeningFactor, UseNesterov, IsMaximizing, DecayMask),
            BuilderFamily.Adam => Optimizers.Adam(lr, Beta1, Beta2, Eps, wd, UseAmsGrad, IsMaximizing, DecayMask),
            BuilderFamily.AdamW => Optimizers.AdamW(lr, wd, Scaling, Beta1, Beta2, Eps, UseAmsGrad, IsMaximizing, DecayMask),
            _ => throw new InvalidOperationException($"Unknown optimizer family {Kind}."),
        };
        if (ProximalStrength > 0)
        {
            optimizer = ProximalL1Ratio == 1
                ? Optimizers.WithProximalL1(optimizer, ProximalStrength, lr, Scaling, DecayMask)
                : Optimizers.WithProximalElasticNet(optimizer, ProximalStrength, ProximalL1Ratio, lr, Scaling, DecayMask);
        }

        return ChecksNonFinite ? Optimizers.WithNonFinitePolicy(optimizer, NonFinite) : Optimizers.WithoutNonFiniteGuard(optimizer);
    }

    /// <summary>An in-place optimizer over <paramref name="parameters"/> (their matrices change at each step).</summary>
    /// <param name="parameters">The parameters.</param>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    [Pure]
    public Optimizer<T> Build<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable => Optimizer.Create(ToTransform(), parameters);

    private void RequireSgd(string method)
    {
        if (Kind is not (BuilderFamily.Sgd or BuilderFamily.SgdW))
        {
            throw new InvalidOperationException($"{method} applies to SGD and SGDW, not {Kind}.");
        }
    }

    private void RequireAdam(string method)
    {
        if (Kind is not (BuilderFamily.Adam or BuilderFamily.AdamW))
        {
            throw new InvalidOperationException($"{method} applies to Adam and AdamW, not {Kind}.");
        }
    }
}

/// <summary>The optimizer a builder makes.</summary>
internal enum BuilderFamily
{
    Sgd = 0,
    SgdW = 1,
    Adam = 2,
    AdamW = 3,
}
