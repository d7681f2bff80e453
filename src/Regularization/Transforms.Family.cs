using System.Diagnostics.Contracts;

namespace Regularization;

/// <summary>The scalings of the optimizer family (issue 12), to compose chains of one's own.</summary>
public static partial class Transforms
{
    /// <summary>
    /// RMSprop's scaling, PyTorch's arithmetic: <c>v = alpha*v + (1-alpha)*u^2</c>; <c>avg = sqrt(v - g^2) + eps</c>
    /// (centered, <c>g = alpha*g + (1-alpha)*u</c>) or <c>sqrt(v) + eps</c>; output <c>b = momentum*b + u/avg</c>
    /// (momentum &gt; 0) or <c>u/avg</c>. State slots <c>square_avg</c>, <c>grad_avg</c> (centered), <c>momentum_buffer</c>
    /// (momentum &gt; 0).
    /// </summary>
    /// <example>
    /// RMSprop with decoupled decay, by chain position:
    /// <code>
    /// var lr = Schedule.Constant(1e-3);
    /// var rmsPropW = Transforms.Chain(Transforms.ScaleByRmsProp(), Transforms.ScaleByLearningRate(lr),
    ///     Transforms.AddDecoupledWeightDecay(Schedule.Constant(1e-2), lr));
    /// </code>
    /// </example>
    /// <param name="alpha">Smoothing constant, &gt;= 0.</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <param name="momentum">Momentum factor, &gt;= 0.</param>
    /// <param name="centered">Centered RMSprop.</param>
    /// <returns>The transform.</returns>
    [Pure]
    public static IGradientTransform ScaleByRmsProp(double alpha = 0.99, double epsilon = 1e-8, double momentum = 0, bool centered = false) =>
        new ScaleByRmsPropPrimitive(alpha, epsilon, momentum, centered);

    /// <summary>
    /// Adagrad with its learning rate inside (as PyTorch's decayed rate needs it): <c>sum = sum + u^2</c>, output
    /// <c>-(lr(t)/(1 + (t-1)*lrDecay)) * u / (sqrt(sum) + eps)</c>. State slot <c>sum</c>, starting at
    /// <c>initialAccumulatorValue</c>. Follow it with <see cref="AddDecoupledWeightDecay"/> for decoupled decay.
    /// </summary>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="lrDecay">Learning-rate decay, &gt;= 0.</param>
    /// <param name="initialAccumulatorValue">Starting value of the sum, &gt;= 0.</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <returns>The transform.</returns>
    [Pure]
    public static IGradientTransform Adagrad(Schedule learningRate, double lrDecay = 0, double initialAccumulatorValue = 0, double epsilon = 1e-10) =>
        new AdagradPrimitive(learningRate, lrDecay, initialAccumulatorValue, epsilon);

    /// <summary>
    /// Adadelta's scaling: <c>v = rho*v + (1-rho)*u^2</c>, output <c>d = sqrt(a + eps)/sqrt(v + eps) * u</c>, then
    /// <c>a = rho*a + (1-rho)*d^2</c>. State slots <c>square_avg</c>, <c>acc_delta</c>.
    /// </summary>
    /// <param name="rho">Running-average coefficient, in [0, 1].</param>
    /// <param name="epsilon">Term inside both roots, &gt; 0.</param>
    /// <returns>The transform.</returns>
    [Pure]
    public static IGradientTransform ScaleByAdadelta(double rho = 0.9, double epsilon = 1e-6) => new ScaleByAdadeltaPrimitive(rho, epsilon);

    /// <summary>
    /// Adamax's scaling: <c>m = b1*m + (1-b1)*u</c>, <c>n = max(b2*n, |u| + eps)</c>, output <c>m / n / (1 - b1^t)</c>.
    /// State slots <c>exp_avg</c>, <c>exp_inf</c>.
    /// </summary>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Infinity-norm decay, in [0, 1).</param>
    /// <param name="epsilon">Added to <c>|u|</c>, &gt; 0.</param>
    /// <returns>The transform.</returns>
    [Pure]
    public static IGradientTransform ScaleByAdamax(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) =>
        new ScaleByAdamaxPrimitive(beta1, beta2, epsilon);

    /// <summary>
    /// NAdam's scaling (PyTorch 1.13): Adam's moments, <c>d = sqrt(v/(1-b2^t)) + eps</c>, output
    /// <c>((1-mu_t)/(1-P_t)) * u/d + (mu_{t+1}/(1-P_t*mu_t*mu_{t+1})) * m/d</c>, <c>mu_t = b1*(1 - 0.5*0.96^(t*psi))</c>,
    /// <c>P_t = mu_1...mu_t</c>. State slots <c>exp_avg</c>, <c>exp_avg_sq</c>.
    /// </summary>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <param name="momentumDecay">Momentum decay <c>psi</c>, &gt;= 0.</param>
    /// <returns>The transform.</returns>
    [Pure]
    public static IGradientTransform ScaleByNAdam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double momentumDecay = 4e-3) =>
        new ScaleByNAdamPrimitive(beta1, beta2, epsilon, momentumDecay);

    /// <summary>
    /// RAdam's scaling: Adam's moments; output <c>m/(1-b1^t) * sqrt(1-b2^t)/(sqrt(v) + eps) * r_t</c> while
    /// <c>rho_t &gt; 5</c>, else <c>m/(1-b1^t)</c>. State slots <c>exp_avg</c>, <c>exp_avg_sq</c>.
    /// </summary>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <returns>The transform.</returns>
    [Pure]
    public static IGradientTransform ScaleByRAdam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) =>
        new ScaleByRAdamPrimitive(beta1, beta2, epsilon);

    /// <summary>
    /// Lion's scaling (Chen et al. 2023): <c>c = m*b1 + u*(1-b1)</c>, output <c>sign(c)</c> (0 where <c>c</c> is 0), then
    /// <c>m = b2*m + (1-b2)*u</c>. State slot <c>exp_avg</c>. Follow it by a learning rate (and a decoupled decay) as
    /// <see cref="Optimizers.Lion(double, double, double, double)"/> does.
    /// </summary>
    /// <example><code>var lion = Transforms.Chain(Transforms.ScaleByLion(), Transforms.ScaleByLearningRate(1e-4));</code></example>
    /// <param name="beta1">Interpolation of the update direction, in [0, 1).</param>
    /// <param name="beta2">Momentum decay, in [0, 1).</param>
    /// <returns>The transform.</returns>
    [Pure]
    public static IGradientTransform ScaleByLion(double beta1 = 0.9, double beta2 = 0.99) => new ScaleByLionPrimitive(beta1, beta2);

    /// <summary>
    /// The layer-wise trust ratio of LARS and LAMB, per parameter: <c>u' = r*u</c> with
    /// <c>r = trustCoefficient * min(||p||, maxWeightNorm) / (||u|| + epsilon)</c>, and <c>r = 1</c> where the (clipped)
    /// weight norm or the update norm is 0 (Euclidean norms over the whole parameter). Stateless.
    /// </summary>
    /// <remarks>
    /// Not element-wise (the factor is a reduction over the parameter), but it fuses: in a chain of element-wise
    /// primitives the fused step runs what comes before it over the whole parameter, takes the norms, and runs the
    /// scaling and what follows (the pure path gives the same bits). Optax's <c>scale_by_trust_ratio</c> with
    /// <c>min_norm = 0</c> is this without the clip.
    /// </remarks>
    /// <example><code>var lamb = Transforms.Chain(Transforms.ScaleByAdam(epsilon: 1e-6), Transforms.ScaleByTrustRatio(), Transforms.ScaleByLearningRate(1e-3));</code></example>
    /// <param name="trustCoefficient">The coefficient, &gt; 0 (LARS' eta; 1 for LAMB).</param>
    /// <param name="epsilon">Added to the update norm, &gt;= 0.</param>
    /// <param name="maxWeightNorm">The weight norm is clipped at this value, &gt; 0 (infinity: no clip).</param>
    /// <returns>The transform.</returns>
    [Pure]
    public static IGradientTransform ScaleByTrustRatio(double trustCoefficient = 1, double epsilon = 0, double maxWeightNorm = double.PositiveInfinity) =>
        new ScaleByTrustRatioTransform(trustCoefficient, epsilon, maxWeightNorm);
}
