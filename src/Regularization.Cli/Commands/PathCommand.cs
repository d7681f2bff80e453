using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Cli.Output;
using Regularization.Linear;

namespace Regularization.Cli.Commands;

/// <summary>
/// <c>regularization path FILE.csv</c>: an elastic-net regularization path (glmnet's objective and defaults) for a
/// numeric CSV, optionally cross-validated, as a table, JSON, and an SVG with glmnet's two plots.
/// </summary>
internal static class PathCommand
{
    public static Command Create(CliHost host)
    {
        var file = new Argument<string>("file") { Description = "CSV file: a header row of column names, then rows of numbers separated by commas." };
        var target = new Option<string?>("--target") { Description = "The target column's name; default: the last column.", HelpName = "name" };
        var family = Options.Choice("--family", "Model: gaussian (least squares) or binomial (logistic; the target has two values, the larger is class 1)", "gaussian", "gaussian", "binomial");
        var alpha = Options.Double("--alpha", "Elastic-net mixing in [0, 1]: 1 lasso, 0 ridge (penalty lambda * (alpha*|b|_1 + (1-alpha)/2*||b||^2)).", 1, positive: false);
        var lambdas = new Option<string?>("--lambdas") { Description = "Explicit lambdas, comma-separated, decreasing (instead of --nlambda/--lambda-min-ratio).", HelpName = "x,y,..." };
        var nlambda = Options.Int("--nlambda", "Number of lambdas from lambda_max down (glmnet's nlambda).", 100, 1, 100_000);
        var minRatio = new Option<string?>("--lambda-min-ratio") { Description = "Smallest lambda / lambda_max; default glmnet's: 1e-4 when rows > features, else 0.01.", HelpName = "x" };
        var standardize = Options.Flag("--standardize", "Scale features to unit variance before fitting (the default, as glmnet).");
        var noStandardize = Options.Flag("--no-standardize", "Fit the features as they are (scikit-learn's behaviour).");
        var noIntercept = Options.Flag("--no-intercept", "Fit no intercept.");
        var folds = Options.OptionalInt("--folds", "Cross-validate with K folds: row i goes to fold i mod K (or shuffled with --seed).", 2);
        var foldIds = Options.Path("--fold-ids", "Cross-validate with these folds: a file with one whole number per row of the CSV (each distinct number is a fold).", "file");
        var seed = new Option<ulong?>("--seed") { Description = "Shuffle the --folds assignment with this seed (default: row mod K, no shuffle).", HelpName = "n" };
        var thresh = Options.Double("--thresh", "Convergence threshold (glmnet's thresh): stop when no coefficient moves by more than thresh * null deviance in squared weighted terms.", 1e-7, positive: true);
        var solver = Options.Choice("--solver", "Solver: cd (coordinate descent, glmnet's) or fista (accelerated proximal gradient)", "cd", "cd", "fista");
        var json = Options.Json("the path (Lambdas, Intercepts, Coefficients, Nonzero, CvMean, CvSe, LambdaMin, Lambda1Se, Seconds)");
        var plot = Options.SvgPath("--plot", "Write an SVG of the coefficient paths against log(lambda) and the cross-validation curve with error bars (lambda.min and lambda.1se marked).");
        var command = new Command(
            "path",
            "Fit an elastic-net regularization path (glmnet's objective and defaults: 100 lambdas from lambda_max, standardized features, " +
            "unpenalized intercept) to a numeric CSV; with --folds or --fold-ids, cross-validate and choose lambda.min and lambda.1se.");
        command.Add(file);
        foreach (var option in new Option[] { target, family, alpha, lambdas, nlambda, minRatio, standardize, noStandardize, noIntercept, folds, foldIds, seed, thresh, solver, json, plot })
        {
            command.Add(option);
        }

        command.SetAction(parse =>
        {
            if (parse.GetValue(standardize) && parse.GetValue(noStandardize))
            {
                throw CliException.Usage("--standardize and --no-standardize cannot go together.");
            }

            if (parse.GetValue(folds) is not null && parse.GetValue(foldIds) is not null)
            {
                throw CliException.Usage("--folds and --fold-ids cannot go together: the fold-ids file already says the folds.");
            }

            var a = parse.GetValue(alpha);
            if (a > 1)
            {
                throw CliException.Usage($"--alpha must be in [0, 1], not {a.ToString(CultureInfo.InvariantCulture)}.");
            }

            var options = new ElasticNetOptions
            {
                Family = parse.GetValue(family) == "binomial" ? Family.Binomial : Family.Gaussian,
                Alpha = a,
                Lambdas = ParseLambdas(parse.GetValue(lambdas)),
                LambdaCount = parse.GetValue(nlambda),
                LambdaMinRatio = ParseRatio(parse.GetValue(minRatio)),
                Standardize = !parse.GetValue(noStandardize),
                FitIntercept = !parse.GetValue(noIntercept),
                Thresh = parse.GetValue(thresh),
                Solver = parse.GetValue(solver) == "fista" ? PathSolver.Fista : PathSolver.CoordinateDescent,
            };
            return Execute(host, parse.GetValue(file)!, parse.GetValue(target), options, parse.GetValue(folds), parse.GetValue(foldIds), parse.GetValue(seed), parse.GetValue(json), parse.GetValue(plot));
        });
        return command;
    }

    private static int Execute(
        CliHost host, string file, string? targetName, ElasticNetOptions options, int? folds, string? foldIdsPath, ulong? seed, bool json, string? plotPath)
    {
        if (plotPath is not null)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(plotPath));
            if (folder is null || !Directory.Exists(folder))
            {
                throw new CliException(ExitCodes.Output, $"--plot {plotPath}: the folder {folder} does not exist.");
            }
        }

        var table = CsvTable.Read(file);
        var targetIndex = targetName is null ? table.Columns.Count - 1 : IndexOf(table, targetName);
        var features = Enumerable.Range(0, table.Columns.Count).Where(j => j != targetIndex).ToArray();
        var n = table.Rows.Length;
        var x = Matrix<double>.Build.Dense(n, features.Length, (i, j) => table.Rows[i][features[j]]);
        var y = Vector<double>.Build.Dense(n, i => table.Rows[i][targetIndex]);
        var classes = string.Empty;
        if (options.Family == Family.Binomial)
        {
            (y, classes) = Binary(y, table.Columns[targetIndex], file);
        }

        int[]? ids = null;
        if (foldIdsPath is not null)
        {
            ids = ReadFoldIds(foldIdsPath, n);
        }
        else if (folds is { } k)
        {
            if (k > n)
            {
                throw CliException.Usage($"--folds {k}: the CSV has only {n} rows.");
            }

            ids = seed is { } s ? Folds.Shuffled(n, k, s) : Folds.RowModulo(n, k);
        }

        RegularizationPath path;
        CrossValidatedPath? cv = null;
        var clock = Stopwatch.StartNew();
        try
        {
            if (ids is not null)
            {
                cv = CrossValidation.Run(x, y, options, ids);
                path = cv.Path;
            }
            else
            {
                path = ElasticNetPath.Fit(x, y, options);
            }
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.Data, $"data: {file}: {e.Message.Split(" (Parameter", 2)[0].TrimEnd('.')}.");
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var names = features.Select(j => table.Columns[j]).ToArray();
        if (plotPath is not null)
        {
            var subtitle = $"{Path.GetFileName(file)}: {options.Family.ToString().ToLowerInvariant()}, alpha {Text.Py(options.Alpha)}, n {n}, p {names.Length}";
            try
            {
                File.WriteAllText(plotPath, PathChart.Render("Regularization path", subtitle, path, cv, names));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.Output, $"--plot {plotPath}: {e.Message}");
            }
        }

        if (json)
        {
            var document = new JsonObject
            {
                ["Lambdas"] = Array(path.Lambdas),
                ["Intercepts"] = Array(path.Intercepts),
                ["Coefficients"] = new JsonArray(path.Coefficients.Select(c => (JsonNode?)Array(c)).ToArray()),
                ["Nonzero"] = new JsonArray(path.Nonzero.Select(v => (JsonNode?)v).ToArray()),
            };
            if (cv is not null)
            {
                document["CvMean"] = Array(cv.CvMean);
                document["CvSe"] = Array(cv.CvSe);
            }

            document["LambdaMin"] = cv?.LambdaMin;
            document["Lambda1Se"] = cv?.Lambda1Se;
            document["Seconds"] = seconds;
            host.Out.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Success;
        }

        WriteText(host, file, table.Columns[targetIndex], classes, options, path, cv, names, seconds, plotPath);
        return ExitCodes.Success;
    }

    private static void WriteText(
        CliHost host, string file, string target, string classes, ElasticNetOptions options, RegularizationPath path, CrossValidatedPath? cv, string[] names, double seconds, string? plotPath)
    {
        var o = host.Out;
        o.WriteLine($"{Path.GetFileName(file)}: {path.Coefficients[0].Length} features, target '{target}'{classes}, {options.Family.ToString().ToLowerInvariant()}, alpha {Text.Py(options.Alpha)}, " +
                    $"{(options.Standardize ? "standardized" : "not standardized")}, {(options.FitIntercept ? "intercept" : "no intercept")}, {(options.Solver == PathSolver.Fista ? "FISTA" : "coordinate descent")}");
        o.WriteLine($"lambda_max {Text.Sci(path.LambdaMax)}, {Text.Count(path.Count, "lambda")}, thresh {Text.Sci(options.Thresh)}, fitted in {Text.F(seconds, 3)} s" +
                    (cv is null ? string.Empty : $" with {cv.FoldCount}-fold cross-validation ({cv.Measure})"));
        var rows = new List<IReadOnlyList<string>>();
        for (var k = 0; k < path.Count; k++)
        {
            var mark = cv is null ? string.Empty : k == cv.IndexMin && k == cv.Index1Se ? "min,1se" : k == cv.IndexMin ? "min" : k == cv.Index1Se ? "1se" : string.Empty;
            var row = new List<string> { k.ToString(CultureInfo.InvariantCulture), path.Lambdas[k].ToString("G4", CultureInfo.InvariantCulture), path.Nonzero[k].ToString(CultureInfo.InvariantCulture), Text.F(path.DevianceRatios[k], 4) };
            if (cv is not null)
            {
                row.Add(cv.CvMean[k].ToString("G6", CultureInfo.InvariantCulture));
                row.Add(cv.CvSe[k].ToString("G4", CultureInfo.InvariantCulture));
                row.Add(mark);
            }

            rows.Add(row);
        }

        var header = cv is null ? new[] { "#", "lambda", "nonzero", "dev.ratio" } : new[] { "#", "lambda", "nonzero", "dev.ratio", "cv mean", "cv se", "" };
        foreach (var line in Text.Table(header, rows, new HashSet<int> { 0, 1, 2, 3, 4, 5 }))
        {
            o.WriteLine(line);
        }

        var chosen = cv?.IndexMin ?? path.Count - 1;
        o.WriteLine();
        if (cv is not null)
        {
            o.WriteLine($"lambda.min {Text.Sci(cv.LambdaMin)} (#{cv.IndexMin}, {Text.Count(path.Nonzero[cv.IndexMin], "nonzero")}), lambda.1se {Text.Sci(cv.Lambda1Se)} (#{cv.Index1Se}, {Text.Count(path.Nonzero[cv.Index1Se], "nonzero")})");
        }

        o.WriteLine($"Coefficients at {(cv is null ? "the smallest lambda" : "lambda.min")} (original scale; the rest are exactly 0): intercept {path.Intercepts[chosen].ToString("G8", CultureInfo.InvariantCulture)}");
        for (var j = 0; j < names.Length; j++)
        {
            if (path.Coefficients[chosen][j] != 0)
            {
                o.WriteLine($"  {names[j]} {path.Coefficients[chosen][j].ToString("G8", CultureInfo.InvariantCulture)}");
            }
        }

        if (plotPath is not null)
        {
            o.WriteLine($"Chart: {plotPath}");
        }
    }

    private static JsonArray Array(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)v).ToArray());

    private static int IndexOf(CsvTable table, string name)
    {
        for (var j = 0; j < table.Columns.Count; j++)
        {
            if (string.Equals(table.Columns[j], name, StringComparison.Ordinal))
            {
                return j;
            }
        }

        throw CliException.Usage($"--target {name}: no such column in {table.Path} (columns: {string.Join(", ", table.Columns)}).");
    }

    private static (Vector<double> Y, string Classes) Binary(Vector<double> y, string name, string file)
    {
        var values = y.Distinct().Order().ToArray();
        if (values.Length == 1)
        {
            throw new CliException(ExitCodes.Data, $"data: {file}: the target '{name}' is constant ({Text.Py(values[0])} in every row); --family binomial needs two classes.");
        }

        if (values.Length > 2)
        {
            throw new CliException(ExitCodes.Data, $"data: {file}: the target '{name}' has {values.Length} distinct values; --family binomial needs exactly two.");
        }

        var one = values[1];
        var classes = values[0] == 0 && one == 1 ? string.Empty : $" (class 1 = {Text.Py(one)}, class 0 = {Text.Py(values[0])})";
        return (y.Map(v => v == one ? 1.0 : 0.0), classes);
    }

    private static int[] ReadFoldIds(string path, int n)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Data, $"data: --fold-ids {path}: cannot read the file ({e.Message.TrimEnd('.')}).");
        }

        var ids = new List<int>();
        for (var i = 0; i < lines.Length; i++)
        {
            var text = lines[i].Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id))
            {
                throw new CliException(ExitCodes.Data, $"data: --fold-ids {path} line {i + 1}: '{text}' is not a whole number.");
            }

            ids.Add(id);
        }

        if (ids.Count != n)
        {
            throw new CliException(ExitCodes.Data, $"data: --fold-ids {path}: {ids.Count} fold ids for {n} rows of the CSV.");
        }

        var distinct = ids.Distinct().Count();
        if (distinct < 2)
        {
            throw new CliException(ExitCodes.Data, $"data: --fold-ids {path}: {distinct} fold; cross-validation needs at least 2.");
        }

        return ids.ToArray();
    }

    private static double[]? ParseLambdas(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw CliException.Usage("--lambdas needs at least one number.");
        }

        var values = new double[parts.Length];
        for (var k = 0; k < parts.Length; k++)
        {
            if (!double.TryParse(parts[k], NumberStyles.Float, CultureInfo.InvariantCulture, out values[k]) || !double.IsFinite(values[k]) || values[k] < 0)
            {
                throw CliException.Usage($"--lambdas: '{parts[k]}' is not a finite number >= 0.");
            }

            if (k > 0 && values[k] > values[k - 1])
            {
                throw CliException.Usage($"--lambdas must decrease: {parts[k]} follows {parts[k - 1]}.");
            }
        }

        return values;
    }

    private static double? ParseRatio(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0 && value <= 1))
        {
            throw CliException.Usage($"--lambda-min-ratio must be in (0, 1], not '{text}'.");
        }

        return value;
    }
}
