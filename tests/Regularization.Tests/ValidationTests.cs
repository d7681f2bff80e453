using static Regularization.Tests.TestUtil;

namespace Regularization.Tests;

/// <summary>Every public entry rejects bad input with an ArgumentException naming the argument (and the parameter).</summary>
public sealed class ValidationTests
{
    public static TheoryData<string, Action> BadHyperparameters() => new()
    {
        { "learningRate", () => Optimizers.Sgd(0) },
        { "learningRate", () => Optimizers.Sgd(-0.1) },
        { "learningRate", () => Optimizers.Sgd(double.NaN) },
        { "learningRate", () => Optimizers.Adam(double.PositiveInfinity) },
        { "momentum", () => Optimizers.Sgd(0.1, momentum: -0.5) },
        { "momentum", () => Optimizers.Sgd(0.1, momentum: double.NaN) },
        { "dampening", () => Optimizers.Sgd(0.1, momentum: 0.9, dampening: 1.5) },
        { "dampening", () => Optimizers.Sgd(0.1, momentum: 0.9, dampening: -0.1) },
        { "weightDecay", () => Optimizers.Sgd(0.1, weightDecay: -1e-4) },
        { "weightDecay", () => Optimizers.AdamW(weightDecay: double.NaN) },
        { "weightDecay", () => Optimizers.SgdW(0.1, -1) },
        { "beta1", () => Optimizers.Adam(beta1: 1.0) },
        { "beta1", () => Optimizers.Adam(beta1: -0.1) },
        { "beta2", () => Optimizers.AdamW(beta2: 1.0) },
        { "beta2", () => Optimizers.AdamW(beta2: double.NaN) },
        { "epsilon", () => Optimizers.Adam(epsilon: -1e-8) },
        { "nesterov", () => Optimizers.Sgd(0.1, nesterov: true) },
        { "nesterov", () => Optimizers.Sgd(0.1, momentum: 0.9, dampening: 0.1, nesterov: true) },
        { "lambda", () => Penalties.L2(-1) },
        { "lambda", () => Penalties.L1(double.NaN) },
        { "l1Ratio", () => Penalties.ElasticNet(0.1, 1.5) },
        { "l1", () => Optimizers.WithProximalL1(Optimizers.Sgd(0.1), -0.1) },
        { "threshold", () => Proximal.SoftThreshold(Set(("w", M(1, 1, 1))), -1) },
        { "stepSize", () => Penalties.L1(0.1).Proximal(Set(("w", M(1, 1, 1))), double.NaN) },
        { "value", () => Schedule.Constant(-1) },
        { "gamma", () => Schedule.Exponential(0.1, 1.5) },
        { "stepSize", () => Schedule.Step(0.1, 0) },
        { "totalSteps", () => Schedule.Cosine(0.1, 0) },
        { "final", () => Schedule.Cosine(0.1, 10, final: 0.2) },
        { "warmupSteps", () => Schedule.Constant(0.1).WithWarmup(0) },
        { "milestones", () => Schedule.MultiStep(0.1, [5, 3]) },
        { "learningRate", () => Transforms.ScaleByLearningRate(Schedule.Constant(0)) },
        { "factor", () => Transforms.Scale(double.NaN) },
        { "sampleCount", () => Conventions.L2FromSklearnRidge(1, 0) },
        { "baseLearningRate", () => Conventions.TorchAdamWFromPaper(0.1, 0) },
        { "patterns", () => Mask.Names("(") },
        { "learningRate", () => Optimizer.AdamW(-1) },
        { "beta1", () => Optimizer.Adam().Betas(1, 0.9) },
    };

    [Theory]
    [MemberData(nameof(BadHyperparameters))]
    public void BadHyperparametersThrowNamingTheArgument(string argument, Action create)
    {
        var e = Assert.ThrowsAny<ArgumentException>(create);
        Assert.Equal(argument, e.ParamName);
    }

    [Fact]
    public void NesterovMessageStatesPyTorchsRule()
    {
        var e = Assert.Throws<ArgumentException>(() => Optimizers.Sgd(0.1, nesterov: true));
        Assert.Contains("Nesterov momentum requires a momentum > 0 and zero dampening", e.Message);
    }

    public static TheoryData<IGradientTransform> AllOptimizers() => new()
    {
        Optimizers.Sgd(0.1, momentum: 0.9, weightDecay: 0.01),
        Optimizers.SgdW(0.1, 0.01, momentum: 0.9),
        Optimizers.Adam(weightDecay: 0.01, amsgrad: true),
        Optimizers.AdamW(),
        Optimizers.WithProximalL1(Optimizers.Adam(), 0.01),
        Optimizer.Sgd(0.1).Momentum(0.9).WeightDecay(0.01).ExcludeBiases().ToTransform(),
    };

    [Theory]
    [MemberData(nameof(AllOptimizers))]
    public void EmptyParameterSetsAreRejected(IGradientTransform optimizer)
    {
        var e = Assert.Throws<ArgumentException>(() => optimizer.Init(ParamSet<double>.Empty));
        Assert.Equal("parameters", e.ParamName);
        Assert.Throws<ArgumentException>(() => Optimizer.Create(optimizer, ParamSet<double>.Empty));
    }

    [Theory]
    [MemberData(nameof(AllOptimizers))]
    public void MismatchedGradientsAreRejectedNamingTheParameter(IGradientTransform optimizer)
    {
        var parameters = Set(("w", M(2, 2, 1, 2, 3, 4)), ("b", M(2, 1, 1, 1)));
        var state = optimizer.Init(parameters);

        var missing = Assert.Throws<ArgumentException>(() => optimizer.Update(Set(("w", M(2, 2, 0, 0, 0, 0))), state, parameters));
        Assert.Equal("updates", missing.ParamName);
        Assert.Contains("'b'", missing.Message);

        var shape = Assert.Throws<ArgumentException>(() => optimizer.Update(Set(("w", M(1, 4, 0, 0, 0, 0)), ("b", M(2, 1, 0, 0))), state, parameters));
        Assert.Contains("'w'", shape.Message);
        Assert.Contains("1x4", shape.Message);

        var extra = Assert.Throws<ArgumentException>(
            () => optimizer.Update(Set(("w", M(2, 2, 0, 0, 0, 0)), ("b", M(2, 1, 0, 0)), ("c", M(1, 1, 0))), state, parameters));
        Assert.Contains("'c'", extra.Message);

        var facade = Optimizer.Create(optimizer, parameters.Copy());
        var f = Assert.Throws<ArgumentException>(() => facade.Step(Set(("w", M(2, 2, 0, 0, 0, 0)))));
        Assert.Equal("gradients", f.ParamName);
        Assert.Contains("'b'", f.Message);
    }

    [Theory]
    [MemberData(nameof(AllOptimizers))]
    public void AStateOfAnotherTransformIsRejected(IGradientTransform optimizer)
    {
        var parameters = Set(("w", M(2, 2, 1, 2, 3, 4)), ("b", M(2, 1, 1, 1)));
        var e = Assert.ThrowsAny<ArgumentException>(() => optimizer.Update(ParamSet.ZerosLike(parameters), EmptyState.Instance, parameters));
        Assert.Equal("state", e.ParamName);
    }

    [Fact]
    public void AStateForOtherParametersIsRejected()
    {
        var sgd = Optimizers.Sgd(0.1, momentum: 0.9);
        var parameters = Set(("w", M(2, 1, 1, 2)));
        var other = sgd.Init(Set(("w", M(3, 1, 1, 2, 3))));
        var e = Assert.ThrowsAny<ArgumentException>(() => sgd.Update(ParamSet.ZerosLike(parameters), other, parameters));
        Assert.Equal("state", e.ParamName);
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void UpdatesApplyAlignsByNameAndRejectsMismatch()
    {
        var p = Set(("w", M(1, 1, 1)), ("b", M(1, 1, 2)));
        var next = Updates.Apply(p, Set(("b", M(1, 1, 0.5)), ("w", M(1, 1, 0.25))));
        Assert.Equal(["w", "b"], next.Names);
        Assert.Equal(1.25, next["w"].Value[0, 0]);
        Assert.Equal(2.5, next["b"].Value[0, 0]);
        Assert.Throws<ArgumentException>(() => Updates.Apply(p, Set(("w", M(1, 1, 1)))));
    }

    [Fact]
    public void AScheduleGivingABadValueThrowsAndNamesIt()
    {
        var bad = Schedule.FromFunction(0.1, t => t < 2 ? 1 : double.NaN, "breaks at step 2");
        var sgd = Optimizers.Sgd(bad);
        var p = Set(("w", M(1, 1, 1)));
        var state = sgd.Init(p);
        for (var i = 0; i < 2; i++)
        {
            state = sgd.Update(Set(("w", M(1, 1, 1))), state, p).State;
        }

        var e = Assert.Throws<InvalidOperationException>(() => sgd.Update(Set(("w", M(1, 1, 1))), state, p));
        Assert.Contains("breaks at step 2", e.Message);
        Assert.Contains("step 2", e.Message);
    }
}
