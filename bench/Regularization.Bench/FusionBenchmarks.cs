using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;

namespace Regularization.Bench;

/// <summary>
/// Core v2's fused step at N = 10^7 in both element types, one thread, beside a triad over the same number of
/// elements of the same type (the memory-bandwidth baseline): AdamW in PyTorch's order
/// (<c>ScaleByAdam, ScaleByLearningRate, AddDecoupledWeightDecay</c>), in Optax's order
/// (<c>ScaleByAdam, AddDecayedWeights, ScaleByLearningRate</c>, which fuses as well), with and without the non-finite
/// guard, and SGD with weight decay. The PyTorch peer is bench/peer/torch_optimizer_step.py with <c>--dtype</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class FusionBenchmarks
{
    private double[] _a64 = [], _b64 = [], _c64 = [];
    private float[] _a32 = [], _b32 = [], _c32 = [];
    private ParamSet<double> _g64 = ParamSet<double>.Empty;
    private ParamSet<float> _g32 = ParamSet<float>.Empty;
    private Optimizer<double> _adamw64 = null!, _optax64 = null!, _unguarded64 = null!, _sgd64 = null!;
    private Optimizer<float> _adamw32 = null!, _optax32 = null!, _unguarded32 = null!, _sgd32 = null!;

    [Params(10_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        double Next() => (rng.NextDouble() * 2) - 1;
        _a64 = new double[N];
        _b64 = Enumerable.Range(0, N).Select(_ => Next()).ToArray();
        _c64 = Enumerable.Range(0, N).Select(_ => Next()).ToArray();
        _a32 = new float[N];
        _b32 = _b64.Select(x => (float)x).ToArray();
        _c32 = _c64.Select(x => (float)x).ToArray();
        var p = Enumerable.Range(0, N).Select(_ => Next()).ToArray();
        var g = Enumerable.Range(0, N).Select(_ => Next() * 1e-3).ToArray();
        ParamSet<double> P64() => ParamSet.Of(Param.Of("w", Matrix<double>.Build.Dense(N, 1, (double[])p.Clone())));
        ParamSet<float> P32() => ParamSet.Of(Param.Of("w", Matrix<float>.Build.Dense(N, 1, p.Select(x => (float)x).ToArray())));
        _g64 = ParamSet.Of(Param.Of("w", Matrix<double>.Build.Dense(N, 1, g)));
        _g32 = ParamSet.Of(Param.Of("w", Matrix<float>.Build.Dense(N, 1, g.Select(x => (float)x).ToArray())));
        var adamw = Optimizers.AdamW(1e-3, weightDecay: 1e-2);
        var optax = Optimizers.WithNonFinitePolicy(
            Transforms.Chain(Transforms.ScaleByAdam(), Transforms.AddDecayedWeights(1e-2), Transforms.ScaleByLearningRate(1e-3)), NonFinitePolicy.Throw);
        var sgd = Optimizers.Sgd(0.01, weightDecay: 1e-4);
        _adamw64 = Optimizer.Create(adamw, P64());
        _optax64 = Optimizer.Create(optax, P64());
        _unguarded64 = Optimizer.Create(Optimizers.WithoutNonFiniteGuard(adamw), P64());
        _sgd64 = Optimizer.Create(sgd, P64());
        _adamw32 = Optimizer.Create(adamw, P32());
        _optax32 = Optimizer.Create(optax, P32());
        _unguarded32 = Optimizer.Create(Optimizers.WithoutNonFiniteGuard(adamw), P32());
        _sgd32 = Optimizer.Create(sgd, P32());
        Console.WriteLine(BenchEnvironment.Describe());
    }

    [Benchmark(Baseline = true, Description = "triad float64 (24 B/elem)")]
    [BenchmarkCategory("float64")]
    public double[] Triad64()
    {
        Triad.Run(_a64, _b64, _c64, 0.5);
        return _a64;
    }

    [Benchmark(Description = "AdamW float64, PyTorch order")]
    [BenchmarkCategory("float64")]
    public Optimizer<double> AdamW64() => Step(_adamw64, _g64);

    [Benchmark(Description = "AdamW float64, Optax order")]
    [BenchmarkCategory("float64")]
    public Optimizer<double> AdamWOptax64() => Step(_optax64, _g64);

    [Benchmark(Description = "AdamW float64, no guard")]
    [BenchmarkCategory("float64")]
    public Optimizer<double> AdamWUnguarded64() => Step(_unguarded64, _g64);

    [Benchmark(Description = "SGD wd float64")]
    [BenchmarkCategory("float64")]
    public Optimizer<double> Sgd64() => Step(_sgd64, _g64);

    [Benchmark(Baseline = true, Description = "triad float32 (12 B/elem)")]
    [BenchmarkCategory("float32")]
    public float[] Triad32()
    {
        Triad.Run(_a32, _b32, _c32, 0.5f);
        return _a32;
    }

    [Benchmark(Description = "AdamW float32, PyTorch order")]
    [BenchmarkCategory("float32")]
    public Optimizer<float> AdamW32() => Step(_adamw32, _g32);

    [Benchmark(Description = "AdamW float32, Optax order")]
    [BenchmarkCategory("float32")]
    public Optimizer<float> AdamWOptax32() => Step(_optax32, _g32);

    [Benchmark(Description = "AdamW float32, no guard")]
    [BenchmarkCategory("float32")]
    public Optimizer<float> AdamWUnguarded32() => Step(_unguarded32, _g32);

    [Benchmark(Description = "SGD wd float32")]
    [BenchmarkCategory("float32")]
    public Optimizer<float> Sgd32() => Step(_sgd32, _g32);

    private static Optimizer<T> Step<T>(Optimizer<T> optimizer, ParamSet<T> gradients)
        where T : struct, IEquatable<T>, IFormattable
    {
        optimizer.Step(gradients);
        return optimizer;
    }
}
