using System.Diagnostics.Contracts;
using Regularization.Internal;

namespace Regularization;

/// <summary>The PyTorch 1.13 optimizer family beyond SGD and Adam (issue 12).</summary>
public static partial class Optimizers
{
    /// <summary>
    /// RMSprop as PyTorch's <c>torch.optim.RMSprop</c> (coupled weight decay):
    /// <c>Chain([Scale(-1) if maximize], [AddDecayedWeights(weightDecay)], ScaleByRmsProp(alpha, epsilon, momentum, centered), ScaleByLearningRate(learningRate))</c>,
    /// where ScaleByRmsProp is <c>v = alpha*v + (1-alpha)*g^2</c>, <c>avg = sqrt(v - gbar^2) + eps</c> (centered, with
    /// <c>gbar = alpha*gbar + (1-alpha)*g</c>) or <c>sqrt(v) + eps</c>, then <c>b = momentum*b + g/avg</c> (momentum &gt; 0) or
    /// <c>g/avg</c>. State: <c>square_avg</c>, <c>grad_avg</c> (centered), <c>momentum_buffer</c> (momentum &gt; 0).
    /// </summary>
    /// <remarks>Coupled decay goes through the normalization, so it has no fixed shrink (see <see cref="DecayPlan"/>).</remarks>
    /// <example><code>var opt = Optimizers.RmsProp(learningRate: 1e-3, momentum: 0.9, centered: true);</code></example>
    /// <param name="learningRate">Learning rate, &gt; 0 (default 1e-2).</param>
    /// <param name="alpha">Smoothing constant, &gt;= 0 (default 0.99).</param>
    /// <param name="epsilon">Denominator term, &gt; 0 (default 1e-8; PyTorch accepts 0).</param>
    /// <param name="weightDecay">Coupled decay, &gt;= 0 (default 0).</param>
    /// <param name="momentum">Momentum factor, &gt;= 0 (default 0).</param>
    /// <param name="centered">Normalize by the estimated variance instead of the raw second moment.</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException">An argument breaks PyTorch's rules or is NaN or infinite.</exception>
    [Pure]
    public static IGradientTransform RmsProp(
        double learningRate = 1e-2, double alpha = 0.99, double epsilon = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false) =>
        RmsProp(LearningRate(learningRate), alpha, epsilon, Decay(weightDecay, nameof(weightDecay)), momentum, centered, maximize);

    /// <summary>RMSprop with schedules and an optional decay mask. See <see cref="RmsProp(double, double, double, double, double, bool, bool)"/>.</summary>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="alpha">Smoothing constant, &gt;= 0.</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <param name="weightDecay">Coupled decay schedule; none when null.</param>
    /// <param name="momentum">Momentum factor, &gt;= 0.</param>
    /// <param name="centered">Centered RMSprop.</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <param name="decayMask">Parameters that get decay; all when null.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform RmsProp(
        Schedule learningRate,
        double alpha = 0.99,
        double epsilon = 1e-8,
        Schedule? weightDecay = null,
        double momentum = 0,
        bool centered = false,
        bool maximize = false,
        Mask? decayMask = null) =>
        Chain(
            learningRate,
            maximize,
            CoupledDecay(weightDecay, decayMask),
            new ScaleByRmsPropPrimitive(alpha, epsilon, momentum, centered),
            Transforms.ScaleByLearningRate(learningRate));

    /// <summary>
    /// Adagrad as PyTorch's <c>torch.optim.Adagrad</c> (coupled weight decay):
    /// <c>Chain([Scale(-1) if maximize], [AddDecayedWeights(weightDecay)], Adagrad(learningRate, lrDecay, initialAccumulatorValue, epsilon))</c>,
    /// where the last primitive (the learning rate inside, as PyTorch's decayed rate needs it) is <c>sum = sum + g^2</c>,
    /// <c>clr = lr / (1 + (t-1)*lrDecay)</c>, update <c>-clr*g / (sqrt(sum) + eps)</c>. State: <c>sum</c>, starting at
    /// <c>initialAccumulatorValue</c>.
    /// </summary>
    /// <example><code>var opt = Optimizers.Adagrad(learningRate: 0.1, lrDecay: 1e-3, initialAccumulatorValue: 0.1);</code></example>
    /// <param name="learningRate">Learning rate, &gt; 0 (default 1e-2).</param>
    /// <param name="lrDecay">Learning-rate decay, &gt;= 0 (default 0).</param>
    /// <param name="weightDecay">Coupled decay, &gt;= 0 (default 0).</param>
    /// <param name="initialAccumulatorValue">Starting value of the sum of squares, &gt;= 0 (default 0).</param>
    /// <param name="epsilon">Denominator term, &gt; 0 (default 1e-10).</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException">An argument breaks PyTorch's rules or is NaN or infinite.</exception>
    [Pure]
    public static IGradientTransform Adagrad(
        double learningRate = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double epsilon = 1e-10, bool maximize = false) =>
        Adagrad(LearningRate(learningRate), lrDecay, Decay(weightDecay, nameof(weightDecay)), initialAccumulatorValue, epsilon, maximize);

    /// <summary>Adagrad with schedules and an optional decay mask. See <see cref="Adagrad(double, double, double, double, double, bool)"/>.</summary>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0); PyTorch's <c>lr_decay</c> divides it further.</param>
    /// <param name="lrDecay">Learning-rate decay, &gt;= 0.</param>
    /// <param name="weightDecay">Coupled decay schedule; none when null.</param>
    /// <param name="initialAccumulatorValue">Starting value of the sum of squares, &gt;= 0.</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <param name="decayMask">Parameters that get decay; all when null.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform Adagrad(
        Schedule learningRate,
        double lrDecay = 0,
        Schedule? weightDecay = null,
        double initialAccumulatorValue = 0,
        double epsilon = 1e-10,
        bool maximize = false,
        Mask? decayMask = null) =>
        Chain(learningRate, maximize, CoupledDecay(weightDecay, decayMask), new AdagradPrimitive(learningRate, lrDecay, initialAccumulatorValue, epsilon));

    /// <summary>
    /// Adadelta as PyTorch's <c>torch.optim.Adadelta</c> (coupled weight decay):
    /// <c>Chain([Scale(-1) if maximize], [AddDecayedWeights(weightDecay)], ScaleByAdadelta(rho, epsilon), ScaleByLearningRate(learningRate))</c>,
    /// where ScaleByAdadelta is <c>v = rho*v + (1-rho)*g^2</c>, <c>d = sqrt(a + eps)/sqrt(v + eps) * g</c>,
    /// <c>a = rho*a + (1-rho)*d^2</c>, output <c>d</c>. State: <c>square_avg</c>, <c>acc_delta</c>.
    /// </summary>
    /// <param name="learningRate">Coefficient that scales the delta, &gt; 0 (default 1.0).</param>
    /// <param name="rho">Running-average coefficient, in [0, 1] (default 0.9).</param>
    /// <param name="epsilon">Term inside both roots, &gt; 0 (default 1e-6).</param>
    /// <param name="weightDecay">Coupled decay, &gt;= 0 (default 0).</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException">An argument breaks PyTorch's rules or is NaN or infinite.</exception>
    [Pure]
    public static IGradientTransform Adadelta(double learningRate = 1.0, double rho = 0.9, double epsilon = 1e-6, double weightDecay = 0, bool maximize = false) =>
        Adadelta(LearningRate(learningRate), rho, epsilon, Decay(weightDecay, nameof(weightDecay)), maximize);

    /// <summary>Adadelta with schedules and an optional decay mask. See <see cref="Adadelta(double, double, double, double, bool)"/>.</summary>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="rho">Running-average coefficient, in [0, 1].</param>
    /// <param name="epsilon">Term inside both roots, &gt; 0.</param>
    /// <param name="weightDecay">Coupled decay schedule; none when null.</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <param name="decayMask">Parameters that get decay; all when null.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform Adadelta(
        Schedule learningRate, double rho = 0.9, double epsilon = 1e-6, Schedule? weightDecay = null, bool maximize = false, Mask? decayMask = null) =>
        Chain(learningRate, maximize, CoupledDecay(weightDecay, decayMask), new ScaleByAdadeltaPrimitive(rho, epsilon), Transforms.ScaleByLearningRate(learningRate));

    /// <summary>
    /// Adamax as PyTorch's <c>torch.optim.Adamax</c> (coupled weight decay):
    /// <c>Chain([Scale(-1) if maximize], [AddDecayedWeights(weightDecay)], ScaleByAdamax(beta1, beta2, epsilon), ScaleByLearningRate(learningRate))</c>,
    /// where ScaleByAdamax is <c>m = b1*m + (1-b1)*g</c>, <c>n = max(b2*n, |g| + eps)</c>, output <c>m / n / (1 - b1^t)</c>.
    /// State: <c>exp_avg</c>, <c>exp_inf</c>.
    /// </summary>
    /// <param name="learningRate">Learning rate, &gt; 0 (default 2e-3).</param>
    /// <param name="beta1">First-moment decay, in [0, 1) (default 0.9).</param>
    /// <param name="beta2">Infinity-norm decay, in [0, 1) (default 0.999).</param>
    /// <param name="epsilon">Added to <c>|g|</c>, &gt; 0 (default 1e-8).</param>
    /// <param name="weightDecay">Coupled decay, &gt;= 0 (default 0).</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException">An argument breaks PyTorch's rules or is NaN or infinite.</exception>
    [Pure]
    public static IGradientTransform Adamax(
        double learningRate = 2e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, bool maximize = false) =>
        Adamax(LearningRate(learningRate), beta1, beta2, epsilon, Decay(weightDecay, nameof(weightDecay)), maximize);

    /// <summary>Adamax with schedules and an optional decay mask. See <see cref="Adamax(double, double, double, double, double, bool)"/>.</summary>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Infinity-norm decay, in [0, 1).</param>
    /// <param name="epsilon">Added to <c>|g|</c>, &gt; 0.</param>
    /// <param name="weightDecay">Coupled decay schedule; none when null.</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <param name="decayMask">Parameters that get decay; all when null.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform Adamax(
        Schedule learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, Schedule? weightDecay = null, bool maximize = false, Mask? decayMask = null) =>
        Chain(learningRate, maximize, CoupledDecay(weightDecay, decayMask), new ScaleByAdamaxPrimitive(beta1, beta2, epsilon), Transforms.ScaleByLearningRate(learningRate));

    /// <summary>
    /// NAdam as PyTorch 1.13's <c>torch.optim.NAdam</c> (coupled weight decay; 1.13 has no <c>maximize</c>):
    /// <c>Chain([AddDecayedWeights(weightDecay)], ScaleByNAdam(beta1, beta2, epsilon, momentumDecay), ScaleByLearningRate(learningRate))</c>,
    /// where, with <c>mu_t = b1*(1 - 0.5*0.96^(t*momentumDecay))</c> and <c>P_t = mu_1*...*mu_t</c>, ScaleByNAdam is
    /// Adam's moments and <c>d = sqrt(v / (1 - b2^t)) + eps</c>, output
    /// <c>((1 - mu_t)/(1 - P_t)) * g/d + (mu_{t+1}/(1 - P_t*mu_t*mu_{t+1})) * m/d</c> (PyTorch 1.13's expression for the
    /// next product). State: <c>exp_avg</c>, <c>exp_avg_sq</c> (the product follows from the step count).
    /// </summary>
    /// <param name="learningRate">Learning rate, &gt; 0 (default 2e-3).</param>
    /// <param name="beta1">First-moment decay, in [0, 1) (default 0.9).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1) (default 0.999).</param>
    /// <param name="epsilon">Denominator term, &gt; 0 (default 1e-8).</param>
    /// <param name="weightDecay">Coupled decay, &gt;= 0 (default 0).</param>
    /// <param name="momentumDecay">Momentum decay <c>psi</c>, &gt;= 0 (default 4e-3).</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException">An argument breaks PyTorch's rules or is NaN or infinite.</exception>
    [Pure]
    public static IGradientTransform NAdam(
        double learningRate = 2e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, double momentumDecay = 4e-3) =>
        NAdam(LearningRate(learningRate), beta1, beta2, epsilon, Decay(weightDecay, nameof(weightDecay)), momentumDecay);

    /// <summary>NAdam with schedules and an optional decay mask. See <see cref="NAdam(double, double, double, double, double, double)"/>.</summary>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <param name="weightDecay">Coupled decay schedule; none when null.</param>
    /// <param name="momentumDecay">Momentum decay, &gt;= 0.</param>
    /// <param name="decayMask">Parameters that get decay; all when null.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform NAdam(
        Schedule learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, Schedule? weightDecay = null, double momentumDecay = 4e-3, Mask? decayMask = null) =>
        Chain(
            learningRate,
            maximize: false,
            CoupledDecay(weightDecay, decayMask),
            new ScaleByNAdamPrimitive(beta1, beta2, epsilon, momentumDecay),
            Transforms.ScaleByLearningRate(learningRate));

    /// <summary>
    /// RAdam as PyTorch 1.13's <c>torch.optim.RAdam</c> (coupled weight decay; no <c>maximize</c> in 1.13):
    /// <c>Chain([AddDecayedWeights(weightDecay)], ScaleByRAdam(beta1, beta2, epsilon), ScaleByLearningRate(learningRate))</c>,
    /// where ScaleByRAdam is Adam's moments, <c>rho_inf = 2/(1-b2) - 1</c>, <c>rho_t = rho_inf - 2t*b2^t/(1-b2^t)</c>, output
    /// <c>m/(1-b1^t) * sqrt(1-b2^t)/(sqrt(v) + eps) * r_t</c> with
    /// <c>r_t = sqrt((rho_t-4)(rho_t-2)rho_inf / ((rho_inf-4)(rho_inf-2)rho_t))</c> while <c>rho_t &gt; 5</c>, else
    /// <c>m/(1-b1^t)</c>. State: <c>exp_avg</c>, <c>exp_avg_sq</c>.
    /// </summary>
    /// <param name="learningRate">Learning rate, &gt; 0 (default 1e-3).</param>
    /// <param name="beta1">First-moment decay, in [0, 1) (default 0.9).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1) (default 0.999).</param>
    /// <param name="epsilon">Denominator term, &gt; 0 (default 1e-8).</param>
    /// <param name="weightDecay">Coupled decay, &gt;= 0 (default 0).</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException">An argument breaks PyTorch's rules or is NaN or infinite.</exception>
    [Pure]
    public static IGradientTransform RAdam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0) =>
        RAdam(LearningRate(learningRate), beta1, beta2, epsilon, Decay(weightDecay, nameof(weightDecay)));

    /// <summary>RAdam with schedules and an optional decay mask. See <see cref="RAdam(double, double, double, double, double)"/>.</summary>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <param name="weightDecay">Coupled decay schedule; none when null.</param>
    /// <param name="decayMask">Parameters that get decay; all when null.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform RAdam(
        Schedule learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, Schedule? weightDecay = null, Mask? decayMask = null) =>
        Chain(learningRate, maximize: false, CoupledDecay(weightDecay, decayMask), new ScaleByRAdamPrimitive(beta1, beta2, epsilon), Transforms.ScaleByLearningRate(learningRate));

    /// <summary>
    /// Averaged SGD as PyTorch's <c>torch.optim.ASGD</c> (coupled weight decay):
    /// <c>Chain([Scale(-1) if maximize], [AddDecayedWeights(weightDecay)], Asgd(learningRate, lambd, alpha, t0))</c>, where
    /// the last primitive (learning rate inside: its step size decays with the step count) sets
    /// <c>p' = p*(1 - lambd*eta_t) - eta_t*g</c> with <c>eta_1 = lr</c>, <c>eta_t = lr/(1 + lambd*lr*(t-1))^alpha</c>, and
    /// keeps the average <c>ax = ax + (p' - ax)*mu_t</c>, <c>mu_t = 1/max(1, t-1-t0)</c> (a copy of <c>p'</c> while
    /// <c>mu_t = 1</c>). State: <c>ax</c>. The optimizer's parameters are the SGD iterate; read the average from the state.
    /// </summary>
    /// <example><code>var asgd = Optimizers.Asgd(learningRate: 0.05, t0: 100, weightDecay: 1e-4);</code></example>
    /// <param name="learningRate">Learning rate, &gt; 0 (default 1e-2).</param>
    /// <param name="lambd">Decay term, &gt;= 0 (default 1e-4).</param>
    /// <param name="alpha">Power of the step-size decay, &gt;= 0 (default 0.75).</param>
    /// <param name="t0">Step after which averaging starts, &gt;= 0 (default 1e6).</param>
    /// <param name="weightDecay">Coupled decay, &gt;= 0 (default 0).</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException">An argument is negative, NaN or infinite (or the learning rate is 0).</exception>
    [Pure]
    public static IGradientTransform Asgd(
        double learningRate = 1e-2, double lambd = 1e-4, double alpha = 0.75, double t0 = 1e6, double weightDecay = 0, bool maximize = false) =>
        Asgd(LearningRate(learningRate), lambd, alpha, t0, Decay(weightDecay, nameof(weightDecay)), maximize);

    /// <summary>
    /// ASGD with schedules and an optional decay mask. See <see cref="Asgd(double, double, double, double, double, bool)"/>.
    /// The step size follows the schedule as PyTorch's <c>ASGD</c> follows an <c>lr_scheduler</c>: PyTorch computes
    /// <c>eta</c> at the end of each step from that step's rate, so step <c>t</c> (counting from 0) uses
    /// <c>eta = lr(t-1) / (1 + lambd*lr(t-1)*t)^alpha</c>, and the first step <c>eta = lr(0)</c>.
    /// </summary>
    /// <example><code>var asgd = Optimizers.Asgd(Schedule.Step(0.05, stepSize: 100, gamma: 0.5), weightDecay: 1e-4, decayMask: Mask.ExcludeVectors);</code></example>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="lambd">Decay term, &gt;= 0.</param>
    /// <param name="alpha">Power of the step-size decay, &gt;= 0.</param>
    /// <param name="t0">Step after which averaging starts, &gt;= 0.</param>
    /// <param name="weightDecay">Coupled decay schedule; none when null.</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <param name="decayMask">Parameters that get the coupled decay; all when null. ASGD's own <c>lambd</c> shrink applies to every parameter.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform Asgd(
        Schedule learningRate,
        double lambd = 1e-4,
        double alpha = 0.75,
        double t0 = 1e6,
        Schedule? weightDecay = null,
        bool maximize = false,
        Mask? decayMask = null) =>
        Chain(learningRate, maximize, CoupledDecay(weightDecay, decayMask), new AsgdPrimitive(learningRate, lambd, alpha, t0));

    /// <summary>
    /// Rprop as PyTorch's <c>torch.optim.Rprop</c> (no weight decay, as in PyTorch):
    /// <c>Chain([Scale(-1) if maximize], Rprop(learningRate, etaMinus, etaPlus, stepSizeMin, stepSizeMax))</c>: each
    /// element's step size (starting at the learning rate) is multiplied by <c>etaPlus</c> where <c>g*prev &gt; 0</c>, by
    /// <c>etaMinus</c> where <c>g*prev &lt; 0</c> (and that gradient is taken as 0, so the next step does not adapt),
    /// clamped to <c>[stepSizeMin, stepSizeMax]</c>; update <c>-sign(g) * step_size</c>. State: <c>prev</c>, <c>step_size</c>.
    /// </summary>
    /// <example><code>var rprop = Optimizers.Rprop(learningRate: 0.01, etaMinus: 0.5, etaPlus: 1.2);</code></example>
    /// <param name="learningRate">Initial step size, &gt; 0 (default 1e-2).</param>
    /// <param name="etaMinus">Decrease factor, in (0, 1) (default 0.5).</param>
    /// <param name="etaPlus">Increase factor, &gt; 1 (default 1.2).</param>
    /// <param name="stepSizeMin">Smallest step size, &gt;= 0 (default 1e-6).</param>
    /// <param name="stepSizeMax">Largest step size, &gt;= stepSizeMin (default 50).</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException">An argument breaks PyTorch's rules or is NaN or infinite.</exception>
    [Pure]
    public static IGradientTransform Rprop(
        double learningRate = 1e-2, double etaMinus = 0.5, double etaPlus = 1.2, double stepSizeMin = 1e-6, double stepSizeMax = 50, bool maximize = false) =>
        Rprop(LearningRate(learningRate), etaMinus, etaPlus, stepSizeMin, stepSizeMax, maximize);

    /// <summary>
    /// Rprop with a learning-rate schedule. See <see cref="Rprop(double, double, double, double, double, bool)"/>.
    /// PyTorch's Rprop has no weight decay, so there is no decay schedule and no decay mask (add one by chain position,
    /// <see cref="Transforms.AddDecayedWeights"/> before it). The schedule's base value is the initial step size, and its
    /// multiplier <c>eta(t)</c> scales each step's update: <c>-sign(g) * step_size * eta(t)</c>, the step sizes adapting
    /// as without the schedule. PyTorch reads its learning rate only once, when it fills the step sizes, so an
    /// <c>lr_scheduler</c> does nothing to its Rprop; with a constant schedule this is PyTorch's Rprop bit for bit.
    /// </summary>
    /// <example><code>var rprop = Optimizers.Rprop(Schedule.Cosine(0.01, totalSteps: 1_000));</code></example>
    /// <param name="learningRate">Learning-rate schedule: base value the initial step size (&gt; 0), multiplier the update's scale.</param>
    /// <param name="etaMinus">Decrease factor, in (0, 1).</param>
    /// <param name="etaPlus">Increase factor, &gt; 1.</param>
    /// <param name="stepSizeMin">Smallest step size, &gt;= 0.</param>
    /// <param name="stepSizeMax">Largest step size, &gt;= stepSizeMin.</param>
    /// <param name="maximize">Maximize instead of minimize.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform Rprop(
        Schedule learningRate, double etaMinus = 0.5, double etaPlus = 1.2, double stepSizeMin = 1e-6, double stepSizeMax = 50, bool maximize = false) =>
        Chain(learningRate, maximize, new RpropPrimitive(learningRate, etaMinus, etaPlus, stepSizeMin, stepSizeMax));

    /// <summary>
    /// NAdam with decoupled weight decay, as PyTorch 2.x's <c>torch.optim.NAdam(decoupled_weight_decay=True)</c>:
    /// <c>Chain(ScaleByNAdam(beta1, beta2, epsilon, momentumDecay), ScaleByLearningRate(learningRate), AddDecoupledWeightDecay(weightDecay, learningRate, LearningRate))</c>,
    /// so each step is <c>p &lt;- p*(1 - lr*weightDecay) - lr*nadam(g)</c>, the decay outside the moments.
    /// </summary>
    /// <remarks>
    /// The default decay is AdamW's 1e-2 (PyTorch's NAdam has 0, which makes it plain NAdam: with 0 this equals
    /// <see cref="NAdam(double, double, double, double, double, double)"/> bit for bit). PyTorch multiplies the parameter
    /// first and then adds the step; the chain adds <c>-lr*nadam - c*p</c> (one fused rounding) to <c>p</c>.
    /// </remarks>
    /// <param name="learningRate">Learning rate, &gt; 0 (default 2e-3).</param>
    /// <param name="beta1">First-moment decay, in [0, 1) (default 0.9).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1) (default 0.999).</param>
    /// <param name="epsilon">Denominator term, &gt; 0 (default 1e-8).</param>
    /// <param name="weightDecay">Decoupled decay, &gt;= 0 (default 1e-2); each step shrinks weights by <c>1 - learningRate*weightDecay</c>.</param>
    /// <param name="momentumDecay">Momentum decay, &gt;= 0 (default 4e-3).</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform NAdamW(
        double learningRate = 2e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 1e-2, double momentumDecay = 4e-3) =>
        NAdamW(LearningRate(learningRate), beta1, beta2, epsilon, Decay(weightDecay, nameof(weightDecay)), momentumDecay);

    /// <summary>NAdamW with schedules, a decay scaling mode and an optional decay mask. See <see cref="NAdamW(double, double, double, double, double, double)"/>.</summary>
    /// <example><code>var nadamw = Optimizers.NAdamW(Schedule.Cosine(2e-3, 10_000), weightDecay: 0.05, decayMask: Mask.ExcludeVectors);</code></example>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <param name="weightDecay">Decoupled decay schedule; when null, the default 1e-2 (<c>0</c> for none).</param>
    /// <param name="momentumDecay">Momentum decay, &gt;= 0.</param>
    /// <param name="decayScaling">How the decay follows the learning rate.</param>
    /// <param name="decayMask">Parameters that get decay; all when null.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform NAdamW(
        Schedule learningRate,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-8,
        Schedule? weightDecay = null,
        double momentumDecay = 4e-3,
        DecayScaling decayScaling = DecayScaling.LearningRate,
        Mask? decayMask = null) =>
        Decoupled(learningRate, new ScaleByNAdamPrimitive(beta1, beta2, epsilon, momentumDecay), weightDecay ?? DefaultDecoupledDecay, decayScaling, decayMask);

    /// <summary>
    /// RAdam with decoupled weight decay, as PyTorch 2.x's <c>torch.optim.RAdam(decoupled_weight_decay=True)</c>:
    /// <c>Chain(ScaleByRAdam(beta1, beta2, epsilon), ScaleByLearningRate(learningRate), AddDecoupledWeightDecay(weightDecay, learningRate, LearningRate))</c>,
    /// so each step is <c>p &lt;- p*(1 - lr*weightDecay) - lr*radam(g)</c>.
    /// </summary>
    /// <remarks>
    /// The default decay is AdamW's 1e-2 (PyTorch's RAdam has 0; with 0 this equals
    /// <see cref="RAdam(double, double, double, double, double)"/> bit for bit).
    /// </remarks>
    /// <param name="learningRate">Learning rate, &gt; 0 (default 1e-3).</param>
    /// <param name="beta1">First-moment decay, in [0, 1) (default 0.9).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1) (default 0.999).</param>
    /// <param name="epsilon">Denominator term, &gt; 0 (default 1e-8).</param>
    /// <param name="weightDecay">Decoupled decay, &gt;= 0 (default 1e-2).</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform RAdamW(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 1e-2) =>
        RAdamW(LearningRate(learningRate), beta1, beta2, epsilon, Decay(weightDecay, nameof(weightDecay)));

    /// <summary>RAdamW with schedules, a decay scaling mode and an optional decay mask. See <see cref="RAdamW(double, double, double, double, double)"/>.</summary>
    /// <example><code>var radamw = Optimizers.RAdamW(Schedule.Cosine(1e-3, 10_000), weightDecay: 0.05, decayMask: Mask.ExcludeVectors);</code></example>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <param name="weightDecay">Decoupled decay schedule; when null, the default 1e-2 (<c>0</c> for none).</param>
    /// <param name="decayScaling">How the decay follows the learning rate.</param>
    /// <param name="decayMask">Parameters that get decay; all when null.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform RAdamW(
        Schedule learningRate,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-8,
        Schedule? weightDecay = null,
        DecayScaling decayScaling = DecayScaling.LearningRate,
        Mask? decayMask = null) =>
        Decoupled(learningRate, new ScaleByRAdamPrimitive(beta1, beta2, epsilon), weightDecay ?? DefaultDecoupledDecay, decayScaling, decayMask);

    /// <summary><c>primitive ScaleByLearningRate [AddDecoupledWeightDecay]</c>, guarded: NAdamW, RAdamW, Lion.</summary>
    private static IGradientTransform Decoupled(Schedule learningRate, IGradientTransform primitive, Schedule weightDecay, DecayScaling decayScaling, Mask? decayMask) =>
        Chain(learningRate, maximize: false, primitive, Transforms.ScaleByLearningRate(learningRate), DecoupledDecay(weightDecay, learningRate, decayScaling, decayMask));
}
