using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using MathNet.Numerics;
using Regularization.Mkl;
using Regularization.Training;

namespace Regularization.Bench;

/// <summary>
/// One training epoch of the first seed's configuration (SimpleNet 784-128-10, SGD lr 0.01, weight decay 1e-4, batch 64,
/// shuffled) over the full MNIST training set, data in memory, in float32 and float64, on 1 and 2 threads, with MKL
/// and with OpenBLAS. The test set is cut to 10 images so the per-epoch evaluation costs nothing. The PyTorch peer,
/// bench/peer/torch_train_epoch.py, times the same epoch with the data preloaded as tensors, float64 and float32, run
/// right after this benchmark (bench/run.sh); bench/peer/gemm_floor.c measures the products alone.
/// </summary>
/// <remarks>
/// MathNet's managed provider takes about 14 s per epoch (float64, measured 2026-11-22); it is in
/// <see cref="MatrixProductBenchmarks"/> beside the native providers, not here.
/// </remarks>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class TrainingEpochBenchmarks
{
    private Trainer _trainer = null!;

    [Params(ElementType.Float32, ElementType.Float64)]
    public ElementType Type { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params("mkl", "openblas")]
    public string Provider { get; set; } = "mkl";

    [GlobalSetup]
    public void Setup()
    {
        var mnist = MnistDataset.LoadDefault();
        Control.MaxDegreeOfParallelism = Threads;
        BenchEnvironment.UseMkl(Threads); // load MKL once with the bench's threading layer, whichever provider runs
        if (Provider == "openblas")
        {
            OpenBlasControl.Use(Threads);
        }

        _trainer = Trainer.Create(
            new TrainingOptions(epochs: 1000, evaluateTrainingSet: false, elementType: Type), mnist.Train, mnist.Test.Take(10));
        Console.WriteLine(BenchEnvironment.Describe());
    }

    [Benchmark(Description = "epoch")]
    public EpochReport Epoch() => _trainer.RunEpoch();
}
