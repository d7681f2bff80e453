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

    internal double RmsAlpha { get; private init; } = 0.99;

    internal bool IsCentered { get; private init; }

    internal double AdagradLrDecay { get; private init; }

    internal double AdagradInitialAccumulator { get; private init; }

    internal double AdadeltaRho { get; private init; } = 0.9;

    internal double NAdamMomentumDecay { get; private init; } = 4e-3;

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
        new(kind, Schedule.Constant(Validate.Positive(learningRate, nameof(learningRate))), Schedule.Constant(Validate.NonNegative(weightDecay, nameof(weightDecay))))
        {
            // PyTorch's default epsilons: Adagrad 1e-10, Adadelta 1e-6, the others 1e-8.
            Eps = kind switch { BuilderFamily.Adagrad => 1e-10, BuilderFamily.Adadelta => 1e-6, _ => 1e-8 },
        };

    /// <summary>Uses a learning-rate schedule.</summary>
    /// <param name="schedule">The schedule (base value &gt; 0).</param>
    [Pure]
    public OptimizerBuilder LearningRate(Schedule schedule) =>
        this with { LearningRateSchedule = Validate.Schedule(schedule, "learningRate", positive: true) };

    /// <summary>Sets the weight decay (decoupled for SGDW, AdamW, NAdamW and RAdamW, coupled for the others); a schedule is allowed.</summary>
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

    /// <summary>Sets momentum (SGD, SGDW, and RMSprop without dampening or Nesterov; PyTorch semantics).</summary>
    /// <param name="momentum">Momentum factor, &gt;= 0.</param>
    /// <param name="dampening">Dampening, in [0, 1] (SGD and SGDW only).</param>
    /// <param name="nesterov">Nesterov momentum (SGD and SGDW only).</param>
    [Pure]
    public OptimizerBuilder Momentum(double momentum, double dampening = 0, bool nesterov = false)
    {
        if (Kind == BuilderFamily.RmsProp && dampening == 0 && !nesterov)
        {
            return this with { MomentumFactor = Validate.NonNegative(momentum, nameof(momentum)) };
        }

        RequireSgd(nameof(Momentum));
        _ = new TracePrimitive(momentum, dampening, nesterov);
        return this with { MomentumFactor = momentum, DampeningFactor = dampening, UseNesterov = nesterov };
    }

    /// <summary>Sets the moment decays (Adam, AdamW, Adamax, NAdam, NAdamW, RAdam, RAdamW).</summary>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    [Pure]
    public OptimizerBuilder Betas(double beta1, double beta2)
    {
        RequireAdam(nameof(Betas));
        return this with { Beta1 = Validate.UnitHalfOpen(beta1, nameof(beta1)), Beta2 = Validate.UnitHalfOpen(beta2, nameof(beta2)) };
    }

    /// <summary>Sets the denominator's epsilon (every optimizer but SGD and SGDW).</summary>
    /// <param name="epsilon">The epsilon, &gt; 0.</param>
    [Pure]
    public OptimizerBuilder Epsilon(double epsilon)
    {
        if (Kind is BuilderFamily.Sgd or BuilderFamily.SgdW)
        {
            throw new InvalidOperationException($"{nameof(Epsilon)} does not apply to {Kind}.");
        }

        return this with { Eps = Validate.Epsilon(epsilon, nameof(epsilon)) };
    }

    /// <summary>Turns AMSGrad on or off (Adam and AdamW).</summary>
    /// <param name="enabled">Whether to use AMSGrad.</param>
    [Pure]
    public OptimizerBuilder AmsGrad(bool enabled = true)
    {
        if (Kind is not (BuilderFamily.Adam or BuilderFamily.AdamW))
        {
            throw new InvalidOperationException($"{nameof(AmsGrad)} applies to Adam and AdamW, not {Kind}.");
        }

        return this with { UseAmsGrad = enabled };
    }

    /// <summary>Maximizes the objective instead of minimizing it (not NAdam and RAdam, which have no <c>maximize</c> in PyTorch 1.13).</summary>
    /// <param name="enabled">Whether to maximize.</param>
    [Pure]
    public OptimizerBuilder Maximize(bool enabled = true) =>
        Kind is BuilderFamily.NAdam or BuilderFamily.RAdam or BuilderFamily.NAdamW or BuilderFamily.RAdamW && enabled
            ? throw new InvalidOperationException($"{nameof(Maximize)} does not apply to {Kind} (PyTorch 1.13's has no maximize).")
            : this with { IsMaximizing = enabled };

    /// <summary>Sets RMSprop's smoothing constant (PyTorch's <c>alpha</c>, default 0.99).</summary>
    /// <param name="alpha">The constant, &gt;= 0.</param>
    [Pure]
    public OptimizerBuilder Alpha(double alpha)
    {
        Require(nameof(Alpha), BuilderFamily.RmsProp);
        return this with { RmsAlpha = Validate.NonNegative(alpha, nameof(alpha)) };
    }

    /// <summary>Turns centered RMSprop on or off (normalize by the estimated variance).</summary>
    /// <param name="enabled">Whether to center.</param>
    [Pure]
    public OptimizerBuilder Centered(bool enabled = true)
    {
        Require(nameof(Centered), BuilderFamily.RmsProp);
        return this with { IsCentered = enabled };
    }

    /// <summary>Sets Adagrad's learning-rate decay: step <c>t</c> uses <c>lr(t) / (1 + (t-1)*lrDecay)</c>.</summary>
    /// <param name="lrDecay">The decay, &gt;= 0.</param>
    [Pure]
    public OptimizerBuilder LrDecay(double lrDecay)
    {
        Require(nameof(LrDecay), BuilderFamily.Adagrad);
        return this with { AdagradLrDecay = Validate.NonNegative(lrDecay, nameof(lrDecay)) };
    }

    /// <summary>Sets the value Adagrad's sum of squares starts at.</summary>
    /// <param name="initialAccumulatorValue">The value, &gt;= 0.</param>
    [Pure]
    public OptimizerBuilder InitialAccumulatorValue(double initialAccumulatorValue)
    {
        Require(nameof(InitialAccumulatorValue), BuilderFamily.Adagrad);
        return this with { AdagradInitialAccumulator = Validate.NonNegative(initialAccumulatorValue, nameof(initialAccumulatorValue)) };
    }

    /// <summary>Sets Adadelta's running-average coefficient (default 0.9).</summary>
    /// <param name="rho">The coefficient, in [0, 1].</param>
    [Pure]
    public OptimizerBuilder Rho(double rho)
    {
        Require(nameof(Rho), BuilderFamily.Adadelta);
        return this with { AdadeltaRho = Validate.Unit(rho, nameof(rho)) };
    }

    /// <summary>Sets NAdam's momentum decay <c>psi</c> (default 4e-3).</summary>
    /// <param name="momentumDecay">The decay, &gt;= 0.</param>
    [Pure]
    public OptimizerBuilder MomentumDecay(double momentumDecay)
    {
        Require(nameof(MomentumDecay), BuilderFamily.NAdam, BuilderFamily.NAdamW);
        return this with { NAdamMomentumDecay = Validate.NonNegative(momentumDecay, nameof(momentumDecay)) };
    }

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
            BuilderFamily.RmsProp => Optimizers.RmsProp(lr, RmsAlpha, Eps, wd, MomentumFactor, IsCentered, IsMaximizing, DecayMask),
            BuilderFamily.Adagrad => Optimizers.Adagrad(lr, AdagradLrDecay, wd, AdagradInitialAccumulator, Eps, IsMaximizing, DecayMask),
            BuilderFamily.Adadelta => Optimizers.Adadelta(lr, AdadeltaRho, Eps, wd, IsMaximizing, DecayMask),
            BuilderFamily.Adamax => Optimizers.Adamax(lr, Beta1, Beta2, Eps, wd, IsMaximizing, DecayMask),
            BuilderFamily.NAdam => Optimizers.NAdam(lr, Beta1, Beta2, Eps, wd, NAdamMomentumDecay, DecayMask),
            BuilderFamily.RAdam => Optimizers.RAdam(lr, Beta1, Beta2, Eps, wd, DecayMask),
            BuilderFamily.NAdamW => Optimizers.NAdamW(lr, wd, Scaling, Beta1, Beta2, Eps, NAdamMomentumDecay, DecayMask),
            BuilderFamily.RAdamW => Optimizers.RAdamW(lr, wd, Scaling, Beta1, Beta2, Eps, DecayMask),
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

    private void RequireAdam(string method) =>
        Require(method, BuilderFamily.Adam, BuilderFamily.AdamW, BuilderFamily.Adamax, BuilderFamily.NAdam, BuilderFamily.NAdamW, BuilderFamily.RAdam, BuilderFamily.RAdamW);

    private void Require(string method, params BuilderFamily[] kinds)
    {
        if (!kinds.Contains(Kind))
        {
            throw new InvalidOperationException($"{method} applies to {string.Join(", ", kinds)}, not {Kind}.");
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
    RmsProp = 4,
    Adagrad = 5,
    Adadelta = 6,
    Adamax = 7,
    NAdam = 8,
    RAdam = 9,
    NAdamW = 10,
    RAdamW = 11,
}
