using Regularization.Linear;

namespace Regularization.Linear.Tests;

/// <summary>
/// Laws of the elastic net checked on many seeded random problems (gaussian and binomial, n &gt; p and p &gt; n,
/// correlated features, standardized or not): KKT conditions with exact zeros, lambda_max, the ridge closed form and
/// continuity of the path.
/// </summary>
public sealed class LawTests
{
    private const double Thresh = 1e-22;

    public static TheoryData<int> Seeds() => new(Enumerable.Range(1, 40));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Zeros_are_exactly_where_the_KKT_conditions_say(int seed)
    {
        var problem = Problem.Random(seed);
        var options = problem.Options with { Thresh = Thresh, LambdaCount = 15 };
        var path = ElasticNetPath.Fit(problem.X, problem.Y, options);
        var z = problem.Standardized(options.Standardize);
        for (var k = 0; k < path.Count; k++)
        {
            var lambda = path.Lambdas[k];
            var eta = path.LinearPredictor(problem.X, k);
            var residual = problem.Family == Family.Gaussian ? problem.Y - eta : problem.Y - path.Predict(problem.X, k);
            var scale = problem.Family == Family.Gaussian ? problem.Y.L2Norm() / Math.Sqrt(problem.N) : 1;
            for (var j = 0; j < problem.P; j++)
            {
                var g = z.Column(j).DotProduct(residual) / problem.N;
                var b = path.Coefficients[k][j] * problem.Scale(j, options.Standardize);
                if (b == 0)
                {
                    Assert.True(Math.Abs(g) <= (lambda * options.Alpha) + (1e-9 * scale), $"seed {seed} lambda #{k} feature {j}: zero but |g| = {Math.Abs(g)} > lambda*alpha = {lambda * options.Alpha}");
                }
                else
                {
                    var expected = lambda * ((options.Alpha * Math.Sign(b)) + ((1 - options.Alpha) * b));
                    Assert.True(Math.Abs(g - expected) <= 1e-9 * scale, $"seed {seed} lambda #{k} feature {j}: nonzero but g = {g}, KKT wants {expected}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Lambda_max_gives_all_zeros_and_a_smaller_lambda_a_nonzero(int seed)
    {
        var problem = Problem.Random(seed);
        var options = problem.Options with { Thresh = Thresh };
        var lambdaMax = ElasticNetPath.LambdaMax(problem.X, problem.Y, options);
        var at = ElasticNetPath.Fit(problem.X, problem.Y, options with { Lambdas = [lambdaMax * (1 + 1e-9), lambdaMax] });
        Assert.All(at.Coefficients, c => Assert.All(c, b => Assert.Equal(0.0, b)));
        var below = ElasticNetPath.Fit(problem.X, problem.Y, options with { Lambdas = [lambdaMax * (1 - 1e-6)] });
        Assert.Equal(1, below.Nonzero[0]);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Alpha_zero_is_the_ridge_closed_form(int seed)
    {
        var problem = Problem.Random(seed, Family.Gaussian);
        // p > n ridge at lambda 0.01 converges slowly: a change-based stop at 1e-22 leaves 1e-10; 1e-28 reaches the solve's accuracy.
        var options = problem.Options with { Alpha = 0, Thresh = 1e-28, Lambdas = [1.0, 0.1, 0.01] };
        var path = ElasticNetPath.Fit(problem.X, problem.Y, options);
        var z = problem.Standardized(options.Standardize);
        var yc = problem.Y - problem.Y.Average();
        var gram = z.TransposeThisAndMultiply(z) / problem.N;
        var rhs = z.TransposeThisAndMultiply(yc) / problem.N;
        for (var k = 0; k < path.Count; k++)
        {
            var b = (gram + (Matrix<double>.Build.DenseIdentity(problem.P) * path.Lambdas[k])).Solve(rhs);
            for (var j = 0; j < problem.P; j++)
            {
                var ours = path.Coefficients[k][j] * problem.Scale(j, options.Standardize);
                Assert.True(Math.Abs(ours - b[j]) <= 1e-10 * Math.Max(1, b.AbsoluteMaximum()), $"seed {seed} lambda {path.Lambdas[k]} feature {j}: {ours} vs closed form {b[j]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_path_is_continuous_in_lambda(int seed)
    {
        var problem = Problem.Random(seed);
        var options = problem.Options with { Thresh = Thresh };
        var lambdaMax = ElasticNetPath.LambdaMax(problem.X, problem.Y, options);
        foreach (var fraction in new[] { 0.5, 0.1, 0.03 })
        {
            var lambda = lambdaMax * fraction;
            var path = ElasticNetPath.Fit(problem.X, problem.Y, options with { Lambdas = [lambda, lambda * (1 - 1e-4), lambda * (1 - 2e-4)] });
            var d1 = Distance(path, 0, 1);
            var d2 = Distance(path, 0, 2);
            var size = Math.Max(1, path.Coefficients[0].Max(Math.Abs));
            Assert.True(d1 <= 1e-2 * size, $"seed {seed}: a 1e-4 change of lambda moved the coefficients by {d1}");
            Assert.True(Math.Abs(d2 - (2 * d1)) <= (0.1 * d2) + (1e-11 * size), $"seed {seed}: not linear at small steps: {d1} then {d2}");
        }
    }

    private static double Distance(RegularizationPath path, int a, int b) =>
        path.Coefficients[a].Zip(path.Coefficients[b], (u, v) => Math.Abs(u - v)).Max();

    /// <summary>A random problem: AR(1)-correlated features, a sparse truth, gaussian or 0/1 target.</summary>
    private sealed record Problem(Family Family, Matrix<double> X, Vector<double> Y, ElasticNetOptions Options)
    {
        public int N => X.RowCount;

        public int P => X.ColumnCount;

        public static Problem Random(int seed, Family? family = null)
        {
            var rng = new System.Random(seed);
            var fam = family ?? (seed % 2 == 0 ? Family.Gaussian : Family.Binomial);
            var wide = seed % 3 == 0;
            var n = wide ? 20 + rng.Next(10) : 40 + rng.Next(40);
            var p = wide ? 30 + rng.Next(10) : 5 + rng.Next(10);
            var rho = rng.NextDouble() * 0.8;
            var x = Matrix<double>.Build.Dense(n, p);
            for (var i = 0; i < n; i++)
            {
                double previous = 0;
                for (var j = 0; j < p; j++)
                {
                    var e = Gaussian(rng);
                    previous = j == 0 ? e : (rho * previous) + (Math.Sqrt(1 - (rho * rho)) * e);
                    x[i, j] = (previous * (1 + j % 3)) + (j % 4);
                }
            }

            var beta = Vector<double>.Build.Dense(p, j => j % 3 == 0 ? (rng.NextDouble() * 2) - 1 : 0);
            var eta = x * beta;
            var y = fam == Family.Gaussian
                ? Vector<double>.Build.Dense(n, i => eta[i] + Gaussian(rng))
                : Vector<double>.Build.Dense(n, i => rng.NextDouble() < 1 / (1 + Math.Exp(-eta[i] + eta.Average())) ? 1 : 0);
            if (fam == Family.Binomial && (y.Sum() < 3 || y.Sum() > n - 3))
            {
                y = Vector<double>.Build.Dense(n, i => i % 2);
            }

            var alphas = new[] { 1, 0.5, 0.1, 0.01 };
            var options = new ElasticNetOptions
            {
                Family = fam,
                Alpha = alphas[seed % 4],
                Standardize = seed % 5 != 0,
                LambdaMinRatio = fam == Family.Binomial && wide ? 0.1 : null,
            };
            return new Problem(fam, x, y, options);
        }

        /// <summary>Features centered and, when standardizing, divided by their standard deviation (1/n formula).</summary>
        public Matrix<double> Standardized(bool standardize)
        {
            var z = X.Clone();
            for (var j = 0; j < P; j++)
            {
                var c = X.Column(j);
                var centered = c - c.Average();
                z.SetColumn(j, standardize ? centered / Scale(j, true) : centered);
            }

            return z;
        }

        public double Scale(int j, bool standardize)
        {
            if (!standardize)
            {
                return 1;
            }

            var c = X.Column(j);
            var centered = c - c.Average();
            return Math.Sqrt(centered.DotProduct(centered) / N);
        }

        private static double Gaussian(System.Random rng) =>
            Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
    }
}
