using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;

namespace Regularization.Bench;

/// <summary>
/// One optimizer step over one parameter of N float64 elements, as PyTorch's <c>optimizer.step()</c> at the same N
/// (see bench/peer). Baseline: the triad over N elements in the same run, so the ratio column reads "triads per step".
/// Bytes moved per element, ideal: SGD with weight decay 24 (read p and g, write p), AdamW 56 (read p, g, m, v; write
/// p, m, v); the default non-finite guard reads g once more (+8).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class OptimizerStepBenchmarks
{
    private double[] _a = [], _b = [], _c = [];
    private ParamSet<double> _parameters = ParamSet<double>.Empty, _gradients = ParamSet<double>.Empty;
    private Optimizer<double> _sgd = null!, _sgdUnguarded = null!, _adamw = null!, _adamwUnguarded = null!;
    private IGradientTransform _sgdPure = null!, _adamwPure = null!;
    private TransformState _sgdState = null!, _adamwState = null!;
    private Matrix<double> _p = null!, _g = null!, _m = null!, _v = null!;
    private double[] _mklP = [], _mklBuffer = [], _mklM = [], _mklV = [], _scratch = [];
    private long _step, _mklStep;

    [Params(1_000, 100_000, 1_000_000, 10_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        double Next() => (rng.NextDouble() * 2) - 1;
        _a = new double[N];
        _b = Enumerable.Range(0, N).Select(_ => Next()).ToArray();
        _c = Enumerable.Range(0, N).Select(_ => Next()).ToArray();
        _p = Matrix<double>.Build.Dense(N, 1, (_, _) => Next());
        _g = Matrix<double>.Build.Dense(N, 1, (_, _) => Next() * 1e-3);
        _m = Matrix<double>.Build.Dense(N, 1);
        _v = Matrix<double>.Build.Dense(N, 1);
        _parameters = ParamSet.Of(new Param<double>("w", _p));
        _gradients = ParamSet.Of(new Param<double>("w", _g));
        ParamSet<double> Fresh() => ParamSet.Of(new Param<double>("w", _p.Clone()));
        _sgdPure = Optimizers.Sgd(0.01, weightDecay: 1e-4);
        _adamwPure = Optimizers.AdamW(1e-3, weightDecay: 1e-2);
        _sgd = Optimizer.Create(_sgdPure, Fresh());
        _adamw = Optimizer.Create(_adamwPure, Fresh());
        _sgdUnguarded = Optimizer.Create(Optimizers.WithoutNonFiniteGuard(_sgdPure), Fresh());
        _adamwUnguarded = Optimizer.Create(Optimizers.WithoutNonFiniteGuard(_adamwPure), Fresh());
        _sgdState = _sgdPure.Init(_parameters);
        _mklP = _p.ToColumnMajorArray();
        _mklBuffer = new double[N];
        _mklM = new double[N];
        _mklV = new double[N];
        _scratch = new double[2 * N];
        BenchEnvironment.UseMkl(threads: 1);
        Regularization.Mkl.MklControl.UseManaged(); // the fused kernels do not use the provider; MKL stays loaded for the composed ones

        _adamwState = _adamwPure.Init(_parameters);
        Console.WriteLine(BenchEnvironment.Describe());
    }

    [Benchmark(Baseline = true, Description = "triad (24 B/elem)")]
    [BenchmarkCategory("sgd-weight-decay", "adamw")]
    public double[] TriadBaseline()
    {
        Triad.Run(_a, _b, _c, 0.5);
        return _a;
    }

    [Benchmark(Description = "SGD wd: fused facade")]
    [BenchmarkCategory("sgd-weight-decay")]
    public ParamSet<double> SgdFused()
    {
        _sgd.Step(_gradients);
        return _sgd.Parameters;
    }

    [Benchmark(Description = "SGD wd: fused facade, no non-finite guard")]
    [BenchmarkCategory("sgd-weight-decay")]
    public ParamSet<double> SgdFusedUnguarded()
    {
        _sgdUnguarded.Step(_gradients);
        return _sgdUnguarded.Parameters;
    }

    [Benchmark(Description = "SGD wd: pure path (allocates results)")]
    [BenchmarkCategory("sgd-weight-decay")]
    public ParamSet<double> SgdPure()
    {
        var r = _sgdPure.Update(_gradients, _sgdState, _parameters);
        _sgdState = r.State;
        return Updates.Apply(_parameters, r.Updates);
    }

    [Benchmark(Description = "SGD wd: naive MathNet operators")]
    [BenchmarkCategory("sgd-weight-decay")]
    public Matrix<double> SgdNaive()
    {
        const double lr = 0.01, wd = 1e-4;
        return _p - (lr * (_g + (wd * _p)));
    }

    [Benchmark(Description = "SGD wd: MKL-composed (cblas)")]
    [BenchmarkCategory("sgd-weight-decay")]
    public double[] SgdMklComposed()
    {
        MklUpdateKernels.SgdStep(_mklP, _g.AsColumnMajorArray(), 0.01, 1e-4, 0, 0, false, false, _mklBuffer, _scratch);
        return _mklP;
    }

    [Benchmark(Description = "AdamW: MKL-composed (cblas + VML)")]
    [BenchmarkCategory("adamw")]
    public double[] AdamWMklComposed()
    {
        MklUpdateKernels.AdamWStep(_mklP, _g.AsColumnMajorArray(), _mklM, _mklV, ++_mklStep, 1e-3, 0.9, 0.999, 1e-8, 1e-2, _scratch);
        return _mklP;
    }

    [Benchmark(Description = "AdamW: fused facade")]
    [BenchmarkCategory("adamw")]
    public ParamSet<double> AdamWFused()
    {
        _adamw.Step(_gradients);
        return _adamw.Parameters;
    }

    [Benchmark(Description = "AdamW: fused facade, no non-finite guard")]
    [BenchmarkCategory("adamw")]
    public ParamSet<double> AdamWFusedUnguarded()
    {
        _adamwUnguarded.Step(_gradients);
        return _adamwUnguarded.Parameters;
    }

    [Benchmark(Description = "AdamW: pure path (allocates results)")]
    [BenchmarkCategory("adamw")]
    public ParamSet<double> AdamWPure()
    {
        var r = _adamwPure.Update(_gradients, _adamwState, _parameters);
        _adamwState = r.State;
        return Updates.Apply(_parameters, r.Updates);
    }

    [Benchmark(Description = "AdamW: naive MathNet operators")]
    [BenchmarkCategory("adamw")]
    public Matrix<double> AdamWNaive()
    {
        const double lr = 1e-3, wd = 1e-2, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        var t = ++_step;
        var bc1 = 1 - Math.Pow(b1, t);
        var bc2 = Math.Sqrt(1 - Math.Pow(b2, t));
        _m = (b1 * _m) + ((1 - b1) * _g);
        _v = (b2 * _v) + ((1 - b2) * _g.PointwiseMultiply(_g));
        var denom = (_v.PointwiseSqrt() / bc2) + eps;
        return ((1 - (lr * wd)) * _p) - ((lr / bc1) * _m.PointwiseDivide(denom));
    }
}
