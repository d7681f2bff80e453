using static Regularization.Tests.TestUtil;

namespace Regularization.Tests;

/// <summary>Each primitive against its formula, computed by hand.</summary>
public sealed class TransformTests
{
    private static StepResult<double> Run(IGradientTransform t, ParamSet<double> updates, ParamSet<double> parameters) =>
        t.Update(updates, t.Init(parameters), parameters);

    [Fact]
    public void AddDecayedWeightsAddsLambdaTimesParameters()
    {
        var p = Set(("w", M(1, 2, 2, -4)));
        var u = Set(("w", M(1, 2, 0.5, 0.5)));
        var step = Run(Transforms.AddDecayedWeights(0.25), u, p);
        Assert.Equal([1.0, -0.5], step.Updates["w"].Value.AsColumnMajorArray());
        var state = Assert.IsType<SlotState<double>>(step.State);
        Assert.Equal(1, state.Count);
        Assert.Empty(state.Slots);
    }

    [Fact]
    public void ZeroDecayPassesUpdatesThroughUntouched()
    {
        var p = Set(("w", M(1, 2, 2, -4)));
        var u = Set(("w", M(1, 2, -0.0, 0.5)));
        var step = Run(Transforms.AddDecayedWeights(0), u, p);
        Assert.True(step.Updates.BitwiseEquals(u)); // -0.0 stays -0.0: zero decay adds nothing, not +0
    }

    [Fact]
    public void TraceFollowsPyTorchMomentum()
    {
        var p = Set(("w", M(1, 1, 0)));
        var trace = Transforms.Trace(momentum: 0.5, dampening: 0.25);
        var state = trace.Init(p);
        var s1 = trace.Update(Set(("w", M(1, 1, 4))), state, p);
        Assert.Equal(4, s1.Updates["w"].Value[0, 0]); // first buffer is the gradient itself, undampened
        var s2 = trace.Update(Set(("w", M(1, 1, 8))), s1.State, p);
        Assert.Equal((0.5 * 4) + (0.75 * 8), s2.Updates["w"].Value[0, 0]);
        Assert.Equal(2, ((SlotState<double>)s2.State).Count);
    }

    [Fact]
    public void NesterovAddsMomentumTimesBuffer()
    {
        var p = Set(("w", M(1, 1, 0)));
        var trace = Transforms.Trace(momentum: 0.5, nesterov: true);
        var s1 = trace.Update(Set(("w", M(1, 1, 4))), trace.Init(p), p);
        Assert.Equal(4 + (0.5 * 4), s1.Updates["w"].Value[0, 0]);
        var s2 = trace.Update(Set(("w", M(1, 1, 2))), s1.State, p);
        var buf = (0.5 * 4) + 2;
        Assert.Equal(2 + (0.5 * buf), s2.Updates["w"].Value[0, 0]);
    }

    [Fact]
    public void AdamFirstStepIsTheSignOfTheGradient()
    {
        var p = Set(("w", M(1, 3, 0, 0, 0)));
        var adam = Transforms.ScaleByAdam();
        var step = Run(adam, Set(("w", M(1, 3, 3, -0.02, 0))), p);
        var d = step.Updates["w"].Value.AsColumnMajorArray();
        Assert.Equal(1, d[0], 1e-8);
        Assert.Equal(-1, d[1], 1e-6);
        Assert.Equal(0, d[2]);
        var state = (SlotState<double>)step.State;
        Assert.Equal(1, state.Count);
        Assert.Equal(0.1 * 3, state["exp_avg"]["w"].Value[0, 0], 15);
        Assert.Equal(["exp_avg", "exp_avg_sq"], state.SlotNames);
    }

    [Fact]
    public void AmsGradKeepsTheMaximumOfTheRawSecondMoment()
    {
        var p = Set(("w", M(1, 1, 0)));
        var adam = Transforms.ScaleByAdam(amsGrad: true);
        var s1 = adam.Update(Set(("w", M(1, 1, 10))), adam.Init(p), p);
        var s2 = adam.Update(Set(("w", M(1, 1, 0))), s1.State, p);
        var st = (SlotState<double>)s2.State;
        Assert.True(st["max_exp_avg_sq"]["w"].Value[0, 0] > st["exp_avg_sq"]["w"].Value[0, 0]);
        Assert.Equal(((SlotState<double>)s1.State)["exp_avg_sq"]["w"].Value[0, 0], st["max_exp_avg_sq"]["w"].Value[0, 0]);
    }

    [Fact]
    public void ScaleByLearningRateNegates()
    {
        var p = Set(("w", M(1, 2, 0, 0)));
        var step = Run(Transforms.ScaleByLearningRate(0.5), Set(("w", M(1, 2, 2, -4))), p);
        Assert.Equal([-1.0, 2.0], step.Updates["w"].Value.AsColumnMajorArray());
    }

    [Theory]
    [InlineData(DecayScaling.LearningRate, 0.1 * 0.5)]
    [InlineData(DecayScaling.ScheduleMultiplier, 0.5)]
    [InlineData(DecayScaling.None, 0.5)]
    public void DecoupledDecayCoefficientFollowsTheScalingMode(DecayScaling scaling, double expectedAtStep0)
    {
        var lr = Schedule.Step(0.1, stepSize: 1, gamma: 0.5);
        var t = new AddDecoupledWeightDecayPrimitive(0.5, lr, scaling);
        Assert.Equal(expectedAtStep0, t.Coefficient(0), 15);
        var atStep2 = scaling switch
        {
            DecayScaling.LearningRate => 0.025 * 0.5,
            DecayScaling.ScheduleMultiplier => 0.25 * 0.5,
            _ => 0.5,
        };
        Assert.Equal(atStep2, t.Coefficient(2), 15);
    }

    [Fact]
    public void DecoupledDecayShrinksByOneMinusC()
    {
        var p = Set(("w", M(1, 2, 2, -4)));
        var step = Run(Transforms.AddDecoupledWeightDecay(0.1, 0.5), Set(("w", M(1, 2, 0, 0))), p);
        var next = Updates.Apply(p, step.Updates);
        Assert.Equal([2 * 0.95, -4 * 0.95], next["w"].Value.AsColumnMajorArray());
    }

    [Fact]
    public void ProximalL1GivesExactZerosWithinTheThreshold()
    {
        var p = Set(("w", M(1, 5, 1.0, -1.0, 0.5, 0.01, -0.3)));
        var u = Set(("w", M(1, 5, -0.95, 0.0, 0.0, 0.0, 0.0)));
        // threshold = lr * l1 = 0.1 * 1 = 0.1; w = p + u = [0.05, -1, 0.5, 0.01, -0.3]
        var step = Run(Transforms.ProximalL1(1.0, 0.1), u, p);
        var next = Updates.Apply(p, step.Updates)["w"].Value.AsColumnMajorArray();
        Assert.Equal(0.0, next[0]);
        Assert.Equal(-0.9, next[1], 15);
        Assert.Equal(0.4, next[2], 15);
        Assert.Equal(0.0, next[3]);
        Assert.Equal(-0.2, next[4], 15);
    }

    [Fact]
    public void ProximalElasticNetShrinksThenDivides()
    {
        var p = Set(("w", M(1, 2, 1.0, -2.0)));
        var u = Set(("w", M(1, 2, 0.0, 0.0)));
        // lambda 1, ratio 0.5, lr 0.1: threshold 0.05, divisor 1 + 2*0.1*0.5 = 1.1
        var next = Updates.Apply(p, Run(Transforms.ProximalElasticNet(1, 0.5, 0.1), u, p).Updates)["w"].Value;
        Assert.Equal(0.95 / 1.1, next[0, 0], 15);
        Assert.Equal(-1.95 / 1.1, next[0, 1], 15);
    }

    [Fact]
    public void ChainPassesUpdatesInOrderAndEmptyChainIsIdentity()
    {
        var p = Set(("w", M(1, 1, 1)));
        var chain = Transforms.Chain(Transforms.Scale(2), Transforms.AddDecayedWeights(1), Transforms.Scale(3));
        Assert.Equal((2 * 5 + 1) * 3.0, Run(chain, Set(("w", M(1, 1, 5))), p).Updates["w"].Value[0, 0]);
        var empty = Transforms.Chain();
        var u = Set(("w", M(1, 1, 5)));
        Assert.True(Run(empty, u, p).Updates.BitwiseEquals(u));
    }

    [Fact]
    public void MaskedAppliesTheInnerTransformOnlyToIncludedParameters()
    {
        var p = Set(("w", M(2, 2, 1, 1, 1, 1)), ("b", M(2, 1, 1, 1)));
        var u = Set(("w", M(2, 2, 0, 0, 0, 0)), ("b", M(2, 1, 0, 0)));
        var masked = Transforms.Masked(Transforms.Trace(0.9), Mask.ExcludeVectors);
        var state = masked.Init(p);
        Assert.Equal(["w"], ((SlotState<double>)state)["momentum_buffer"].Names);
        var step = masked.Update(u, state, p);
        Assert.True(step.Updates.Where(q => q.Name == "b").BitwiseEquals(u.Where(q => q.Name == "b")));
        var decay = Transforms.Masked(Transforms.AddDecayedWeights(0.5), Mask.ExcludeVectors);
        var d = Run(decay, u, p);
        Assert.Equal(0.5, d.Updates["w"].Value[0, 0]);
        Assert.Equal(0.0, d.Updates["b"].Value[0, 0]);
    }

    [Fact]
    public void PartitionGivesEachGroupItsOwnTransform()
    {
        var p = Set(("w", M(2, 2, 1, 1, 1, 1)), ("b", M(2, 1, 1, 1)));
        var g = Set(("w", M(2, 2, 1, 1, 1, 1)), ("b", M(2, 1, 1, 1)));
        var opt = Transforms.Partition(
            new ParamGroup("weights", Mask.ExcludeVectors, Transforms.ScaleByLearningRate(0.1)),
            new ParamGroup("rest", Mask.All, Transforms.ScaleByLearningRate(0.5)));
        var step = Run(opt, g, p);
        Assert.Equal(-0.1, step.Updates["w"].Value[0, 0]);
        Assert.Equal(-0.5, step.Updates["b"].Value[0, 0]);
        Assert.Equal(["w", "b"], step.Updates.Names);
    }

    [Fact]
    public void APartitionWithoutACatchAllGroupNamesTheOrphanParameter()
    {
        var p = Set(("w", M(2, 2, 1, 1, 1, 1)), ("b", M(2, 1, 1, 1)));
        var opt = Transforms.Partition(new ParamGroup("weights", Mask.ExcludeVectors, Transforms.Identity()));
        var e = Assert.Throws<ArgumentException>(() => opt.Init(p));
        Assert.Contains("'b'", e.Message);
        Assert.Contains("Mask.All", e.Message);
    }

    [Fact]
    public void SgdWithoutMomentumCoupledAndDecoupledDecayAgreeToRounding()
    {
        var p = Random(1, ("w", 5, 4));
        var g = Random(2, ("w", 5, 4));
        var coupled = Pure.Step(Optimizers.Sgd(0.1, weightDecay: 0.01), g, Optimizers.Sgd(0.1, weightDecay: 0.01).Init(p), p).Parameters;
        var sgdw = Optimizers.SgdW(0.1, 0.01);
        var decoupled = Pure.Step(sgdw, g, sgdw.Init(p), p).Parameters;
        var a = coupled["w"].Value.AsColumnMajorArray();
        var b = decoupled["w"].Value.AsColumnMajorArray();
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i], 1e-15);
        }
    }

    [Fact]
    public void AdamWWithoutDecayIsAdamBitForBit()
    {
        var p = Random(3, ("w", 7, 3), ("b", 3, 1));
        var adam = Optimizers.Adam(0.01);
        var adamw = Optimizers.AdamW(0.01, weightDecay: 0);
        var (pa, sa) = (p, adam.Init(p));
        var (pw, sw) = (p, adamw.Init(p));
        for (var i = 0; i < 5; i++)
        {
            var g = Random(10 + i, ("w", 7, 3), ("b", 3, 1));
            var ra = Pure.Step(adam, g, sa, pa);
            var rw = Pure.Step(adamw, g, sw, pw);
            (pa, sa, pw, sw) = (ra.Parameters, ra.State, rw.Parameters, rw.State);
            Assert.True(BitwiseEqual(pa, pw));
        }
    }

    [Fact]
    public void AdamWAndAdamWithL2DifferForTheSameCoefficient()
    {
        var p = Random(4, ("w", 6, 6));
        var g = Random(5, ("w", 6, 6));
        var l2 = Pure.Step(Optimizers.Adam(0.01, weightDecay: 0.1), g, Optimizers.Adam(0.01, weightDecay: 0.1).Init(p), p).Parameters;
        var w = Pure.Step(Optimizers.AdamW(0.01, weightDecay: 0.1), g, Optimizers.AdamW(0.01, weightDecay: 0.1).Init(p), p).Parameters;
        Assert.NotEqual(l2, w);
    }

    [Fact]
    public void WeightDecayScheduleChangesTheShrinkPerStep()
    {
        var wd = Schedule.Step(0.1, stepSize: 1, gamma: 0.5);
        var opt = Optimizers.SgdW(Schedule.Constant(1.0), wd, decayScaling: DecayScaling.LearningRate);
        var p = Set(("w", M(1, 1, 1)));
        var state = opt.Init(p);
        var zero = Set(("w", M(1, 1, 0)));
        var r1 = Pure.Step(opt, zero, state, p);
        Assert.Equal(0.9, r1.Parameters["w"].Value[0, 0], 15);
        var r2 = Pure.Step(opt, zero, r1.State, r1.Parameters);
        Assert.Equal(0.9 * 0.95, r2.Parameters["w"].Value[0, 0], 15);
    }

    [Fact]
    public void PaperScalingIgnoresTheBaseLearningRate()
    {
        // lr(t) = alpha * eta(t) with alpha = 1e-3 and eta = 0.5 after step 1; paper decay c = eta * lambda.
        var lr = Schedule.Step(1e-3, stepSize: 1, gamma: 0.5);
        var opt = Optimizers.AdamW(lr, weightDecay: Schedule.Constant(0.1), decayScaling: DecayScaling.ScheduleMultiplier);
        var p = Set(("w", M(1, 1, 2)));
        var zero = Set(("w", M(1, 1, 0)));
        var r1 = Pure.Step(opt, zero, opt.Init(p), p);
        Assert.Equal(2 * (1 - 0.1), r1.Parameters["w"].Value[0, 0], 14);
        var r2 = Pure.Step(opt, zero, r1.State, r1.Parameters);
        Assert.Equal(2 * (1 - 0.1) * (1 - 0.05), r2.Parameters["w"].Value[0, 0], 14);
    }

    [Fact]
    public void AddPenaltyGradientAddsTheRoundedPenaltyGradient()
    {
        var p = Set(("w", M(1, 2, 3, -1)));
        var u = Set(("w", M(1, 2, 1, 1)));
        var step = Run(Transforms.AddPenaltyGradient(Penalties.L2(0.5)), u, p);
        Assert.Equal([1 + 3.0, 1 - 1.0], step.Updates["w"].Value.AsColumnMajorArray());
    }

    [Fact]
    public void OptimizersAreDocumentedChains()
    {
        var sgd = Assert.IsType<NonFiniteGuardTransform>(Optimizers.Sgd(0.1, momentum: 0.9, weightDecay: 1e-4, maximize: true));
        var chain = Assert.IsType<ChainTransform>(sgd.Inner);
        Assert.Collection(
            chain.Items,
            t => Assert.Equal(-1, Assert.IsType<ScalePrimitive>(t).Factor),
            t => Assert.IsType<AddDecayedWeightsPrimitive>(t),
            t => Assert.Equal(0.9, Assert.IsType<TracePrimitive>(t).Momentum),
            t => Assert.IsType<ScaleByLearningRatePrimitive>(t));
        var adamw = Assert.IsType<ChainTransform>(Assert.IsType<NonFiniteGuardTransform>(Optimizers.AdamW()).Inner);
        Assert.Collection(
            adamw.Items,
            t => Assert.IsType<ScaleByAdamPrimitive>(t),
            t => Assert.IsType<ScaleByLearningRatePrimitive>(t),
            t => Assert.Equal(0.01, Assert.IsType<AddDecoupledWeightDecayPrimitive>(t).WeightDecay.At(0)));
        Assert.Equal(Optimizers.AdamW(), Optimizers.AdamW());
    }

    [Fact]
    public void WithProximalL1UsesTheOptimizersLearningRate()
    {
        var opt = Optimizers.WithProximalL1(Optimizers.Sgd(0.2), 0.5);
        var prox = Internal.TransformWalker.All(opt).OfType<ProximalPrimitive>().Single();
        Assert.Equal(0.1, prox.At(0).Threshold, 15);
        var groups = Optimizers.Groups([
            new ParamGroup("a", Mask.ExcludeVectors, Optimizers.Sgd(0.1)),
            new ParamGroup("b", Mask.All, Optimizers.Sgd(0.2)),
        ]);
        var e = Assert.Throws<ArgumentException>(() => Optimizers.WithProximalL1(groups, 0.5));
        Assert.Contains("learningRate", e.Message);
        Assert.NotNull(Optimizers.WithProximalL1(groups, 0.5, Schedule.Constant(0.1)));
    }
}
