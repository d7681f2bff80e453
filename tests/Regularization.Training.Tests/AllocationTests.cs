using Xunit.Abstractions;

namespace Regularization.Training.Tests;

/// <summary>
/// A training step allocates nothing of its own once the buffers for its batch size exist.
/// </summary>
/// <remarks>
/// <para>
/// What allocates, and what does not: the batch gather, forward pass, softmax cross-entropy, backward pass, loss
/// terms, the trainer's bookkeeping and the progress report (a struct) allocate nothing. Two things outside this
/// library do:
/// </para>
/// <list type="bullet">
/// <item>MathNet 5.0's managed provider copies the right-hand operand of every matrix product into fresh column arrays
/// (<c>ManagedLinearAlgebraProvider.MatrixMultiplyWithUpdate</c>), about 0.98 MB per step for 784-128-10 at batch 64.
/// A provider that hands the arrays to a native BLAS (MKL) directly need not; the step goes through MathNet's
/// into-result products, so it inherits whatever the active provider does.</item>
/// </list>
/// <para>The core's <see cref="Optimizer{T}.Step"/> allocates nothing (the core's own tests check every optimizer in float32
/// and float64); this test checks it again inside a training step.</para>
/// <para>
/// The test runs MathNet single-threaded (so every allocation lands on this thread and the provider's copies are
/// deterministic), measures one step, measures the step's five products alone on matrices of the same shapes with the
/// same calls, and measures <see cref="Optimizer{T}.Step"/> alone. It asserts that this library's share is exactly 0
/// bytes at every step and the optimizer's share 0 (at a step the runtime does not spend finishing tiered compilation).
/// Measured: 983,280 bytes per step, all of them the products' copies.
/// </para>
/// </remarks>
public sealed class AllocationTests(ITestOutputHelper output)
{
    [Fact]
    public void ATrainingStepAllocatesNothingBeyondTheManagedProvidersProductCopiesFloat32() => StepAllocations<float>(ElementType.Float32);

    [Fact]
    public void ATrainingStepAllocatesNothingBeyondTheManagedProvidersProductCopiesFloat64() => StepAllocations<double>(ElementType.Float64);

    private void StepAllocations<T>(ElementType type)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var (train, test) = TestUtil.Slice(640, 10);
        var options = new TrainingOptions(
            epochs: 1, learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4, l1: 1e-6, l2: 1e-5, proximalL1: 1e-5, excludeBiases: true, elementType: type);
        var parallelism = MathNet.Numerics.Control.MaxDegreeOfParallelism;
        MathNet.Numerics.Control.MaxDegreeOfParallelism = 1;
        try
        {
            var trainer = new Trainer<T>(options, train, test);
            Assert.True(trainer.Optimizer.IsFused);
            for (var i = 0; i < 3; i++)
            {
                trainer.TrainBatch(); // warm-up: buffers for batch 64, JIT
            }

            var products = ProductBytes<T>(64);
            var shares = new List<long>();
            for (var i = 0; i < 5; i++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                trainer.TrainBatch();
                var step = GC.GetAllocatedBytesForCurrentThread() - before;

                // The optimizer facade's share, measured alone (an extra step on the same gradients).
                before = GC.GetAllocatedBytesForCurrentThread();
                trainer.Optimizer.Step(trainer.Model.Gradients);
                var optimizer = GC.GetAllocatedBytesForCurrentThread() - before;

                output.WriteLine(
                    $"step {trainer.Step}: {step} bytes = MathNet managed products {products} + Optimizer.Step {optimizer} + this library {step - products - optimizer}");
                Assert.Equal(0, step - products - optimizer);
                shares.Add(optimizer);
            }

            // The facade allocates nothing; one step may see the runtime finish tiered compilation, so not every one.
            Assert.Contains(0L, shares);
        }
        finally
        {
            MathNet.Numerics.Control.MaxDegreeOfParallelism = parallelism;
        }
    }

    [Fact]
    public void EvaluationAndGatherAllocateNothingThemselvesFloat32() => GatherAllocations<float>();

    [Fact]
    public void EvaluationAndGatherAllocateNothingThemselvesFloat64() => GatherAllocations<double>();

    private static void GatherAllocations<T>()
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var (train, _) = TestUtil.Slice(640, 10);
        var inputs = Matrix<T>.Build.Dense(784, 64);
        var labels = new int[64];
        var indices = Enumerable.Range(100, 64).Reverse().ToArray();
        train.Gather(indices, inputs, labels);
        var logits = Matrix<T>.Build.Dense(10, 64, (i, j) => T.CreateTruncating(i - j));
        var gradient = Matrix<T>.Build.Dense(10, 64);
        SoftmaxCrossEntropy.Compute(logits, labels, gradient);

        var before = GC.GetAllocatedBytesForCurrentThread();
        train.Gather(indices, inputs, labels);
        train.GatherRange(0, inputs, labels);
        SoftmaxCrossEntropy.Compute(logits, labels, gradient);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>The bytes the five products of a 784-128-10 step at this batch size allocate, measured alone.</summary>
    private static long ProductBytes<T>(int batch)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var half = T.One / (T.One + T.One);
        var w1 = Matrix<T>.Build.Dense(128, 784, half);
        var w2 = Matrix<T>.Build.Dense(10, 128, half);
        var x = Matrix<T>.Build.Dense(784, batch, half);
        var h = Matrix<T>.Build.Dense(128, batch);
        var z = Matrix<T>.Build.Dense(10, batch);
        var d2 = Matrix<T>.Build.Dense(10, batch, half);
        var d1 = Matrix<T>.Build.Dense(128, batch);
        var g1 = Matrix<T>.Build.Dense(128, 784);
        var g2 = Matrix<T>.Build.Dense(10, 128);

        void Products()
        {
            w1.Multiply(x, h);                  // forward, layer 1
            w2.Multiply(h, z);                  // forward, layer 2
            d2.TransposeAndMultiply(h, g2);     // dW2 = dZ2 Hᵀ
            w2.TransposeThisAndMultiply(d2, d1); // dH = W2ᵀ dZ2
            d1.TransposeAndMultiply(x, g1);     // dW1 = dZ1 Xᵀ
        }

        Products();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Products();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
