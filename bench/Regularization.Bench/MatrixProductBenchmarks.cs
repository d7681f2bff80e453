using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Mkl;

namespace Regularization.Bench;

/// <summary>
/// Matrix products through MathNet's provider, managed (baseline) against MKL, at the seed network's shapes (batch 64)
/// and at 512 and 1024, with 1 and 2 threads (MathNet's MaxDegreeOfParallelism for managed, GNU OpenMP threads for
/// MKL), float64 and float32. The ratio column is MKL time / managed time at the same shape, precision and threads.
/// The same products are timed in PyTorch by bench/peer/torch_matmul.py.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class MatrixProductBenchmarks
{
    private Matrix<double> _a = null!, _b = null!, _c = null!;
    private Matrix<float> _af = null!, _bf = null!, _cf = null!;

    public static IEnumerable<string> Shapes =>
    [
        "forward 64x784 * 784x128", "forward 64x128 * 128x10", "backward 10x64 * 64x128", "backward 64x10 * 10x128",
        "backward 128x64 * 64x784", "square 512", "square 1024",
    ];

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "square 512";

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params("float64", "float32")]
    public string Precision { get; set; } = "float64";

    [GlobalSetup(Target = nameof(Managed))]
    public void SetupManaged()
    {
        Setup();
        MklControl.UseManaged();
    }

    [GlobalSetup(Target = nameof(Mkl))]
    public void SetupMkl()
    {
        Setup();
        BenchEnvironment.UseMkl(Threads);
    }

    private void Setup()
    {
        var (m, k, n) = Dimensions(Shape);
        _a = Matrix<double>.Build.Random(m, k, 1);
        _b = Matrix<double>.Build.Random(k, n, 2);
        _c = Matrix<double>.Build.Dense(m, n);
        _af = Matrix<float>.Build.Random(m, k, 1);
        _bf = Matrix<float>.Build.Random(k, n, 2);
        _cf = Matrix<float>.Build.Dense(m, n);
        Control.MaxDegreeOfParallelism = Threads;
        BenchEnvironment.UseMkl(Threads);
        Console.WriteLine(BenchEnvironment.Describe());
    }

    public static (int M, int K, int N) Dimensions(string shape)
    {
        if (shape.StartsWith("square ", StringComparison.Ordinal))
        {
            var s = int.Parse(shape["square ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            return (s, s, s);
        }

        var parts = shape.Split(' ')[1..].Where(p => p.Contains('x')).Select(p => p.Split('x').Select(int.Parse).ToArray()).ToArray();
        return (parts[0][0], parts[0][1], parts[1][1]);
    }

    [Benchmark(Baseline = true, Description = "managed provider")]
    public object Managed() => Multiply();

    [Benchmark(Description = "MKL provider")]
    public object Mkl() => Multiply();

    private object Multiply()
    {
        if (Precision == "float64")
        {
            _a.Multiply(_b, _c);
            return _c;
        }

        _af.Multiply(_bf, _cf);
        return _cf;
    }
}
