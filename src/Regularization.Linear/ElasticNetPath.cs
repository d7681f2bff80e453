using System.Diagnostics.Contracts;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Linear.Internal;

namespace Regularization.Linear;

/// <summary>
/// Elastic-net regularization paths for linear and logistic regression, with glmnet's objective and conventions
/// (Friedman, Hastie and Tibshirani 2010): for each lambda of a decreasing grid,
/// <c>minimize over (a, b): L(a, b) + lambda * sum_j v_j (alpha |b_j| + (1 - alpha)/2 b_j^2)</c>, where <c>L</c> is the
/// family's data term (see <see cref="Family"/>), warm-started from the previous lambda.
/// </summary>
/// <remarks>
/// Float64 throughout. The inputs are not changed. Results are deterministic (same inputs, same bits).
/// <example>
/// <code>
/// var path = ElasticNetPath.Fit(x, y, new ElasticNetOptions { Alpha = 0.5 });
/// double[] b = path.Coefficients[^1];          // the least penalized fit
/// var cv = CrossValidation.Run(x, y, new ElasticNetOptions(), Folds.RowModulo(x.RowCount, 10));
/// Console.WriteLine($"lambda.min {cv.LambdaMin}, lambda.1se {cv.Lambda1Se}");
/// </code>
/// </example>
/// </remarks>
public static class ElasticNetPath
{
    /// <summary>
    /// Lambdas at or above <c>lambda_max * (1 - 1e-10)</c> (with <c>alpha &gt;= 1e-3</c>) give the all-zero fit of the
    /// penalized coefficients: within that rounding distance the exact answer is below 1e-10 of the scale anyway.
    /// </summary>
    public const double LambdaMaxRoundoff = 1e-10;

    /// <summary>Fits the path.</summary>
    /// <param name="x">n x p features (n &gt;= 2, p &gt;= 1), finite.</param>
    /// <param name="y">n targets, finite; 0 or 1 for <see cref="Family.Binomial"/>, with both classes present.</param>
    /// <param name="options">What to fit; glmnet's defaults when null.</param>
    /// <returns>The path.</returns>
    /// <exception cref="ArgumentException">A shape, value or option is not allowed (the message names it).</exception>
    [Pure]
    public static RegularizationPath Fit(Matrix<double> x, Vector<double> y, ElasticNetOptions? options = null)
    {
        options ??= new ElasticNetOptions();
        Check(x, y, options);
        var design = new Design(x, y, options);
        var solver = CreateSolver(design, options);
        solver.FitUnpenalized();
        var lambdaMax = solver.LambdaMax();
        var lambdas = Grid(options, lambdaMax, x.RowCount, x.ColumnCount);

        var intercepts = new List<double>(lambdas.Count);
        var coefficients = new List<double[]>(lambdas.Count);
        var ratios = new List<double>(lambdas.Count);
        var passes = new List<int>(lambdas.Count);
        var converged = new List<bool>(lambdas.Count);
        var fitted = new List<double>(lambdas.Count);
        var previous = Math.Max(lambdaMax, lambdas[0]);
        foreach (var lambda in lambdas)
        {
            // At lambda_max the penalized coefficients are zero by definition; a lambda within rounding of it (glmnet
            // reports its first lambda through a log-linear extrapolation) must not leave a 1e-17 coefficient.
            var fit = options.Alpha >= 1e-3 && lambda >= lambdaMax * (1 - LambdaMaxRoundoff) && !solver.HasPenalizedNonzero
                ? solver.AtLambdaMax()
                : solver.Solve(lambda, previous);
            previous = lambda;
            var (a, beta) = design.Unstandardize(solver.B, solver.A);
            var ratio = design.NullDeviance > 0 ? 1 - (fit.Deviance / design.NullDeviance) : 0;
            fitted.Add(lambda);
            intercepts.Add(a);
            coefficients.Add(beta);
            ratios.Add(ratio);
            passes.Add(fit.Passes);
            converged.Add(fit.Converged);
            if (options.StopEarly && options.Lambdas is null && ratios.Count >= Math.Min(5, lambdas.Count))
            {
                var last = ratios.Count >= 2 ? ratios[^2] : 0;
                // glmnet: gaussian stops when the gain is below 1e-5 of the ratio, binomial below 1e-5 absolute.
                var gain = options.Family == Family.Gaussian ? 1e-5 * ratio : 1e-5;
                if (ratio > 0.999 || ratio - last < gain)
                {
                    break;
                }
            }
        }

        return new RegularizationPath(
            options.Family, options.Alpha, lambdaMax, fitted, intercepts, coefficients, ratios, passes, converged, design.NullDeviance);
    }

    /// <summary>
    /// glmnet's lambda_max for these data and options: <c>max_j |x_j' W (y - yhat_0)| / (max(alpha, 1e-3) * v_j)</c>
    /// over penalized features, on the standardized scale, where <c>yhat_0</c> is the fit of the intercept and the
    /// unpenalized features alone. For <c>alpha &gt; 0</c> it is the smallest lambda with every penalized coefficient zero.
    /// </summary>
    /// <param name="x">n x p features.</param>
    /// <param name="y">n targets.</param>
    /// <param name="options">The options (lambdas ignored); defaults when null.</param>
    /// <returns>lambda_max.</returns>
    [Pure]
    public static double LambdaMax(Matrix<double> x, Vector<double> y, ElasticNetOptions? options = null)
    {
        options ??= new ElasticNetOptions();
        Check(x, y, options with { Lambdas = null });
        var solver = CreateSolver(new Design(x, y, options), options);
        solver.FitUnpenalized();
        return solver.LambdaMax();
    }

    /// <summary>
    /// The default grid: <paramref name="count"/> values from <paramref name="lambdaMax"/> down to
    /// <c>ratio * lambdaMax</c>, equally spaced in log scale (<c>lambdaMax * ratio^(k/(count-1))</c>).
    /// </summary>
    /// <param name="lambdaMax">The largest lambda, &gt; 0.</param>
    /// <param name="count">Number of values, &gt;= 1.</param>
    /// <param name="ratio">Smallest over largest, in (0, 1].</param>
    /// <returns>The decreasing grid.</returns>
    [Pure]
    public static double[] GeometricGrid(double lambdaMax, int count, double ratio)
    {
        if (!(lambdaMax > 0) || double.IsInfinity(lambdaMax))
        {
            throw new ArgumentOutOfRangeException(nameof(lambdaMax), lambdaMax, "lambdaMax must be finite and > 0.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!(ratio > 0 && ratio <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "ratio must be in (0, 1].");
        }

        var grid = new double[count];
        for (var k = 0; k < count; k++)
        {
            grid[k] = count == 1 ? lambdaMax : lambdaMax * Math.Pow(ratio, k / (double)(count - 1));
        }

        return grid;
    }

    internal static Solver CreateSolver(Design design, ElasticNetOptions options)
    {
        if (options.Solver == PathSolver.Fista)
        {
            return new FistaSolver(design, options.Thresh, options.MaxPasses);
        }

        if (design.Family == Family.Binomial)
        {
            return new BinomialCd(design, options.Thresh, options.MaxPasses);
        }

        var covariance = options.GaussianUpdates switch
        {
            GaussianUpdates.Covariance => true,
            GaussianUpdates.Naive => false,
            _ => design.P < 500,
        };
        return new GaussianCd(design, options.Thresh, options.MaxPasses, covariance);
    }

    private static List<double> Grid(ElasticNetOptions options, double lambdaMax, int n, int p)
    {
        if (options.Lambdas is { } given)
        {
            return given.ToList();
        }

        if (!(lambdaMax > 0))
        {
            throw new ArgumentException(
                "lambda_max is 0: no penalized feature is correlated with the target (constant target or features); give explicit Lambdas.",
                nameof(options));
        }

        return GeometricGrid(lambdaMax, options.LambdaCount, options.EffectiveLambdaMinRatio(n, p)).ToList();
    }

    private static bool AllFinite(Matrix<double> x)
    {
        if (x.AsColumnMajorArray() is { } values)
        {
            foreach (var v in values)
            {
                if (!double.IsFinite(v))
                {
                    return false;
                }
            }

            return true;
        }

        return x.Enumerate().All(double.IsFinite);
    }

    internal static void Check(Matrix<double> x, Vector<double> y, ElasticNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(options);
        int n = x.RowCount, p = x.ColumnCount;
        if (n < 2 || p < 1)
        {
            throw new ArgumentException($"x must have at least 2 rows and 1 column, not {n} x {p}.", nameof(x));
        }

        if (y.Count != n)
        {
            throw new ArgumentException($"y has {y.Count} values; x has {n} rows.", nameof(y));
        }

        if (!AllFinite(x))
        {
            throw new ArgumentException("x has a NaN or infinite value.", nameof(x));
        }

        if (y.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("y has a NaN or infinite value.", nameof(y));
        }

        if (options.Family == Family.Binomial)
        {
            if (y.Any(v => v != 0 && v != 1))
            {
                throw new ArgumentException("y must be 0 or 1 for the binomial family.", nameof(y));
            }

            var ones = y.Count(v => v == 1);
            if (ones == 0 || ones == n)
            {
                throw new ArgumentException($"y is constant ({(ones == 0 ? 0 : 1)} for every row): the binomial family needs both classes.", nameof(y));
            }
        }

        if (!(options.Alpha >= 0 && options.Alpha <= 1))
        {
            throw new ArgumentException($"Alpha must be in [0, 1], not {options.Alpha}.", nameof(options));
        }

        if (options.LambdaCount < 1)
        {
            throw new ArgumentException($"LambdaCount must be >= 1, not {options.LambdaCount}.", nameof(options));
        }

        if (options.LambdaMinRatio is { } ratio && !(ratio > 0 && ratio <= 1))
        {
            throw new ArgumentException($"LambdaMinRatio must be in (0, 1], not {ratio}.", nameof(options));
        }

        if (!(options.Thresh > 0) || double.IsInfinity(options.Thresh))
        {
            throw new ArgumentException($"Thresh must be finite and > 0, not {options.Thresh}.", nameof(options));
        }

        if (options.MaxPasses < 1)
        {
            throw new ArgumentException($"MaxPasses must be >= 1, not {options.MaxPasses}.", nameof(options));
        }

        if (options.Lambdas is { } lambdas)
        {
            if (lambdas.Count == 0)
            {
                throw new ArgumentException("Lambdas is empty; give at least one or leave it null for the default grid.", nameof(options));
            }

            for (var k = 0; k < lambdas.Count; k++)
            {
                if (!(lambdas[k] >= 0) || double.IsInfinity(lambdas[k]))
                {
                    throw new ArgumentException($"Lambdas[{k}] = {lambdas[k]}: every lambda must be finite and >= 0.", nameof(options));
                }

                if (k > 0 && lambdas[k] > lambdas[k - 1])
                {
                    throw new ArgumentException($"Lambdas must be in decreasing order: Lambdas[{k}] = {lambdas[k]} > Lambdas[{k - 1}] = {lambdas[k - 1]}.", nameof(options));
                }
            }
        }

        if (options.Weights is { } w)
        {
            if (w.Count != n)
            {
                throw new ArgumentException($"Weights has {w.Count} values; x has {n} rows.", nameof(options));
            }

            if (w.Any(v => !(v >= 0) || double.IsInfinity(v)) || !(w.Sum() > 0))
            {
                throw new ArgumentException("Weights must be finite, >= 0, with a positive sum.", nameof(options));
            }
        }

        if (options.PenaltyFactors is { } vp)
        {
            if (vp.Count != p)
            {
                throw new ArgumentException($"PenaltyFactors has {vp.Count} values; x has {p} columns.", nameof(options));
            }

            if (vp.Any(v => !(v >= 0) || double.IsInfinity(v)) || !(vp.Sum() > 0))
            {
                throw new ArgumentException("PenaltyFactors must be finite, >= 0, with at least one positive.", nameof(options));
            }
        }
    }
}
