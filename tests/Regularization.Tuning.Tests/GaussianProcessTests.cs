using System.Text.Json;
using Regularization.Tuning;

namespace Regularization.Tuning.Tests;

/// <summary>The Gaussian process and expected improvement against scikit-learn 1.2 and SciPy (Reference/generate.py).</summary>
public class GaussianProcessTests
{
    public static TheoryData<string> Cases() => new(Load().Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Posterior_and_evidence_match_scikit_learn(string name)
    {
        var c = Load().Single(x => x.Name == name);
        var kind = c.Kernel == "Rbf" ? KernelKind.Rbf : KernelKind.Matern52;
        var gp = new GaussianProcess(c.X, c.Y, new GaussianProcessKernel(kind, c.LengthScale, c.Amplitude, c.Noise));

        // Largest differences observed: log likelihood 2.4e-11 (nearly noise-free 1-D cases: log L_ii of a badly
        // conditioned Cholesky), mean 2.7e-13, std 2.2e-14, expected improvement 4.9e-14.
        Assert.Equal(c.LogMarginalLikelihood, gp.LogMarginalLikelihood, 1e-10);
        for (var i = 0; i < c.Query.Length; i++)
        {
            var (mean, std) = gp.Predict(c.Query[i]);
            Assert.Equal(c.Mean[i], mean, 1e-12);
            Assert.Equal(c.Std[i], std, 1e-13);
            var ei = GaussianProcess.ExpectedImprovement(mean, std, c.Best, c.Xi);
            Assert.Equal(c.ExpectedImprovement[i], ei, 2e-13);
        }
    }

    [Fact]
    public void Expected_improvement_by_hand()
    {
        // mu - best - xi = 0.5, sigma = 1: 0.5 Phi(0.5) + phi(0.5) = 0.5 * 0.691462461274013 + 0.3520653267642995.
        Assert.Equal((0.5 * 0.691462461274013) + 0.3520653267642995, GaussianProcess.ExpectedImprovement(1.5, 1, 1, 0), 1e-14);

        // No uncertainty: the improvement itself, or nothing.
        Assert.Equal(0.25, GaussianProcess.ExpectedImprovement(1.25, 0, 1, 0));
        Assert.Equal(0, GaussianProcess.ExpectedImprovement(0.5, 0, 1, 0));
    }

    [Fact]
    public void Fit_picks_the_largest_evidence_of_its_grid()
    {
        double[][] x = [[0.1], [0.3], [0.5], [0.7], [0.9]];
        double[] y = [0.2, 1.0, -0.4, 0.3, -1.1];
        var fitted = GaussianProcess.Fit(x, y);
        foreach (var l in new[] { 0.05, 0.2, 1.0 })
        {
            var other = new GaussianProcess(x, y, new GaussianProcessKernel(KernelKind.Matern52, l, 1, 1e-3));
            Assert.True(fitted.LogMarginalLikelihood >= other.LogMarginalLikelihood);
        }
    }

    [Fact]
    public void The_posterior_interpolates_noise_free_data()
    {
        double[][] x = [[0.0], [0.4], [1.0]];
        double[] y = [1.0, -2.0, 0.5];
        var gp = new GaussianProcess(x, y, new GaussianProcessKernel(KernelKind.Rbf, 0.3, 1, 1e-10));
        for (var i = 0; i < x.Length; i++)
        {
            var (mean, std) = gp.Predict(x[i]);
            Assert.Equal(y[i], mean, 1e-8);
            Assert.True(std < 1e-4, $"std {std} at a training input");
        }
    }

    private static List<GpCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Reference", "gp.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("Cases").Deserialize<List<GpCase>>()!;
    }

    private sealed record GpCase(
        string Name, string Kernel, double LengthScale, double Amplitude, double Noise, double[][] X, double[] Y, double[][] Query,
        double[] Mean, double[] Std, double LogMarginalLikelihood, double Best, double Xi, double[] ExpectedImprovement);
}
