namespace Regularization.FSharp

// One module per optimizer: its options record and `defaults`, PyTorch's defaults (1.13, or the paper's reference code
// where PyTorch has no such optimizer). Write `{ AdamW.defaults with LearningRate = Schedule.constant 3e-4 }` and pass
// it to the matching `Optim` function. Masks default to `Mask.all` (every parameter), never to null.

open Regularization

/// <summary>Options of SGD (PyTorch's <c>torch.optim.SGD</c>, coupled decay); the learning rate is an argument of <c>Optim.sgd</c>.</summary>
/// <example><code lang="fsharp">let sgd = Optim.sgd (Schedule.constant 0.01) { Sgd.defaults with Momentum = 0.9; WeightDecay = Schedule.constant 1e-4 }</code></example>
[<RequireQualifiedAccess>]
module Sgd =

    /// <summary>SGD's options. The chain is <c>[scale -1 if Maximize] [addDecayedWeights WeightDecay, masked] [trace] scaleByLearningRate</c>.</summary>
    type Options =
        {
            /// <summary>Momentum factor, &gt;= 0 (0: no momentum buffer). Default 0.</summary>
            Momentum: float
            /// <summary>Dampening of the momentum, in [0, 1]. Default 0.</summary>
            Dampening: float
            /// <summary>Nesterov momentum (needs Momentum &gt; 0 and Dampening 0). Default false.</summary>
            Nesterov: bool
            /// <summary>Coupled decay <c>lambda(t)</c>: <c>g + lambda * p</c> before momentum (PyTorch's <c>weight_decay</c>, the gradient of <c>(lambda/2) * sum(p^2)</c>). Default 0.</summary>
            WeightDecay: Schedule
            /// <summary>Maximize the objective instead of minimizing it. Default false.</summary>
            Maximize: bool
            /// <summary>The parameters that get decay. Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
        }

    /// <summary>PyTorch's defaults: no momentum, dampening or Nesterov, no decay, minimize, every parameter decayable.</summary>
    /// <example><code lang="fsharp">let plain = Optim.sgd (Schedule.constant 0.1) Sgd.defaults</code></example>
    let defaults : Options =
        { Momentum = 0.0
          Dampening = 0.0
          Nesterov = false
          WeightDecay = Schedule.constant 0.0
          Maximize = false
          DecayMask = Mask.all }

/// <summary>Options of SGDW (SGD with decoupled decay, Loshchilov and Hutter); the learning rate and the decay are arguments of <c>Optim.sgdW</c>.</summary>
/// <example><code lang="fsharp">let sgdw = Optim.sgdW (Schedule.constant 0.1) (Schedule.constant 5e-4) { SgdW.defaults with Momentum = 0.9 }</code></example>
[<RequireQualifiedAccess>]
module SgdW =

    /// <summary>SGDW's options. The chain is <c>[scale -1] [trace] scaleByLearningRate [addDecoupledWeightDecay, masked]</c>.</summary>
    type Options =
        {
            /// <summary>How the decay follows the learning rate (<c>LearningRate</c>: shrink <c>1 - lr*lambda</c>). Default <c>DecayScaling.LearningRate</c>.</summary>
            DecayScaling: DecayScaling
            /// <summary>Momentum factor, &gt;= 0. Default 0.</summary>
            Momentum: float
            /// <summary>Dampening, in [0, 1]. Default 0.</summary>
            Dampening: float
            /// <summary>Nesterov momentum. Default false.</summary>
            Nesterov: bool
            /// <summary>Maximize instead of minimize. Default false.</summary>
            Maximize: bool
            /// <summary>The parameters that get decay. Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
        }

    /// <summary>Decay scaled by the learning rate, no momentum, minimize, every parameter decayed.</summary>
    /// <example><code lang="fsharp">let o = { SgdW.defaults with DecayScaling = DecayScaling.ScheduleMultiplier }</code></example>
    let defaults : Options =
        { DecayScaling = DecayScaling.LearningRate
          Momentum = 0.0
          Dampening = 0.0
          Nesterov = false
          Maximize = false
          DecayMask = Mask.all }

/// <summary>Options of Adam (PyTorch's <c>torch.optim.Adam</c>, coupled decay through Adam's normalization).</summary>
/// <example><code lang="fsharp">let adam = Optim.adam { Adam.defaults with LearningRate = Schedule.constant 3e-4 }</code></example>
[<RequireQualifiedAccess>]
module Adam =

    /// <summary>Adam's options. The chain is <c>[scale -1] [addDecayedWeights, masked] scaleByAdam scaleByLearningRate</c>.</summary>
    type Options =
        {
            /// <summary>Learning rate, values &gt; 0. Default 1e-3.</summary>
            LearningRate: Schedule
            /// <summary>First-moment decay, in [0, 1). Default 0.9.</summary>
            Beta1: float
            /// <summary>Second-moment decay, in [0, 1). Default 0.999.</summary>
            Beta2: float
            /// <summary>Denominator term, &gt; 0. Default 1e-8.</summary>
            Epsilon: float
            /// <summary>Coupled decay (an L2 term through Adam's normalization, no fixed shrink). Default 0.</summary>
            WeightDecay: Schedule
            /// <summary>AMSGrad (PyTorch's code). Default false.</summary>
            AmsGrad: bool
            /// <summary>Maximize instead of minimize. Default false.</summary>
            Maximize: bool
            /// <summary>The parameters that get decay. Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
        }

    /// <summary>PyTorch's defaults: <c>lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0</c>.</summary>
    /// <example><code lang="fsharp">let adam = Optim.adam Adam.defaults</code></example>
    let defaults : Options =
        { LearningRate = Schedule.constant 1e-3
          Beta1 = 0.9
          Beta2 = 0.999
          Epsilon = 1e-8
          WeightDecay = Schedule.constant 0.0
          AmsGrad = false
          Maximize = false
          DecayMask = Mask.all }

/// <summary>Options of AdamW (PyTorch's <c>torch.optim.AdamW</c>, decoupled decay).</summary>
/// <example>
/// <code lang="fsharp">
/// let adamw = Optim.adamW { AdamW.defaults with LearningRate = Schedule.constant 1e-3; WeightDecay = Schedule.constant 0.01; DecayMask = Mask.excludeBiases }
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module AdamW =

    /// <summary>
    /// AdamW's options. The chain is <c>[scale -1] scaleByAdam scaleByLearningRate [addDecoupledWeightDecay, masked]</c>:
    /// each step shrinks the weights by <c>1 - lr(t) * lambda(t)</c> (with <c>DecayScaling.LearningRate</c>) and adds the Adam step.
    /// </summary>
    type Options =
        {
            /// <summary>Learning rate, values &gt; 0. Default 1e-3.</summary>
            LearningRate: Schedule
            /// <summary>Decoupled decay <c>lambda(t)</c>, &gt;= 0. Default 1e-2 (PyTorch's; Optax's is 1e-4, Keras' 0.004).</summary>
            WeightDecay: Schedule
            /// <summary>How the decay follows the learning rate (<c>ScheduleMultiplier</c> is the paper's). Default <c>DecayScaling.LearningRate</c>.</summary>
            DecayScaling: DecayScaling
            /// <summary>First-moment decay, in [0, 1). Default 0.9.</summary>
            Beta1: float
            /// <summary>Second-moment decay, in [0, 1). Default 0.999.</summary>
            Beta2: float
            /// <summary>Denominator term, &gt; 0. Default 1e-8.</summary>
            Epsilon: float
            /// <summary>AMSGrad. Default false.</summary>
            AmsGrad: bool
            /// <summary>Maximize instead of minimize. Default false.</summary>
            Maximize: bool
            /// <summary>The parameters that get decay. Default <c>Mask.all</c> (PyTorch decays biases too).</summary>
            DecayMask: Mask
        }

    /// <summary>PyTorch's defaults: <c>lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2</c>, decay scaled by the learning rate.</summary>
    /// <example><code lang="fsharp">let adamw = Optim.adamW AdamW.defaults</code></example>
    let defaults : Options =
        { LearningRate = Schedule.constant 1e-3
          WeightDecay = Schedule.constant 1e-2
          DecayScaling = DecayScaling.LearningRate
          Beta1 = 0.9
          Beta2 = 0.999
          Epsilon = 1e-8
          AmsGrad = false
          Maximize = false
          DecayMask = Mask.all }

/// <summary>Options of RMSprop (PyTorch's <c>torch.optim.RMSprop</c>, coupled decay).</summary>
/// <example><code lang="fsharp">let rms = Optim.rmsProp { RmsProp.defaults with Momentum = 0.9; Centered = true }</code></example>
[<RequireQualifiedAccess>]
module RmsProp =

    /// <summary>
    /// RMSprop's options: <c>v = alpha*v + (1-alpha)*g^2</c>, <c>avg = sqrt(v - gbar^2) + eps</c> (centered) or
    /// <c>sqrt(v) + eps</c>, then <c>b = momentum*b + g/avg</c> (momentum &gt; 0) or <c>g/avg</c>, times <c>-lr</c>.
    /// </summary>
    type Options =
        {
            /// <summary>Learning rate, values &gt; 0. Default 1e-2.</summary>
            LearningRate: Schedule
            /// <summary>Smoothing constant, &gt;= 0. Default 0.99.</summary>
            Alpha: float
            /// <summary>Denominator term, &gt; 0. Default 1e-8.</summary>
            Epsilon: float
            /// <summary>Coupled decay. Default 0.</summary>
            WeightDecay: Schedule
            /// <summary>Momentum factor, &gt;= 0. Default 0.</summary>
            Momentum: float
            /// <summary>Normalize by the estimated variance. Default false.</summary>
            Centered: bool
            /// <summary>Maximize instead of minimize. Default false.</summary>
            Maximize: bool
            /// <summary>The parameters that get decay. Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
        }

    /// <summary>PyTorch's defaults: <c>lr=1e-2, alpha=0.99, eps=1e-8</c>, no decay, no momentum, not centered.</summary>
    /// <example><code lang="fsharp">let rms = Optim.rmsProp RmsProp.defaults</code></example>
    let defaults : Options =
        { LearningRate = Schedule.constant 1e-2
          Alpha = 0.99
          Epsilon = 1e-8
          WeightDecay = Schedule.constant 0.0
          Momentum = 0.0
          Centered = false
          Maximize = false
          DecayMask = Mask.all }

/// <summary>Options of Adagrad (PyTorch's <c>torch.optim.Adagrad</c>, coupled decay).</summary>
/// <example><code lang="fsharp">let ada = Optim.adagrad { Adagrad.defaults with LearningRate = Schedule.constant 0.1; LrDecay = 1e-3 }</code></example>
[<RequireQualifiedAccess>]
module Adagrad =

    /// <summary>Adagrad's options: <c>sum = sum + g^2</c>, <c>clr = lr / (1 + (t-1)*lrDecay)</c>, update <c>-clr*g / (sqrt(sum) + eps)</c>.</summary>
    type Options =
        {
            /// <summary>Learning rate, values &gt; 0. Default 1e-2.</summary>
            LearningRate: Schedule
            /// <summary>Learning-rate decay, &gt;= 0. Default 0.</summary>
            LrDecay: float
            /// <summary>Coupled decay. Default 0.</summary>
            WeightDecay: Schedule
            /// <summary>The value the sum of squares starts at, &gt;= 0. Default 0.</summary>
            InitialAccumulatorValue: float
            /// <summary>Denominator term, &gt; 0. Default 1e-10.</summary>
            Epsilon: float
            /// <summary>Maximize instead of minimize. Default false.</summary>
            Maximize: bool
            /// <summary>The parameters that get decay. Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
        }

    /// <summary>PyTorch's defaults: <c>lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10</c>.</summary>
    /// <example><code lang="fsharp">let ada = Optim.adagrad Adagrad.defaults</code></example>
    let defaults : Options =
        { LearningRate = Schedule.constant 1e-2
          LrDecay = 0.0
          WeightDecay = Schedule.constant 0.0
          InitialAccumulatorValue = 0.0
          Epsilon = 1e-10
          Maximize = false
          DecayMask = Mask.all }

/// <summary>Options of Adadelta (PyTorch's <c>torch.optim.Adadelta</c>, coupled decay).</summary>
/// <example><code lang="fsharp">let ad = Optim.adadelta { Adadelta.defaults with Rho = 0.95 }</code></example>
[<RequireQualifiedAccess>]
module Adadelta =

    /// <summary>Adadelta's options: <c>v = rho*v + (1-rho)*g^2</c>, <c>d = sqrt(a + eps)/sqrt(v + eps) * g</c>, <c>a = rho*a + (1-rho)*d^2</c>, update <c>-lr*d</c>.</summary>
    type Options =
        {
            /// <summary>Learning rate (a factor on <c>d</c>), values &gt; 0. Default 1.0.</summary>
            LearningRate: Schedule
            /// <summary>Running-average coefficient, in [0, 1]. Default 0.9.</summary>
            Rho: float
            /// <summary>Denominator term, &gt; 0. Default 1e-6.</summary>
            Epsilon: float
            /// <summary>Coupled decay. Default 0.</summary>
            WeightDecay: Schedule
            /// <summary>Maximize instead of minimize. Default false.</summary>
            Maximize: bool
            /// <summary>The parameters that get decay. Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
        }

    /// <summary>PyTorch's defaults: <c>lr=1.0, rho=0.9, eps=1e-6, weight_decay=0</c>.</summary>
    /// <example><code lang="fsharp">let ad = Optim.adadelta Adadelta.defaults</code></example>
    let defaults : Options =
        { LearningRate = Schedule.constant 1.0
          Rho = 0.9
          Epsilon = 1e-6
          WeightDecay = Schedule.constant 0.0
          Maximize = false
          DecayMask = Mask.all }

/// <summary>Options of Adamax (PyTorch's <c>torch.optim.Adamax</c>, coupled decay).</summary>
/// <example><code lang="fsharp">let am = Optim.adamax Adamax.defaults</code></example>
[<RequireQualifiedAccess>]
module Adamax =

    /// <summary>Adamax's options: <c>m = b1*m + (1-b1)*g</c>, <c>n = max(b2*n, |g| + eps)</c>, update <c>-lr * m / n / (1 - b1^t)</c>.</summary>
    type Options =
        {
            /// <summary>Learning rate, values &gt; 0. Default 2e-3.</summary>
            LearningRate: Schedule
            /// <summary>First-moment decay, in [0, 1). Default 0.9.</summary>
            Beta1: float
            /// <summary>Infinity-norm decay, in [0, 1). Default 0.999.</summary>
            Beta2: float
            /// <summary>Denominator term, &gt; 0. Default 1e-8.</summary>
            Epsilon: float
            /// <summary>Coupled decay. Default 0.</summary>
            WeightDecay: Schedule
            /// <summary>Maximize instead of minimize. Default false.</summary>
            Maximize: bool
            /// <summary>The parameters that get decay. Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
        }

    /// <summary>PyTorch's defaults: <c>lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0</c>.</summary>
    /// <example><code lang="fsharp">let am = Optim.adamax { Adamax.defaults with LearningRate = Schedule.constant 1e-3 }</code></example>
    let defaults : Options =
        { LearningRate = Schedule.constant 2e-3
          Beta1 = 0.9
          Beta2 = 0.999
          Epsilon = 1e-8
          WeightDecay = Schedule.constant 0.0
          Maximize = false
          DecayMask = Mask.all }

/// <summary>Options of NAdam (PyTorch 1.13's <c>torch.optim.NAdam</c>, coupled decay; no <c>maximize</c> in 1.13).</summary>
/// <example><code lang="fsharp">let na = Optim.nAdam NAdam.defaults</code></example>
[<RequireQualifiedAccess>]
module NAdam =

    /// <summary>NAdam's options: Adam's moments with the momentum schedule <c>mu_t = b1 * (1 - 0.5 * 0.96^(t * psi))</c>.</summary>
    type Options =
        {
            /// <summary>Learning rate, values &gt; 0. Default 2e-3.</summary>
            LearningRate: Schedule
            /// <summary>First-moment decay, in [0, 1). Default 0.9.</summary>
            Beta1: float
            /// <summary>Second-moment decay, in [0, 1). Default 0.999.</summary>
            Beta2: float
            /// <summary>Denominator term, &gt; 0. Default 1e-8.</summary>
            Epsilon: float
            /// <summary>Coupled decay. Default 0.</summary>
            WeightDecay: Schedule
            /// <summary>The momentum decay <c>psi</c>, &gt;= 0. Default 4e-3.</summary>
            MomentumDecay: float
            /// <summary>The parameters that get decay. Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
        }

    /// <summary>PyTorch's defaults: <c>lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3</c>.</summary>
    /// <example><code lang="fsharp">let na = Optim.nAdam NAdam.defaults</code></example>
    let defaults : Options =
        { LearningRate = Schedule.constant 2e-3
          Beta1 = 0.9
          Beta2 = 0.999
          Epsilon = 1e-8
          WeightDecay = Schedule.constant 0.0
          MomentumDecay = 4e-3
          DecayMask = Mask.all }

/// <summary>Options of NAdamW (NAdam's scaling with AdamW's decoupled decay; PyTorch 2's <c>NAdam(decoupled_weight_decay=True)</c>).</summary>
/// <example><code lang="fsharp">let naw = Optim.nAdamW NAdamW.defaults</code></example>
[<RequireQualifiedAccess>]
module NAdamW =

    /// <summary>NAdamW's options. The chain is <c>scaleByNAdam scaleByLearningRate [addDecoupledWeightDecay, masked]</c>.</summary>
    type Options =
        {
            /// <summary>Learning rate, values &gt; 0. Default 2e-3.</summary>
            LearningRate: Schedule
            /// <summary>Decoupled decay <c>lambda(t)</c>. Default 1e-2.</summary>
            WeightDecay: Schedule
            /// <summary>How the decay follows the learning rate. Default <c>DecayScaling.LearningRate</c>.</summary>
            DecayScaling: DecayScaling
            /// <summary>First-moment decay, in [0, 1). Default 0.9.</summary>
            Beta1: float
            /// <summary>Second-moment decay, in [0, 1). Default 0.999.</summary>
            Beta2: float
            /// <summary>Denominator term, &gt; 0. Default 1e-8.</summary>
            Epsilon: float
            /// <summary>The momentum decay <c>psi</c>, &gt;= 0. Default 4e-3.</summary>
            MomentumDecay: float
            /// <summary>The parameters that get decay. Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
        }

    /// <summary>NAdam's defaults with <c>weight_decay=1e-2</c>, decoupled and scaled by the learning rate.</summary>
    /// <example><code lang="fsharp">let naw = Optim.nAdamW NAdamW.defaults</code></example>
    let defaults : Options =
        { LearningRate = Schedule.constant 2e-3
          WeightDecay = Schedule.constant 1e-2
          DecayScaling = DecayScaling.LearningRate
          Beta1 = 0.9
          Beta2 = 0.999
          Epsilon = 1e-8
          MomentumDecay = 4e-3
          DecayMask = Mask.all }

/// <summary>Options of RAdam (PyTorch 1.13's <c>torch.optim.RAdam</c>, coupled decay).</summary>
/// <example><code lang="fsharp">let ra = Optim.rAdam RAdam.defaults</code></example>
[<RequireQualifiedAccess>]
module RAdam =

    /// <summary>RAdam's options: Adam's moments, rectified while <c>rho_t &gt; 5</c>, else the bias-corrected first moment.</summary>
    type Options =
        {
            /// <summary>Learning rate, values &gt; 0. Default 1e-3.</summary>
            LearningRate: Schedule
            /// <summary>First-moment decay, in [0, 1). Default 0.9.</summary>
            Beta1: float
            /// <summary>Second-moment decay, in [0, 1). Default 0.999.</summary>
            Beta2: float
            /// <summary>Denominator term, &gt; 0. Default 1e-8.</summary>
            Epsilon: float
            /// <summary>Coupled decay. Default 0.</summary>
            WeightDecay: Schedule
            /// <summary>The parameters that get decay. Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
        }

    /// <summary>PyTorch's defaults: <c>lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0</c>.</summary>
    /// <example><code lang="fsharp">let ra = Optim.rAdam RAdam.defaults</code></example>
    let defaults : Options =
        { LearningRate = Schedule.constant 1e-3
          Beta1 = 0.9
          Beta2 = 0.999
          Epsilon = 1e-8
          WeightDecay = Schedule.constant 0.0
          DecayMask = Mask.all }

/// <summary>Options of RAdamW (RAdam's scaling with decoupled decay; PyTorch 2's <c>RAdam(decoupled_weight_decay=True)</c>).</summary>
/// <example><code lang="fsharp">let raw = Optim.rAdamW RAdamW.defaults</code></example>
[<RequireQualifiedAccess>]
module RAdamW =

    /// <summary>RAdamW's options. The chain is <c>scaleByRAdam scaleByLearningRate [addDecoupledWeightDecay, masked]</c>.</summary>
    type Options =
        {
            /// <summary>Learning rate, values &gt; 0. Default 1e-3.</summary>
            LearningRate: Schedule
            /// <summary>Decoupled decay <c>lambda(t)</c>. Default 1e-2.</summary>
            WeightDecay: Schedule
            /// <summary>How the decay follows the learning rate. Default <c>DecayScaling.LearningRate</c>.</summary>
            DecayScaling: DecayScaling
            /// <summary>First-moment decay, in [0, 1). Default 0.9.</summary>
            Beta1: float
            /// <summary>Second-moment decay, in [0, 1). Default 0.999.</summary>
            Beta2: float
            /// <summary>Denominator term, &gt; 0. Default 1e-8.</summary>
            Epsilon: float
            /// <summary>The parameters that get decay. Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
        }

    /// <summary>RAdam's defaults with <c>weight_decay=1e-2</c>, decoupled and scaled by the learning rate.</summary>
    /// <example><code lang="fsharp">let raw = Optim.rAdamW RAdamW.defaults</code></example>
    let defaults : Options =
        { LearningRate = Schedule.constant 1e-3
          WeightDecay = Schedule.constant 1e-2
          DecayScaling = DecayScaling.LearningRate
          Beta1 = 0.9
          Beta2 = 0.999
          Epsilon = 1e-8
          DecayMask = Mask.all }

/// <summary>
/// Options of ASGD (PyTorch's <c>torch.optim.ASGD</c>, step size <c>eta_t = lr / (1 + lambd * lr * t)^alpha</c>). Under a
/// learning-rate schedule <c>eta_t</c> uses the previous step's rate, as PyTorch's ASGD under an <c>lr_scheduler</c>.
/// </summary>
/// <example><code lang="fsharp">let asgd = Optim.asgd { Asgd.defaults with LearningRate = Schedule.constant 0.05; DecayMask = Mask.excludeBiases }</code></example>
[<RequireQualifiedAccess>]
module Asgd =

    /// <summary>ASGD's options. The chain is <c>[scale -1] [addDecayedWeights, masked] asgd</c>.</summary>
    type Options =
        {
            /// <summary>Learning rate, values &gt; 0. Default 1e-2.</summary>
            LearningRate: Schedule
            /// <summary>Decay term <c>lambd</c>, &gt;= 0. Default 1e-4.</summary>
            Lambd: float
            /// <summary>Power of the step-size decay. Default 0.75.</summary>
            Alpha: float
            /// <summary>The step at which averaging starts. Default 1e6.</summary>
            T0: float
            /// <summary>Coupled decay, values &gt;= 0. Default 0.</summary>
            WeightDecay: Schedule
            /// <summary>Maximize instead of minimize. Default false.</summary>
            Maximize: bool
            /// <summary>The parameters that get the coupled decay (ASGD's own <c>lambd</c> shrink applies to all). Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
        }

    /// <summary>PyTorch's defaults: <c>lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0</c>.</summary>
    /// <example><code lang="fsharp">let asgd = Optim.asgd Asgd.defaults</code></example>
    let defaults : Options =
        { LearningRate = Schedule.constant 1e-2
          Lambd = 1e-4
          Alpha = 0.75
          T0 = 1e6
          WeightDecay = Schedule.constant 0.0
          Maximize = false
          DecayMask = Mask.all }

/// <summary>
/// Options of Rprop (PyTorch's <c>torch.optim.Rprop</c>): per-element step sizes from the gradient's sign changes. The
/// learning rate's base value is the initial step size and its multiplier <c>eta(t)</c> scales each step's update (a
/// constant schedule is PyTorch's Rprop bit for bit; PyTorch's <c>lr_scheduler</c> does nothing to its Rprop).
/// </summary>
/// <example><code lang="fsharp">let rp = Optim.rprop { Rprop.defaults with LearningRate = Schedule.cosine 0.01 1_000 }</code></example>
[<RequireQualifiedAccess>]
module Rprop =

    /// <summary>Rprop's options. The chain is <c>[scale -1] rprop</c>; PyTorch's Rprop has no weight decay.</summary>
    type Options =
        {
            /// <summary>The initial step size (base value &gt; 0) and the update's scale (its multiplier). Default 1e-2.</summary>
            LearningRate: Schedule
            /// <summary>Factor on a sign change, in (0, 1). Default 0.5.</summary>
            EtaMinus: float
            /// <summary>Factor while the sign holds, &gt; 1. Default 1.2.</summary>
            EtaPlus: float
            /// <summary>Smallest step size. Default 1e-6.</summary>
            StepSizeMin: float
            /// <summary>Largest step size. Default 50.</summary>
            StepSizeMax: float
            /// <summary>Maximize instead of minimize. Default false.</summary>
            Maximize: bool
        }

    /// <summary>PyTorch's defaults: <c>lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50)</c>.</summary>
    /// <example><code lang="fsharp">let rp = Optim.rprop Rprop.defaults</code></example>
    let defaults : Options =
        { LearningRate = Schedule.constant 1e-2
          EtaMinus = 0.5
          EtaPlus = 1.2
          StepSizeMin = 1e-6
          StepSizeMax = 50.0
          Maximize = false }

/// <summary>Options of Lion (Chen et al. 2023, the authors' <c>lion_pytorch</c>): sign updates, decoupled decay.</summary>
/// <example><code lang="fsharp">let lion = Optim.lion { Lion.defaults with WeightDecay = Schedule.constant 1.0 }</code></example>
[<RequireQualifiedAccess>]
module Lion =

    /// <summary>Lion's options. The chain is <c>scaleByLion scaleByLearningRate [addDecoupledWeightDecay, masked]</c>.</summary>
    type Options =
        {
            /// <summary>Learning rate, values &gt; 0. Default 1e-4.</summary>
            LearningRate: Schedule
            /// <summary>Decoupled decay <c>lambda(t)</c>. Default 0.</summary>
            WeightDecay: Schedule
            /// <summary>How the decay follows the learning rate. Default <c>DecayScaling.LearningRate</c>.</summary>
            DecayScaling: DecayScaling
            /// <summary>Interpolation factor of the update, in [0, 1]. Default 0.9.</summary>
            Beta1: float
            /// <summary>Momentum decay, in [0, 1]. Default 0.99.</summary>
            Beta2: float
            /// <summary>The parameters that get decay. Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
        }

    /// <summary>The reference code's defaults: <c>lr=1e-4, betas=(0.9, 0.99), weight_decay=0</c>.</summary>
    /// <example><code lang="fsharp">let lion = Optim.lion Lion.defaults</code></example>
    let defaults : Options =
        { LearningRate = Schedule.constant 1e-4
          WeightDecay = Schedule.constant 0.0
          DecayScaling = DecayScaling.LearningRate
          Beta1 = 0.9
          Beta2 = 0.99
          DecayMask = Mask.all }

/// <summary>Options of LAMB (You et al., the <c>cybertronai/pytorch-lamb</c> reference): Adam's direction plus decay, scaled per parameter by the trust ratio.</summary>
/// <example><code lang="fsharp">let lamb = Optim.lamb { Lamb.defaults with WeightDecay = Schedule.constant 0.01; DecayMask = Mask.excludeBiases }</code></example>
[<RequireQualifiedAccess>]
module Lamb =

    /// <summary>LAMB's options. The chain is <c>scaleByAdam [addDecayedWeights, masked] [scaleByTrustRatio, masked] scaleByLearningRate</c>.</summary>
    type Options =
        {
            /// <summary>Learning rate, values &gt; 0. Default 1e-3.</summary>
            LearningRate: Schedule
            /// <summary>First-moment decay, in [0, 1). Default 0.9.</summary>
            Beta1: float
            /// <summary>Second-moment decay, in [0, 1). Default 0.999.</summary>
            Beta2: float
            /// <summary>Denominator term, &gt; 0. Default 1e-6.</summary>
            Epsilon: float
            /// <summary>Decay added to Adam's direction, inside the trust ratio. Default 0.</summary>
            WeightDecay: Schedule
            /// <summary>Adam's bias correction. Default true.</summary>
            BiasCorrection: bool
            /// <summary>Clip of the weight norm in the trust ratio. Default infinity (no clip).</summary>
            MaxWeightNorm: float
            /// <summary>The parameters that get decay. Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
            /// <summary>The parameters the trust ratio applies to. Default <c>Mask.all</c>.</summary>
            TrustRatioMask: Mask
        }

    /// <summary>The reference code's defaults: <c>lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0</c>, bias correction, no clip.</summary>
    /// <example><code lang="fsharp">let lamb = Optim.lamb Lamb.defaults</code></example>
    let defaults : Options =
        { LearningRate = Schedule.constant 1e-3
          Beta1 = 0.9
          Beta2 = 0.999
          Epsilon = 1e-6
          WeightDecay = Schedule.constant 0.0
          BiasCorrection = true
          MaxWeightNorm = System.Double.PositiveInfinity
          DecayMask = Mask.all
          TrustRatioMask = Mask.all }

/// <summary>Options of LARS (You et al., the Barlow Twins reference code); the learning rate is an argument of <c>Optim.lars</c>.</summary>
/// <example><code lang="fsharp">let lars = Optim.lars (Schedule.constant 0.2) { Lars.defaults with WeightDecay = Schedule.constant 1.5e-6; TrustRatioMask = Mask.excludeBiases }</code></example>
[<RequireQualifiedAccess>]
module Lars =

    /// <summary>LARS's options. The chain is <c>[addDecayedWeights, masked] [scaleByTrustRatio, masked] [trace] scaleByLearningRate</c>.</summary>
    type Options =
        {
            /// <summary>Momentum factor, &gt;= 0. Default 0.9.</summary>
            Momentum: float
            /// <summary>Coupled decay, inside the trust ratio. Default 0.</summary>
            WeightDecay: Schedule
            /// <summary>The trust coefficient <c>eta</c>, &gt; 0. Default 1e-3.</summary>
            TrustCoefficient: float
            /// <summary>Added to the update norm, &gt;= 0. Default 0.</summary>
            Epsilon: float
            /// <summary>Nesterov momentum. Default false.</summary>
            Nesterov: bool
            /// <summary>The parameters that get decay. Default <c>Mask.all</c>.</summary>
            DecayMask: Mask
            /// <summary>The parameters the trust ratio applies to. Default <c>Mask.all</c>.</summary>
            TrustRatioMask: Mask
        }

    /// <summary>The reference code's defaults: <c>momentum=0.9, eta=1e-3, weight_decay=0</c>.</summary>
    /// <example><code lang="fsharp">let lars = Optim.lars (Schedule.constant 0.1) Lars.defaults</code></example>
    let defaults : Options =
        { Momentum = 0.9
          WeightDecay = Schedule.constant 0.0
          TrustCoefficient = 1e-3
          Epsilon = 0.0
          Nesterov = false
          DecayMask = Mask.all
          TrustRatioMask = Mask.all }

/// <summary>
/// Options of a proximal step appended to an optimizer (<c>Optim.withProximal</c>): exact zeros for any optimizer.
/// After the optimizer's update the new parameter is <c>soft(p + u, eta*lambda*r) / (1 + 2*eta*lambda*(1 - r))</c>.
/// </summary>
/// <example><code lang="fsharp">let sparse = Optim.adam Adam.defaults |> Optim.withProximal { ProximalStep.l1 1e-3 with Mask = Mask.excludeBiases }</code></example>
[<RequireQualifiedAccess>]
module ProximalStep =

    /// <summary>The proximal step's options.</summary>
    type Options =
        {
            /// <summary>The strength <c>lambda</c>, &gt;= 0 (penalty <c>lambda * (r * sum|w| + (1 - r) * sum(w^2))</c>).</summary>
            Strength: float
            /// <summary>The share of L1 <c>r</c>, in [0, 1]; 1 is pure L1 (soft thresholding).</summary>
            L1Ratio: float
            /// <summary>The step size's learning rate; <c>None</c>: the optimizer's own (it must have exactly one).</summary>
            LearningRate: Schedule option
            /// <summary>How the threshold follows the learning rate (<c>LearningRate</c>: <c>lr * lambda</c>).</summary>
            Scaling: DecayScaling
            /// <summary>The parameters the step applies to. Default <c>Mask.all</c>.</summary>
            Mask: Mask
        }

    /// <summary>A proximal L1 step of strength <paramref name="l1"/> (penalty <c>l1 * sum|w|</c>), with the optimizer's learning rate, on every parameter.</summary>
    /// <param name="l1">The strength, &gt;= 0.</param>
    /// <returns>The options.</returns>
    /// <example><code lang="fsharp">let o = ProximalStep.l1 0.02</code></example>
    let l1 (l1: float) : Options =
        { Strength = l1
          L1Ratio = 1.0
          LearningRate = None
          Scaling = DecayScaling.LearningRate
          Mask = Mask.all }

    /// <summary>A proximal elastic-net step: strength <paramref name="lambda"/>, L1 share <paramref name="l1Ratio"/> (scikit-learn's <c>alpha</c>, <c>l1_ratio</c> through <c>Conventions.FromSklearnElasticNet</c>).</summary>
    /// <param name="lambda">The strength, &gt;= 0.</param>
    /// <param name="l1Ratio">The share of L1, in [0, 1].</param>
    /// <returns>The options.</returns>
    /// <example><code lang="fsharp">let o = ProximalStep.elasticNet 0.01 0.5</code></example>
    let elasticNet (lambda: float) (l1Ratio: float) : Options =
        { Strength = lambda
          L1Ratio = l1Ratio
          LearningRate = None
          Scaling = DecayScaling.LearningRate
          Mask = Mask.all }
