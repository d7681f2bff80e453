using System.Diagnostics.Contracts;

namespace Regularization.Linear;

/// <summary>
/// Conversions between glmnet's <c>(lambda, alpha)</c>, scikit-learn's estimators and this library's
/// <see cref="Regularization.Penalties"/>. All relative to the data term of <see cref="Family"/>:
/// <c>1/(2n) RSS</c> (gaussian) or the mean negative log-likelihood (binomial), unit weights.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>glmnet / scikit-learn</term><description>Here (<see cref="ElasticNetOptions"/>)</description></listheader>
/// <item><term>glmnet <c>glmnet(x, y, alpha = a, lambda = l)</c></term><description><c>Alpha = a</c>, <c>Lambdas = [l]</c> (same numbers; for gaussian with <c>alpha &lt; 1</c> give glmnet a unit-variance <c>y</c>, since it rescales <c>y</c>).</description></item>
/// <item><term>scikit-learn <c>ElasticNet(alpha = s, l1_ratio = r)</c></term><description><c>Lambdas = [s]</c>, <c>Alpha = r</c>, <c>Standardize = false</c>.</description></item>
/// <item><term>scikit-learn <c>Lasso(alpha = s)</c></term><description><c>Lambdas = [s]</c>, <c>Alpha = 1</c>, <c>Standardize = false</c>.</description></item>
/// <item><term>scikit-learn <c>LogisticRegression(C, penalty = 'l1')</c></term><description><c>Lambdas = [1 / (C n)]</c>, <c>Alpha = 1</c>, <c>Standardize = false</c> (solver saga or liblinear; liblinear also penalizes the intercept).</description></item>
/// <item><term>scikit-learn <c>LogisticRegression(C, penalty = 'l2')</c></term><description><c>Lambdas = [1 / (C n)]</c>, <c>Alpha = 0</c>, <c>Standardize = false</c>.</description></item>
/// <item><term>scikit-learn <c>LogisticRegression(C, penalty = 'elasticnet', l1_ratio = r)</c></term><description><c>Lambdas = [1 / (C n)]</c>, <c>Alpha = r</c>.</description></item>
/// <item><term>This library's <c>Penalties.ElasticNet(lambda', r')</c> = <c>lambda' (r' sum|w| + (1 - r') sum w^2)</c></term><description><c>lambda' = lambda (1 + alpha) / 2</c>, <c>r' = 2 alpha / (1 + alpha)</c> (<see cref="ToPenalty"/>).</description></item>
/// </list>
/// </remarks>
public static class GlmnetConventions
{
    /// <summary>
    /// This library's penalty equal to glmnet's <c>lambda (alpha |b|_1 + (1 - alpha)/2 ||b||^2)</c>:
    /// <c>Penalties.ElasticNet(lambda (1 + alpha) / 2, 2 alpha / (1 + alpha))</c>, whose L1 strength is
    /// <c>lambda * alpha</c> and L2 strength <c>lambda (1 - alpha) / 2</c>.
    /// </summary>
    /// <param name="lambda">glmnet's lambda, &gt;= 0.</param>
    /// <param name="alpha">glmnet's alpha, in [0, 1].</param>
    /// <returns>The penalty.</returns>
    [Pure]
    public static Penalty ToPenalty(double lambda, double alpha)
    {
        if (!(lambda >= 0) || double.IsInfinity(lambda))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be finite and >= 0.");
        }

        if (!(alpha >= 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in [0, 1].");
        }

        return Penalties.ElasticNet(lambda * (1 + alpha) / 2, 2 * alpha / (1 + alpha));
    }

    /// <summary>glmnet's binomial lambda equal to scikit-learn's <c>LogisticRegression(C)</c> on n unit-weight samples: <c>1 / (C n)</c>.</summary>
    /// <param name="c">scikit-learn's <c>C</c>, &gt; 0.</param>
    /// <param name="sampleCount">n, &gt; 0.</param>
    /// <returns>lambda.</returns>
    [Pure]
    public static double LambdaFromSklearnC(double c, int sampleCount)
    {
        if (!(c > 0) || double.IsInfinity(c))
        {
            throw new ArgumentOutOfRangeException(nameof(c), c, "C must be finite and > 0.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, 1);
        return 1 / (c * sampleCount);
    }

    /// <summary>scikit-learn's <c>C</c> equal to glmnet's binomial lambda on n unit-weight samples: <c>1 / (lambda n)</c>.</summary>
    /// <param name="lambda">lambda, &gt; 0.</param>
    /// <param name="sampleCount">n, &gt; 0.</param>
    /// <returns>C.</returns>
    [Pure]
    public static double SklearnCFromLambda(double lambda, int sampleCount)
    {
        if (!(lambda > 0) || double.IsInfinity(lambda))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be finite and > 0.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, 1);
        return 1 / (lambda * sampleCount);
    }
}
