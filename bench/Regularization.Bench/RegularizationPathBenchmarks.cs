using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Linear;

namespace Regularization.Bench;

/// <summary>
/// Elastic-net paths on the problem bench/peer/path_data.py writes (n = 10,000, p = 1,000, AR(1) rho 0.5, 20 true
/// nonzeros), the same files glmnet (bench/peer/path_glmnet.R) and scikit-learn (bench/peer/path_sklearn.py) read:
/// gaussian and binomial lasso, 100 lambdas down to 1e-4 lambda_max, thresh 1e-7, standardized; with glmnet's early stop
/// (what glmnet's default call fits) and without (all 100). One thread (the solvers are sequential). Run
/// <c>bench/peer/run-paths.sh</c> for the side-by-side ratios.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MinColumn]
[MaxColumn]
public class RegularizationPathBenchmarks
{
    private Matrix<double> _x = null!;
    private Vector<double> _gaussian = null!;
    private Vector<double> _binomial = null!;

    [GlobalSetup]
    public void Setup()
    {
        var folder = Path.Combine(FindRoot(), "bench", "peer", "data");
        var meta = File.ReadAllText(Path.Combine(folder, "meta.txt")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        _x = Matrix<double>.Build.DenseOfColumnMajor(meta[0], meta[1], Read(Path.Combine(folder, "x.f64")));
        _gaussian = Vector<double>.Build.DenseOfArray(Read(Path.Combine(folder, "y_gaussian.f64")));
        _binomial = Vector<double>.Build.DenseOfArray(Read(Path.Combine(folder, "y_binomial.f64")));
    }

    [Benchmark(Description = "gaussian, glmnet's early stop")]
    public int GaussianStop() => ElasticNetPath.Fit(_x, _gaussian, new ElasticNetOptions { StopEarly = true }).Count;

    [Benchmark(Description = "gaussian, 100 lambdas")]
    public int Gaussian100() => ElasticNetPath.Fit(_x, _gaussian, new ElasticNetOptions()).Count;

    [Benchmark(Description = "binomial, glmnet's early stop")]
    public int BinomialStop() => ElasticNetPath.Fit(_x, _binomial, new ElasticNetOptions { Family = Family.Binomial, StopEarly = true }).Count;

    [Benchmark(Description = "binomial, 100 lambdas")]
    public int Binomial100() => ElasticNetPath.Fit(_x, _binomial, new ElasticNetOptions { Family = Family.Binomial }).Count;

    private static double[] Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: run /usr/bin/python3 bench/peer/path_data.py first.", path);
        }

        var bytes = File.ReadAllBytes(path);
        var values = new double[bytes.Length / sizeof(double)];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Regularization.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
