using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Linear;

namespace Regularization.Cli.Tests;

/// <summary><c>regularization path</c>: the JSON contract, agreement with glmnet and the library, the SVG, and bad input.</summary>
[Collection("in-process")]
public sealed class PathTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Json_has_exactly_the_documented_fields_with_folds()
    {
        var csv = WriteCsv("g.csv", Gaussian(60, 5, 1));
        var result = CliRunner.Run("path", csv, "--folds", "5", "--nlambda", "12", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.Out);
        var root = doc.RootElement;
        Assert.Equal(
            ["Lambdas", "Intercepts", "Coefficients", "Nonzero", "CvMean", "CvSe", "LambdaMin", "Lambda1Se", "Seconds"],
            root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(12, root.GetProperty("Lambdas").GetArrayLength());
        Assert.Equal(12, root.GetProperty("Intercepts").GetArrayLength());
        Assert.All(root.GetProperty("Coefficients").EnumerateArray(), c => Assert.Equal(5, c.GetArrayLength()));
        Assert.Equal(0, root.GetProperty("Nonzero")[0].GetInt32());
        Assert.Equal(12, root.GetProperty("CvMean").GetArrayLength());
        Assert.Equal(12, root.GetProperty("CvSe").GetArrayLength());
        var lambdas = root.GetProperty("Lambdas").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Contains(root.GetProperty("LambdaMin").GetDouble(), lambdas);
        Assert.True(root.GetProperty("Lambda1Se").GetDouble() >= root.GetProperty("LambdaMin").GetDouble());
        Assert.InRange(root.GetProperty("Seconds").GetDouble(), 0, 60);
        Assert.Equal(string.Empty, result.Err);
    }

    [Fact]
    public void Json_without_folds_has_no_cv_fields_and_null_choices()
    {
        var csv = WriteCsv("g.csv", Gaussian(30, 3, 2));
        var result = CliRunner.Run("path", csv, "--nlambda", "5", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.Out);
        var root = doc.RootElement;
        Assert.Equal(["Lambdas", "Intercepts", "Coefficients", "Nonzero", "LambdaMin", "Lambda1Se", "Seconds"], root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("LambdaMin").ValueKind);
    }

    [Fact]
    public void Matches_glmnet_on_the_reference_problem_in_the_csv_column_order()
    {
        // gaussian_tall, alpha 0.5, standardized, from Reference/paths.json (glmnet 4.1-6, thresh 1e-30). The target is
        // put first, so --target must find it and the coefficients must come back in the features' column order.
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "paths.json")));
        var data = doc.RootElement.GetProperty("datasets").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "gaussian_tall");
        var fit = doc.RootElement.GetProperty("fits").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "gaussian_tall_a0.5_std");
        var x = data.GetProperty("x").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var y = data.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var p = x[0].Length;
        var lines = new List<string> { "target," + string.Join(',', Enumerable.Range(0, p).Select(j => $"f{j}")) };
        lines.AddRange(x.Select((row, i) => string.Join(',', new[] { y[i].ToString("R", CultureInfo.InvariantCulture) }.Concat(row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))));
        var csv = _folder.File("ref.csv");
        File.WriteAllLines(csv, lines);
        var lambdas = fit.GetProperty("lambdas").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var result = CliRunner.Run("path", csv, "--target", "target", "--alpha", "0.5", "--thresh", "1e-24", "--json",
            "--lambdas", string.Join(',', lambdas.Select(l => l.ToString("R", CultureInfo.InvariantCulture))));
        Assert.True(result.ExitCode == 0, result.ToString());
        using var ours = JsonDocument.Parse(result.Out);
        var coefficients = ours.RootElement.GetProperty("Coefficients");
        var intercepts = ours.RootElement.GetProperty("Intercepts");
        var glmnet = fit.GetProperty("coefficients");
        var glmnetIntercepts = fit.GetProperty("intercepts");
        Assert.Equal(lambdas.Length, coefficients.GetArrayLength());
        for (var k = 0; k < lambdas.Length; k++)
        {
            var theirs = glmnet[k].EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var mine = coefficients[k].EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var scale = Math.Max(1, theirs.Max(Math.Abs));
            Assert.InRange(Math.Abs(intercepts[k].GetDouble() - glmnetIntercepts[k].GetDouble()) / scale, 0, 1e-9);
            for (var j = 0; j < p; j++)
            {
                Assert.InRange(Math.Abs(mine[j] - theirs[j]) / scale, 0, 1e-9);
                Assert.Equal(theirs[j] == 0, mine[j] == 0);
            }
        }
    }

    [Fact]
    public void Binomial_with_fold_ids_equals_the_library_with_the_same_folds()
    {
        var (x, y) = Binomial(80, 4, 3);
        var csv = WriteCsv("b.csv", (x, y));
        var ids = _folder.File("folds.txt");
        File.WriteAllLines(ids, Enumerable.Range(0, 80).Select(i => ((i % 4) + 1).ToString(CultureInfo.InvariantCulture)));
        var result = CliRunner.Run("path", csv, "--family", "binomial", "--alpha", "0.5", "--nlambda", "10", "--fold-ids", ids, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = CrossValidation.Run(x, y, new ElasticNetOptions { Family = Family.Binomial, Alpha = 0.5, LambdaCount = 10 }, Folds.RowModulo(80, 4));
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Equal(expected.CvMean, doc.RootElement.GetProperty("CvMean").EnumerateArray().Select(v => v.GetDouble()).ToArray());
        Assert.Equal(expected.LambdaMin, doc.RootElement.GetProperty("LambdaMin").GetDouble());
        Assert.Equal(expected.Path.Coefficients[^1], doc.RootElement.GetProperty("Coefficients")[9].EnumerateArray().Select(v => v.GetDouble()).ToArray());
    }

    [Fact]
    public void Folds_with_a_seed_are_the_librarys_shuffled_folds_and_without_it_row_mod_k()
    {
        var (x, y) = Gaussian(50, 3, 7);
        var csv = WriteCsv("s.csv", (x, y));
        var options = new ElasticNetOptions { LambdaCount = 8 };
        foreach (var (args, folds) in new[] { ((string[])["--seed", "3"], Folds.Shuffled(50, 5, 3)), ([], Folds.RowModulo(50, 5)) })
        {
            var result = CliRunner.Run(["path", csv, "--folds", "5", "--nlambda", "8", "--json", .. args]);
            Assert.True(result.ExitCode == 0, result.ToString());
            using var doc = JsonDocument.Parse(result.Out);
            var expected = CrossValidation.Run(x, y, options, folds);
            Assert.Equal(expected.CvSe, doc.RootElement.GetProperty("CvSe").EnumerateArray().Select(v => v.GetDouble()).ToArray());
        }
    }

    [Fact]
    public void Plot_writes_an_svg_with_coefficient_paths_error_bars_and_both_lambdas_marked()
    {
        var csv = WriteCsv("g.csv", Gaussian(60, 4, 4));
        var svg = _folder.File("path.svg");
        var result = CliRunner.Run("path", csv, "--folds", "5", "--nlambda", "15", "--plot", svg);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("lambda.min", result.Out, StringComparison.Ordinal);
        var doc = XDocument.Load(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Contains(doc.Descendants(ns + "g"), g => (string?)g.Attribute("class") == "coefficient");
        Assert.Equal(2, doc.Descendants(ns + "line").Count(l => (string?)l.Attribute("class") == "lambda-min"));
        Assert.Equal(2, doc.Descendants(ns + "line").Count(l => (string?)l.Attribute("class") == "lambda-1se"));
        Assert.Equal(15, doc.Descendants(ns + "circle").Count());
    }

    [Theory]
    [InlineData("ragged", ExitCodes.Data, "line 3: 2 fields, but the header has 3 columns")]
    [InlineData("text", ExitCodes.Data, "column 'b': 'abc' is not a finite number")]
    [InlineData("constant", ExitCodes.Data, "the target 'y' is constant (1 in every row)")]
    [InlineData("one-fold", ExitCodes.Usage, "--folds must be a whole number >= 2, not 1")]
    [InlineData("empty", ExitCodes.Data, "the file is empty")]
    [InlineData("missing", ExitCodes.Data, "cannot read the file")]
    [InlineData("both-standardize", ExitCodes.Usage, "--standardize and --no-standardize cannot go together")]
    [InlineData("target", ExitCodes.Usage, "--target nope: no such column")]
    [InlineData("alpha", ExitCodes.Usage, "--alpha must be in [0, 1]")]
    [InlineData("lambdas", ExitCodes.Usage, "--lambdas must decrease")]
    public void Bad_input_gives_one_line_and_the_documented_exit_code(string what, int code, string message)
    {
        var csv = _folder.File(what + ".csv");
        string[] lines = what switch
        {
            "ragged" => ["a,b,y", "1,2,3", "4,5"],
            "text" => ["a,b,y", "1,2,3", "4,abc,6"],
            "constant" => ["a,b,y", "1,2,1", "4,5,1", "7,8,1"],
            "empty" => [],
            _ => ["a,b,y", "1,2,0", "4,5,1", "7,8,0", "1,3,1"],
        };
        if (what != "missing")
        {
            File.WriteAllLines(csv, lines);
        }

        string[] extra = what switch
        {
            "constant" => ["--family", "binomial"],
            "one-fold" => ["--folds", "1"],
            "both-standardize" => ["--standardize", "--no-standardize"],
            "target" => ["--target", "nope"],
            "alpha" => ["--alpha", "1.5"],
            "lambdas" => ["--lambdas", "0.1,0.2"],
            _ => [],
        };
        var result = CliRunner.Run(["path", csv, .. extra]);
        Assert.Equal(code, result.ExitCode);
        Assert.Single(result.ErrLines);
        Assert.StartsWith("error: ", result.Err, StringComparison.Ordinal);
        Assert.Contains(message, result.Err, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    private string WriteCsv(string name, (Matrix<double> X, Vector<double> Y) data)
    {
        var path = _folder.File(name);
        var lines = new List<string> { string.Join(',', Enumerable.Range(0, data.X.ColumnCount).Select(j => $"x{j}").Append("y")) };
        for (var i = 0; i < data.X.RowCount; i++)
        {
            lines.Add(string.Join(',', data.X.Row(i).Append(data.Y[i]).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }

        File.WriteAllLines(path, lines);
        return path;
    }

    private static (Matrix<double> X, Vector<double> Y) Gaussian(int n, int p, int seed)
    {
        var rng = new Random(seed);
        var x = Matrix<double>.Build.Dense(n, p, (_, _) => Math.Round((rng.NextDouble() * 4) - 2, 3));
        var y = Vector<double>.Build.Dense(n, i => Math.Round((2 * x[i, 0]) - x[i, p - 1] + rng.NextDouble(), 3));
        return (x, y);
    }

    private static (Matrix<double> X, Vector<double> Y) Binomial(int n, int p, int seed)
    {
        var rng = new Random(seed);
        var x = Matrix<double>.Build.Dense(n, p, (_, _) => Math.Round((rng.NextDouble() * 4) - 2, 3));
        var y = Vector<double>.Build.Dense(n, i => rng.NextDouble() < 1 / (1 + Math.Exp(-2 * x[i, 0])) ? 1 : 0);
        return (x, y);
    }
}
