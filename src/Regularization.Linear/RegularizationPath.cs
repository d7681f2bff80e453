using MathNet.Numerics.LinearAlgebra;

namespace Regularization.Linear;

/// <summary>
/// A fitted path: for each lambda (decreasing), the intercept and the p coefficients on the original scale of the
/// features, in their column order.
/// </summary>
/// <remarks>
/// Coefficients that the penalty sets to zero are exactly 0.0. Predictions: the linear predictor is
/// <c>eta = Intercepts[k] + x . Coefficients[k]</c>; for <see cref="Family.Binomial"/> the probability is
/// <c>1 / (1 + exp(-eta))</c>.
/// </remarks>
public sealed record RegularizationPath
{
    internal RegularizationPath(
        Family family,
        double alpha,
        double lambdaMax,
        IReadOnlyList<double> lambdas,
        IReadOnlyList<double> intercepts,
        IReadOnlyList<double[]> coefficients,
        IReadOnlyList<double> devianceRatios,
        IReadOnlyList<int> passes,
        IReadOnlyList<bool> converged,
        double nullDeviance)
    {
        Family = family;
        Alpha = alpha;
        LambdaMax = lambdaMax;
        Lambdas = lambdas;
        Intercepts = intercepts;
        Coefficients = coefficients;
        DevianceRatios = devianceRatios;
        Passes = passes;
        Converged = converged;
        NullDeviance = nullDeviance;
        Nonzero = coefficients.Select(c => c.Count(b => b != 0)).ToArray();
    }

    /// <summary>The family that was fitted.</summary>
    public Family Family { get; }

    /// <summary>The elastic-net mixing.</summary>
    public double Alpha { get; }

    /// <summary>lambda_max (glmnet's first lambda): the smallest lambda at which every penalized coefficient is zero when <c>alpha &gt; 0</c>.</summary>
    public double LambdaMax { get; }

    /// <summary>The lambdas, decreasing.</summary>
    public IReadOnlyList<double> Lambdas { get; }

    /// <summary>One intercept per lambda (0 without an intercept).</summary>
    public IReadOnlyList<double> Intercepts { get; }

    /// <summary>One array of p coefficients per lambda, original scale, the features' column order.</summary>
    public IReadOnlyList<double[]> Coefficients { get; }

    /// <summary>The number of nonzero coefficients per lambda (glmnet's <c>df</c>).</summary>
    public IReadOnlyList<int> Nonzero { get; }

    /// <summary>The fraction of null deviance explained per lambda (glmnet's <c>dev.ratio</c>).</summary>
    public IReadOnlyList<double> DevianceRatios { get; }

    /// <summary>Passes over the data (full or active set) per lambda.</summary>
    public IReadOnlyList<int> Passes { get; }

    /// <summary>Whether each lambda met the threshold within <see cref="ElasticNetOptions.MaxPasses"/>.</summary>
    public IReadOnlyList<bool> Converged { get; }

    /// <summary>The null deviance on the solvers' scale (weights summing to 1).</summary>
    public double NullDeviance { get; }

    /// <summary>The number of lambdas.</summary>
    public int Count => Lambdas.Count;

    /// <summary>The linear predictor <c>a + X b</c> at lambda index <paramref name="index"/>.</summary>
    /// <param name="x">n x p features, the same columns as the fit.</param>
    /// <param name="index">The lambda's index.</param>
    /// <returns>One value per row.</returns>
    public Vector<double> LinearPredictor(Matrix<double> x, int index)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.ColumnCount != Coefficients[0].Length)
        {
            throw new ArgumentException($"x has {x.ColumnCount} columns; the path has {Coefficients[0].Length} coefficients.", nameof(x));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var b = Vector<double>.Build.Dense(Coefficients[index]);
        return (x * b) + Intercepts[index];
    }

    /// <summary>
    /// The prediction at lambda index <paramref name="index"/>: the linear predictor for gaussian, the probability of
    /// class 1 for binomial.
    /// </summary>
    /// <param name="x">n x p features.</param>
    /// <param name="index">The lambda's index.</param>
    /// <returns>One value per row.</returns>
    public Vector<double> Predict(Matrix<double> x, int index)
    {
        var eta = LinearPredictor(x, index);
        return Family == Family.Gaussian ? eta : eta.Map(e => e >= 0 ? 1 / (1 + Math.Exp(-e)) : Math.Exp(e) / (1 + Math.Exp(e)));
    }
}
