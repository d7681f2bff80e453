namespace Regularization.Linear;

/// <summary>The model family and its loss (glmnet's <c>family</c>).</summary>
public enum Family
{
    /// <summary>
    /// Linear regression. The fitted objective is
    /// <c>1/2 * sum_i w_i (y_i - a - x_i.b)^2 + lambda * P(b)</c> with weights <c>w</c> summing to 1
    /// (so <c>1/(2n) * RSS</c> with unit weights), glmnet's and scikit-learn's <c>ElasticNet</c> convention.
    /// </summary>
    Gaussian,

    /// <summary>
    /// Logistic regression for a 0/1 target. The fitted objective is
    /// <c>-sum_i w_i (y_i * eta_i - log(1 + exp(eta_i))) + lambda * P(b)</c>, <c>eta_i = a + x_i.b</c>, weights summing
    /// to 1 (the mean negative log-likelihood with unit weights), glmnet's <c>family = "binomial"</c>.
    /// </summary>
    Binomial,
}

/// <summary>The algorithm that solves the problem at each lambda.</summary>
public enum PathSolver
{
    /// <summary>
    /// Cyclic coordinate descent with warm starts, strong-rule screening and KKT checks (glmnet's method); gaussian
    /// problems use covariance updates when <c>p &lt; 500</c> (glmnet's <c>type.gaussian</c> default), naive updates otherwise.
    /// </summary>
    CoordinateDescent,

    /// <summary>
    /// Accelerated proximal gradient (FISTA, Beck and Teboulle 2009) with gradient-based adaptive restart
    /// (O'Donoghue and Candes 2015) and a fixed step <c>1/L</c>; slower than coordinate descent but it reaches the same
    /// optimum and the same exact zeros (the proximal step soft-thresholds).
    /// </summary>
    Fista,
}

/// <summary>How gaussian coordinate descent keeps the gradient up to date.</summary>
public enum GaussianUpdates
{
    /// <summary>Covariance updates when <c>p &lt; 500</c>, naive updates otherwise (glmnet's default).</summary>
    Automatic,

    /// <summary>Keeps the gradient <c>X'r</c> for every feature through inner products <c>x_j'x_k</c> of the active features (glmnet's <c>"covariance"</c>).</summary>
    Covariance,

    /// <summary>Keeps the residual <c>r</c> and recomputes <c>x_j'r</c> at each coordinate (glmnet's <c>"naive"</c>).</summary>
    Naive,
}
