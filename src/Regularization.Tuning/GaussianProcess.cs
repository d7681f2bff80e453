using System.Diagnostics.Contracts;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Regularization.Tuning;

/// <summary>The covariance function of a <see cref="GaussianProcess"/>.</summary>
public enum KernelKind
{
    /// <summary>Matern with nu = 5/2: <c>a (1 + sqrt(5) r / l + 5 r^2 / (3 l^2)) exp(-sqrt(5) r / l)</c> (scikit-optimize's default).</summary>
    Matern52,

    /// <summary>Squared exponential (RBF): <c>a exp(-r^2 / (2 l^2))</c>.</summary>
    Rbf,
}

/// <summary>The hyperparameters of a Gaussian process: kernel, length scale l, amplitude a and noise variance.</summary>
/// <param name="Kernel">The covariance function.</param>
/// <param name="LengthScale">l &gt; 0 (one for all inputs: the inputs are positions in the unit cube).</param>
/// <param name="Amplitude">a &gt; 0, the prior variance of the function.</param>
/// <param name="Noise">The noise variance added to the diagonal of the training covariance (scikit-learn's <c>alpha</c>), &gt; 0.</param>
public sealed record GaussianProcessKernel(KernelKind Kernel, double LengthScale, double Amplitude, double Noise)
{
    /// <summary>The covariance of two inputs (without the noise).</summary>
    /// <param name="x">An input.</param>
    /// <param name="y">Another input of the same length.</param>
    /// <returns><c>k(x, y)</c>.</returns>
    [Pure]
    public double Covariance(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        double r2 = 0;
        for (var i = 0; i < x.Count; i++)
        {
            var d = x[i] - y[i];
            r2 += d * d;
        }

        if (Kernel == KernelKind.Rbf)
        {
            return Amplitude * Math.Exp(-r2 / (2 * LengthScale * LengthScale));
        }

        var s = Math.Sqrt(5 * r2) / LengthScale;
        return Amplitude * (1 + s + (s * s / 3)) * Math.Exp(-s);
    }
}

/// <summary>
/// Gaussian-process regression with a fixed kernel (Rasmussen and Williams 2006, algorithm 2.1): the Cholesky factor
/// <c>L L^T = K + noise I</c> of the training covariance (MathNet), <c>alpha = K^-1 y</c>, the posterior mean
/// <c>k*^T alpha</c>, the posterior standard deviation <c>sqrt(k(x, x) - v^T v)</c> with <c>v = L^-1 k*</c> (of the latent
/// function, without the noise), and the log marginal likelihood <c>-y^T alpha / 2 - sum log L_ii - n log(2 pi) / 2</c>.
/// The numbers are scikit-learn's <c>GaussianProcessRegressor(kernel, alpha=noise, optimizer=None)</c> (the tests compare them).
/// </summary>
/// <remarks>
/// <see cref="Fit(IReadOnlyList{double[]}, IReadOnlyList{double}, KernelKind)"/> chooses the hyperparameters by the
/// largest log marginal likelihood over a small fixed grid (deterministic, no optimizer restarts).
/// Instances are immutable.
/// <example>
/// <code>
/// double[][] x = [[0.0], [0.5], [1.0]];
/// double[] y = [1.0, 2.0, 1.5];
/// var gp = new GaussianProcess(x, y, new GaussianProcessKernel(KernelKind.Matern52, 0.5, 1.0, 1e-6));
/// var (mean, std) = gp.Predict([0.25]);
/// </code>
/// </example>
/// </remarks>
public sealed class GaussianProcess
{
    private static readonly double[] LengthScales = [0.02, 0.04, 0.07, 0.1, 0.15, 0.2, 0.3, 0.45, 0.7, 1.0, 1.5, 2.5];
    private static readonly double[] Amplitudes = [0.25, 0.5, 1, 2, 4];
    private static readonly double[] Noises = [1e-6, 1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3];
    private readonly double[][] _x;
    private readonly Matrix<double> _lower;
    private readonly Vector<double> _alpha;

    /// <summary>Fits the posterior for a fixed kernel.</summary>
    /// <param name="x">The training inputs, all of the same length, at least one.</param>
    /// <param name="y">One finite target per input.</param>
    /// <param name="kernel">The kernel.</param>
    /// <exception cref="ArgumentException">The inputs are empty or ragged, a target is not finite, or the kernel's values are not positive.</exception>
    public GaussianProcess(IReadOnlyList<double[]> x, IReadOnlyList<double> y, GaussianProcessKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(kernel);
        if (x.Count == 0 || x.Count != y.Count)
        {
            throw new ArgumentException($"A Gaussian process needs at least one input and one target per input ({x.Count} inputs, {y.Count} targets).", nameof(x));
        }

        if (x.Any(row => row is null || row.Length != x[0].Length))
        {
            throw new ArgumentException("Every input must have the same length.", nameof(x));
        }

        if (y.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("Every target must be finite.", nameof(y));
        }

        if (!(kernel.LengthScale > 0 && kernel.Amplitude > 0 && kernel.Noise > 0) || !double.IsFinite(kernel.LengthScale + kernel.Amplitude + kernel.Noise))
        {
            throw new ArgumentException("The length scale, amplitude and noise must be finite and > 0.", nameof(kernel));
        }

        Kernel = kernel;
        _x = x.Select(r => (double[])r.Clone()).ToArray();
        var n = _x.Length;
        var k = Matrix<double>.Build.Dense(n, n, (i, j) => kernel.Covariance(_x[i], _x[j]) + (i == j ? kernel.Noise : 0));
        var cholesky = k.Cholesky();
        _lower = cholesky.Factor;
        var target = Vector<double>.Build.Dense(y.ToArray());
        _alpha = cholesky.Solve(target);
        double logDiagonal = 0;
        for (var i = 0; i < n; i++)
        {
            logDiagonal += Math.Log(_lower[i, i]);
        }

        LogMarginalLikelihood = (-0.5 * target.DotProduct(_alpha)) - logDiagonal - (0.5 * n * Math.Log(2 * Math.PI));
    }

    /// <summary>The kernel.</summary>
    public GaussianProcessKernel Kernel { get; }

    /// <summary>The log marginal likelihood of the training targets, <c>log p(y | X)</c>.</summary>
    public double LogMarginalLikelihood { get; }

    /// <summary>
    /// Fits a process whose kernel maximizes the log marginal likelihood over a fixed grid of length scales
    /// (0.02 to 2.5), amplitudes (0.25 to 4) and noise variances (1e-6 to 0.3); the first maximum in grid order wins.
    /// Meant for standardized targets (mean 0, variance 1) on inputs in the unit cube.
    /// </summary>
    /// <param name="x">The training inputs.</param>
    /// <param name="y">The targets.</param>
    /// <param name="kind">The covariance function.</param>
    /// <returns>The fitted process.</returns>
    [Pure]
    public static GaussianProcess Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, KernelKind kind = KernelKind.Matern52)
    {
        GaussianProcess? best = null;
        foreach (var l in LengthScales)
        {
            foreach (var a in Amplitudes)
            {
                foreach (var noise in Noises)
                {
                    GaussianProcess gp;
                    try
                    {
                        gp = new GaussianProcess(x, y, new GaussianProcessKernel(kind, l, a, noise));
                    }
                    catch (ArgumentException)
                    {
                        // MathNet's Cholesky refuses a covariance that rounding made indefinite: skip that grid point.
                        continue;
                    }

                    if (best is null || gp.LogMarginalLikelihood > best.LogMarginalLikelihood)
                    {
                        best = gp;
                    }
                }
            }
        }

        return best ?? throw new ArgumentException("No kernel of the grid gives a positive definite covariance.", nameof(x));
    }

    /// <summary>The posterior mean and standard deviation of the latent function at <paramref name="x"/>.</summary>
    /// <param name="x">An input of the training inputs' length.</param>
    /// <returns>Mean and standard deviation (&gt;= 0).</returns>
    [Pure]
    public (double Mean, double StandardDeviation) Predict(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var n = _x.Length;
        var kStar = Vector<double>.Build.Dense(n, i => Kernel.Covariance(_x[i], x));
        var mean = kStar.DotProduct(_alpha);
        var v = _lower.SolveLower(kStar);
        var variance = Kernel.Covariance(x, x) - v.DotProduct(v);
        return (mean, Math.Sqrt(Math.Max(variance, 0)));
    }

    /// <summary>
    /// Expected improvement over <paramref name="best"/> for a maximized score:
    /// <c>EI = (mu - best - xi) Phi(z) + sigma phi(z)</c> with <c>z = (mu - best - xi) / sigma</c>; <c>max(mu - best - xi, 0)</c> when sigma is 0.
    /// </summary>
    /// <param name="mean">The posterior mean mu.</param>
    /// <param name="standardDeviation">The posterior standard deviation sigma, &gt;= 0.</param>
    /// <param name="best">The best score seen.</param>
    /// <param name="xi">The exploration margin, &gt;= 0.</param>
    /// <returns>The expected improvement, &gt;= 0.</returns>
    [Pure]
    public static double ExpectedImprovement(double mean, double standardDeviation, double best, double xi)
    {
        var improvement = mean - best - xi;
        if (!(standardDeviation > 0))
        {
            return Math.Max(improvement, 0);
        }

        var z = improvement / standardDeviation;
        return Math.Max(0, (improvement * Normal.CDF(0, 1, z)) + (standardDeviation * Normal.PDF(0, 1, z)));
    }
}

/// <summary>Extension used by the process: a forward substitution with a lower-triangular matrix.</summary>
internal static class TriangularSolve
{
    public static Vector<double> SolveLower(this Matrix<double> lower, Vector<double> b)
    {
        var n = b.Count;
        var x = Vector<double>.Build.Dense(n);
        for (var i = 0; i < n; i++)
        {
            var s = b[i];
            for (var j = 0; j < i; j++)
            {
                s -= lower[i, j] * x[j];
            }

            x[i] = s / lower[i, i];
        }

        return x;
    }
}
