using static Regularization.Tests.TestUtil;

namespace Regularization.Tests;

/// <summary>The non-finite policy: throw (default) and skip change nothing; zero equals the step on zeroed gradients.</summary>
public sealed class NonFiniteTests
{
    private static readonly ParamSet<double> Start = Set(("w", M(2, 2, 1, -2, 3, -4)), ("b", M(2, 1, 0.5, -0.5)));

    private static ParamSet<double> Good(int seed) => Random(seed, ("w", 2, 2), ("b", 2, 1));

    private static ParamSet<double> Bad() => Set(("w", M(2, 2, 1, double.NaN, 3, double.PositiveInfinity)), ("b", M(2, 1, 0.5, 1)));

    public static TheoryData<string> Kinds() =>
        ["sgd", "adamw", "prox", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam", "nadamw", "asgd", "rprop"];

    private static IGradientTransform Make(string kind, NonFinitePolicy policy) => Optimizers.WithNonFinitePolicy(
        kind switch
        {
            "sgd" => Optimizers.Sgd(0.1, momentum: 0.9, weightDecay: 0.01),
            "adamw" => Optimizers.AdamW(0.01, amsgrad: true),
            "rmsprop" => Optimizers.RmsProp(weightDecay: 0.01, momentum: 0.9, centered: true),
            "adagrad" => Optimizers.Adagrad(lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1),
            "adadelta" => Optimizers.Adadelta(weightDecay: 0.01),
            "adamax" => Optimizers.Adamax(weightDecay: 0.01),
            "nadam" => Optimizers.NAdam(weightDecay: 0.01),
            "radam" => Optimizers.RAdam(weightDecay: 0.01),
            "nadamw" => Optimizers.NAdamW(),
            "asgd" => Optimizers.Asgd(weightDecay: 0.01, t0: 0),
            "rprop" => Optimizers.Rprop(),
            _ => Optimizers.WithProximalL1(Optimizers.Adam(0.01), 0.1),
        },
        policy);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ThrowNamesTheParameterAndChangesNothing(string kind)
    {
        var opt = Make(kind, NonFinitePolicy.Throw);
        var warm = Pure.Step(opt, Good(1), opt.Init(Start), Start);
        var parameters = warm.Parameters;
        var before = parameters.Copy();
        var stateBefore = warm.State;
        var e = Assert.Throws<NonFiniteGradientException>(() => opt.Update(Bad(), warm.State, parameters));
        Assert.Equal("w", e.ParameterName);
        Assert.Equal(2, e.NonFiniteCount);
        Assert.Equal((1, 0), (e.Row, e.Column));
        Assert.Contains("nothing was changed", e.Message);
        Assert.True(BitwiseEqual(before, parameters));
        Assert.Equal(stateBefore, warm.State);

        var facade = Optimizer.Create(opt, Start.Copy());
        facade.Step(Good(1));
        var p0 = facade.Parameters.Copy();
        var s0 = facade.State;
        Assert.Throws<NonFiniteGradientException>(() => facade.Step(Bad()));
        Assert.True(BitwiseEqual(p0, facade.Parameters));
        Assert.Equal(s0, facade.State);
        Assert.Equal(1, facade.StepCount);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SkipLeavesParametersAndStateUntouchedAndCounts(string kind)
    {
        var opt = Make(kind, NonFinitePolicy.Skip);
        var warm = Pure.Step(opt, Good(1), opt.Init(Start), Start);
        var skipped = Pure.Step(opt, Bad(), warm.State, warm.Parameters);
        Assert.True(BitwiseEqual(warm.Parameters, skipped.Parameters));
        var before = (NonFiniteState)warm.State;
        var after = (NonFiniteState)skipped.State;
        Assert.Equal(before.Inner, after.Inner);
        Assert.Equal(1, after.SkippedSteps);
        Assert.Equal(0, after.ZeroedEntries);

        var facade = Optimizer.Create(opt, Start.Copy());
        facade.Step(Good(1));
        var p0 = facade.Parameters.Copy();
        facade.Step(Bad());
        Assert.True(BitwiseEqual(p0, facade.Parameters));
        Assert.Equal(skipped.State, facade.State);
        Assert.Equal(2, facade.StepCount);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ZeroEqualsTheStepWithThoseEntriesZeroed(string kind)
    {
        var opt = Make(kind, NonFinitePolicy.Zero);
        var warm = Pure.Step(opt, Good(1), opt.Init(Start), Start);
        var zeroed = Pure.Step(opt, Bad(), warm.State, warm.Parameters);
        var clean = Set(("w", M(2, 2, 1, 0, 3, 0)), ("b", M(2, 1, 0.5, 1)));
        var reference = Pure.Step(opt, clean, warm.State, warm.Parameters);
        Assert.True(BitwiseEqual(reference.Parameters, zeroed.Parameters));
        var counts = (NonFiniteState)zeroed.State;
        Assert.Equal(2, counts.ZeroedEntries);
        Assert.Equal(1, counts.ZeroedSteps);
        Assert.Equal(((NonFiniteState)reference.State).Inner, counts.Inner);

        var facade = Optimizer.Create(opt, Start.Copy());
        facade.Step(Good(1));
        facade.Step(Bad());
        Assert.True(BitwiseEqual(zeroed.Parameters, facade.Parameters));
        Assert.Equal(zeroed.State, facade.State);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void WithoutTheGuardFiniteStepsAreTheGuardedStepsAndNaNFlowsIntoTheParameters(string kind)
    {
        var guarded = Make(kind, NonFinitePolicy.Throw);
        var bare = Optimizers.WithoutNonFiniteGuard(guarded);
        Assert.IsNotType<NonFiniteGuardTransform>(bare);
        Assert.Same(bare, Optimizers.WithoutNonFiniteGuard(bare));

        var reference = Optimizer.Create(guarded, Start.Copy());
        var pure = (Parameters: Start, State: bare.Init(Start));
        var facade = Optimizer.Create(bare, Start.Copy());
        for (var t = 1; t <= 4; t++)
        {
            reference.Step(Good(t));
            var step = Pure.Step(bare, Good(t), pure.State, pure.Parameters);
            pure = (step.Parameters, step.State);
            facade.Step(Good(t));
            Assert.True(BitwiseEqual(reference.Parameters, pure.Parameters));
            Assert.True(BitwiseEqual(reference.Parameters, facade.Parameters));
        }

        facade.Step(Bad());
        var after = Pure.Step(bare, Bad(), pure.State, pure.Parameters).Parameters;
        Assert.True(double.IsNaN(facade.Parameters["w"].Value[1, 0]));
        Assert.True(double.IsNaN(after["w"].Value[1, 0]));
        Assert.Equal(5, facade.StepCount);
        Assert.Throws<ArgumentNullException>("optimizer", () => Optimizers.WithoutNonFiniteGuard(null!));
    }

    [Fact]
    public void BuilderWithoutTheGuardPropagatesAndOnNonFiniteTurnsTheCheckBackOn()
    {
        var builder = Optimizer.Sgd(0.1).WeightDecay(0.01).WithoutNonFiniteGuard();
        Assert.False(builder.ChecksNonFinite);
        Assert.IsNotType<NonFiniteGuardTransform>(builder.ToTransform());
        var facade = builder.Build(Start.Copy());
        facade.Step(Bad());
        Assert.True(double.IsNaN(facade.Parameters["w"].Value[1, 0]));

        var again = builder.OnNonFinite(NonFinitePolicy.Skip);
        Assert.True(again.ChecksNonFinite);
        Assert.Equal(NonFinitePolicy.Skip, Assert.IsType<NonFiniteGuardTransform>(again.ToTransform()).Policy);
        Assert.True(Optimizer.Sgd(0.1).ChecksNonFinite);
    }

    [Fact]
    public void WithoutAGuardNaNPropagatesAsInPyTorch()
    {
        var bare = Transforms.Chain(Transforms.ScaleByLearningRate(0.1));
        var next = Pure.Step(bare, Bad(), bare.Init(Start), Start);
        Assert.True(double.IsNaN(next.Parameters["w"].Value[1, 0]));
    }
}
