namespace Regularization.FSharp

open Regularization

/// <summary>
/// The primitives optimizers are made of, in Optax's vocabulary, as curried functions returning the core's
/// <see cref="T:Regularization.IGradientTransform"/>. Updates flow through <c>Transform.chain</c> from the gradient to
/// the final update that <c>Params.apply</c> adds to the parameters (<c>scaleByLearningRate</c> negates).
/// </summary>
/// <remarks>
/// Coupled and decoupled decay are only positions in a chain: <c>addDecayedWeights</c> before <c>trace</c> or
/// <c>scaleByAdam</c> is coupled (PyTorch's <c>weight_decay</c> on SGD and Adam, an L2 term through the optimizer);
/// <c>addDecoupledWeightDecay</c> after <c>scaleByLearningRate</c> is decoupled (AdamW, SGDW).
/// </remarks>
/// <example>
/// PyTorch's <c>SGD(lr=0.1, momentum=0.9, weight_decay=5e-4)</c>, written out, decay on the weights only:
/// <code lang="fsharp">
/// let sgd =
///     Transform.chain
///         [ Transform.addDecayedWeights (Schedule.constant 5e-4) |> Transform.masked Mask.excludeBiases
///           Transform.trace 0.9
///           Transform.scaleByLearningRate (Schedule.constant 0.1) ]
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module Transform =

    /// <summary>Passes updates through unchanged: <c>u' = u</c>.</summary>
    /// <example><code lang="fsharp">Transform.chain [ Transform.identity; t ] // behaves as t</code></example>
    let identity : IGradientTransform = Transforms.Identity()

    /// <summary>Multiplies updates by a constant: <c>u' = factor * u</c>. <c>scale -1.0</c> is PyTorch's <c>maximize</c>.</summary>
    /// <param name="factor">The factor, finite.</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let ascend = Transform.scale -1.0</code></example>
    let scale (factor: float) : IGradientTransform = Transforms.Scale factor

    /// <summary>
    /// Adds decayed weights: <c>u' = u + lambda(t) * p</c> (one rounding), the gradient of <c>(lambda/2) * sum(p^2)</c>.
    /// Coupled decay when placed before momentum or Adam.
    /// </summary>
    /// <param name="weightDecay">The decay <c>lambda(t)</c>, values &gt;= 0.</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let l2 = Transform.addDecayedWeights (Schedule.constant 1e-4)</code></example>
    let addDecayedWeights (weightDecay: Schedule) : IGradientTransform = Transforms.AddDecayedWeights weightDecay

    /// <summary>
    /// Decoupled decay after the learning-rate scaling: <c>u' = u - c(t) * p</c>, a shrink of the weights by <c>1 - c(t)</c>,
    /// with <c>c = lr(t) * lambda(t)</c> (<c>DecayScaling.LearningRate</c>, PyTorch and Optax),
    /// <c>eta(t) * lambda(t)</c> (<c>ScheduleMultiplier</c>, the paper) or <c>lambda(t)</c> (<c>None</c>).
    /// </summary>
    /// <param name="scaling">How the decay follows the learning rate.</param>
    /// <param name="learningRate">The optimizer's learning rate (the same schedule as its <c>scaleByLearningRate</c>).</param>
    /// <param name="weightDecay">The decay <c>lambda(t)</c>.</param>
    /// <returns>The transform.</returns>
    /// <example>
    /// AdamW by hand:
    /// <code lang="fsharp">
    /// let lr = Schedule.constant 1e-3
    /// let adamw =
    ///     Transform.chain
    ///         [ Transform.scaleByAdam 0.9 0.999 1e-8
    ///           Transform.scaleByLearningRate lr
    ///           Transform.addDecoupledWeightDecay DecayScaling.LearningRate lr (Schedule.constant 0.01) ]
    /// </code>
    /// </example>
    let addDecoupledWeightDecay (scaling: DecayScaling) (learningRate: Schedule) (weightDecay: Schedule) : IGradientTransform =
        Transforms.AddDecoupledWeightDecay(weightDecay, learningRate, scaling)

    /// <summary>Adds a penalty's gradient to the updates, as if the penalty were part of the loss.</summary>
    /// <param name="penalty">The penalty, for example <c>Penalties.L2 0.01</c> (<c>0.01 * sum(w^2)</c>, gradient <c>0.02 * w</c>).</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let l1 = Transform.addPenaltyGradient (Penalties.L1 1e-4)</code></example>
    let addPenaltyGradient (penalty: Penalty) : IGradientTransform = Transforms.AddPenaltyGradient penalty

    /// <summary>
    /// Momentum with PyTorch's semantics, no dampening: <c>b = momentum * b + u</c> (the first <c>b</c> is <c>u</c>), output <c>b</c>.
    /// </summary>
    /// <param name="momentum">The momentum factor, &gt;= 0.</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let heavyBall = Transform.trace 0.9</code></example>
    let trace (momentum: float) : IGradientTransform = Transforms.Trace(momentum, 0.0, false)

    /// <summary>Momentum with dampening: <c>b = momentum * b + (1 - dampening) * u</c> (the first <c>b</c> is <c>u</c>), output <c>b</c>.</summary>
    /// <param name="dampening">The dampening, in [0, 1].</param>
    /// <param name="momentum">The momentum factor, &gt;= 0.</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let damped = Transform.traceDampened 0.1 0.9</code></example>
    let traceDampened (dampening: float) (momentum: float) : IGradientTransform = Transforms.Trace(momentum, dampening, false)

    /// <summary>Nesterov momentum, PyTorch's form: <c>b = momentum * b + u</c>, output <c>u + momentum * b</c>.</summary>
    /// <param name="momentum">The momentum factor, &gt; 0.</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let nag = Transform.nesterov 0.9</code></example>
    let nesterov (momentum: float) : IGradientTransform = Transforms.Trace(momentum, 0.0, true)

    /// <summary>
    /// Adam's scaling, PyTorch's arithmetic: <c>m = b1*m + (1-b1)*u</c>, <c>v = b2*v + (1-b2)*u^2</c>, output
    /// <c>(m / (1 - b1^t)) / (sqrt(v) / sqrt(1 - b2^t) + eps)</c>. State slots <c>exp_avg</c>, <c>exp_avg_sq</c>.
    /// </summary>
    /// <param name="beta1">First-moment decay, in [0, 1) (PyTorch: 0.9).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1) (PyTorch: 0.999).</param>
    /// <param name="epsilon">Denominator term, &gt; 0 (PyTorch: 1e-8).</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let adam = Transform.chain [ Transform.scaleByAdam 0.9 0.999 1e-8; Transform.scaleByLearningRate (Schedule.constant 1e-3) ]</code></example>
    let scaleByAdam (beta1: float) (beta2: float) (epsilon: float) : IGradientTransform =
        Transforms.ScaleByAdam(beta1, beta2, epsilon, false)

    /// <summary>
    /// AMSGrad's scaling, PyTorch's code: Adam with the maximum of the raw second moment, <c>vmax = max(vmax, v)</c>, in
    /// the denominator. State slots <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c>.
    /// </summary>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let ams = Transform.scaleByAmsGrad 0.9 0.999 1e-8</code></example>
    let scaleByAmsGrad (beta1: float) (beta2: float) (epsilon: float) : IGradientTransform =
        Transforms.ScaleByAdam(beta1, beta2, epsilon, true)

    /// <summary>
    /// RMSprop's scaling without momentum or centering: <c>v = alpha*v + (1-alpha)*u^2</c>, output <c>u / (sqrt(v) + eps)</c>.
    /// State slot <c>square_avg</c>.
    /// </summary>
    /// <param name="alpha">Smoothing constant, in [0, 1] (PyTorch: 0.99).</param>
    /// <param name="epsilon">Denominator term, &gt; 0 (PyTorch: 1e-8).</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let rms = Transform.scaleByRmsProp 0.99 1e-8</code></example>
    let scaleByRmsProp (alpha: float) (epsilon: float) : IGradientTransform =
        Transforms.ScaleByRmsProp(alpha, epsilon, 0.0, false)

    /// <summary>
    /// Adamax's scaling: <c>m = b1*m + (1-b1)*u</c>, <c>n = max(b2*n, |u| + eps)</c>, output <c>m / n / (1 - b1^t)</c>.
    /// State slots <c>exp_avg</c>, <c>exp_inf</c>.
    /// </summary>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Infinity-norm decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let adamax = Transform.scaleByAdamax 0.9 0.999 1e-8</code></example>
    let scaleByAdamax (beta1: float) (beta2: float) (epsilon: float) : IGradientTransform =
        Transforms.ScaleByAdamax(beta1, beta2, epsilon)

    /// <summary>
    /// Adadelta's scaling: <c>v = rho*v + (1-rho)*u^2</c>, output <c>d = sqrt(a + eps) / sqrt(v + eps) * u</c>, then
    /// <c>a = rho*a + (1-rho)*d^2</c>. State slots <c>square_avg</c>, <c>acc_delta</c>.
    /// </summary>
    /// <param name="rho">Running-average coefficient, in [0, 1] (PyTorch: 0.9).</param>
    /// <param name="epsilon">Denominator term, &gt; 0 (PyTorch: 1e-6).</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let adadelta = Transform.scaleByAdadelta 0.9 1e-6</code></example>
    let scaleByAdadelta (rho: float) (epsilon: float) : IGradientTransform = Transforms.ScaleByAdadelta(rho, epsilon)

    /// <summary>
    /// NAdam's scaling (PyTorch 1.13): Adam's moments and the momentum schedule
    /// <c>mu_t = b1 * (1 - 0.5 * 0.96^(t * psi))</c>. State slots <c>exp_avg</c>, <c>exp_avg_sq</c>.
    /// </summary>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <param name="momentumDecay">The momentum decay <c>psi</c>, &gt;= 0 (PyTorch: 4e-3).</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let nadam = Transform.scaleByNAdam 0.9 0.999 1e-8 4e-3</code></example>
    let scaleByNAdam (beta1: float) (beta2: float) (epsilon: float) (momentumDecay: float) : IGradientTransform =
        Transforms.ScaleByNAdam(beta1, beta2, epsilon, momentumDecay)

    /// <summary>
    /// RAdam's scaling: Adam's moments, rectified while <c>rho_t &gt; 5</c>, else the bias-corrected first moment.
    /// State slots <c>exp_avg</c>, <c>exp_avg_sq</c>.
    /// </summary>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let radam = Transform.scaleByRAdam 0.9 0.999 1e-8</code></example>
    let scaleByRAdam (beta1: float) (beta2: float) (epsilon: float) : IGradientTransform =
        Transforms.ScaleByRAdam(beta1, beta2, epsilon)

    /// <summary>
    /// Lion's scaling (Chen et al. 2023): <c>c = b1*m + (1-b1)*u</c>, output <c>sign(c)</c> (0 where <c>c</c> is 0), then
    /// <c>m = b2*m + (1-b2)*u</c>. State slot <c>exp_avg</c>.
    /// </summary>
    /// <param name="beta1">Interpolation factor of the update, in [0, 1] (paper: 0.9).</param>
    /// <param name="beta2">Momentum decay, in [0, 1] (paper: 0.99).</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let lion = Transform.chain [ Transform.scaleByLion 0.9 0.99; Transform.scaleByLearningRate (Schedule.constant 1e-4) ]</code></example>
    let scaleByLion (beta1: float) (beta2: float) : IGradientTransform = Transforms.ScaleByLion(beta1, beta2)

    /// <summary>
    /// The layer-wise trust ratio of LARS and LAMB, per parameter: <c>u' = r * u</c> with
    /// <c>r = trustCoefficient * ||p|| / (||u|| + epsilon)</c>, and <c>r = 1</c> where <c>||p||</c> or <c>||u||</c> is 0. Stateless.
    /// </summary>
    /// <param name="trustCoefficient">The coefficient, &gt; 0 (LAMB: 1, LARS: 1e-3).</param>
    /// <param name="epsilon">Added to the update norm, &gt;= 0.</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let lamb = Transform.chain [ Transform.scaleByAdam 0.9 0.999 1e-6; Transform.scaleByTrustRatio 1.0 0.0; Transform.scaleByLearningRate (Schedule.constant 1e-3) ]</code></example>
    let scaleByTrustRatio (trustCoefficient: float) (epsilon: float) : IGradientTransform =
        Transforms.ScaleByTrustRatio(trustCoefficient, epsilon, System.Double.PositiveInfinity)

    /// <summary>Scales by the negative learning rate: <c>u' = -lr(t) * u</c>.</summary>
    /// <param name="learningRate">The learning rate <c>lr(t)</c>, values &gt; 0.</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let sgd = Transform.scaleByLearningRate (Schedule.constant 0.1)</code></example>
    let scaleByLearningRate (learningRate: Schedule) : IGradientTransform = Transforms.ScaleByLearningRate learningRate

    /// <summary>
    /// Proximal L1 after the step, exact zeros: the new parameter is <c>soft(p + u, eta(t) * l1(t))</c> with
    /// <c>soft(x, k) = sign(x) * max(|x| - k, 0)</c> and <c>eta</c> from the learning rate as <paramref name="scaling"/> says.
    /// Place it last in a chain.
    /// </summary>
    /// <param name="scaling">How the threshold follows the learning rate (<c>DecayScaling.LearningRate</c>: <c>lr * l1</c>).</param>
    /// <param name="learningRate">The optimizer's learning rate.</param>
    /// <param name="l1">The L1 strength (penalty <c>l1 * sum|w|</c>), values &gt;= 0.</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let lr = Schedule.constant 0.05
    /// let ista = Transform.chain [ Transform.scaleByLearningRate lr; Transform.proximalL1 DecayScaling.LearningRate lr (Schedule.constant 0.02) ]</code></example>
    let proximalL1 (scaling: DecayScaling) (learningRate: Schedule) (l1: Schedule) : IGradientTransform =
        Transforms.ProximalL1(l1, learningRate, scaling)

    /// <summary>
    /// Proximal elastic net after the step: new parameter <c>soft(p + u, eta*lambda*r) / (1 + 2*eta*lambda*(1 - r))</c>,
    /// the proximal operator of <c>lambda * (r * sum|w| + (1 - r) * sum(w^2))</c>. Place it last.
    /// </summary>
    /// <param name="scaling">How the step size follows the learning rate.</param>
    /// <param name="learningRate">The optimizer's learning rate.</param>
    /// <param name="lambda">The strength, &gt;= 0.</param>
    /// <param name="l1Ratio">The share of L1 <c>r</c>, in [0, 1].</param>
    /// <returns>The transform.</returns>
    /// <example><code lang="fsharp">let prox = Transform.proximalElasticNet DecayScaling.LearningRate (Schedule.constant 0.05) 0.01 0.5</code></example>
    let proximalElasticNet (scaling: DecayScaling) (learningRate: Schedule) (lambda: float) (l1Ratio: float) : IGradientTransform =
        Transforms.ProximalElasticNet(lambda, l1Ratio, learningRate, scaling)

    /// <summary>Applies transforms in order: the updates out of each are the updates into the next (Optax's <c>chain</c>).</summary>
    /// <param name="transforms">The transforms, first to last.</param>
    /// <returns>The chain; its state is a <c>ChainState</c> with one state per transform.</returns>
    /// <example><code lang="fsharp">let sgd = Transform.chain [ Transform.trace 0.9; Transform.scaleByLearningRate (Schedule.constant 0.1) ]</code></example>
    let chain (transforms: IGradientTransform list) : IGradientTransform = Transforms.Chain(List.toArray transforms)

    /// <summary>
    /// Applies a transform to the parameters a mask includes; the others pass through unchanged (Optax's <c>masked</c>).
    /// The state is the inner transform's state over the included parameters.
    /// </summary>
    /// <param name="mask">Which parameters the transform applies to.</param>
    /// <param name="inner">The transform.</param>
    /// <returns>The masked transform.</returns>
    /// <example><code lang="fsharp">let decay = Transform.addDecayedWeights (Schedule.constant 5e-4) |> Transform.masked Mask.excludeBiases</code></example>
    let masked (mask: Mask) (inner: IGradientTransform) : IGradientTransform = Transforms.Masked(inner, mask)

    /// <summary>
    /// Updates each group of parameters with its own transform (PyTorch's <c>param_groups</c>); a parameter belongs to
    /// the first group whose selector includes it. Unlike <c>Optim.groups</c>, the groups' own non-finite guards stay.
    /// </summary>
    /// <param name="groups">The groups, in priority order; names unique.</param>
    /// <returns>The partition.</returns>
    /// <example><code lang="fsharp">let t = Transform.partition [ Group.create "weights" Mask.excludeBiases sgdW; Group.create "rest" Mask.all sgd ]</code></example>
    let partition (groups: ParamGroup list) : IGradientTransform = Transforms.Partition(List.toArray groups)

    /// <summary>Checks every gradient for NaN and infinities first, and throws, skips the step or zeroes the entries.</summary>
    /// <param name="policy"><c>NonFinitePolicy.Throw</c>, <c>Skip</c> or <c>Zero</c>.</param>
    /// <param name="inner">The transform to guard.</param>
    /// <returns>The guarded transform; its state is a <c>NonFiniteState</c> with counts.</returns>
    /// <example><code lang="fsharp">let safe = myChain |> Transform.guardNonFinite NonFinitePolicy.Skip</code></example>
    let guardNonFinite (policy: NonFinitePolicy) (inner: IGradientTransform) : IGradientTransform =
        Transforms.GuardNonFinite(inner, policy)

/// <summary>Parameter groups (PyTorch's <c>param_groups</c>): a name, the parameters it selects, and their optimizer.</summary>
/// <example>
/// <code lang="fsharp">
/// let opt =
///     Optim.groups
///         [ Group.create "weights" Mask.excludeBiases (Optim.sgd (Schedule.constant 0.1) { Sgd.defaults with WeightDecay = Schedule.constant 5e-4 })
///           Group.create "biases" Mask.all (Optim.sgd (Schedule.constant 0.1) Sgd.defaults) ]
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module Group =

    /// <summary>A group named <paramref name="name"/>: the parameters <paramref name="selector"/> includes get <paramref name="transform"/>.</summary>
    /// <param name="name">The group's name, not empty, unique among the groups.</param>
    /// <param name="selector">Which parameters belong to the group (the first matching group wins).</param>
    /// <param name="transform">The group's optimizer or transform.</param>
    /// <returns>The group.</returns>
    /// <example><code lang="fsharp">let g = Optim.adam Adam.defaults |> Group.create "all" Mask.all</code></example>
    let create (name: string) (selector: Mask) (transform: IGradientTransform) : ParamGroup = ParamGroup(name, selector, transform)

    /// <summary>The group's name.</summary>
    /// <param name="group">The group.</param>
    /// <returns>Its name.</returns>
    /// <example><code lang="fsharp">Group.name g   // "all"</code></example>
    let name (group: ParamGroup) : string = group.Name
