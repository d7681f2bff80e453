namespace Regularization.FSharp

open Regularization

/// <summary>
/// Optimizers as values: one function per optimizer, taking its options record (<c>{ AdamW.defaults with ... }</c>) and
/// returning the same <see cref="T:Regularization.IGradientTransform"/> the C# factory <see cref="T:Regularization.Optimizers"/>
/// gives for the same arguments (equal as values, and the same bits at every step). Arguments PyTorch requires
/// (SGD's learning rate) come before the options, so <c>Sgd.defaults |> Optim.sgd lr</c> pipes.
/// </summary>
/// <remarks>
/// Every optimizer checks gradients for NaN and infinities and throws (<c>NonFinitePolicy.Throw</c>); change that
/// with <c>Optim.withNonFinitePolicy</c>. Coupled decay (<c>WeightDecay</c> of SGD, Adam, RMSprop, ...) adds
/// <c>lambda * p</c> to the gradient; decoupled decay (SGDW, AdamW, NAdamW, RAdamW, Lion) shrinks the weights by
/// <c>1 - c(t)</c> outside the gradient statistics.
/// </remarks>
/// <example>
/// <code lang="fsharp">
/// let adamw =
///     Optim.adamW
///         { AdamW.defaults with
///             LearningRate = Schedule.cosine 1e-3 10_000 |> Schedule.withWarmup 500
///             WeightDecay = Schedule.constant 0.05
///             DecayMask = Mask.excludeBiases }
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module Optim =

    /// <summary>
    /// SGD as PyTorch's <c>torch.optim.SGD</c>: <c>b = momentum*b + (1-dampening)*(g + lambda*p)</c>, <c>p' = p - lr*b</c>
    /// (<c>b = g + lambda*p</c> without momentum). Same as <c>Optimizers.Sgd</c>.
    /// </summary>
    /// <param name="learningRate">The learning rate, values &gt; 0 (PyTorch 1.13 requires one).</param>
    /// <param name="options">The other options (<c>Sgd.defaults</c>: none).</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="T:System.ArgumentException">An option breaks PyTorch's rules (the message names it).</exception>
    /// <example><code lang="fsharp">let sgd = Optim.sgd (Schedule.constant 0.01) { Sgd.defaults with WeightDecay = Schedule.constant 1e-4 }</code></example>
    let sgd (learningRate: Schedule) (options: Sgd.Options) : IGradientTransform =
        Optimizers.Sgd(
            learningRate = learningRate,
            momentum = options.Momentum,
            dampening = options.Dampening,
            nesterov = options.Nesterov,
            weightDecay = options.WeightDecay,
            maximize = options.Maximize,
            decayMask = options.DecayMask
        )

    /// <summary>
    /// SGDW (Loshchilov and Hutter): PyTorch-style momentum on the raw gradient, then <c>p' = p - lr*b - c(t)*p</c> with
    /// <c>c = lr*lambda</c> by default. Same as <c>Optimizers.SgdW</c>.
    /// </summary>
    /// <param name="learningRate">The learning rate, values &gt; 0.</param>
    /// <param name="weightDecay">The decoupled decay <c>lambda(t)</c>, values &gt;= 0.</param>
    /// <param name="options">The other options (<c>SgdW.defaults</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let sgdw = Optim.sgdW (Schedule.constant 0.1) (Schedule.constant 5e-4) { SgdW.defaults with Momentum = 0.9 }</code></example>
    let sgdW (learningRate: Schedule) (weightDecay: Schedule) (options: SgdW.Options) : IGradientTransform =
        Optimizers.SgdW(
            learningRate = learningRate,
            weightDecay = weightDecay,
            decayScaling = options.DecayScaling,
            momentum = options.Momentum,
            dampening = options.Dampening,
            nesterov = options.Nesterov,
            maximize = options.Maximize,
            decayMask = options.DecayMask
        )

    /// <summary>
    /// Adam as PyTorch's <c>torch.optim.Adam</c> (coupled decay, "L2 penalty"): <c>g' = g + lambda*p</c>, then Adam's
    /// moments and <c>p' = p - lr * m-hat / (sqrt(v-hat) + eps)</c>. Same as <c>Optimizers.Adam</c>.
    /// </summary>
    /// <param name="options">The options (<c>Adam.defaults</c>: <c>lr=1e-3, betas=(0.9, 0.999), eps=1e-8</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let adam = Optim.adam { Adam.defaults with LearningRate = Schedule.constant 3e-4 }</code></example>
    let adam (options: Adam.Options) : IGradientTransform =
        Optimizers.Adam(
            learningRate = options.LearningRate,
            beta1 = options.Beta1,
            beta2 = options.Beta2,
            epsilon = options.Epsilon,
            weightDecay = options.WeightDecay,
            amsgrad = options.AmsGrad,
            maximize = options.Maximize,
            decayMask = options.DecayMask
        )

    /// <summary>
    /// AdamW as PyTorch's <c>torch.optim.AdamW</c>: <c>p' = (1 - lr(t)*lambda(t)) * p - lr(t) * m-hat / (sqrt(v-hat) + eps)</c>
    /// (decay scaled by the learning rate; <c>DecayScaling.ScheduleMultiplier</c> gives the paper's
    /// <c>p' = p - eta(t) * (alpha * adam + lambda * p)</c>). Same as <c>Optimizers.AdamW</c>.
    /// </summary>
    /// <param name="options">The options (<c>AdamW.defaults</c>: <c>lr=1e-3, weight_decay=1e-2</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let adamw = Optim.adamW { AdamW.defaults with LearningRate = Schedule.constant 1e-3; WeightDecay = Schedule.constant 0.01 }</code></example>
    let adamW (options: AdamW.Options) : IGradientTransform =
        Optimizers.AdamW(
            learningRate = options.LearningRate,
            weightDecay = options.WeightDecay,
            decayScaling = options.DecayScaling,
            beta1 = options.Beta1,
            beta2 = options.Beta2,
            epsilon = options.Epsilon,
            amsgrad = options.AmsGrad,
            maximize = options.Maximize,
            decayMask = options.DecayMask
        )

    /// <summary>RMSprop as PyTorch's <c>torch.optim.RMSprop</c> (coupled decay). Same as <c>Optimizers.RmsProp</c>.</summary>
    /// <param name="options">The options (<c>RmsProp.defaults</c>: <c>lr=1e-2, alpha=0.99, eps=1e-8</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let rms = Optim.rmsProp { RmsProp.defaults with Momentum = 0.9 }</code></example>
    let rmsProp (options: RmsProp.Options) : IGradientTransform =
        Optimizers.RmsProp(
            learningRate = options.LearningRate,
            alpha = options.Alpha,
            epsilon = options.Epsilon,
            weightDecay = options.WeightDecay,
            momentum = options.Momentum,
            centered = options.Centered,
            maximize = options.Maximize,
            decayMask = options.DecayMask
        )

    /// <summary>Adagrad as PyTorch's <c>torch.optim.Adagrad</c> (coupled decay). Same as <c>Optimizers.Adagrad</c>.</summary>
    /// <param name="options">The options (<c>Adagrad.defaults</c>: <c>lr=1e-2, eps=1e-10</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let ada = Optim.adagrad { Adagrad.defaults with InitialAccumulatorValue = 0.1 }</code></example>
    let adagrad (options: Adagrad.Options) : IGradientTransform =
        Optimizers.Adagrad(
            learningRate = options.LearningRate,
            lrDecay = options.LrDecay,
            weightDecay = options.WeightDecay,
            initialAccumulatorValue = options.InitialAccumulatorValue,
            epsilon = options.Epsilon,
            maximize = options.Maximize,
            decayMask = options.DecayMask
        )

    /// <summary>Adadelta as PyTorch's <c>torch.optim.Adadelta</c> (coupled decay). Same as <c>Optimizers.Adadelta</c>.</summary>
    /// <param name="options">The options (<c>Adadelta.defaults</c>: <c>lr=1.0, rho=0.9, eps=1e-6</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let ad = Optim.adadelta Adadelta.defaults</code></example>
    let adadelta (options: Adadelta.Options) : IGradientTransform =
        Optimizers.Adadelta(
            learningRate = options.LearningRate,
            rho = options.Rho,
            epsilon = options.Epsilon,
            weightDecay = options.WeightDecay,
            maximize = options.Maximize,
            decayMask = options.DecayMask
        )

    /// <summary>Adamax as PyTorch's <c>torch.optim.Adamax</c> (coupled decay). Same as <c>Optimizers.Adamax</c>.</summary>
    /// <param name="options">The options (<c>Adamax.defaults</c>: <c>lr=2e-3</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let am = Optim.adamax Adamax.defaults</code></example>
    let adamax (options: Adamax.Options) : IGradientTransform =
        Optimizers.Adamax(
            learningRate = options.LearningRate,
            beta1 = options.Beta1,
            beta2 = options.Beta2,
            epsilon = options.Epsilon,
            weightDecay = options.WeightDecay,
            maximize = options.Maximize,
            decayMask = options.DecayMask
        )

    /// <summary>NAdam as PyTorch 1.13's <c>torch.optim.NAdam</c> (coupled decay). Same as <c>Optimizers.NAdam</c>.</summary>
    /// <param name="options">The options (<c>NAdam.defaults</c>: <c>lr=2e-3, momentum_decay=4e-3</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let na = Optim.nAdam NAdam.defaults</code></example>
    let nAdam (options: NAdam.Options) : IGradientTransform =
        Optimizers.NAdam(
            learningRate = options.LearningRate,
            beta1 = options.Beta1,
            beta2 = options.Beta2,
            epsilon = options.Epsilon,
            weightDecay = options.WeightDecay,
            momentumDecay = options.MomentumDecay,
            decayMask = options.DecayMask
        )

    /// <summary>NAdamW: NAdam's scaling, then decoupled decay (<c>1 - lr*lambda</c>). Same as <c>Optimizers.NAdamW</c>.</summary>
    /// <param name="options">The options (<c>NAdamW.defaults</c>: <c>lr=2e-3, weight_decay=1e-2</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let naw = Optim.nAdamW NAdamW.defaults</code></example>
    let nAdamW (options: NAdamW.Options) : IGradientTransform =
        Optimizers.NAdamW(
            learningRate = options.LearningRate,
            weightDecay = options.WeightDecay,
            decayScaling = options.DecayScaling,
            beta1 = options.Beta1,
            beta2 = options.Beta2,
            epsilon = options.Epsilon,
            momentumDecay = options.MomentumDecay,
            decayMask = options.DecayMask
        )

    /// <summary>RAdam as PyTorch 1.13's <c>torch.optim.RAdam</c> (coupled decay). Same as <c>Optimizers.RAdam</c>.</summary>
    /// <param name="options">The options (<c>RAdam.defaults</c>: <c>lr=1e-3</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let ra = Optim.rAdam RAdam.defaults</code></example>
    let rAdam (options: RAdam.Options) : IGradientTransform =
        Optimizers.RAdam(
            learningRate = options.LearningRate,
            beta1 = options.Beta1,
            beta2 = options.Beta2,
            epsilon = options.Epsilon,
            weightDecay = options.WeightDecay,
            decayMask = options.DecayMask
        )

    /// <summary>RAdamW: RAdam's scaling, then decoupled decay (<c>1 - lr*lambda</c>). Same as <c>Optimizers.RAdamW</c>.</summary>
    /// <param name="options">The options (<c>RAdamW.defaults</c>: <c>lr=1e-3, weight_decay=1e-2</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let raw = Optim.rAdamW RAdamW.defaults</code></example>
    let rAdamW (options: RAdamW.Options) : IGradientTransform =
        Optimizers.RAdamW(
            learningRate = options.LearningRate,
            weightDecay = options.WeightDecay,
            decayScaling = options.DecayScaling,
            beta1 = options.Beta1,
            beta2 = options.Beta2,
            epsilon = options.Epsilon,
            decayMask = options.DecayMask
        )

    /// <summary>
    /// ASGD as PyTorch's <c>torch.optim.ASGD</c>: <c>p' = p*(1 - lambd*eta_t) - eta_t*g</c>,
    /// <c>eta_t = lr/(1 + lambd*lr*(t-1))^alpha</c>, the average <c>ax</c> in the state. Same as <c>Optimizers.Asgd</c>.
    /// </summary>
    /// <param name="options">The options (<c>Asgd.defaults</c>: <c>lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let asgd = Optim.asgd Asgd.defaults</code></example>
    let asgd (options: Asgd.Options) : IGradientTransform =
        Optimizers.Asgd(
            learningRate = options.LearningRate,
            lambd = options.Lambd,
            alpha = options.Alpha,
            t0 = options.T0,
            weightDecay = options.WeightDecay,
            maximize = options.Maximize,
            decayMask = options.DecayMask
        )

    /// <summary>Rprop as PyTorch's <c>torch.optim.Rprop</c>. Same as <c>Optimizers.Rprop</c>.</summary>
    /// <param name="options">The options (<c>Rprop.defaults</c>: <c>lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50)</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let rp = Optim.rprop Rprop.defaults</code></example>
    let rprop (options: Rprop.Options) : IGradientTransform =
        Optimizers.Rprop(
            learningRate = options.LearningRate,
            etaMinus = options.EtaMinus,
            etaPlus = options.EtaPlus,
            stepSizeMin = options.StepSizeMin,
            stepSizeMax = options.StepSizeMax,
            maximize = options.Maximize
        )

    /// <summary>
    /// Lion (Chen et al. 2023): <c>p' = (1 - lr*lambda) * p - lr * sign(b1*m + (1-b1)*g)</c>, <c>m = b2*m + (1-b2)*g</c>.
    /// Same as <c>Optimizers.Lion</c>.
    /// </summary>
    /// <param name="options">The options (<c>Lion.defaults</c>: <c>lr=1e-4, betas=(0.9, 0.99)</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let lion = Optim.lion { Lion.defaults with WeightDecay = Schedule.constant 1.0 }</code></example>
    let lion (options: Lion.Options) : IGradientTransform =
        Optimizers.Lion(
            learningRate = options.LearningRate,
            weightDecay = options.WeightDecay,
            decayScaling = options.DecayScaling,
            beta1 = options.Beta1,
            beta2 = options.Beta2,
            decayMask = options.DecayMask
        )

    /// <summary>
    /// LAMB: Adam's direction <c>d</c> plus <c>lambda * p</c>, scaled per parameter by <c>||p|| / ||d + lambda*p||</c>,
    /// times <c>-lr</c>. Same as <c>Optimizers.Lamb</c>.
    /// </summary>
    /// <param name="options">The options (<c>Lamb.defaults</c>: <c>lr=1e-3, eps=1e-6</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let lamb = Optim.lamb { Lamb.defaults with WeightDecay = Schedule.constant 0.01 }</code></example>
    let lamb (options: Lamb.Options) : IGradientTransform =
        Optimizers.Lamb(
            learningRate = options.LearningRate,
            beta1 = options.Beta1,
            beta2 = options.Beta2,
            epsilon = options.Epsilon,
            weightDecay = options.WeightDecay,
            biasCorrection = options.BiasCorrection,
            maxWeightNorm = options.MaxWeightNorm,
            decayMask = options.DecayMask,
            trustRatioMask = options.TrustRatioMask
        )

    /// <summary>
    /// LARS: <c>g + lambda*p</c> scaled per parameter by <c>eta * ||p|| / ||g + lambda*p||</c>, then momentum, times
    /// <c>-lr</c>. Same as <c>Optimizers.Lars</c>.
    /// </summary>
    /// <param name="learningRate">The learning rate, values &gt; 0.</param>
    /// <param name="options">The other options (<c>Lars.defaults</c>: <c>momentum=0.9, eta=1e-3</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let lars = Optim.lars (Schedule.constant 0.1) Lars.defaults</code></example>
    let lars (learningRate: Schedule) (options: Lars.Options) : IGradientTransform =
        Optimizers.Lars(
            learningRate = learningRate,
            momentum = options.Momentum,
            weightDecay = options.WeightDecay,
            trustCoefficient = options.TrustCoefficient,
            epsilon = options.Epsilon,
            nesterov = options.Nesterov,
            decayMask = options.DecayMask,
            trustRatioMask = options.TrustRatioMask
        )

    /// <summary>
    /// Appends a proximal step to an optimizer, inside its non-finite guard: after the update the new parameter is
    /// <c>soft(p + u, eta*lambda*r) / (1 + 2*eta*lambda*(1 - r))</c> (<c>soft(p + u, eta*l1)</c> for pure L1), exact zeros.
    /// Same as <c>Optimizers.WithProximalL1</c> (<c>L1Ratio = 1</c>) or <c>Optimizers.WithProximalElasticNet</c>.
    /// </summary>
    /// <remarks>
    /// After momentum <c>m</c> the iteration converges to the lasso at <c>lambda * (1 - m)</c>; pass <c>lambda / (1 - m)</c>
    /// for the lasso at <c>lambda</c>.
    /// </remarks>
    /// <param name="options">The step (<c>ProximalStep.l1 strength</c> or <c>ProximalStep.elasticNet lambda ratio</c>).</param>
    /// <param name="optimizer">Any optimizer.</param>
    /// <returns>The optimizer followed by the proximal step.</returns>
    /// <exception cref="T:System.ArgumentException">No learning rate was given and the optimizer has none or several.</exception>
    /// <example><code lang="fsharp">let sparse = Optim.adam Adam.defaults |> Optim.withProximal { ProximalStep.l1 1e-3 with Mask = Mask.excludeBiases }</code></example>
    let withProximal (options: ProximalStep.Options) (optimizer: IGradientTransform) : IGradientTransform =
        let learningRate = Option.toObj options.LearningRate

        if options.L1Ratio = 1.0 then
            Optimizers.WithProximalL1(optimizer, options.Strength, learningRate, options.Scaling, options.Mask)
        else
            Optimizers.WithProximalElasticNet(optimizer, options.Strength, options.L1Ratio, learningRate, options.Scaling, options.Mask)

    /// <summary>Appends a proximal L1 step of strength <paramref name="l1"/> with the optimizer's own learning rate: <c>p' = soft(p + u, lr*l1)</c>.</summary>
    /// <param name="l1">The strength (penalty <c>l1 * sum|w|</c>), &gt;= 0.</param>
    /// <param name="optimizer">Any optimizer with one learning rate.</param>
    /// <returns>The optimizer followed by the proximal step.</returns>
    /// <example><code lang="fsharp">let ista = Optim.sgd (Schedule.constant 0.05) Sgd.defaults |> Optim.withProximalL1 0.02</code></example>
    let withProximalL1 (l1: float) (optimizer: IGradientTransform) : IGradientTransform =
        withProximal (ProximalStep.l1 l1) optimizer

    /// <summary>Sets what an optimizer does with a non-finite gradient (replacing its guard, or adding one).</summary>
    /// <param name="policy"><c>NonFinitePolicy.Throw</c> (every optimizer's default), <c>Skip</c> the step, or <c>Zero</c> the entries.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <returns>The optimizer with that policy.</returns>
    /// <example><code lang="fsharp">let tolerant = Optim.adam Adam.defaults |> Optim.withNonFinitePolicy NonFinitePolicy.Skip</code></example>
    let withNonFinitePolicy (policy: NonFinitePolicy) (optimizer: IGradientTransform) : IGradientTransform =
        Optimizers.WithNonFinitePolicy(optimizer, policy)

    /// <summary>
    /// Removes an optimizer's non-finite guard: gradients are no longer checked (as in PyTorch), which saves one read of
    /// every gradient per step. On finite gradients the bits are the guarded optimizer's.
    /// </summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <returns>The optimizer without its guard.</returns>
    /// <example><code lang="fsharp">let fast = Optim.sgd (Schedule.constant 0.01) Sgd.defaults |> Optim.withoutNonFiniteGuard</code></example>
    let withoutNonFiniteGuard (optimizer: IGradientTransform) : IGradientTransform = Optimizers.WithoutNonFiniteGuard optimizer

    /// <summary>
    /// Parameter groups, PyTorch's <c>param_groups</c>: each group's optimizer updates the parameters its selector
    /// includes (the first matching group wins); one guard (<c>NonFinitePolicy.Throw</c>) checks all gradients.
    /// Same as <c>Optimizers.Groups</c>.
    /// </summary>
    /// <param name="groups">The groups, in priority order (<c>Group.create name selector optimizer</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="T:System.ArgumentException">No group, or two with the same name.</exception>
    /// <example>
    /// <code lang="fsharp">
    /// let opt =
    ///     Optim.groups
    ///         [ Group.create "weights" Mask.excludeBiases (Optim.sgd (Schedule.constant 0.1) { Sgd.defaults with Momentum = 0.9; WeightDecay = Schedule.constant 5e-4 })
    ///           Group.create "biases" Mask.all (Optim.sgd (Schedule.constant 0.1) { Sgd.defaults with Momentum = 0.9 }) ]
    /// </code>
    /// </example>
    let groups (groups: ParamGroup list) : IGradientTransform = Optimizers.Groups(groups, NonFinitePolicy.Throw)

    /// <summary>Parameter groups with a non-finite policy for the whole step. See <c>Optim.groups</c>.</summary>
    /// <param name="policy">The policy for all gradients.</param>
    /// <param name="groups">The groups, in priority order.</param>
    /// <returns>The optimizer.</returns>
    /// <example><code lang="fsharp">let opt = Optim.groupsWith NonFinitePolicy.Zero [ Group.create "all" Mask.all (Optim.adam Adam.defaults) ]</code></example>
    let groupsWith (policy: NonFinitePolicy) (groups: ParamGroup list) : IGradientTransform = Optimizers.Groups(groups, policy)
