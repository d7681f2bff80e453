using System.Diagnostics.Contracts;
using Regularization.Internal;

namespace Regularization;

/// <summary>
/// Exact conversions between this library's L2 convention, <c>lambda * sum(w^2)</c> added to a loss that is a mean
/// over the batch, and the coefficients of PyTorch, Keras, Optax, scikit-learn and the AdamW paper.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>You have</term><description>This library</description></listheader>
/// <item><term>PyTorch <c>SGD/Adam(weight_decay = wd)</c> (coupled)</term><description><c>lambda = wd / 2</c>; <c>Sgd(weightDecay: wd)</c> as is.</description></item>
/// <item><term>Keras <c>regularizers.L2(l2)</c> (<c>l2 * sum(w^2)</c>)</term><description><c>lambda = l2</c>, so PyTorch <c>weight_decay = 2 * l2</c>.</description></item>
/// <item><term>Optax <c>add_decayed_weights(wd)</c> (gradient of <c>wd/2 * sum(w^2)</c>)</term><description><c>lambda = wd / 2</c>.</description></item>
/// <item><term>scikit-learn <c>SGDClassifier(alpha, penalty='l2')</c> (<c>alpha/2 * ||w||^2</c> on a mean loss)</term><description><c>lambda = alpha / 2</c>; PyTorch <c>weight_decay = alpha</c>.</description></item>
/// <item><term>scikit-learn <c>Ridge(alpha)</c> (<c>||Xw - y||^2 + alpha*||w||^2</c>, a sum over n samples)</term><description><c>lambda = alpha / n</c> on the mean squared error.</description></item>
/// <item><term>scikit-learn <c>MLPClassifier(alpha)</c> (<c>0.5 * alpha * sum(w^2) / batch</c>)</term><description><c>lambda = alpha / (2 * batch)</c>.</description></item>
/// <item><term>AdamW paper, <c>lambda_p</c> with base rate <c>alpha</c></term><description>PyTorch AdamW <c>weight_decay = lambda_p / alpha</c>, or <see cref="DecayScaling.ScheduleMultiplier"/> with <c>lambda_p</c>.</description></item>
/// <item><term>TensorFlow Addons <c>AdamW(weight_decay = w)</c> (not scaled by lr)</term><description>PyTorch AdamW <c>weight_decay = w / lr</c>, or <see cref="DecayScaling.None"/> with <c>w</c>.</description></item>
/// </list>
/// <para>
/// For adaptive optimizers (Adam) coupled L2 and decoupled decay are not equivalent for any coefficient: that is the
/// point of the AdamW paper. The SGD equivalences hold for plain SGD, and with momentum as well for coupled decay.
/// </para>
/// <example>
/// <code>
/// double wd = Conventions.TorchWeightDecayFromL2(0.001);   // 0.002: the second seed's 2 * lambda
/// </code>
/// </example>
/// </remarks>
public static class Conventions
{
    /// <summary>PyTorch coupled <c>weight_decay</c> equal to <c>lambda * sum(w^2)</c>: <c>2 * lambda</c>.</summary>
    /// <param name="lambda">This library's (and Keras') L2 strength.</param>
    [Pure]
    public static double TorchWeightDecayFromL2(double lambda) =>
        Finite(2 * Validate.NonNegative(lambda, nameof(lambda)), nameof(lambda));

    /// <summary>The L2 strength <c>lambda</c> equal to PyTorch's coupled <c>weight_decay</c>: <c>wd / 2</c>.</summary>
    /// <param name="weightDecay">PyTorch's <c>weight_decay</c> (SGD or Adam).</param>
    [Pure]
    public static double L2FromTorchWeightDecay(double weightDecay) =>
        Finite(Validate.NonNegative(weightDecay, nameof(weightDecay)) / 2, nameof(weightDecay));

    /// <summary>The L2 strength equal to Keras' <c>regularizers.L2(l2)</c>: the same number (Keras has no 1/2).</summary>
    /// <param name="l2">Keras' <c>l2</c>.</param>
    [Pure]
    public static double L2FromKeras(double l2) =>
        Finite(Validate.NonNegative(l2, nameof(l2)), nameof(l2));

    /// <summary>Keras' <c>L2(l2)</c> equal to this library's <c>lambda</c>: the same number.</summary>
    /// <param name="lambda">This library's L2 strength.</param>
    [Pure]
    public static double KerasFromL2(double lambda) =>
        Finite(Validate.NonNegative(lambda, nameof(lambda)), nameof(lambda));

    /// <summary>The L2 strength equal to Optax's <c>add_decayed_weights(wd)</c>: <c>wd / 2</c>.</summary>
    /// <param name="weightDecay">Optax's <c>weight_decay</c>.</param>
    [Pure]
    public static double L2FromOptax(double weightDecay) =>
        Finite(Validate.NonNegative(weightDecay, nameof(weightDecay)) / 2, nameof(weightDecay));

    /// <summary>Optax's <c>add_decayed_weights</c> coefficient equal to <c>lambda * sum(w^2)</c>: <c>2 * lambda</c>.</summary>
    /// <param name="lambda">This library's L2 strength.</param>
    [Pure]
    public static double OptaxFromL2(double lambda) =>
        Finite(2 * Validate.NonNegative(lambda, nameof(lambda)), nameof(lambda));

    /// <summary>
    /// The L2 strength equal to scikit-learn's <c>SGDClassifier/SGDRegressor(alpha, penalty='l2')</c>, whose objective
    /// is <c>mean loss + alpha * (1/2) * ||w||^2</c>: <c>alpha / 2</c>.
    /// </summary>
    /// <param name="alpha">scikit-learn's <c>alpha</c>.</param>
    [Pure]
    public static double L2FromSklearnSgd(double alpha) =>
        Finite(Validate.NonNegative(alpha, nameof(alpha)) / 2, nameof(alpha));

    /// <summary>scikit-learn SGD's <c>alpha</c> equal to <c>lambda * sum(w^2)</c>: <c>2 * lambda</c>.</summary>
    /// <param name="lambda">This library's L2 strength.</param>
    [Pure]
    public static double SklearnSgdFromL2(double lambda) =>
        Finite(2 * Validate.NonNegative(lambda, nameof(lambda)), nameof(lambda));

    /// <summary>
    /// The L2 strength, on a mean-squared-error loss, equal to scikit-learn's <c>Ridge(alpha)</c>, whose objective
    /// <c>||Xw - y||^2 + alpha * ||w||^2</c> sums over <paramref name="sampleCount"/> samples: <c>alpha / n</c>.
    /// </summary>
    /// <param name="alpha">Ridge's <c>alpha</c>.</param>
    /// <param name="sampleCount">Number of training samples <c>n</c>, &gt; 0.</param>
    [Pure]
    public static double L2FromSklearnRidge(double alpha, long sampleCount) =>
        Finite(Validate.NonNegative(alpha, nameof(alpha)) / SampleCount(sampleCount), nameof(alpha));

    /// <summary>Ridge's <c>alpha</c> equal to <c>lambda * sum(w^2)</c> on a mean-squared-error loss over <c>n</c> samples: <c>lambda * n</c>.</summary>
    /// <param name="lambda">This library's L2 strength.</param>
    /// <param name="sampleCount">Number of training samples, &gt; 0.</param>
    [Pure]
    public static double SklearnRidgeFromL2(double lambda, long sampleCount) =>
        Finite(Validate.NonNegative(lambda, nameof(lambda)) * SampleCount(sampleCount), nameof(lambda));

    /// <summary>
    /// The L2 strength equal to scikit-learn's <c>MLPClassifier/MLPRegressor(alpha)</c>, which adds
    /// <c>0.5 * alpha * sum(w^2) / batch</c> to each mini-batch loss: <c>alpha / (2 * batch)</c>.
    /// </summary>
    /// <param name="alpha">The MLP's <c>alpha</c>.</param>
    /// <param name="batchSize">Mini-batch size, &gt; 0.</param>
    [Pure]
    public static double L2FromSklearnMlp(double alpha, long batchSize) =>
        Finite(Validate.NonNegative(alpha, nameof(alpha)) / (2.0 * SampleCount(batchSize, nameof(batchSize))), nameof(alpha));

    /// <summary>
    /// This library's L1 and L2 strengths for scikit-learn's <c>ElasticNet(alpha, l1_ratio)</c>, whose objective is
    /// <c>1/(2n) ||Xw - y||^2 + alpha*r*||w||_1 + alpha*(1 - r)/2*||w||^2</c>, relative to that data term (half the mean squared error):
    /// <c>L1 = alpha*r</c>, <c>L2 = alpha*(1 - r)/2</c>.
    /// </summary>
    /// <remarks>
    /// The result goes as is into the elastic-net step and penalty, which take a strength and a ratio:
    /// <c>Transforms.ProximalElasticNet(s.Lambda, s.L1Ratio, lr)</c>, <c>Optimizers.WithProximalElasticNet(opt, s.Lambda, s.L1Ratio)</c>
    /// or <c>s.ToPenalty()</c>, with <c>Lambda = L1 + L2 = alpha*(1 + r)/2</c> and <c>L1Ratio = L1/(L1 + L2) = 2r/(1 + r)</c>.
    /// Passing scikit-learn's <c>(alpha, l1_ratio)</c> straight to those would double the L2 part
    /// (<see cref="ElasticNetPenalty"/> has <c>(1 - r)*sum(w^2)</c>, scikit-learn <c>(1 - r)/2*||w||^2</c>).
    /// <example>
    /// <code>
    /// var s = Conventions.FromSklearnElasticNet(alpha: 0.1, l1Ratio: 0.5);   // L1 0.05, L2 0.025: Lambda 0.075, L1Ratio 2/3
    /// var step = Transforms.ProximalElasticNet(s.Lambda, s.L1Ratio, Schedule.Constant(0.01));
    /// </code>
    /// </example>
    /// </remarks>
    /// <param name="alpha">ElasticNet's <c>alpha</c>.</param>
    /// <param name="l1Ratio">ElasticNet's <c>l1_ratio</c>, in [0, 1].</param>
    [Pure]
    public static ElasticNetStrengths FromSklearnElasticNet(double alpha, double l1Ratio)
    {
        Validate.NonNegative(alpha, nameof(alpha));
        Validate.Unit(l1Ratio, nameof(l1Ratio));
        return new ElasticNetStrengths(alpha * l1Ratio, alpha * (1 - l1Ratio) / 2);
    }

    /// <summary>
    /// This library's L1 strength for scikit-learn's <c>Lasso(alpha)</c>, whose objective is
    /// <c>1/(2n) ||Xw - y||^2 + alpha*||w||_1</c>, relative to that data term (half the mean squared error): <c>L1 = alpha</c>, no L2.
    /// </summary>
    /// <param name="alpha">Lasso's <c>alpha</c>.</param>
    [Pure]
    public static ElasticNetStrengths FromSklearnLasso(double alpha) => new(Validate.NonNegative(alpha, nameof(alpha)), 0);

    /// <summary>
    /// This library's strengths for scikit-learn's <c>LogisticRegression(C, penalty)</c>, whose objective is
    /// <c>C * sum_i logloss_i + ||w||_1</c> (<c>penalty='l1'</c>) or <c>C * sum_i logloss_i + 1/2*||w||^2</c>
    /// (<c>'l2'</c>), relative to the mean log-loss over <paramref name="sampleCount"/> samples (divide by <c>C*n</c>):
    /// <c>L1 = 1/(C*n)</c> for l1, <c>L2 = 1/(2*C*n)</c> for l2 (this library's <c>l2*sum(w^2)</c>). The intercept is
    /// not penalized (as with scikit-learn's lbfgs, newton-cg, sag and saga solvers; liblinear penalizes it).
    /// </summary>
    /// <param name="c">scikit-learn's inverse strength <c>C</c>, &gt; 0.</param>
    /// <param name="penalty">scikit-learn's <c>penalty</c>.</param>
    /// <param name="sampleCount">Number of training samples <c>n</c>, &gt; 0.</param>
    [Pure]
    public static ElasticNetStrengths FromSklearnLogisticRegression(double c, SklearnLogisticPenalty penalty, long sampleCount)
    {
        var strength = 1 / (Validate.Positive(c, nameof(c)) * SampleCount(sampleCount));
        return penalty switch
        {
            SklearnLogisticPenalty.L1 => new ElasticNetStrengths(strength, 0),
            SklearnLogisticPenalty.L2 => new ElasticNetStrengths(0, strength / 2),
            _ => throw new ArgumentOutOfRangeException(nameof(penalty), penalty, "penalty must be L1 or L2."),
        };
    }

    /// <summary>
    /// PyTorch AdamW's <c>weight_decay</c> equal to the paper's <c>lambda_p</c> with base learning rate <c>alpha</c>:
    /// <c>lambda_p / alpha</c> (PyTorch multiplies by the whole learning rate; the paper by the schedule multiplier only).
    /// </summary>
    /// <param name="paperWeightDecay">The paper's <c>lambda</c>.</param>
    /// <param name="baseLearningRate">The base learning rate <c>alpha</c>, &gt; 0.</param>
    [Pure]
    public static double TorchAdamWFromPaper(double paperWeightDecay, double baseLearningRate) =>
        Finite(Validate.NonNegative(paperWeightDecay, nameof(paperWeightDecay)) / Validate.Positive(baseLearningRate, nameof(baseLearningRate)), nameof(paperWeightDecay));

    /// <summary>The paper's <c>lambda_p</c> equal to PyTorch AdamW's <c>weight_decay</c> at base rate <c>alpha</c>: <c>wd * alpha</c>.</summary>
    /// <param name="torchWeightDecay">PyTorch AdamW's <c>weight_decay</c>.</param>
    /// <param name="baseLearningRate">The base learning rate <c>alpha</c>, &gt; 0.</param>
    [Pure]
    public static double PaperFromTorchAdamW(double torchWeightDecay, double baseLearningRate) =>
        Finite(Validate.NonNegative(torchWeightDecay, nameof(torchWeightDecay)) * Validate.Positive(baseLearningRate, nameof(baseLearningRate)), nameof(torchWeightDecay));

    /// <summary>
    /// PyTorch AdamW's <c>weight_decay</c> equal to TensorFlow Addons' <c>weight_decay = w</c> (not scaled by the
    /// learning rate) at learning rate <c>lr</c>: <c>w / lr</c>.
    /// </summary>
    /// <param name="tfaWeightDecay">TensorFlow Addons' <c>weight_decay</c>.</param>
    /// <param name="learningRate">The learning rate, &gt; 0.</param>
    [Pure]
    public static double TorchAdamWFromTfa(double tfaWeightDecay, double learningRate) =>
        Finite(Validate.NonNegative(tfaWeightDecay, nameof(tfaWeightDecay)) / Validate.Positive(learningRate, nameof(learningRate)), nameof(tfaWeightDecay));

    /// <summary>TensorFlow Addons' <c>weight_decay</c> equal to PyTorch AdamW's <c>wd</c> at learning rate <c>lr</c>: <c>wd * lr</c>.</summary>
    /// <param name="torchWeightDecay">PyTorch AdamW's <c>weight_decay</c>.</param>
    /// <param name="learningRate">The learning rate, &gt; 0.</param>
    [Pure]
    public static double TfaFromTorchAdamW(double torchWeightDecay, double learningRate) =>
        Finite(Validate.NonNegative(torchWeightDecay, nameof(torchWeightDecay)) * Validate.Positive(learningRate, nameof(learningRate)), nameof(torchWeightDecay));

    /// <summary>A converted value must be finite: a huge input can overflow to infinity, which no optimizer accepts.</summary>
    private static double Finite(double result, string input) =>
        double.IsFinite(result)
            ? result
            : throw new ArgumentOutOfRangeException(input, $"'{input}' is too large: the converted value overflows to {Validate.Format(result)}.");

    private static double SampleCount(long n, string name = "sampleCount") =>
        n > 0 ? n : throw new ArgumentOutOfRangeException(name, n, $"'{name}' must be > 0.");
}

/// <summary>scikit-learn's <c>LogisticRegression(penalty=...)</c> values that <see cref="Conventions.FromSklearnLogisticRegression"/> converts.</summary>
public enum SklearnLogisticPenalty
{
    /// <summary><c>penalty='l2'</c>: <c>1/2*||w||^2</c> (scikit-learn's default).</summary>
    L2,

    /// <summary><c>penalty='l1'</c>: <c>||w||_1</c>.</summary>
    L1,
}

/// <summary>
/// L1 and L2 strengths in this library's convention (<c>l1 * sum|w| + l2 * sum(w^2)</c>), and the same penalty as
/// the strength and ratio that <see cref="ElasticNetPenalty"/> and the proximal elastic-net step take.
/// </summary>
public sealed record ElasticNetStrengths
{
    /// <summary>Creates the pair.</summary>
    /// <param name="l1">The L1 strength.</param>
    /// <param name="l2">The L2 strength.</param>
    public ElasticNetStrengths(double l1, double l2)
    {
        L1 = l1;
        L2 = l2;
    }

    /// <summary>The L1 strength: the penalty has <c>l1 * sum|w|</c>.</summary>
    public double L1 { get; }

    /// <summary>The L2 strength: the penalty has <c>l2 * sum(w^2)</c>.</summary>
    public double L2 { get; }

    /// <summary>
    /// The elastic-net strength <c>lambda = L1 + L2</c> of <see cref="ElasticNetPenalty"/>
    /// (<c>lambda * (r * sum|w| + (1 - r) * sum(w^2))</c>) and of <c>Transforms.ProximalElasticNet</c>.
    /// </summary>
    public double Lambda => L1 + L2;

    /// <summary>The elastic-net ratio <c>r = L1 / (L1 + L2)</c> that goes with <see cref="Lambda"/> (1 when both are 0).</summary>
    public double L1Ratio => L1 + L2 == 0 ? 1 : L1 / (L1 + L2);

    /// <summary>The same penalty as <see cref="ElasticNetPenalty"/>: <c>Penalties.ElasticNet(Lambda, L1Ratio)</c>.</summary>
    /// <returns>The penalty.</returns>
    [Pure]
    public Penalty ToPenalty() => Penalties.ElasticNet(Lambda, L1Ratio);
}
