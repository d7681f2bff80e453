using Regularization.Linear;

namespace Regularization.Linear.Tests;

/// <summary>
/// Paths against glmnet 4.1-6 (thresh 1e-20) and scikit-learn 1.2.1 (enet_path / LogisticRegression(saga), tol
/// 1e-14) on the problems of Reference/paths.json: at every lambda the intercept and coefficients agree within
/// <see cref="Tolerance"/> relative to max(1, the largest |value| at that lambda), and the exact zeros are the same.
/// </summary>
public sealed class ReferenceTests
{
    /// <summary>The target, 1e-8: FISTA against glmnet (largest difference reached 2.2e-9).</summary>
    public const double Tolerance = 1e-8;

    /// <summary>Coordinate descent against glmnet: largest difference reached 1.1e-10 (gaussian p &gt; n, alpha 1).</summary>
    public const double GlmnetTolerance = 1e-9;

    /// <summary>Coordinate descent against scikit-learn: largest difference reached 1.2e-11.</summary>
    public const double SklearnTolerance = 1e-10;

    /// <summary>Set REGULARIZATION_LINEAR_REPORT=1 to print the largest difference of every fit (what README lists).</summary>
    private static readonly bool Report = Environment.GetEnvironmentVariable("REGULARIZATION_LINEAR_REPORT") == "1";

    /// <summary>Our threshold: far below glmnet's, so that the difference measures the peer's own error.</summary>
    public const double Thresh = 1e-24;

    public static TheoryData<string> GlmnetFits() => new(Reference.Fits.Where(f => f.Peer == "glmnet").Select(f => f.Name));

    public static TheoryData<string> SklearnFits() => new(Reference.Fits.Where(f => f.Peer == "sklearn").Select(f => f.Name));

    [Theory]
    [MemberData(nameof(GlmnetFits))]
    public void Coordinate_descent_matches_glmnet(string name) => Compare(Reference.Fit(name), PathSolver.CoordinateDescent, GlmnetTolerance);

    [Theory]
    [MemberData(nameof(SklearnFits))]
    public void Coordinate_descent_matches_sklearn(string name) => Compare(Reference.Fit(name), PathSolver.CoordinateDescent, SklearnTolerance);

    [Theory]
    [MemberData(nameof(GlmnetFits))]
    public void Fista_matches_glmnet(string name) => Compare(Reference.Fit(name), PathSolver.Fista, Tolerance);

    [Theory]
    [MemberData(nameof(GlmnetFits))]
    public void Lambda_max_and_default_grid_match_glmnet(string name)
    {
        var fit = Reference.Fit(name);
        var data = Reference.Datasets[fit.Dataset];
        var options = Reference.Options(fit, Thresh) with { Lambdas = null, LambdaCount = 20, LambdaMinRatio = fit.LambdaMinRatio };
        var lambdaMax = ElasticNetPath.LambdaMax(data.X, data.Y, options);
        Assert.InRange(Math.Abs(lambdaMax - fit.Lambdas[0]) / fit.Lambdas[0], 0, 1e-12);
        var grid = ElasticNetPath.GeometricGrid(lambdaMax, 20, options.EffectiveLambdaMinRatio(data.X.RowCount, data.X.ColumnCount));
        for (var k = 0; k < fit.Lambdas.Length; k++)
        {
            Assert.InRange(Math.Abs(grid[k] - fit.Lambdas[k]) / fit.Lambdas[k], 0, 1e-12);
        }
    }

    [Theory]
    [MemberData(nameof(GlmnetFits))]
    public void Deviance_ratios_match_glmnet(string name)
    {
        var fit = Reference.Fit(name);
        var data = Reference.Datasets[fit.Dataset];
        var path = ElasticNetPath.Fit(data.X, data.Y, Reference.Options(fit, Thresh));
        for (var k = 0; k < path.Count; k++)
        {
            Assert.True(Math.Abs(path.DevianceRatios[k] - fit.DevRatio![k]) <= 1e-9, $"{name} lambda #{k}: dev.ratio {path.DevianceRatios[k]} vs glmnet {fit.DevRatio[k]}");
        }
    }

    internal static void Compare(RefFit fit, PathSolver solver, double tolerance)
    {
        var data = Reference.Datasets[fit.Dataset];
        var options = Reference.Options(fit, solver == PathSolver.Fista ? 1e-22 : Thresh) with { Solver = solver };
        var path = ElasticNetPath.Fit(data.X, data.Y, options);
        Assert.Equal(fit.Lambdas.Length, path.Count);
        Assert.All(path.Converged, Assert.True);
        var worst = 0.0;
        var where = -1;
        // scikit-learn at glmnet's lambda_max (rounded just below the exact value) leaves rounding-size nonzeros, and saga
        // from a cold start stops early there; lambda_max itself is checked against glmnet and by the laws.
        for (var k = fit.Peer == "sklearn" ? 1 : 0; k < path.Count; k++)
        {
            var ours = path.Coefficients[k];
            var theirs = fit.Coefficients[k];
            var scale = Math.Max(1, Math.Max(Math.Abs(fit.Intercepts[k]), theirs.Max(Math.Abs)));
            var diff = Math.Abs(path.Intercepts[k] - fit.Intercepts[k]) / scale;
            for (var j = 0; j < ours.Length; j++)
            {
                diff = Math.Max(diff, Math.Abs(ours[j] - theirs[j]) / scale);
            }

            if (diff > worst)
            {
                worst = diff;
                where = k;
            }

            var ourZeros = Enumerable.Range(0, ours.Length).Where(j => ours[j] == 0).ToArray();
            var theirZeros = Enumerable.Range(0, theirs.Length).Where(j => theirs[j] == 0).ToArray();
            Assert.True(ourZeros.SequenceEqual(theirZeros), $"{fit.Name} lambda #{k}: zeros [{string.Join(',', ourZeros)}] vs {fit.Peer} [{string.Join(',', theirZeros)}]");
        }

        if (Report)
        {
            File.AppendAllText(Path.Combine(Path.GetTempPath(), "regularization-linear-report.txt"), $"{fit.Name} {solver} {worst:e2}\n");
        }

        Assert.True(worst <= tolerance, $"{fit.Name} ({solver}): largest relative difference {worst:e2} at lambda #{where} > {tolerance:e0}");
    }
}
