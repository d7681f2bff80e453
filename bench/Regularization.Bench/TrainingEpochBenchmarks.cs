using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using MathNet.Numerics;
using Regularization.Mkl;
using Regularization.Training;

namespace Regularization.Bench;

/// <summary>
/// One training epoch of the first seed's configuration (SimpleNet 784-128-10, SGD lr 0.01, weight decay 1e-4, batch 64,
/// shuffled) over the full MNIST training set, data in memory, managed provider (baseline) against MKL, 1 and 2
/// threads. The test set is cut to 10 images so the per-epoch evaluation costs nothing. The PyTorch peer,
/// bench/peer/torch_train_epoch.py, times the same epoch with the data preloaded as tensors, float64 and float32.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class TrainingEpochBenchmarks
{
    private Trainer _trainer = null!;
    private ImageSet _train = null!, _test = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

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
        var mnist = MnistDataset.LoadDefault();
        (_train, _test) = (mnist.Train, mnist.Test.Take(10));
        Control.MaxDegreeOfParallelism = Threads;
        BenchEnvironment.UseMkl(Threads); // load MKL once with the bench's threading layer, whichever provider runs
        _trainer = new Trainer<double>(new TrainingOptions(elementType: ElementType.Float64, epochs: 1000, evaluateTrainingSet: false), _train, _test);
        Console.WriteLine(BenchEnvironment.Describe());
    }

    [Benchmark(Baseline = true, Description = "epoch, managed provider")]
    public EpochReport Managed() => _trainer.RunEpoch();

    [Benchmark(Description = "epoch, MKL provider")]
    public EpochReport Mkl() => _trainer.RunEpoch();
}
