using MathNet.Numerics.Providers.LinearAlgebra;
using Regularization.Mkl;
using Regularization.Training;

namespace Regularization.Properties;

/// <summary>
/// Runs laws that switch MathNet's process-wide provider alone, never in parallel with other tests, and puts the
/// managed provider back afterwards.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProviderCollection
{
    public const string Name = "provider switch";
}

/// <summary>
/// A law that needs Intel MKL. Without MKL it is skipped with the reason, unless <c>CI</c> or
/// <c>REGULARIZATION_REQUIRE_MKL=1</c> is set (as <c>.ci/run</c> does): then it runs and fails.
/// </summary>
public sealed class MklLawAttribute : LawAttribute
{
    public MklLawAttribute()
    {
        var required = Environment.GetEnvironmentVariable("REGULARIZATION_REQUIRE_MKL") == "1" || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        if (!required && !MklControl.TryUse())
        {
            Skip = "Intel MKL is not available here (" + MklControl.Describe() + "); set REGULARIZATION_REQUIRE_MKL=1 to make that a failure.";
        }

        MklControl.UseManaged();
    }
}

/// <summary>Laws added with the MKL provider (issue 4) and the checkpoints (issue 5).</summary>
[Collection(ProviderCollection.Name)]
public sealed class ProviderAndCheckpointLaws : IDisposable
{
    public void Dispose() => MklControl.UseManaged();

    private static readonly Gen<(int M, int K, int N)> ProductShape =
        from m in Gen.Choose(0, 40) from k in Gen.Choose(0, 40) from n in Gen.Choose(0, 40) select (m, k, n);

    private static Gen<Matrix<double>> MatrixOf(int rows, int cols) =>
        Gen.ArrayOf(Gens.Value(-20, 20), rows * cols).Select(d => Matrix<double>.Build.Dense(rows, cols, d));

    /// <summary>
    /// Matrix products under MKL agree with the managed provider within the error bound of any summation order:
    /// <c>|C_mkl - C_managed| &lt;= 2 * gamma_k * (|A| |B|)</c>, <c>gamma_k = k u / (1 - k u)</c>, for A*B, A'*B and A*B'
    /// (shapes 0 to 40, crossing MKL's small-size cutoff).
    /// </summary>
    [MklLaw]
    public Property MklMatrixProductsAgreeWithTheManagedProvider() => Prop.ForAll(
        Arb.From(from s in ProductShape
                 from a in MatrixOf(s.M, s.K)
                 from b in MatrixOf(s.K, s.N)
                 select (a, b)),
        x =>
        {
            var (a, b) = x;
            var k = a.ColumnCount;
            var gamma = k * Fp.U / (1 - (k * Fp.U));
            var bound = a.PointwiseAbs() * b.PointwiseAbs() * (2 * gamma);
            MklControl.Use();
            var (ab, atb, abt) = (a * b, a.Transpose().TransposeThisAndMultiply(b), a.TransposeAndMultiply(b.Transpose()));
            MklControl.UseManaged();
            var exact = a * b;
            return Within(ab, exact, bound) && Within(atb, exact, bound) && Within(abt, exact, bound);
        });

    private static bool Within(Matrix<double> x, Matrix<double> y, Matrix<double> bound) =>
        x.RowCount == y.RowCount && x.ColumnCount == y.ColumnCount
        && x.AsColumnMajorArray().Select((v, i) => Math.Abs(v - y.AsColumnMajorArray()[i]) <= bound.AsColumnMajorArray()[i]).All(ok => ok);

    /// <summary>
    /// The optimizers' results do not depend on the provider: a run under MKL gives the same bits as under the managed
    /// provider, pure path and facade (the update kernels are the library's own).
    /// </summary>
    [MklLaw]
    public Property OptimizerResultsDoNotDependOnTheProvider() => Prop.ForAll(
        RunCase.Arb(), c =>
        {
            ParamSet<double> Run()
            {
                var t = c.Spec.Build();
                var facade = Optimizer.Create(t, c.Parameters.Copy());
                var (p, s) = (c.Parameters, t.Init(c.Parameters));
                foreach (var g in c.Gradients)
                {
                    var r = Pure.Step(t, g, s, p);
                    (p, s) = (r.Parameters, r.State);
                    facade.Step(g);
                }

                return Fp.BitwiseEqual(p, facade.Parameters) ? p : ParamSet<double>.Empty;
            }

            MklControl.Use();
            var underMkl = Run();
            MklControl.UseManaged();
            var managed = Run();
            return !managed.IsEmpty && Fp.BitwiseEqual(underMkl, managed);
        });

    /// <summary>
    /// A training run checkpointed to a file at any batch and resumed from that file ends with the same parameters,
    /// optimizer state and epoch reports (times aside), bit for bit, as the uninterrupted run (managed provider), for
    /// any optimizer, regularizer and network size.
    /// </summary>
    [Law]
    public Property ACheckpointedRunResumesBitForBit() => Prop.ForAll(
        Arb.From(
            from kind in Gen.Elements(OptimizerKind.Sgd, OptimizerKind.SgdW, OptimizerKind.Adam, OptimizerKind.AdamW)
            from hidden in Gen.Choose(2, 6)
            from batch in Gen.Choose(1, 9)
            from momentum in Gen.Elements(0.0, 0.9)
            from l1 in Gen.Elements(0.0, 1e-3)
            from l2 in Gen.Elements(0.0, 1e-3)
            from prox in Gen.Elements(0.0, 1e-2)
            from exclude in Gen.Elements(false, true)
            from seed in Gen.Choose(0, 1000)
            from stopAt in Gen.Choose(1, 12)
            select (kind, hidden, batch, momentum, l1, l2, prox, exclude, seed, stopAt)),
        x =>
        {
            MklControl.UseManaged();
            var isSgd = x.kind is OptimizerKind.Sgd or OptimizerKind.SgdW;
            var options = new TrainingOptions(
                layerSizes: [4, x.hidden, 3], seed: (ulong)x.seed, epochs: 2, batchSize: x.batch, optimizer: x.kind,
                learningRate: isSgd ? 0.05 : 0.01, momentum: isSgd ? x.momentum : 0, weightDecay: 1e-3,
                l1: x.l1, l2: x.l2, proximalL1: x.prox, excludeBiases: x.exclude, evaluationBatchSize: 16, elementType: ElementType.Float64);
            var (train, test) = (Images(20, x.seed), Images(8, x.seed + 1));

            var whole = new Trainer<double>(options, train, test);
            whole.Run();

            var path = Path.Combine(Path.GetTempPath(), $"law-{Guid.NewGuid():N}.ckpt");
            try
            {
                var first = new Trainer<double>(options, train, test);
                var saved = false;
                using var stop = new CancellationTokenSource();
                try
                {
                    first.Run(onBatch: b =>
                    {
                        if (b.Step == x.stopAt)
                        {
                            first.SaveCheckpoint(path);
                            saved = true;
                            stop.Cancel();
                        }
                    }, cancellationToken: stop.Token);
                }
                catch (OperationCanceledException)
                {
                }

                if (!saved)
                {
                    first.SaveCheckpoint(path);
                }

                var resumed = (Trainer<double>)Trainer.Resume(Checkpoint.Load(path), train, test);
                resumed.Run();
                return Fp.BitwiseEqual(whole.Model.Parameters, resumed.Model.Parameters)
                    && whole.Optimizer.State.Equals(resumed.Optimizer.State)
                    && whole.History.Select(e => (e.AverageLoss, e.TestAccuracyPercent, e.TrainAccuracyPercent))
                        .SequenceEqual(resumed.History.Select(e => (e.AverageLoss, e.TestAccuracyPercent, e.TrainAccuracyPercent)));
            }
            finally
            {
                File.Delete(path);
            }
        });

    private static ImageSet Images(int count, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * 4];
        rng.NextBytes(pixels);
        var labels = Enumerable.Range(0, count).Select(_ => (byte)rng.Next(3)).ToArray();
        return new ImageSet(pixels, labels, 2, 2, classCount: 3);
    }
}
