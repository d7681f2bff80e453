using Regularization.Linear;

namespace Regularization.Linear.Tests;

/// <summary>README's "Regularization paths" quick start is this compiled code, and it does what the README says.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void Quick_start_is_the_compiled_snippet_and_finds_the_true_features()
    {
        var readme = File.ReadAllText(Path.Combine(Root(), "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var source = File.ReadAllText(Path.Combine(Root(), "tests", "Regularization.Linear.Tests", "ReadmeTests.cs")).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Equal(Snippet(source, "// begin-snippet: linear-quickstart", "// end-snippet"), Snippet(readme, "<!-- snippet: linear-quickstart -->\n```csharp", "```"));

        var (path, cv, lasso) = QuickStart();
        Assert.Equal(100, path.Count);
        Assert.Equal(path.Lambdas[cv.IndexMin], cv.LambdaMin);
        Assert.True(cv.Lambda1Se >= cv.LambdaMin);
        var chosen = cv.Path.Coefficients[cv.Index1Se];
        Assert.True(chosen[0] > 1 && chosen[1] < -1 && chosen[3] == 0, string.Join(", ", chosen));
        Assert.Equal(0.05 * (1 + 0.5) / 2, lasso.Lambda, 15);
    }

    internal static (RegularizationPath Path, CrossValidatedPath Cv, ElasticNetStrengths Lasso) QuickStart()
    {
        var rng = new System.Random(1);
        var x = Matrix<double>.Build.Dense(200, 5, (_, _) => rng.NextDouble());
        var y = Vector<double>.Build.Dense(200, i => (3 * x[i, 0]) - (2 * x[i, 1]) + (0.1 * rng.NextDouble()));

        // begin-snippet: linear-quickstart
        // glmnet's defaults: lasso (Alpha 1), 100 lambdas down to 1e-4 * lambda_max, standardized features.
        var path = ElasticNetPath.Fit(x, y, new ElasticNetOptions { Alpha = 1 });
        Console.WriteLine($"lambda_max {path.LambdaMax:G4}: {path.Nonzero[^1]} nonzero at the smallest lambda");

        // 10-fold cross-validation (row i in fold i mod 10), lambda.min and lambda.1se, refit on all rows.
        var cv = CrossValidation.Run(x, y, new ElasticNetOptions(), Folds.RowModulo(x.RowCount, 10));
        double[] coefficients = cv.Path.Coefficients[cv.Index1Se];   // exact zeros for dropped features
        Console.WriteLine($"lambda.min {cv.LambdaMin:G4}, lambda.1se {cv.Lambda1Se:G4}: {string.Join(", ", coefficients)}");

        // scikit-learn's ElasticNet(alpha=0.05, l1_ratio=0.5) as this library's penalty or proximal step.
        var s = Conventions.FromSklearnElasticNet(alpha: 0.05, l1Ratio: 0.5);
        var step = Transforms.ProximalElasticNet(s.Lambda, s.L1Ratio, Schedule.Constant(0.1));
        // end-snippet
        _ = step;
        return (path, cv, s);
    }

    private static string Snippet(string text, string start, string end)
    {
        var at = text.LastIndexOf(start, StringComparison.Ordinal);   // the last: this file names the marker earlier too
        Assert.True(at >= 0, $"'{start}' not found");
        var body = text[(at + start.Length)..];
        body = body[..body.IndexOf(end, StringComparison.Ordinal)];
        var lines = body.Split('\n').Where(l => l.Trim().Length > 0).ToArray();
        var indent = lines.Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l[indent..].TrimEnd()));
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Regularization.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Regularization.sln not found above " + AppContext.BaseDirectory);
    }
}
