using MathNet.Numerics.Providers.LinearAlgebra;
using Regularization.Internal;
using Regularization.Mkl;
using Xunit.Abstractions;

namespace Regularization.Training.Tests;

/// <summary>
/// Training on the thread team (<see cref="Trainer.TeamVariable"/>): with OpenBLAS at two threads a batch runs on a
/// team of two, the run is reproducible bit for bit, and it agrees with the one-thread run (no team) to the rounding
/// of the split first-layer sums. OpenBLAS is required where <c>REGULARIZATION_REQUIRE_OPENBLAS=1</c> or <c>CI</c> is set.
/// </summary>
public sealed class TeamTrainingTests(ITestOutputHelper output) : IDisposable
{
    public void Dispose() => LinearAlgebraControl.Provider = ManagedLinearAlgebraProvider.Instance;

    /// <summary>
    /// One epoch over the first 3,000 images (47 batches), SGD with momentum and weight decay, seed 0: twice on the team
    /// (same bits, the second time while a one-thread scope is held, as a concurrent trainer would hold it), and once on
    /// one OpenBLAS thread, where the batch runs as before; and the first model evaluated on 1,500 images on the team and
    /// off it. The runs differ only in how the
    /// first layer's 784-term sums are split (392 + 392, added), so the final parameters agree to rounding: observed
    /// 2026-12-03 on a Zen 2 EPYC (OpenBLAS's Zen kernels) 1.7e-16 in float64 and 1.2e-7 in float32, held to 5e-15 and
    /// 2e-6 (other kernels block the sums differently). Adding member 0's partial sums twice instead of member 1's once
    /// (a broken share) takes the evaluation loss from 2.24 to 0.77.
    /// </summary>
    [OpenBlasTheory]
    [InlineData(ElementType.Float64, 5e-15)]
    [InlineData(ElementType.Float32, 2e-6)]
    public void ATeamRunIsReproducibleAndAgreesWithTheOneThreadRun(ElementType type, double tolerance)
    {
        Assert.True(OpenBlasControl.TryUse(1, out var failure), $"OpenBLAS: {failure}");
        var reason = OpenBlasControl.Describe();
        var (train, test) = TestUtil.Slice(3000, 10);
        var options = new TrainingOptions(elementType: type, epochs: 1, seed: 0, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4, evaluateTrainingSet: false);
        var team = WorkTeam.For(2)!;

        OpenBlasControl.Use(2);
        var before = team.Runs;
        var first = Trainer.Create(options, train, test);
        first.Run();
        var runs = team.Runs - before;
        var second = Trainer.Create(options, train, test);
        using (((NativeLinearAlgebraProvider)LinearAlgebraControl.Provider).UseOneThreadPerProduct())
        {
            // As another trainer's batch would hold it: the second run still chooses the team (the same bits).
            second.Run();
        }

        var probe = train.Take(1500);
        var runsBefore = team.Runs;
        var onTeam = first.Evaluate(probe);
        Assert.Equal(runsBefore + 2, team.Runs); // 1,500 images: two evaluation batches (of at most 1,000), one team phase each

        OpenBlasControl.Use(1);
        var offTeam = first.Evaluate(probe);
        var single = Trainer.Create(options, train, test);
        single.Run();
        Assert.Equal(runsBefore + 2, team.Runs); // the one-thread evaluation and run did not use the team
        Assert.Equal(before + (2 * runs) + 2, team.Runs);
        output.WriteLine($"{type}: evaluation on the team {onTeam.Loss:R} ({onTeam.Correct} correct), off it {offTeam.Loss:R} ({offTeam.Correct})");
        Assert.True(Math.Abs(onTeam.Loss - offTeam.Loss) <= tolerance, $"{type}: evaluation loss {onTeam.Loss:R} on the team, {offTeam.Loss:R} off it");

        output.WriteLine($"{type}: {runs} team runs in 47 batches; {reason}");
        // Per batch two phases, the step's scan and its update; then the 10 test images evaluated after the epoch and in the
        // summary, one phase each.
        Assert.True(runs == (4 * 47) + 2, $"the team ran {runs} times in 47 batches and two evaluations");
        var (a, b, c) = (first.CopyParametersAsDouble(), second.CopyParametersAsDouble(), single.CopyParametersAsDouble());
        Assert.True(TestUtil.BitwiseEqual(a, b), "two team runs with the same seed differ");
        var difference = TestUtil.MaxAbsDifference(a, c);
        output.WriteLine($"{type}: max |team - one thread| = {difference:G3}");
        Assert.True(difference > 0 || type == ElementType.Float64, "float32: the split sums should round differently somewhere");
        Assert.True(difference <= tolerance, $"{type}: the team run is {difference:G3} from the one-thread run (tolerance {tolerance:G3})");
    }

    /// <summary>
    /// Nothing spins once training stops: after ten team batches the quietest of the next three seconds uses less than
    /// half a core (a member left spinning would use all of every second). The test host itself uses 0.02 to 0.27 s of
    /// CPU per second after such work, the same with the team as without it (measured 2026-12-03, one-thread OpenBLAS
    /// runs beside two-thread team runs: the runtime's background compilation, not a spinning member).
    /// </summary>
    [OpenBlasTheory]
    [InlineData(ElementType.Float32)]
    public void NothingSpinsAfterTraining(ElementType type)
    {
        Assert.True(OpenBlasControl.TryUse(2, out var failure), $"OpenBLAS: {failure}");
        var (train, test) = TestUtil.Slice(640, 10);
        var runs = WorkTeam.For(2)!.Runs;
        Trainer.Create(new TrainingOptions(elementType: type, epochs: 1, evaluateTrainingSet: false), train, test).Run();
        Assert.True(WorkTeam.For(2)!.Runs > runs, "the run did not use the team");
        Thread.Sleep(200); // past the members' 0.25 ms of spinning, and OpenBLAS's own 0.1 s
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var used = double.MaxValue;
        for (var second = 0; second < 3; second++)
        {
            self.Refresh();
            var before = self.TotalProcessorTime;
            Thread.Sleep(1000);
            self.Refresh();
            var cpu = (self.TotalProcessorTime - before).TotalSeconds;
            used = Math.Min(used, cpu);
            output.WriteLine($"CPU over idle second {second + 1} after training: {cpu:F3} s");
        }
        Assert.True(used < 0.5, $"the quietest of three idle seconds after training used {used:F3} s of CPU");
    }

    [Fact]
    public void TheRowSharesOfAGatherMakeTheWholeGather()
    {
        var data = TestUtil.FullMnist.Test.Take(50);
        int[] indices = [7, 3, 49, 0, 3];
        var whole = MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(784, indices.Length);
        var labels = new int[indices.Length];
        data.Gather<float>(indices, whole, labels);

        var pieces = MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(784, indices.Length, float.NaN);
        var pieceLabels = new int[indices.Length];
        var storage = data.PrepareGather<float>(indices, pieces, pieceLabels);
        for (var m = 0; m < 3; m++)
        {
            // A member's own buffer (its rows of every image, packed), then copied into place to compare.
            var (from, to) = WorkTeam.Share(784, 3, m);
            var own = new float[(to - from) * indices.Length];
            data.GatherRows<float>(indices, own, to - from, from, to);
            for (var j = 0; j < indices.Length; j++)
            {
                own.AsSpan(j * (to - from), to - from).CopyTo(storage.AsSpan((j * 784) + from));
            }
        }

        Assert.Equal(labels, pieceLabels);
        Assert.Equal(whole.AsColumnMajorArray(), pieces.AsColumnMajorArray());
    }
}

/// <summary>A theory that needs OpenBLAS: skipped when it is unavailable, unless <c>CI</c> or <c>REGULARIZATION_REQUIRE_OPENBLAS=1</c> is set (then it runs and fails).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OpenBlasTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when OpenBLAS is unavailable and not required.</summary>
    public OpenBlasTheoryAttribute()
    {
        var required = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
            || Environment.GetEnvironmentVariable("REGULARIZATION_REQUIRE_OPENBLAS") == "1";
        if (!required && !new OpenBlasLinearAlgebraProvider().IsAvailable())
        {
            Skip = "OpenBLAS is not available (Debian: apt-get install libopenblas0); set REGULARIZATION_REQUIRE_OPENBLAS=1 to make this a failure.";
        }
    }
}
