namespace Regularization.Linear;

/// <summary>
/// What to fit: the family, the elastic-net mixing <see cref="Alpha"/>, the lambda grid, standardization, intercept,
/// weights, penalty factors and the convergence threshold. The defaults are glmnet's.
/// </summary>
/// <remarks>
/// <para>
/// The penalty is glmnet's and scikit-learn's:
/// <c>P(b) = sum_j v_j * (alpha * |b_j| + (1 - alpha)/2 * b_j^2)</c>, with penalty factors <c>v_j</c> rescaled to sum to
/// <c>p</c> (as glmnet does) and the intercept never penalized. scikit-learn's <c>ElasticNet(alpha=s, l1_ratio=r)</c> is
/// <c>Lambda = s</c>, <c>Alpha = r</c>. In this library's <see cref="Regularization.Penalties"/> convention
/// (<c>lambda' * (r' * sum|w| + (1 - r') * sum(w^2))</c>) it is <c>lambda' = lambda (1 + alpha) / 2</c>,
/// <c>r' = 2 alpha / (1 + alpha)</c>: see <see cref="GlmnetConventions.ToPenalty"/>.
/// </para>
/// <para>
/// With <see cref="Standardize"/> (glmnet's default) the penalty applies to the coefficients of the features scaled
/// to unit weighted variance (<c>1/n</c> formula); the coefficients are returned on the original scale. Unlike glmnet,
/// a gaussian <c>y</c> is never rescaled: the objective above is solved as written, which is what scikit-learn does.
/// glmnet rescales <c>y</c> to unit variance and keeps lambda, which changes the problem when <c>alpha &lt; 1</c>
/// unless <c>y</c> already has unit variance.
/// </para>
/// <example>
/// <code>
/// var options = new ElasticNetOptions { Family = Family.Binomial, Alpha = 0.5, LambdaCount = 50 };
/// </code>
/// </example>
/// </remarks>
public sealed record ElasticNetOptions
{
    /// <summary>The family (loss). Default <see cref="Family.Gaussian"/>.</summary>
    public Family Family { get; init; } = Family.Gaussian;

    /// <summary>The elastic-net mixing <c>alpha</c> in [0, 1]: 1 is the lasso (default), 0 is ridge.</summary>
    public double Alpha { get; init; } = 1;

    /// <summary>
    /// Explicit lambdas, positive and in decreasing order; when null the grid is <see cref="LambdaCount"/> values from
    /// lambda_max down to <c>LambdaMinRatio * lambda_max</c>, equally spaced in log scale.
    /// </summary>
    public IReadOnlyList<double>? Lambdas { get; init; }

    /// <summary>Number of lambdas of the default grid (glmnet's <c>nlambda</c>, default 100), &gt;= 1.</summary>
    public int LambdaCount { get; init; } = 100;

    /// <summary>
    /// Smallest lambda of the default grid as a fraction of lambda_max (glmnet's <c>lambda.min.ratio</c>); when null,
    /// glmnet's default: 1e-4 when <c>n &gt; p</c>, 0.01 otherwise.
    /// </summary>
    public double? LambdaMinRatio { get; init; }

    /// <summary>Scale the features to unit weighted variance before fitting (glmnet's default true; scikit-learn has no such option, so false there).</summary>
    public bool Standardize { get; init; } = true;

    /// <summary>Fit an unpenalized intercept (default true).</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Observation weights, &gt;= 0 with a positive sum (normalized to sum to 1); all equal when null.</summary>
    public IReadOnlyList<double>? Weights { get; init; }

    /// <summary>
    /// Per-feature penalty factors <c>v_j</c> &gt;= 0 (0 = never penalized), rescaled to sum to <c>p</c> as glmnet does;
    /// all 1 when null.
    /// </summary>
    public IReadOnlyList<double>? PenaltyFactors { get; init; }

    /// <summary>
    /// glmnet's <c>thresh</c> (default 1e-7): coordinate descent stops when a full pass changes no coefficient by more
    /// than <c>max_j x_j'W x_j * (delta b_j)^2 &lt; thresh * D0</c>, where <c>D0</c> is the null deviance
    /// (<c>sum w_i (y_i - ybar)^2</c> for gaussian with weights summing to 1, twice the null log-likelihood loss for
    /// binomial) and <c>b</c> is on the standardized scale. scikit-learn's <c>tol</c> is a different test (a duality gap
    /// below <c>tol * ||y||^2</c>, checked when the largest change is below <c>tol</c> times the largest coefficient); both
    /// reach the same optimum as they shrink, and 1e-7 here is usually well below <c>tol = 1e-4</c> there.
    /// </summary>
    public double Thresh { get; init; } = 1e-7;

    /// <summary>Maximum passes over the data per lambda (glmnet's <c>maxit</c>, default 100000); the lambda is marked not converged beyond.</summary>
    public int MaxPasses { get; init; } = 100_000;

    /// <summary>The solver. Default <see cref="PathSolver.CoordinateDescent"/>.</summary>
    public PathSolver Solver { get; init; } = PathSolver.CoordinateDescent;

    /// <summary>Gaussian coordinate-descent updates (glmnet's <c>type.gaussian</c>). Default automatic.</summary>
    public GaussianUpdates GaussianUpdates { get; init; } = GaussianUpdates.Automatic;

    /// <summary>
    /// Stop the default grid early as glmnet does (after at least 5 lambdas: when the fraction of deviance explained
    /// exceeds 0.999 or grows by less than 1e-5 of itself for gaussian, by less than 1e-5 for binomial); default false:
    /// every lambda is fitted. On the benchmark problem glmnet stops after 88 (gaussian) and 84 (binomial) lambdas, this
    /// library after 89 and 85.
    /// </summary>
    public bool StopEarly { get; init; }

    /// <summary>Gives <c>n &gt; p ? 1e-4 : 0.01</c> unless <see cref="LambdaMinRatio"/> is set.</summary>
    /// <param name="sampleCount">Number of observations n.</param>
    /// <param name="featureCount">Number of features p.</param>
    /// <returns>The ratio of the smallest to the largest lambda of the default grid.</returns>
    public double EffectiveLambdaMinRatio(int sampleCount, int featureCount) =>
        LambdaMinRatio ?? (sampleCount > featureCount ? 1e-4 : 1e-2);
}
