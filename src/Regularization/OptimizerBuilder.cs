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

    /// <summary>The weight decay: coupled for SGD, Adam and the PyTorch family, decoupled for SGDW, AdamW, NAdamW, RAdamW and Lion, inside the trust ratio for LAMB.</summary>
    internal Schedule WeightDecaySchedule { get; private init; }

    /// <summary>How decoupled decay and proximal steps follow the learning rate.</summary>
    internal DecayScaling Scaling { get; private init; } = Regularization.DecayScaling.LearningRate;

    /// <summary>Which parameters are regularized, by weight decay and by the proximal step (null: all).</summary>
    internal Mask? DecayMask { get; private init; }

    /// <summary>Momentum factor (SGD, SGDW, RMSprop, LARS).</summary>
    internal double MomentumFactor { get; private init; }

    /// <summary>Dampening (SGD and SGDW).</summary>
    internal double DampeningFactor { get; private init; }

    /// <summary>Nesterov momentum (SGD, SGDW, LARS).</summary>
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

    internal double AsgdLambd { get; private init; } = 1e-4;

    internal double AsgdAlpha { get; private init; } = 0.75;

    internal double AsgdT0 { get; private init; } = 1e6;

    internal double RpropEtaMinus { get; private init; } = 0.5;

    internal double RpropEtaPlus { get; private init; } = 1.2;

    internal double RpropStepSizeMin { get; private init; } = 1e-6;

    internal double RpropStepSizeMax { get; private init; } = 50;

    internal bool LambBiasCorrection { get; private init; } = true;

    internal double LambMaxWeightNorm { get; private init; } = double.PositiveInfinity;

    internal double LarsTrustCoefficient { get; private init; } = 1e-3;

    /// <summary>Which parameters the trust ratio scales (LAMB, LARS; null: all).</summary>
    internal Mask? TrustMask { get; private init; }

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
            // The factories' defaults where they differ: epsilon (Adagrad 1e-10, Adadelta and LAMB 1e-6, LARS 0, the
            // others 1e-8), Lion's beta2 0.99, LARS' momentum 0.9.
            Eps = kind switch { BuilderFamily.Adagrad => 1e-10, BuilderFamily.Adadelta or BuilderFamily.Lamb => 1e-6, BuilderFamily.Lars => 0, _ => 1e-8 },
            Beta2 = kind == BuilderFamily.Lion ? 0.99 : 0.999,
            MomentumFactor = kind == BuilderFamily.Lars ? 0.9 : 0,
        };

    /// <summary>Uses a learning-rate schedule.</summary>
    /// <param name="schedule">The schedule (base value &gt; 0).</param>
    [Pure]
    public OptimizerBuilder LearningRate(Schedule schedule) =>
        this with { LearningRateSchedule = Validate.Schedule(schedule, "learningRate", positive: true) };

    /// <summary>
    /// Sets the weight decay (decoupled for SGDW, AdamW, NAdamW, RAdamW and Lion, inside the trust ratio for LAMB, coupled
    /// for the others); a schedule is allowed. Rprop has none (PyTorch's has none): only 0 is accepted for it.
    /// </summary>
    /// <param name="weightDecay">The decay.</param>
    [Pure]
    public OptimizerBuilder WeightDecay(Schedule weightDecay)
    {
        Validate.Schedule(weightDecay, nameof(weightDecay));
        if (Kind == BuilderFamily.Rprop && !(weightDecay.IsConstant && weightDecay.At(0) == 0))
        {
            throw new InvalidOperationException(
                $"{nameof(WeightDecay)} does not apply to Rprop (PyTorch's Rprop has no weight decay); chain Transforms.AddDecayedWeights before Optimizers.Rprop for a coupled one.");
        }

        return this with { WeightDecaySchedule = weightDecay };
    }

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

    /// <summary>
    /// Sets momentum (PyTorch semantics): SGD and SGDW; RMSprop without dampening or Nesterov; LARS without dampening
    /// (its default is 0.9; 0 for none).
    /// </summary>
    /// <param name="momentum">Momentum factor, &gt;= 0.</param>
    /// <param name="dampening">Dampening, in [0, 1] (SGD and SGDW only).</param>
    /// <param name="nesterov">Nesterov momentum (SGD, SGDW and LARS).</param>
    [Pure]
    public OptimizerBuilder Momentum(double momentum, double dampening = 0, bool nesterov = false)
    {
        var allowed = Kind switch
        {
            BuilderFamily.Sgd or BuilderFamily.SgdW => true,
            BuilderFamily.RmsProp => dampening == 0 && !nesterov,
            BuilderFamily.Lars => dampening == 0,
            _ => false,
        };
        if (!allowed)
        {
            throw new InvalidOperationException(
                $"{nameof(Momentum)}({Validate.Format(momentum)}, dampening {Validate.Format(dampening)}, nesterov {nesterov}) does not apply to {Kind}: " +
                "momentum applies to SGD and SGDW, to RMSprop without dampening or Nesterov, and to LARS without dampening.");
        }

        if (Kind == BuilderFamily.RmsProp)
        {
            return this with { MomentumFactor = Validate.NonNegative(momentum, nameof(momentum)) };
        }

        _ = new TracePrimitive(momentum, dampening, nesterov);
        return this with { MomentumFactor = momentum, DampeningFactor = dampening, UseNesterov = nesterov };
    }

    /// <summary>Sets the moment decays (Adam, AdamW, Adamax, NAdam, NAdamW, RAdam, RAdamW, Lion, LAMB).</summary>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    [Pure]
    public OptimizerBuilder Betas(double beta1, double beta2)
    {
        RequireAdam(nameof(Betas));
        return this with { Beta1 = Validate.UnitHalfOpen(beta1, nameof(beta1)), Beta2 = Validate.UnitHalfOpen(beta2, nameof(beta2)) };
    }

    /// <summary>
    /// Sets the denominator's epsilon, &gt; 0 (every optimizer with one: not SGD, SGDW, ASGD, Rprop or Lion); for LARS
    /// the term added to the update norm, &gt;= 0 (default 0).
    /// </summary>
    /// <param name="epsilon">The epsilon.</param>
    [Pure]
    public OptimizerBuilder Epsilon(double epsilon)
    {
        if (Kind is BuilderFamily.Sgd or BuilderFamily.SgdW or BuilderFamily.Asgd or BuilderFamily.Rprop or BuilderFamily.Lion)
        {
            throw new InvalidOperationException($"{nameof(Epsilon)} does not apply to {Kind}.");
        }

        return this with { Eps = Kind == BuilderFamily.Lars ? Validate.NonNegative(epsilon, nameof(epsilon)) : Validate.Epsilon(epsilon, nameof(epsilon)) };
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

    /// <summary>
    /// Maximizes the objective instead of minimizing it (not NAdam, RAdam and their decoupled forms, which have no
    /// <c>maximize</c> in PyTorch 1.13, nor Lion, LAMB and LARS, whose reference code has none).
    /// </summary>
    /// <param name="enabled">Whether to maximize.</param>
    [Pure]
    public OptimizerBuilder Maximize(bool enabled = true) =>
        Kind is BuilderFamily.NAdam or BuilderFamily.RAdam or BuilderFamily.NAdamW or BuilderFamily.RAdamW or BuilderFamily.Lion or BuilderFamily.Lamb or BuilderFamily.Lars && enabled
            ? throw new InvalidOperationException($"{nameof(Maximize)} does not apply to {Kind} (its PyTorch or reference code has no maximize).")
            : this with { IsMaximizing = enabled };

    /// <summary>
    /// Sets PyTorch's <c>alpha</c>: RMSprop's smoothing constant (default 0.99) or ASGD's power of the step-size decay
    /// (default 0.75).
    /// </summary>
    /// <param name="alpha">The constant, &gt;= 0.</param>
    [Pure]
    public OptimizerBuilder Alpha(double alpha)
    {
        Require(nameof(Alpha), BuilderFamily.RmsProp, BuilderFamily.Asgd);
        Validate.NonNegative(alpha, nameof(alpha));
        return Kind == BuilderFamily.Asgd ? this with { AsgdAlpha = alpha } : this with { RmsAlpha = alpha };
    }

    /// <summary>Sets ASGD's decay term <c>lambd</c> (default 1e-4): the iterate shrinks by <c>1 - lambd*eta_t</c> each step.</summary>
    /// <param name="lambd">The term, &gt;= 0.</param>
    /// <example><c>Optimizer.Asgd(0.05).Lambd(1e-3).T0(100).Build(parameters)</c></example>
    [Pure]
    public OptimizerBuilder Lambd(double lambd) =>
        For(nameof(Lambd), BuilderFamily.Asgd) with { AsgdLambd = Validate.NonNegative(lambd, nameof(lambd)) };

    /// <summary>Sets the step after which ASGD averages (PyTorch's <c>t0</c>, default 1e6).</summary>
    /// <param name="t0">The step, &gt;= 0.</param>
    /// <example><c>Optimizer.Asgd(0.05).T0(1000).Build(parameters)</c></example>
    [Pure]
    public OptimizerBuilder T0(double t0) =>
        For(nameof(T0), BuilderFamily.Asgd) with { AsgdT0 = Validate.NonNegative(t0, nameof(t0)) };

    /// <summary>Sets Rprop's step-size factors (PyTorch's <c>etas</c>, default (0.5, 1.2)).</summary>
    /// <param name="etaMinus">Decrease factor, in (0, 1).</param>
    /// <param name="etaPlus">Increase factor, &gt; 1.</param>
    /// <example><c>Optimizer.Rprop(0.01).Etas(0.3, 1.5).Build(parameters)</c></example>
    [Pure]
    public OptimizerBuilder Etas(double etaMinus, double etaPlus)
    {
        Require(nameof(Etas), BuilderFamily.Rprop);
        _ = new RpropPrimitive(LearningRateSchedule, etaMinus, etaPlus, RpropStepSizeMin, RpropStepSizeMax);
        return this with { RpropEtaMinus = etaMinus, RpropEtaPlus = etaPlus };
    }

    /// <summary>Sets Rprop's step-size bounds (PyTorch's <c>step_sizes</c>, default (1e-6, 50)).</summary>
    /// <param name="stepSizeMin">Smallest step size, &gt;= 0.</param>
    /// <param name="stepSizeMax">Largest step size, &gt;= stepSizeMin.</param>
    /// <example><c>Optimizer.Rprop(0.01).StepSizes(1e-6, 1).Build(parameters)</c></example>
    [Pure]
    public OptimizerBuilder StepSizes(double stepSizeMin, double stepSizeMax)
    {
        Require(nameof(StepSizes), BuilderFamily.Rprop);
        _ = new RpropPrimitive(LearningRateSchedule, RpropEtaMinus, RpropEtaPlus, stepSizeMin, stepSizeMax);
        return this with { RpropStepSizeMin = stepSizeMin, RpropStepSizeMax = stepSizeMax };
    }

    /// <summary>Turns LAMB's bias correction of the moments on (the default: the paper, Optax) or off (<c>cybertronai/pytorch-lamb</c>).</summary>
    /// <param name="enabled">Whether to correct the bias.</param>
    /// <example><c>Optimizer.Lamb(1e-3).BiasCorrection(false).MaxWeightNorm(10).Build(parameters)</c> (the <c>cybertronai/pytorch-lamb</c> form)</example>
    [Pure]
    public OptimizerBuilder BiasCorrection(bool enabled = true) =>
        For(nameof(BiasCorrection), BuilderFamily.Lamb) with { LambBiasCorrection = enabled };

    /// <summary>Clips the weight norm in LAMB's trust ratio at <paramref name="maxWeightNorm"/> (the paper's <c>phi</c>; default none).</summary>
    /// <param name="maxWeightNorm">The clip, &gt; 0 (infinity: none).</param>
    /// <example><c>Optimizer.Lamb(1e-3).MaxWeightNorm(10).Build(parameters)</c></example>
    [Pure]
    public OptimizerBuilder MaxWeightNorm(double maxWeightNorm)
    {
        Require(nameof(MaxWeightNorm), BuilderFamily.Lamb);
        _ = new ScaleByTrustRatioTransform(1, 0, maxWeightNorm);
        return this with { LambMaxWeightNorm = maxWeightNorm };
    }

    /// <summary>Sets LARS' trust coefficient <c>eta</c> (default 1e-3).</summary>
    /// <param name="trustCoefficient">The coefficient, &gt; 0.</param>
    /// <example><c>Optimizer.Lars(0.2).TrustCoefficient(1e-3).Build(parameters)</c></example>
    [Pure]
    public OptimizerBuilder TrustCoefficient(double trustCoefficient)
    {
        Require(nameof(TrustCoefficient), BuilderFamily.Lars);
        _ = new ScaleByTrustRatioTransform(trustCoefficient, 0, double.PositiveInfinity);
        return this with { LarsTrustCoefficient = trustCoefficient };
    }

    /// <summary>
    /// Scales only the parameters <paramref name="mask"/> includes by the trust ratio (LAMB, LARS); the others take the
    /// plain step. With <see cref="ExcludeBiases"/> this is the reference code's filters:
    /// <c>.ExcludeBiases().TrustRatioOnly(Mask.ExcludeVectors)</c>.
    /// </summary>
    /// <example><c>Optimizer.Lars(0.2).WeightDecay(1.5e-6).ExcludeBiases().TrustRatioOnly(Mask.ExcludeVectors).Build(parameters)</c></example>
    /// <param name="mask">The mask.</param>
    [Pure]
    public OptimizerBuilder TrustRatioOnly(Mask mask) =>
        For(nameof(TrustRatioOnly), BuilderFamily.Lamb, BuilderFamily.Lars) with { TrustMask = mask ?? throw new ArgumentNullException(nameof(mask)) };

    /// <summary>Turns centered RMSprop on or off (normalize by the estimated variance).</summary>
    /// <param name="enabled">Whether to center.</param>
    [Pure]
    public OptimizerBuilder Centered(bool enabled = true) =>
        For(nameof(Centered), BuilderFamily.RmsProp) with { IsCentered = enabled };

    /// <summary>Sets Adagrad's learning-rate decay: step <c>t</c> uses <c>lr(t) / (1 + (t-1)*lrDecay)</c>.</summary>
    /// <param name="lrDecay">The decay, &gt;= 0.</param>
    [Pure]
    public OptimizerBuilder LrDecay(double lrDecay) =>
        For(nameof(LrDecay), BuilderFamily.Adagrad) with { AdagradLrDecay = Validate.NonNegative(lrDecay, nameof(lrDecay)) };

    /// <summary>Sets the value Adagrad's sum of squares starts at.</summary>
    /// <param name="initialAccumulatorValue">The value, &gt;= 0.</param>
    [Pure]
    public OptimizerBuilder InitialAccumulatorValue(double initialAccumulatorValue) =>
        For(nameof(InitialAccumulatorValue), BuilderFamily.Adagrad) with { AdagradInitialAccumulator = Validate.NonNegative(initialAccumulatorValue, nameof(initialAccumulatorValue)) };

    /// <summary>Sets Adadelta's running-average coefficient (default 0.9).</summary>
    /// <param name="rho">The coefficient, in [0, 1].</param>
    [Pure]
    public OptimizerBuilder Rho(double rho) =>
        For(nameof(Rho), BuilderFamily.Adadelta) with { AdadeltaRho = Validate.Unit(rho, nameof(rho)) };

    /// <summary>Sets NAdam's momentum decay <c>psi</c> (default 4e-3).</summary>
    /// <param name="momentumDecay">The decay, &gt;= 0.</param>
    [Pure]
    public OptimizerBuilder MomentumDecay(double momentumDecay) =>
        For(nameof(MomentumDecay), BuilderFamily.NAdam, BuilderFamily.NAdamW) with { NAdamMomentumDecay = Validate.NonNegative(momentumDecay, nameof(momentumDecay)) };

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
            BuilderFamily.Sgd => Optimizers.Sgd(lr, MomentumFactor, DampeningFactor, wd, UseNesterov, IsMaximizing, DecayMask),
            BuilderFamily.SgdW => Optimizers.SgdW(lr, wd, MomentumFactor, DampeningFactor, UseNesterov, IsMaximizing, Scaling, DecayMask),
            BuilderFamily.Adam => Optimizers.Adam(lr, Beta1, Beta2, Eps, wd, UseAmsGrad, IsMaximizing, DecayMask),
            BuilderFamily.AdamW => Optimizers.AdamW(lr, Beta1, Beta2, Eps, wd, UseAmsGrad, IsMaximizing, Scaling, DecayMask),
            BuilderFamily.RmsProp => Optimizers.RmsProp(lr, RmsAlpha, Eps, wd, MomentumFactor, IsCentered, IsMaximizing, DecayMask),
            BuilderFamily.Adagrad => Optimizers.Adagrad(lr, AdagradLrDecay, wd, AdagradInitialAccumulator, Eps, IsMaximizing, DecayMask),
            BuilderFamily.Adadelta => Optimizers.Adadelta(lr, AdadeltaRho, Eps, wd, IsMaximizing, DecayMask),
            BuilderFamily.Adamax => Optimizers.Adamax(lr, Beta1, Beta2, Eps, wd, IsMaximizing, DecayMask),
            BuilderFamily.NAdam => Optimizers.NAdam(lr, Beta1, Beta2, Eps, wd, NAdamMomentumDecay, DecayMask),
            BuilderFamily.RAdam => Optimizers.RAdam(lr, Beta1, Beta2, Eps, wd, DecayMask),
            BuilderFamily.NAdamW => Optimizers.NAdamW(lr, Beta1, Beta2, Eps, wd, NAdamMomentumDecay, Scaling, DecayMask),
            BuilderFamily.RAdamW => Optimizers.RAdamW(lr, Beta1, Beta2, Eps, wd, Scaling, DecayMask),
            BuilderFamily.Asgd => Optimizers.Asgd(lr, AsgdLambd, AsgdAlpha, AsgdT0, wd, IsMaximizing, DecayMask),
            BuilderFamily.Rprop => Optimizers.Rprop(lr, RpropEtaMinus, RpropEtaPlus, RpropStepSizeMin, RpropStepSizeMax, IsMaximizing),
            BuilderFamily.Lion => Optimizers.Lion(lr, Beta1, Beta2, wd, Scaling, DecayMask),
            BuilderFamily.Lamb => Optimizers.Lamb(lr, Beta1, Beta2, Eps, wd, LambBiasCorrection, LambMaxWeightNorm, DecayMask, TrustMask),
            BuilderFamily.Lars => Optimizers.Lars(lr, wd, MomentumFactor, LarsTrustCoefficient, Eps, UseNesterov, DecayMask, TrustMask),
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

    private void RequireAdam(string method) =>
        Require(
            method, BuilderFamily.Adam, BuilderFamily.AdamW, BuilderFamily.Adamax, BuilderFamily.NAdam, BuilderFamily.NAdamW, BuilderFamily.RAdam, BuilderFamily.RAdamW,
            BuilderFamily.Lion, BuilderFamily.Lamb);

    /// <summary>This builder, when <paramref name="method"/> applies to its optimizer (else <see cref="InvalidOperationException"/>).</summary>
    private OptimizerBuilder For(string method, params BuilderFamily[] kinds)
    {
        Require(method, kinds);
        return this;
    }

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
    Asgd = 12,
    Rprop = 13,
    Lion = 14,
    Lamb = 15,
    Lars = 16,
}
