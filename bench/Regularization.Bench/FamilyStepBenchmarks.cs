using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;

namespace Regularization.Bench;

/// <summary>
/// The fused in-place step (<see cref="Optimizer{T}.Step"/>, the default non-finite guard on) of every PyTorch 1.13
/// member at N = 10^7 elements, one parameter, one thread, float32 and float64: issue 12's target is at least 3x
/// PyTorch's <c>step()</c> for each. The peer is <c>bench/peer/torch_family_step.py</c> (same optimizers, arguments,
/// dtypes and N; <c>foreach=True</c>); <c>bench/peer/compare_family.py</c> prints the ratios. Arguments are PyTorch's
/// defaults, with <c>lr=0.01, momentum=0.9</c> for SGD (PyTorch has no default rate) and AdamW's default decay 1e-2.
/// </summary>
/// <remarks>
/// Setup builds only the case's optimizer (an Adam step at 10^7 float64 elements holds 320 MB); the gradient stays the
/// same from step to step, so every state keeps changing (Rprop's step sizes grow to their bound, then stay).
/// </remarks>
public class FamilyStepBenchmarks
{
    /// <summary>The optimizers, by the names the peer script and the comparison use.</summary>
    public static readonly string[] Names = ["sgd-momentum", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam", "asgd", "rprop"];

    private Action _step = () => { };

    [ParamsSource(nameof(OptimizerNames))]
    public string Optimizer { get; set; } = "adam";

    [Params("float32", "float64")]
    public string Dtype { get; set; } = "float64";

    [Params(10_000_000)]
    public int N { get; set; }

    public static IEnumerable<string> OptimizerNames() => Names;

    /// <summary>The transform of one case: PyTorch's defaults (see the class summary).</summary>
    public static IGradientTransform Create(string name) => name switch
    {
        "sgd-momentum" => Optimizers.Sgd(0.01, momentum: 0.9),
        "adam" => Optimizers.Adam(),
        "adamw" => Optimizers.AdamW(),
        "rmsprop" => Optimizers.RmsProp(),
        "adagrad" => Optimizers.Adagrad(),
        "adadelta" => Optimizers.Adadelta(),
        "adamax" => Optimizers.Adamax(),
        "nadam" => Optimizers.NAdam(),
        "radam" => Optimizers.RAdam(),
        "asgd" => Optimizers.Asgd(),
        "rprop" => Optimizers.Rprop(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown optimizer."),
    };

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var p = Enumerable.Range(0, N).Select(_ => (rng.NextDouble() * 2) - 1).ToArray();
        var g = Enumerable.Range(0, N).Select(_ => ((rng.NextDouble() * 2) - 1) * 1e-3).ToArray();
        var transform = Create(Optimizer);
        if (Dtype == "float32")
        {
            var optimizer = Regularization.Optimizer.Create(transform, ParamSet.Of(Param.Of("w", Matrix<float>.Build.Dense(N, 1, p.Select(x => (float)x).ToArray()))));
            var gradients = ParamSet.Of(Param.Of("w", Matrix<float>.Build.Dense(N, 1, g.Select(x => (float)x).ToArray())));
            Check(optimizer.IsFused);
            _step = () => optimizer.Step(gradients);
        }
        else
        {
            var optimizer = Regularization.Optimizer.Create(transform, ParamSet.Of(Param.Of("w", Matrix<double>.Build.Dense(N, 1, p))));
            var gradients = ParamSet.Of(Param.Of("w", Matrix<double>.Build.Dense(N, 1, g)));
            Check(optimizer.IsFused);
            _step = () => optimizer.Step(gradients);
        }

        Console.WriteLine(BenchEnvironment.Describe());
    }

    [Benchmark(Description = "fused Optimizer<T>.Step")]
    public void Step() => _step();

    private void Check(bool fused)
    {
        if (!fused)
        {
            throw new InvalidOperationException($"{Optimizer} ({Dtype}) does not run fused; the benchmark measures the fused step.");
        }
    }
}
