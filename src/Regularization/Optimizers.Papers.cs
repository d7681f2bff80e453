using System.Diagnostics.Contracts;
using Regularization.Internal;

namespace Regularization;

/// <summary>Optimizers from papers whose decay is not plain L2 (issue 12): Lion, LAMB, LARS.</summary>
public static partial class Optimizers
{
    /// <summary>
    /// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms") with decoupled decay on the sign update:
    /// <c>Chain(ScaleByLion(beta1, beta2), ScaleByLearningRate(learningRate), [AddDecoupledWeightDecay(weightDecay, learningRate, LearningRate)])</c>,
    /// so each step is <c>c = b1*m + (1-b1)*g</c>, <c>p &lt;- p*(1 - lr*weightDecay) - lr*sign(c)</c>,
    /// <c>m = b2*m + (1-b2)*g</c>. State: <c>exp_avg</c>.
    /// </summary>
    /// <remarks>
    /// Defaults are the paper's reference code (<c>google/automl</c> <c>lion_pytorch.py</c>: lr 1e-4, betas (0.9, 0.99),
    /// weight decay 0; Optax's <c>lion</c> has weight decay 1e-3). That code multiplies the parameter by
    /// <c>1 - lr*wd</c> first and then adds <c>-lr*sign(c)</c>; the chain adds <c>-lr*sign(c) - lr*wd*p</c> (one fused
    /// rounding), as Optax does. <c>sign(0) = 0</c>. Before decay every element of the update is exactly
    /// <c>-lr</c>, 0 or <c>lr</c> (unit infinity norm times the learning rate). The decay plan reports the fixed shrink
    /// <c>1 - lr*weightDecay</c>.
    /// </remarks>
    /// <example><code>var opt = Optimizers.Lion(learningRate: 3e-4, weightDecay: 0.1);</code></example>
    /// <param name="learningRate">Learning rate, &gt; 0 (default 1e-4).</param>
    /// <param name="beta1">Interpolation of the update direction, in [0, 1) (default 0.9).</param>
    /// <param name="beta2">Momentum decay, in [0, 1) (default 0.99).</param>
    /// <param name="weightDecay">Decoupled decay, &gt;= 0 (default 0); each step shrinks weights by <c>1 - learningRate*weightDecay</c>.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException">An argument is out of range, NaN or infinite.</exception>
    [Pure]
    public static IGradientTransform Lion(double learningRate = 1e-4, double beta1 = 0.9, double beta2 = 0.99, double weightDecay = 0) =>
        Lion(LearningRate(learningRate), beta1, beta2, Decay(weightDecay, nameof(weightDecay)));

    /// <summary>Lion with schedules, a decay scaling mode and an optional decay mask. See <see cref="Lion(double, double, double, double)"/>.</summary>
    /// <example><code>var opt = Optimizers.Lion(Schedule.Cosine(3e-4, 10_000), weightDecay: 0.1, decayMask: Mask.ExcludeVectors);</code></example>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="beta1">Interpolation of the update direction, in [0, 1).</param>
    /// <param name="beta2">Momentum decay, in [0, 1).</param>
    /// <param name="weightDecay">Decoupled decay schedule; none when null.</param>
    /// <param name="decayScaling">How the decay follows the learning rate.</param>
    /// <param name="decayMask">Parameters that get decay; all when null.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform Lion(
        Schedule learningRate,
        double beta1 = 0.9,
        double beta2 = 0.99,
        Schedule? weightDecay = null,
        DecayScaling decayScaling = DecayScaling.LearningRate,
        Mask? decayMask = null) =>
        Decoupled(learningRate, new ScaleByLionPrimitive(beta1, beta2), weightDecay ?? Schedule.Constant(0), decayScaling, decayMask);

    /// <summary>
    /// LAMB (You et al. 2020, "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes"), the decay inside
    /// the trust ratio:
    /// <c>Chain(ScaleByAdam(beta1, beta2, epsilon, biasCorrection), [AddDecayedWeights(weightDecay)], ScaleByTrustRatio(1, 0, maxWeightNorm), ScaleByLearningRate(learningRate))</c>,
    /// so each step, per parameter, is <c>r = m^/(sqrt(v^) + eps) + weightDecay*p</c> (Adam's bias-corrected moments
    /// <c>m^ = m/(1-b1^t)</c>, <c>v^ = v/(1-b2^t)</c>, or the raw ones without bias correction),
    /// <c>ratio = min(||p||, maxWeightNorm) / ||r||</c> (1 where either norm is 0), <c>p &lt;- p - lr*ratio*r</c>.
    /// State: <c>exp_avg</c>, <c>exp_avg_sq</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The defaults follow the paper's Algorithm 2 and Optax's <c>lamb</c> (bias correction, no clipping of the weight
    /// norm, eps 1e-6, decay 0). The widely used PyTorch reference (<c>cybertronai/pytorch-lamb</c>) does not correct the
    /// bias (the paper's v3) and clips the weight norm at 10: <c>Lamb(biasCorrection: false, maxWeightNorm: 10)</c> is
    /// that code (tested against it). Optax's trust ratio adds its <c>eps</c> (0 by default) to the update norm; this one
    /// adds nothing for LAMB. The decay is added after Adam's normalization and then scaled by the trust ratio, so it has
    /// no fixed shrink (the decay plan says so): the shrink of step <c>t</c> is <c>1 - lr*ratio_t*weightDecay</c>.
    /// </para>
    /// <para>
    /// The trust ratio is a reduction over each parameter; the fused step runs Adam's moments and the decay over the whole
    /// parameter, takes the two norms, then scales and applies the update (two passes over the update, the moments
    /// still read and written once), and gives the bits of the pure path.
    /// </para>
    /// </remarks>
    /// <example><code>var opt = Optimizers.Lamb(learningRate: 1e-3, weightDecay: 0.01);</code></example>
    /// <param name="learningRate">Learning rate, &gt; 0 (default 1e-3).</param>
    /// <param name="beta1">First-moment decay, in [0, 1) (default 0.9).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1) (default 0.999).</param>
    /// <param name="epsilon">Denominator term, &gt; 0 (default 1e-6).</param>
    /// <param name="weightDecay">Decay added to the Adam direction before the trust ratio, &gt;= 0 (default 0).</param>
    /// <param name="biasCorrection">Correct the moments' bias (the paper, Optax); false for the reference code.</param>
    /// <param name="maxWeightNorm">The weight norm is clipped at this value in the ratio (the paper's <c>phi</c>), &gt; 0 (default: none).</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException">An argument is out of range, NaN or infinite.</exception>
    [Pure]
    public static IGradientTransform Lamb(
        double learningRate = 1e-3,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-6,
        double weightDecay = 0,
        bool biasCorrection = true,
        double maxWeightNorm = double.PositiveInfinity) =>
        Lamb(LearningRate(learningRate), beta1, beta2, epsilon, Decay(weightDecay, nameof(weightDecay)), biasCorrection, maxWeightNorm);

    /// <summary>LAMB with schedules, a decay mask and a trust-ratio mask. See <see cref="Lamb(double, double, double, double, double, bool, double)"/>.</summary>
    /// <example><code>var opt = Optimizers.Lamb(Schedule.Constant(1e-3), weightDecay: Schedule.Constant(0.01), decayMask: Mask.ExcludeVectors, trustRatioMask: Mask.ExcludeVectors);</code></example>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <param name="weightDecay">Decay schedule; none when null.</param>
    /// <param name="biasCorrection">Correct the moments' bias.</param>
    /// <param name="maxWeightNorm">Clip of the weight norm in the ratio, &gt; 0.</param>
    /// <param name="decayMask">Parameters that get decay; all when null.</param>
    /// <param name="trustRatioMask">Parameters whose update is scaled by the trust ratio; all when null (the others take Adam's step).</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform Lamb(
        Schedule learningRate,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-6,
        Schedule? weightDecay = null,
        bool biasCorrection = true,
        double maxWeightNorm = double.PositiveInfinity,
        Mask? decayMask = null,
        Mask? trustRatioMask = null) =>
        Chain(
            learningRate,
            maximize: false,
            new ScaleByAdamPrimitive(beta1, beta2, epsilon, amsGrad: false, biasCorrection),
            CoupledDecay(weightDecay, decayMask),
            MaskIf(new ScaleByTrustRatioTransform(1, 0, maxWeightNorm), trustRatioMask),
            Transforms.ScaleByLearningRate(learningRate));

    /// <summary>
    /// LARS (You, Gitman and Ginsburg 2017, "Large Batch Training of Convolutional Networks"):
    /// <c>Chain([AddDecayedWeights(weightDecay)], ScaleByTrustRatio(trustCoefficient, epsilon), [Trace(momentum, 0, nesterov)], ScaleByLearningRate(learningRate))</c>,
    /// so each step, per parameter, is <c>d = g + weightDecay*p</c>, <c>d = eta*||p||/(||d|| + eps) * d</c> (unchanged
    /// where either norm is 0), <c>b = momentum*b + d</c>, <c>p &lt;- p - lr*b</c>. State: <c>momentum_buffer</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Defaults follow the reference PyTorch code of Barlow Twins and VICReg (<c>facebookresearch/barlowtwins</c>
    /// <c>main.py</c>, class <c>LARS(params, lr, weight_decay=0, momentum=0.9, eta=0.001, ...)</c>, in that parameter
    /// order; no epsilon) and Optax's <c>lars</c> (same defaults). That code excludes 1-D parameters (biases, norms) from decay and adaptation when its filters are
    /// on; the masks do the same: <c>decayMask: Mask.ExcludeVectors, trustRatioMask: Mask.ExcludeVectors</c>. Optax
    /// scales by the learning rate before the momentum (<c>b = momentum*b - lr*d</c>); this chain, as the reference and
    /// PyTorch's SGD, accumulates <c>d</c> and scales after (the same for a constant learning rate, up to rounding).
    /// The paper's and NVIDIA's form <c>eta*||p||/(||g|| + wd*||p||)</c> (norms taken separately) is not this one.
    /// </para>
    /// <para>
    /// The decay is coupled and goes through the trust ratio, so it has no fixed shrink (the decay plan says so). The
    /// fused step runs the decay over the whole parameter, takes the norms, then the momentum and the update.
    /// </para>
    /// </remarks>
    /// <example><code>var opt = Optimizers.Lars(Schedule.Constant(0.2), weightDecay: Schedule.Constant(1.5e-6), decayMask: Mask.ExcludeVectors, trustRatioMask: Mask.ExcludeVectors);</code></example>
    /// <param name="learningRate">Learning rate, &gt; 0.</param>
    /// <param name="weightDecay">Coupled decay, &gt;= 0 (default 0).</param>
    /// <param name="momentum">Momentum, &gt;= 0 (default 0.9; 0 for none).</param>
    /// <param name="trustCoefficient">The trust coefficient <c>eta</c>, &gt; 0 (default 1e-3).</param>
    /// <param name="epsilon">Added to the update norm, &gt;= 0 (default 0).</param>
    /// <param name="nesterov">Nesterov momentum (output <c>d + momentum*b</c>).</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException">An argument is out of range, NaN or infinite.</exception>
    [Pure]
    public static IGradientTransform Lars(
        double learningRate, double weightDecay = 0, double momentum = 0.9, double trustCoefficient = 1e-3, double epsilon = 0, bool nesterov = false) =>
        Lars(LearningRate(learningRate), Decay(weightDecay, nameof(weightDecay)), momentum, trustCoefficient, epsilon, nesterov);

    /// <summary>LARS with schedules, a decay mask and a trust-ratio mask. See <see cref="Lars(double, double, double, double, double, bool)"/>.</summary>
    /// <param name="learningRate">Learning-rate schedule (base value &gt; 0).</param>
    /// <param name="weightDecay">Coupled decay schedule; none when null.</param>
    /// <param name="momentum">Momentum, &gt;= 0.</param>
    /// <param name="trustCoefficient">The trust coefficient, &gt; 0.</param>
    /// <param name="epsilon">Added to the update norm, &gt;= 0.</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    /// <param name="decayMask">Parameters that get decay; all when null.</param>
    /// <param name="trustRatioMask">Parameters whose update is scaled by the trust ratio; all when null.</param>
    /// <returns>The optimizer.</returns>
    [Pure]
    public static IGradientTransform Lars(
        Schedule learningRate,
        Schedule? weightDecay = null,
        double momentum = 0.9,
        double trustCoefficient = 1e-3,
        double epsilon = 0,
        bool nesterov = false,
        Mask? decayMask = null,
        Mask? trustRatioMask = null) =>
        Chain(
            learningRate,
            maximize: false,
            CoupledDecay(weightDecay, decayMask),
            MaskIf(new ScaleByTrustRatioTransform(trustCoefficient, epsilon, double.PositiveInfinity), trustRatioMask),
            Validate.NonNegative(momentum, nameof(momentum)) > 0 || nesterov ? Transforms.Trace(momentum, 0, nesterov) : null,
            Transforms.ScaleByLearningRate(learningRate));
}
