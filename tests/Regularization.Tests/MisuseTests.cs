using Regularization.UserTransforms;

namespace Regularization.Tests;

/// <summary>Bad hyperparameters name the argument the caller wrote; a facade used from two threads at once refuses.</summary>
public sealed class MisuseTests
{
    [Fact]
    public void AZeroEpsilonIsRefusedBecauseAZeroGradientWouldDivideZeroByZero()
    {
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.Adam(epsilon: 0)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.AdamW(epsilon: 0)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => Transforms.ScaleByAdam(epsilon: 0)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => Optimizer.Adam().Epsilon(0)).ParamName);
    }

    [Fact]
    public void SchedulesConvertedFromNumbersAreCheckedByTheirReceiverUnderItsOwnName()
    {
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => Transforms.AddDecayedWeights(double.NaN)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => Transforms.AddDecayedWeights(-1)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => Transforms.ScaleByLearningRate(double.NaN)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => Transforms.ScaleByLearningRate(Schedule.Constant(0))).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => Optimizer.Sgd(0.1).WeightDecay(double.PositiveInfinity)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => Optimizer.Sgd(0.1).LearningRate(-0.5)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.AdamW(Schedule.Constant(1e-3), weightDecay: double.NaN)).ParamName);
        Assert.Equal("l1", Assert.Throws<ArgumentOutOfRangeException>(() => Transforms.ProximalL1(-1, 0.1)).ParamName);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.Sgd(Schedule.Constant(0.1), weightDecay: double.NaN));
        Assert.Equal("weightDecay", e.ParamName);
        Assert.Contains("'weightDecay' must be a finite number >= 0, but was NaN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConversionsThatWouldOverflowToInfinityNameTheirInput()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Conventions.TorchWeightDecayFromL2(1e308));
        Assert.Equal("lambda", e.ParamName);
        Assert.Contains("overflows to Infinity", e.Message, StringComparison.Ordinal);
        Assert.Equal("tfaWeightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => Conventions.TorchAdamWFromTfa(1e300, 1e-10)).ParamName);
        Assert.Equal(2e307, Conventions.TorchWeightDecayFromL2(1e307));
    }

    [Fact]
    public async Task AFacadeSteppedFromTwoThreadsAtOnceRefusesTheSecondAndChangesNothing()
    {
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var blocking = new BlockingTransform(inside, release);
        var parameters = ParamSet.Of(Param.Of("w", Matrix<double>.Build.Dense(2, 2, 1.0)));
        var optimizer = Optimizer.Create(Transforms.Chain(blocking, Transforms.ScaleByLearningRate(0.5)), parameters);
        Assert.False(optimizer.IsFused);
        var gradients = ParamSet.Of(Param.Of("w", Matrix<double>.Build.Dense(2, 2, 1.0)));
        var first = Task.Run(() => optimizer.Step(gradients));
        Assert.True(inside.Wait(TimeSpan.FromSeconds(30)), "the first step did not start");
        var e = Assert.Throws<InvalidOperationException>(() => optimizer.Step(gradients));
        Assert.Contains("not thread-safe", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => optimizer.Restore(optimizer.Transform.Init(parameters)));
        release.Set();
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, optimizer.StepCount);
        Assert.Equal(0.5, parameters["w"].Value[0, 0]);
        optimizer.Step(gradients); // usable again once the first step is done
        Assert.Equal(2, optimizer.StepCount);
    }

    /// <summary>A pass-through transform whose update waits until released (to hold a step open).</summary>
    private sealed record BlockingTransform(ManualResetEventSlim Inside, ManualResetEventSlim Release) : IGradientTransform
    {
        public TransformState Init<T>(ParamSet<T> parameters)
            where T : struct, IEquatable<T>, IFormattable => new ClipState(0);

        public StepResult<T> Update<T>(ParamSet<T> updates, TransformState state, ParamSet<T> parameters)
            where T : struct, IEquatable<T>, IFormattable
        {
            if (!Release.IsSet)
            {
                Inside.Set();
                Release.Wait(TimeSpan.FromSeconds(30));
            }

            return new StepResult<T>(updates, state);
        }

        public void WriteState(TransformState state, StateWriter writer) => writer.WriteInt64(0);

        public TransformState ReadState<T>(StateReader reader, ParamSet<T> parameters)
            where T : struct, IEquatable<T>, IFormattable => new ClipState(reader.ReadCount("count"));
    }
}

/// <summary>NAdam keeps a memo of its running product; results must not depend on it (order of calls, threads).</summary>
public sealed class NAdamMemoTests
{
    [Fact]
    public void StepsInAnyOrderAndFromManyThreadsGiveTheSequentialBits()
    {
        var p0 = ParamSet.Of(Param.Of("w", Matrix<double>.Build.Dense(3, 4, (i, j) => (i - j) * 0.25)));
        var g = ParamSet.Of(Param.Of("w", Matrix<double>.Build.Dense(3, 4, (i, j) => ((i * 4) + j - 5) * 0.1)));
        var sequential = Optimizers.NAdam(weightDecay: 0.01);
        var states = new List<TransformState> { sequential.Init(p0) };
        var updates = new List<ParamSet<double>>();
        for (var s = 0; s < 40; s++)
        {
            var r = sequential.Update(g, states[^1], p0);
            updates.Add(r.Updates);
            states.Add(r.State);
        }

        var shared = Optimizers.NAdam(weightDecay: 0.01); // a fresh value whose memo sees the steps out of order
        var order = Enumerable.Range(0, 40).OrderBy(i => (i * 17) % 40).ToArray();
        var results = new ParamSet<double>[40];
        Parallel.ForEach(order, new ParallelOptions { MaxDegreeOfParallelism = 8 }, s => results[s] = shared.Update(g, states[s], p0).Updates);
        for (var s = 0; s < 40; s++)
        {
            Assert.True(results[s].BitwiseEquals(updates[s]), $"step {s + 1} differs");
        }
    }
}
