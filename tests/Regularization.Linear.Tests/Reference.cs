using System.Text.Json;
using Regularization.Linear;

namespace Regularization.Linear.Tests;

/// <summary>One problem of Reference/paths.json.</summary>
internal sealed record RefDataset(string Name, Family Family, Matrix<double> X, Vector<double> Y, double[] Weights, double[] PenaltyFactors)
{
    public bool Plain => Weights.All(w => w == 1) && PenaltyFactors.All(v => v == 1);
}

/// <summary>One peer's path.</summary>
internal sealed record RefFit(
    string Name, string Peer, string Dataset, Family Family, double Alpha, bool Standardize, bool Intercept,
    double? LambdaMinRatio, double[] Lambdas, double[] Intercepts, double[][] Coefficients, double[]? DevRatio)
{
    public override string ToString() => Name;
}

/// <summary>One cross-validation of cv.glmnet with fold ids row mod K.</summary>
internal sealed record RefCv(string Fit, string Measure, int Folds, double[] Lambdas, double[] Cvm, double[] Cvsd, double LambdaMin, double Lambda1Se);

/// <summary>Reads Reference/paths.json (written by Reference/generate.py, which runs glmnet and scikit-learn).</summary>
internal static class Reference
{
    private static readonly Lazy<(Dictionary<string, RefDataset> Data, List<RefFit> Fits, List<RefCv> Cvs, JsonElement Versions)> Loaded = new(Load);

    public static IReadOnlyDictionary<string, RefDataset> Datasets => Loaded.Value.Data;

    public static IReadOnlyList<RefFit> Fits => Loaded.Value.Fits;

    public static IReadOnlyList<RefCv> Cvs => Loaded.Value.Cvs;

    public static RefFit Fit(string name) => Fits.Single(f => f.Name == name);

    public static ElasticNetOptions Options(RefFit fit, double thresh)
    {
        var data = Datasets[fit.Dataset];
        return new ElasticNetOptions
        {
            Family = fit.Family,
            Alpha = fit.Alpha,
            Standardize = fit.Standardize,
            FitIntercept = fit.Intercept,
            Lambdas = fit.Lambdas,
            Weights = data.Plain ? null : data.Weights,
            PenaltyFactors = data.Plain ? null : data.PenaltyFactors,
            Thresh = thresh,
        };
    }

    private static (Dictionary<string, RefDataset>, List<RefFit>, List<RefCv>, JsonElement) Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Reference", "paths.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var data = new Dictionary<string, RefDataset>();
        foreach (var d in root.GetProperty("datasets").EnumerateArray())
        {
            var rows = d.GetProperty("x").EnumerateArray().Select(Doubles).ToArray();
            var x = Matrix<double>.Build.DenseOfRowArrays(rows);
            var name = d.GetProperty("name").GetString()!;
            data[name] = new RefDataset(
                name,
                FamilyOf(d),
                x,
                Vector<double>.Build.Dense(Doubles(d.GetProperty("y"))),
                Doubles(d.GetProperty("weights")),
                Doubles(d.GetProperty("penaltyFactors")));
        }

        var fits = new List<RefFit>();
        foreach (var f in root.GetProperty("fits").EnumerateArray())
        {
            fits.Add(new RefFit(
                f.GetProperty("name").GetString()!,
                f.GetProperty("peer").GetString()!,
                f.GetProperty("dataset").GetString()!,
                FamilyOf(f),
                f.GetProperty("alpha").GetDouble(),
                f.GetProperty("standardize").GetBoolean(),
                f.GetProperty("intercept").GetBoolean(),
                f.GetProperty("lambdaMinRatio").ValueKind == JsonValueKind.Number ? f.GetProperty("lambdaMinRatio").GetDouble() : null,
                Doubles(f.GetProperty("lambdas")),
                Doubles(f.GetProperty("intercepts")),
                f.GetProperty("coefficients").EnumerateArray().Select(Doubles).ToArray(),
                f.TryGetProperty("devRatio", out var dev) ? Doubles(dev) : null));
        }

        var cvs = new List<RefCv>();
        foreach (var c in root.GetProperty("cv").EnumerateArray())
        {
            cvs.Add(new RefCv(
                c.GetProperty("fit").GetString()!,
                c.GetProperty("measure").GetString()!,
                c.GetProperty("folds").GetInt32(),
                Doubles(c.GetProperty("lambdas")),
                Doubles(c.GetProperty("cvm")),
                Doubles(c.GetProperty("cvsd")),
                c.GetProperty("lambdaMin").GetDouble(),
                c.GetProperty("lambda1Se").GetDouble()));
        }

        return (data, fits, cvs, root.GetProperty("versions").Clone());
    }

    private static Family FamilyOf(JsonElement e) => e.GetProperty("family").GetString() == "gaussian" ? Family.Gaussian : Family.Binomial;

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
