using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Mkl;

namespace Regularization.Bench;

/// <summary>
/// Matrix products through MathNet's provider, managed (baseline) against MKL, at the seed network's shapes (batch 64,
/// one sample per column as Regularization.Training lays them out)
/// and at 512 and 1024, with 1 and 2 threads (MathNet's MaxDegreeOfParallelism for managed, GNU OpenMP threads for
/// MKL), float64 and float32. The ratio column is MKL time / managed time at the same shape, precision and threads.
/// The same products are timed in PyTorch by bench/peer/torch_matmul.py.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class MatrixProductBenchmarks
{
    private Matrix<double> _a = null!, _b = null!, _c = null!;
    private Matrix<float> _af = null!, _bf = null!, _cf = null!;

    /// <summary>
    /// The products as <c>MxKxN</c> (an MxK matrix times a KxN one; short, because BenchmarkDotNet shortens long
    /// parameter values): SimpleNet's forward products at batch 64 (<c>W1 X</c>, <c>W2 H</c>), its backward products
    /// (<c>dO H'</c>, <c>W2' dO</c>, <c>dH X'</c>), then 512 and 1024 squares.
    /// </summary>
    public static IEnumerable<string> Shapes =>
        ["128x784x64", "10x128x64", "10x64x128", "128x10x64", "128x64x784", "512x512x512", "1024x1024x1024"];

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "512x512x512";

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
        var d = shape.Split('x').Select(x => int.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (d[0], d[1], d[2]);
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
