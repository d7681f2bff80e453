using Regularization.Tests.Reference;

namespace Regularization.Tests;

/// <summary>
/// The PyTorch family beyond SGD and Adam (RMSprop, Adagrad, Adamax, NAdam, RAdam, Adadelta, ASGD, Rprop): decay plans,
/// argument rules, decay masks, schedule overloads, builders, initial state and checkpoints. Their trajectories against PyTorch
/// are in <see cref="FamilyReferenceTests"/>.
/// </summary>
public sealed class OptimizerFamilyTests
{
    private static ParamSet<double> Model() => TestUtil.Random(41, ("fc.weight", 4, 3), ("fc.bias", 4, 1));

    private static ParamSet<double> Grad(int seed) => TestUtil.Random(seed, ("fc.weight", 4, 3), ("fc.bias", 4, 1));

    private static ParamSet<float> Single(ParamSet<double> set) => new(set.Select(q => new Param<float>(q.Name, q.Value.Map(v => (float)v), q.Rank)));

    public static TheoryData<string> Names() => ["rmsprop", "rmsprop-centered-momentum", "adagrad", "adamax", "nadam", "radam", "adadelta", "asgd", "rprop"];

    private static IGradientTransform Make(string name) => name switch
    {
        "rmsprop" => Optimizers.RmsProp(weightDecay: 0.1),
        "rmsprop-centered-momentum" => Optimizers.RmsProp(weightDecay: 0.1, momentum: 0.9, centered: true),
        "adagrad" => Optimizers.Adagrad(weightDecay: 0.1, initialAccumulatorValue: 0.1, lrDecay: 0.01),
        "adamax" => Optimizers.Adamax(weightDecay: 0.1),
        "nadam" => Optimizers.NAdam(weightDecay: 0.1),
        "radam" => Optimizers.RAdam(weightDecay: 0.1),
        "adadelta" => Optimizers.Adadelta(weightDecay: 0.1),
        "asgd" => Optimizers.Asgd(weightDecay: 0.1, lambd: 0.01, t0: 1),
        "rprop" => Optimizers.Rprop(maximize: true),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [InlineData("rmsprop", "RMSprop's normalization")]
    [InlineData("rmsprop-centered-momentum", "RMSprop's normalization")]
    [InlineData("adagrad", "Adagrad's normalization")]
    [InlineData("adamax", "Adamax's normalization")]
    [InlineData("nadam", "NAdam's normalization")]
    [InlineData("radam", "RAdam's normalization")]
    [InlineData("adadelta", "Adadelta's normalization")]
    public void CoupledDecayThroughAnAdaptiveOptimizerHasNoFixedShrink(string name, string through)
    {
        var plan = DecayPlan.Of(Make(name), Model());
        Assert.Equal(2, plan.Entries.Count);
        Assert.All(plan.Entries, e =>
        {
            Assert.Equal(DecayKind.Coupled, e.Kind);
            Assert.True(double.IsNaN(e.Shrink), $"{name}: {e}");
            Assert.Contains(through, e.Description);
        });
    }

    [Fact]
    public void AsgdsDecayPlanHasItsStepSizeAndItsOwnShrink()
    {
        // eta_1 = lr; eta_t = lr / (1 + lambd*lr*(t-1))^alpha.
        for (var step = 0; step < 3; step++)
        {
            var plan = DecayPlan.Of(Optimizers.Asgd(learningRate: 0.05, lambd: 0.01, alpha: 0.75, weightDecay: 0.1), Model(), step);
            var eta = 0.05 / Math.Pow(1 + (0.01 * 0.05 * step), 0.75);
            var w = plan.For("fc.weight");
            Assert.Equal(2, w.Count);
            Assert.Equal(1 - (eta * 0.1), Assert.Single(w, e => e.Kind == DecayKind.Coupled).Shrink, 15);
            Assert.Equal(1 - (eta * 0.01), Assert.Single(w, e => e.Kind == DecayKind.Decoupled).Shrink, 15);
        }
    }

    [Theory]
    [InlineData("nadam")]
    [InlineData("radam")]
    public void DecoupledDecayIsOneFusedShrinkOutsideTheMomentsAndZeroDecayIsTheCoupledOptimizer(string name)
    {
        IGradientTransform Decoupled(double wd) => name == "nadam" ? Optimizers.NAdamW(0.01, weightDecay: wd) : Optimizers.RAdamW(0.01, weightDecay: wd);
        IGradientTransform Coupled(double wd) => name == "nadam" ? Optimizers.NAdam(0.01, weightDecay: wd) : Optimizers.RAdam(0.01, weightDecay: wd);

        // weightDecay 0: the decoupled optimizer is the coupled one, bit for bit.
        Assert.True(Run(Decoupled(0)).BitwiseEquals(Run(Coupled(0))));

        // Each update is the undecayed update plus -lr*wd*p in one rounding, and the moments never see the decay.
        var p = Model();
        var (dw, plain) = (Decoupled(0.1), Coupled(0));
        var (sd, sp) = (dw.Init(p), plain.Init(p));
        for (var i = 0; i < 8; i++)
        {
            var rd = dw.Update(Grad(30 + i), sd, p);
            var rp = plain.Update(Grad(30 + i), sp, p);
            foreach (var q in p)
            {
                var expected = q.Value.AsColumnMajorArray().Zip(rp.Updates[q.Name].Value.AsColumnMajorArray(), (w, u) => Math.FusedMultiplyAdd(-0.01 * 0.1, w, u));
                Assert.Equal(expected, rd.Updates[q.Name].Value.AsColumnMajorArray());
            }

            Assert.Equal(
                States.Of<SlotState<double>>(rp.State).Single(s => s.SlotNames.Count > 0)["exp_avg_sq"]["fc.weight"].Value.AsColumnMajorArray(),
                States.Of<SlotState<double>>(rd.State).Single(s => s.SlotNames.Count > 0)["exp_avg_sq"]["fc.weight"].Value.AsColumnMajorArray());
            (sd, sp) = (rd.State, rp.State);
            p = Updates.Apply(p, rd.Updates);
        }

        // Coupled and decoupled decay differ (the coupled term goes through the normalization).
        Assert.False(Run(Decoupled(0.1)).BitwiseEquals(Run(Coupled(0.1))));

        // The plan: a fixed shrink of 1 - lr*wd for every parameter; none for the biases with the mask.
        var plan = DecayPlan.Of(Decoupled(0.1), Model());
        Assert.All(plan.Entries, e => Assert.Equal((DecayKind.Decoupled, 1 - (0.01 * 0.1)), (e.Kind, e.Shrink)));
        var masked = name == "nadam"
            ? Optimizers.NAdamW(Schedule.Constant(0.01), weightDecay: Schedule.Constant(0.1), decayMask: Mask.ExcludeVectors)
            : Optimizers.RAdamW(Schedule.Constant(0.01), weightDecay: Schedule.Constant(0.1), decayMask: Mask.ExcludeVectors);
        Assert.Equal(DecayKind.None, Assert.Single(DecayPlan.Of(masked, Model()).For("fc.bias")).Kind);
    }

    public static TheoryData<string> BuilderNames() =>
        ["rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam", "nadamw", "radamw", "asgd", "rprop", "lion", "lamb", "lars"];

    [Theory]
    [MemberData(nameof(BuilderNames))]
    public void TheBuilderMakesTheFactorysOptimizer(string name)
    {
        var lr = Schedule.Cosine(0.01, totalSteps: 10);
        var wd = Schedule.Constant(0.05);
        var (builder, factory) = name switch
        {
            "rmsprop" => (Optimizer.RmsProp().LearningRate(lr).Alpha(0.9).Centered().Momentum(0.5).Epsilon(1e-6).WeightDecay(wd).ExcludeBiases().Maximize(),
                Optimizers.RmsProp(lr, 0.9, 1e-6, wd, 0.5, centered: true, maximize: true, decayMask: Mask.ExcludeVectors)),
            "adagrad" => (Optimizer.Adagrad().LearningRate(lr).LrDecay(0.1).InitialAccumulatorValue(0.2).WeightDecay(wd).ExcludeBiases(),
                Optimizers.Adagrad(lr, 0.1, wd, 0.2, 1e-10, decayMask: Mask.ExcludeVectors)),
            "adadelta" => (Optimizer.Adadelta().Rho(0.8).WeightDecay(wd), Optimizers.Adadelta(1.0, 0.8, 1e-6, 0.05)),
            "adamax" => (Optimizer.Adamax().LearningRate(lr).Betas(0.8, 0.99).WeightDecay(wd), Optimizers.Adamax(lr, 0.8, 0.99, 1e-8, wd)),
            "nadam" => (Optimizer.NAdam().MomentumDecay(0.01).WeightDecay(wd), Optimizers.NAdam(2e-3, weightDecay: 0.05, momentumDecay: 0.01)),
            "radam" => (Optimizer.RAdam().Epsilon(1e-6).WeightDecay(wd), Optimizers.RAdam(1e-3, epsilon: 1e-6, weightDecay: 0.05)),
            "nadamw" => (Optimizer.NAdamW().LearningRate(lr).ExcludeBiases(), Optimizers.NAdamW(lr, weightDecay: Schedule.Constant(1e-2), decayMask: Mask.ExcludeVectors)),
            "radamw" => (Optimizer.RAdamW(), Optimizers.RAdamW()),
            "asgd" => (Optimizer.Asgd().LearningRate(lr).Lambd(0.01).Alpha(0.5).T0(2).WeightDecay(wd).ExcludeBiases().Maximize(),
                Optimizers.Asgd(lr, 0.01, 0.5, 2, wd, maximize: true, decayMask: Mask.ExcludeVectors)),
            "rprop" => (Optimizer.Rprop(0.05).LearningRate(lr).Etas(0.3, 1.5).StepSizes(1e-4, 1).Maximize().ProximalL1(0.01).ExcludeBiases(),
                Optimizers.WithProximalL1(Optimizers.Rprop(lr, 0.3, 1.5, 1e-4, 1, maximize: true), 0.01, lr, mask: Mask.ExcludeVectors)),
            "lion" => (Optimizer.Lion(1e-3).LearningRate(lr).Betas(0.8, 0.95).WeightDecay(wd).DecayScaling(DecayScaling.ScheduleMultiplier).ExcludeBiases(),
                Optimizers.Lion(lr, 0.8, 0.95, wd, DecayScaling.ScheduleMultiplier, Mask.ExcludeVectors)),
            "lamb" => (Optimizer.Lamb().LearningRate(lr).Betas(0.8, 0.99).Epsilon(1e-7).WeightDecay(wd).BiasCorrection(false).MaxWeightNorm(10).ExcludeBiases().TrustRatioOnly(Mask.ExcludeVectors),
                Optimizers.Lamb(lr, 0.8, 0.99, 1e-7, wd, biasCorrection: false, maxWeightNorm: 10, decayMask: Mask.ExcludeVectors, trustRatioMask: Mask.ExcludeVectors)),
            "lars" => (Optimizer.Lars(0.5).LearningRate(lr).Momentum(0.8, nesterov: true).TrustCoefficient(0.02).Epsilon(1e-9).WeightDecay(wd).ExcludeBiases().TrustRatioOnly(Mask.ExcludeVectors),
                Optimizers.Lars(lr, wd, 0.8, 0.02, 1e-9, nesterov: true, decayMask: Mask.ExcludeVectors, trustRatioMask: Mask.ExcludeVectors)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        var built = builder.Build(Model());
        var reference = Optimizer.Create(factory, Model());
        for (var i = 0; i < 6; i++)
        {
            built.Step(Grad(50 + i));
            reference.Step(Grad(50 + i));
        }

        Assert.True(built.Parameters.BitwiseEquals(reference.Parameters), name);
        Assert.Equal(reference.State, built.State);
        Assert.Equal(factory, builder.ToTransform());
    }

    [Theory]
    [InlineData("asgd")]
    [InlineData("rprop")]
    [InlineData("lion")]
    [InlineData("lamb")]
    [InlineData("lars")]
    public void TheBuildersMaskLeavesTheWeightsAndChangesOnlyTheBiases(string name)
    {
        // Decay, proximal step and trust ratio are per parameter: excluding the bias changes the bias and nothing else.
        var builder = name switch
        {
            "asgd" => Optimizer.Asgd(0.05).WeightDecay(0.1),
            "rprop" => Optimizer.Rprop(0.05).ProximalL1(0.5),
            "lion" => Optimizer.Lion(0.01).WeightDecay(0.5),
            "lamb" => Optimizer.Lamb(0.01).WeightDecay(0.1),
            _ => Optimizer.Lars(0.5).WeightDecay(0.1),
        };
        var masked = builder.ExcludeBiases();
        if (name is "lamb" or "lars")
        {
            masked = masked.TrustRatioOnly(Mask.ExcludeVectors);
        }

        var (a, b) = (masked.Build(Model()), builder.Build(Model()));
        for (var i = 0; i < 6; i++)
        {
            a.Step(Grad(60 + i));
            b.Step(Grad(60 + i));
        }

        Assert.Equal(b.Parameters["fc.weight"].Value.AsColumnMajorArray(), a.Parameters["fc.weight"].Value.AsColumnMajorArray());
        Assert.NotEqual(b.Parameters["fc.bias"].Value.AsColumnMajorArray(), a.Parameters["fc.bias"].Value.AsColumnMajorArray());
        // The plan: nothing for the bias but ASGD's own lambd shrink, which PyTorch applies to every parameter.
        Assert.All(DecayPlan.Of(masked.ToTransform(), Model()).For("fc.bias"), e => Assert.True(
            e.Kind == DecayKind.None || (name == "asgd" && e.Description.StartsWith("ASGD's lambd", StringComparison.Ordinal)), e.ToString()));
    }

    [Fact]
    public void EachBuildersDefaultsAreItsFactorysDefaults()
    {
        Assert.Equal(Optimizers.RmsProp(), Optimizer.RmsProp().ToTransform());
        Assert.Equal(Optimizers.Adagrad(), Optimizer.Adagrad().ToTransform());
        Assert.Equal(Optimizers.Adadelta(), Optimizer.Adadelta().ToTransform());
        Assert.Equal(Optimizers.Adamax(), Optimizer.Adamax().ToTransform());
        Assert.Equal(Optimizers.NAdam(), Optimizer.NAdam().ToTransform());
        Assert.Equal(Optimizers.RAdam(), Optimizer.RAdam().ToTransform());
        Assert.Equal(Optimizers.NAdamW(), Optimizer.NAdamW().ToTransform());
        Assert.Equal(Optimizers.RAdamW(), Optimizer.RAdamW().ToTransform());
        Assert.Equal(Optimizers.Asgd(), Optimizer.Asgd().ToTransform());
        Assert.Equal(Optimizers.Rprop(), Optimizer.Rprop().ToTransform());
        Assert.Equal(Optimizers.Lion(), Optimizer.Lion().ToTransform());
        Assert.Equal(Optimizers.Lamb(), Optimizer.Lamb().ToTransform());
        Assert.Equal(Optimizers.Lars(0.1), Optimizer.Lars(0.1).ToTransform());
        Assert.NotEqual(Optimizers.Lars(0.1, momentum: 0), Optimizer.Lars(0.1).ToTransform());
    }

    [Fact]
    public void BuilderOptionsRefuseTheWrongOptimizer()
    {
        Assert.Throws<InvalidOperationException>(() => Optimizer.Adam().Centered());
        Assert.Throws<InvalidOperationException>(() => Optimizer.RmsProp().Betas(0.9, 0.99));
        Assert.Throws<InvalidOperationException>(() => Optimizer.RmsProp().Momentum(0.9, nesterov: true));
        Assert.Throws<InvalidOperationException>(() => Optimizer.Adagrad().Rho(0.9));
        Assert.Throws<InvalidOperationException>(() => Optimizer.NAdam().Maximize());
        Assert.Throws<InvalidOperationException>(() => Optimizer.RAdam().AmsGrad());
        Assert.Throws<InvalidOperationException>(() => Optimizer.Sgd(0.1).Epsilon(1e-8));
        Assert.Equal("lrDecay", Assert.ThrowsAny<ArgumentException>(() => Optimizer.Adagrad().LrDecay(-1)).ParamName);

        // The members added to the builder: each option where its factory has the argument, and nowhere else.
        Assert.Throws<InvalidOperationException>(() => Optimizer.Rprop().WeightDecay(1e-4));
        Assert.Equal(Optimizers.Rprop(), Optimizer.Rprop().WeightDecay(0).ToTransform());
        Assert.Throws<InvalidOperationException>(() => Optimizer.Rprop().Epsilon(1e-8));
        Assert.Throws<InvalidOperationException>(() => Optimizer.Asgd().Epsilon(1e-8));
        Assert.Throws<InvalidOperationException>(() => Optimizer.Lion().Epsilon(1e-8));
        Assert.Throws<InvalidOperationException>(() => Optimizer.Lion().Maximize());
        Assert.Throws<InvalidOperationException>(() => Optimizer.Lamb().Maximize());
        Assert.Throws<InvalidOperationException>(() => Optimizer.Lars(0.1).Maximize());
        Assert.Throws<InvalidOperationException>(() => Optimizer.Lars(0.1).Momentum(0.9, dampening: 0.1));
        Assert.Throws<InvalidOperationException>(() => Optimizer.Asgd().Momentum(0.9));
        Assert.Throws<InvalidOperationException>(() => Optimizer.Adam().TrustRatioOnly(Mask.ExcludeVectors));
        Assert.Throws<InvalidOperationException>(() => Optimizer.Lars(0.1).BiasCorrection(false));
        Assert.Throws<InvalidOperationException>(() => Optimizer.Lamb().TrustCoefficient(0.01));
        Assert.Throws<InvalidOperationException>(() => Optimizer.RmsProp().T0(5));
        Assert.Throws<InvalidOperationException>(() => Optimizer.Asgd().Etas(0.5, 1.2));
        Assert.Equal("lambd", Assert.ThrowsAny<ArgumentException>(() => Optimizer.Asgd().Lambd(-1)).ParamName);
        Assert.Equal("t0", Assert.ThrowsAny<ArgumentException>(() => Optimizer.Asgd().T0(double.NaN)).ParamName);
        Assert.Equal("etaMinus", Assert.ThrowsAny<ArgumentException>(() => Optimizer.Rprop().Etas(1, 1.2)).ParamName);
        Assert.Equal("stepSizeMax", Assert.ThrowsAny<ArgumentException>(() => Optimizer.Rprop().StepSizes(1, 0.5)).ParamName);
        Assert.Equal("maxWeightNorm", Assert.ThrowsAny<ArgumentException>(() => Optimizer.Lamb().MaxWeightNorm(0)).ParamName);
        Assert.Equal("trustCoefficient", Assert.ThrowsAny<ArgumentException>(() => Optimizer.Lars(0.1).TrustCoefficient(0)).ParamName);
        Assert.Equal("epsilon", Assert.ThrowsAny<ArgumentException>(() => Optimizer.Lars(0.1).Epsilon(-1)).ParamName);
        Assert.Equal("nesterov", Assert.ThrowsAny<ArgumentException>(() => Optimizer.Lars(0.1).Momentum(0, nesterov: true)).ParamName);
        Assert.Equal(Optimizers.Lars(0.1, epsilon: 0), Optimizer.Lars(0.1).Epsilon(0).ToTransform());
    }

    [Fact]
    public void NAdamsMomentumProductIsAFunctionOfTheStepWhateverTheOrderOfCalls()
    {
        // The running product is cached for speed (one multiplication per step); out-of-order calls (a restored
        // checkpoint, the pure path replayed from an old state) recompute it in PyTorch's order.
        var sequential = new ScaleByNAdamPrimitive(0.9, 0.999, 1e-8, 4e-3);
        var values = Enumerable.Range(1, 300).Select(t => sequential.MuProduct(t)).ToArray();
        var jumping = new ScaleByNAdamPrimitive(0.9, 0.999, 1e-8, 4e-3);
        foreach (var t in new[] { 300, 7, 150, 151, 1, 300, 299 })
        {
            var direct = 1.0;
            for (var i = 1; i <= t; i++)
            {
                direct *= 0.9 * (1.0 - (0.5 * Math.Pow(0.96, i * 4e-3)));
            }

            Assert.Equal(direct, jumping.MuProduct(t));
            Assert.Equal(values[t - 1], jumping.MuProduct(t));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void AFusedStepAllocatesNothingInBothPrecisions(string name)
    {
        // A step that allocated would allocate in every window; a window can also catch a one-off allocation of the
        // runtime (tiered compilation finishing mid-loop), so the test asks for one clean window out of five.
        Assert.True(CleanWindow(Optimizer.Create(Make(name), Model()), Grad(7)), $"{name} (float64) allocates at every step");
        Assert.True(CleanWindow(Optimizer.Create(Make(name), Single(Model())), Single(Grad(7))), $"{name} (float32) allocates at every step");
    }

    private static bool CleanWindow<T>(Optimizer<T> optimizer, ParamSet<T> gradient)
        where T : struct, IEquatable<T>, IFormattable
    {
        for (var i = 0; i < 50; i++)
        {
            optimizer.Step(gradient);
        }

        for (var window = 0; window < 5; window++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                optimizer.Step(gradient);
            }

            if (GC.GetAllocatedBytesForCurrentThread() == before)
            {
                return true;
            }
        }

        return false;
    }

    [Fact]
    public void TheScalingsComposeDecoupledRmsPropAndAdagradByChainPosition()
    {
        // Transforms.ScaleByX are the factories' primitives: the same chain gives the same bits.
        var lr = Schedule.Constant(0.01);
        Assert.True(Run(Optimizers.RmsProp(lr, momentum: 0.5, centered: true)).BitwiseEquals(
            Run(Transforms.Chain(Transforms.ScaleByRmsProp(momentum: 0.5, centered: true), Transforms.ScaleByLearningRate(lr)))));
        Assert.True(Run(Optimizers.Adamax(lr)).BitwiseEquals(Run(Transforms.Chain(Transforms.ScaleByAdamax(), Transforms.ScaleByLearningRate(lr)))));
        Assert.True(Run(Optimizers.NAdam(lr)).BitwiseEquals(Run(Transforms.Chain(Transforms.ScaleByNAdam(), Transforms.ScaleByLearningRate(lr)))));
        Assert.True(Run(Optimizers.RAdam(lr)).BitwiseEquals(Run(Transforms.Chain(Transforms.ScaleByRAdam(), Transforms.ScaleByLearningRate(lr)))));
        Assert.True(Run(Optimizers.Adadelta(lr)).BitwiseEquals(Run(Transforms.Chain(Transforms.ScaleByAdadelta(), Transforms.ScaleByLearningRate(lr)))));
        Assert.True(Run(Optimizers.Adagrad(lr)).BitwiseEquals(Run(Transforms.Adagrad(lr))));

        // Decoupled decay after the learning rate: a fixed shrink of 1 - lr*lambda in the plan, and zero decay is the identity.
        var wd = Schedule.Constant(0.1);
        var rmsPropW = Transforms.Chain(Transforms.ScaleByRmsProp(), Transforms.ScaleByLearningRate(lr), Transforms.AddDecoupledWeightDecay(wd, lr));
        var adagradW = Transforms.Chain(Transforms.Adagrad(lr), Transforms.AddDecoupledWeightDecay(wd, lr));
        Assert.All(DecayPlan.Of(rmsPropW, Model()).Entries, e => Assert.Equal((DecayKind.Decoupled, 1 - (0.01 * 0.1)), (e.Kind, e.Shrink)));
        Assert.All(DecayPlan.Of(adagradW, Model()).Entries, e => Assert.Equal(DecayKind.Decoupled, e.Kind));
        Assert.False(Run(rmsPropW).BitwiseEquals(Run(Optimizers.RmsProp(lr, weightDecay: wd))));
        var zero = Transforms.Chain(Transforms.ScaleByRmsProp(), Transforms.ScaleByLearningRate(lr), Transforms.AddDecoupledWeightDecay(Schedule.Constant(0), lr));
        Assert.True(Run(zero).BitwiseEquals(Run(Optimizers.RmsProp(lr))));
    }

    [Fact]
    public void BadArgumentsAreRefusedByName()
    {
        void Refused(string argument, Action make) => Assert.Equal(argument, Assert.ThrowsAny<ArgumentException>(make).ParamName);

        Refused("learningRate", () => Optimizers.RmsProp(learningRate: 0));
        Refused("alpha", () => Optimizers.RmsProp(alpha: -0.1));
        Refused("epsilon", () => Optimizers.RmsProp(epsilon: 0));
        Refused("weightDecay", () => Optimizers.RmsProp(weightDecay: -1));
        Refused("momentum", () => Optimizers.RmsProp(momentum: double.NaN));
        Refused("learningRate", () => Optimizers.Adagrad(learningRate: -1));
        Refused("lrDecay", () => Optimizers.Adagrad(lrDecay: -1));
        Refused("initialAccumulatorValue", () => Optimizers.Adagrad(initialAccumulatorValue: -1));
        Refused("epsilon", () => Optimizers.Adagrad(epsilon: 0));
        Refused("rho", () => Optimizers.Adadelta(rho: 1.5));
        Refused("epsilon", () => Optimizers.Adadelta(epsilon: -1));
        Refused("beta1", () => Optimizers.Adamax(beta1: 1));
        Refused("beta2", () => Optimizers.Adamax(beta2: -0.1));
        Refused("beta1", () => Optimizers.NAdam(beta1: 1));
        Refused("momentumDecay", () => Optimizers.NAdam(momentumDecay: -1));
        Refused("beta2", () => Optimizers.RAdam(beta2: 1));
        Refused("weightDecay", () => Optimizers.RAdam(weightDecay: double.PositiveInfinity));
        Refused("lambd", () => Optimizers.Asgd(lambd: -1));
        Refused("alpha", () => Optimizers.Asgd(alpha: double.NaN));
        Refused("t0", () => Optimizers.Asgd(t0: -1));
        Refused("etaMinus", () => Optimizers.Rprop(etaMinus: 1));
        Refused("etaPlus", () => Optimizers.Rprop(etaPlus: 1));
        Refused("stepSizeMin", () => Optimizers.Rprop(stepSizeMin: -1));
        Refused("stepSizeMax", () => Optimizers.Rprop(stepSizeMin: 1, stepSizeMax: 0.5));
        Refused("learningRate", () => Optimizers.Rprop(learningRate: 0));
        Refused("learningRate", () => Optimizers.RmsProp(learningRate: (Schedule)null!));
    }

    [Theory]
    [InlineData("rmsprop")]
    [InlineData("adagrad")]
    [InlineData("asgd")]
    public void TheDecayMaskExcludesExactly(string name)
    {
        // With the bias excluded, the bias follows the undecayed optimizer bit for bit and the weight the decayed one.
        IGradientTransform Build(Schedule? decay, Mask? mask) => name switch
        {
            "rmsprop" => Optimizers.RmsProp(Schedule.Constant(0.01), weightDecay: decay, momentum: 0.5, decayMask: mask),
            "adagrad" => Optimizers.Adagrad(Schedule.Constant(0.1), lrDecay: 0.01, weightDecay: decay, decayMask: mask),
            _ => Optimizers.Asgd(Schedule.Constant(0.05), lambd: 0.01, t0: 1, weightDecay: decay, decayMask: mask),
        };
        var masked = Run(Build(Schedule.Constant(0.1), Mask.ExcludeVectors));
        var decayed = Run(Build(Schedule.Constant(0.1), null));
        var plain = Run(Build(null, null));
        Assert.Equal(decayed["fc.weight"].Value.AsColumnMajorArray(), masked["fc.weight"].Value.AsColumnMajorArray());
        Assert.Equal(plain["fc.bias"].Value.AsColumnMajorArray(), masked["fc.bias"].Value.AsColumnMajorArray());
        Assert.NotEqual(plain["fc.weight"].Value.AsColumnMajorArray(), masked["fc.weight"].Value.AsColumnMajorArray());
    }

    [Fact]
    public void ConstantSchedulesEqualTheNumbersAndStepSchedulesChangeTheStep()
    {
        Assert.True(Run(Optimizers.RmsProp(0.01, weightDecay: 0.1)).BitwiseEquals(Run(Optimizers.RmsProp(Schedule.Constant(0.01), weightDecay: Schedule.Constant(0.1)))));
        Assert.True(Run(Optimizers.Adagrad(0.1, lrDecay: 0.1)).BitwiseEquals(Run(Optimizers.Adagrad(Schedule.Constant(0.1), lrDecay: 0.1))));
        Assert.True(Run(Optimizers.Adadelta(0.5)).BitwiseEquals(Run(Optimizers.Adadelta(Schedule.Constant(0.5)))));
        Assert.True(Run(Optimizers.Adamax(0.01)).BitwiseEquals(Run(Optimizers.Adamax(Schedule.Constant(0.01)))));
        Assert.True(Run(Optimizers.NAdam(0.01)).BitwiseEquals(Run(Optimizers.NAdam(Schedule.Constant(0.01)))));
        Assert.True(Run(Optimizers.RAdam(0.01)).BitwiseEquals(Run(Optimizers.RAdam(Schedule.Constant(0.01)))));
        Assert.True(Run(Optimizers.Asgd(0.05, t0: 1, weightDecay: 0.1)).BitwiseEquals(Run(Optimizers.Asgd(Schedule.Constant(0.05), t0: 1, weightDecay: Schedule.Constant(0.1)))));
        Assert.True(Run(Optimizers.Rprop(0.05, maximize: true)).BitwiseEquals(Run(Optimizers.Rprop(Schedule.Constant(0.05), maximize: true))));

        // Adagrad's rate at the second step is lr(1) / (1 + lrDecay): a halved schedule halves the second update.
        var p = Model();
        var adagrad = Optimizers.Adagrad(Schedule.Step(0.1, 1, 0.5), lrDecay: 0.25);
        var first = Pure.Step(adagrad, Grad(1), adagrad.Init(p), p);
        var second = adagrad.Update(Grad(2), first.State, first.Parameters).Updates;
        var reference = Optimizers.Adagrad(0.1, lrDecay: 0.25);
        var r1 = Pure.Step(reference, Grad(1), reference.Init(p), p);
        var unhalved = reference.Update(Grad(2), r1.State, r1.Parameters).Updates;
        Assert.Equal(unhalved["fc.weight"].Value.AsColumnMajorArray().Select(x => x * 0.5), second["fc.weight"].Value.AsColumnMajorArray());
    }

    [Fact]
    public void RpropsScheduleScalesTheUpdateAndLeavesTheStepSizesToTheGradients()
    {
        // Schedule.Step(0.05, 2, 0.5): multiplier 0.5^floor(t/2), exact in binary. The step sizes start at the base value
        // and adapt to the gradients' signs alone, so the state is the unscheduled one; each update is the unscheduled
        // update times the multiplier, exactly.
        var scheduled = Optimizers.Rprop(Schedule.Step(0.05, 2, 0.5));
        var plain = Optimizers.Rprop(0.05);
        var p = Model();
        var (s, r) = (scheduled.Init(p), plain.Init(p));
        for (var t = 0; t < 7; t++)
        {
            var a = scheduled.Update(Grad(80 + t), s, p);
            var b = plain.Update(Grad(80 + t), r, p);
            var multiplier = Math.Pow(0.5, t / 2);
            foreach (var q in p)
            {
                Assert.Equal(b.Updates[q.Name].Value.AsColumnMajorArray().Select(x => x * multiplier), a.Updates[q.Name].Value.AsColumnMajorArray());
            }

            Assert.Equal(b.State, a.State);
            (s, r) = (a.State, b.State);
        }
    }

    [Fact]
    public void AsgdsStepSizeFollowsTheScheduleOneStepLateAsPyTorchsDoes()
    {
        // Step t uses eta = lr(t-1) / (1 + lambd*lr(t-1)*t)^alpha (PyTorch sets eta at the end of a step from that step's
        // rate); the plan's shrink 1 - lambd*eta shows it. Checked against PyTorch's LambdaLR in FamilyReferenceTests.
        var lr = Schedule.Step(0.1, 1, 0.5);
        var asgd = Optimizers.Asgd(lr, lambd: 0.1, alpha: 0.75);
        for (var t = 0; t < 4; t++)
        {
            var eta = t == 0 ? 0.1 : lr.At(t - 1) / Math.Pow(1 + (0.1 * lr.At(t - 1) * t), 0.75);
            var entry = Assert.Single(DecayPlan.Of(asgd, Model(), t).For("fc.weight"));
            Assert.Equal(1 - (0.1 * eta), entry.Shrink, 15);
        }
    }

    [Fact]
    public void InitialStateIsPyTorchs()
    {
        var p = Model();
        var sum = States.Of<SlotState<double>>(Optimizers.Adagrad(initialAccumulatorValue: 0.3).Init(p)).Single(s => s.SlotNames.Contains("sum"));
        Assert.All(sum["sum"].SelectMany(q => q.Value.AsColumnMajorArray()), v => Assert.Equal(0.3, v));
        var rprop = States.Of<SlotState<float>>(Optimizers.Rprop(learningRate: 0.3).Init(Single(p))).Single(s => s.SlotNames.Contains("step_size"));
        Assert.All(rprop["step_size"].SelectMany(q => q.Value.AsColumnMajorArray()), v => Assert.Equal(0.3f, v));
        Assert.Equal(["square_avg", "grad_avg", "momentum_buffer"], States.Of<SlotState<double>>(Make("rmsprop-centered-momentum").Init(p)).Single(s => s.SlotNames.Count > 0).SlotNames);
        Assert.Equal(["square_avg", "momentum_buffer"], States.Of<SlotState<double>>(Optimizers.RmsProp(momentum: 0.9).Init(p)).Single(s => s.SlotNames.Count > 0).SlotNames);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void CheckpointsRoundTripAndTheFacadeEqualsThePurePathInBothPrecisions(string name)
    {
        var t = Make(name);
        var p = Model();
        var state = t.Init(p);
        var facade = Optimizer.Create(t, Model());
        var facade32 = Optimizer.Create(t, Single(Model()));
        var p32 = Single(Model());
        var state32 = t.Init(p32);
        for (var i = 0; i < 4; i++)
        {
            (p, state) = Unpack(Pure.Step(t, Grad(10 + i), state, p));
            facade.Step(Grad(10 + i));
            var r32 = t.Update(Single(Grad(10 + i)), state32, p32);
            (p32, state32) = (Updates.Apply(p32, r32.Updates), r32.State);
            facade32.Step(Single(Grad(10 + i)));
        }

        Assert.True(p.BitwiseEquals(facade.Parameters), name);
        Assert.True(p32.BitwiseEquals(facade32.Parameters), name);
        Assert.Equal(state, StateCodec.Decode(t, StateCodec.Encode(t, state, p), p));
        Assert.Equal(state32, StateCodec.Decode(t, StateCodec.Encode(t, state32, p32), p32));
    }

    [Fact]
    public void NegativeAccumulatorsAreRefusedInCheckpoints()
    {
        var p = Model();
        foreach (var (t, slot) in new[] { (Optimizers.RmsProp(), "square_avg"), (Optimizers.Adagrad(), "sum"), (Optimizers.Adadelta(), "acc_delta"), (Optimizers.Adamax(), "exp_inf"), (Optimizers.Rprop(), "step_size") })
        {
            var state = Pure.Step(t, Grad(3), t.Init(p), p).State;
            States.Of<SlotState<double>>(state).Single(s => s.SlotNames.Contains(slot))[slot]["fc.weight"].Value[0, 0] = -1;
            Assert.Throws<InvalidDataException>(() => StateCodec.Decode(t, StateCodec.Encode(t, state, p), p));
        }
    }

    private static (ParamSet<double>, TransformState) Unpack(Stepped r) => (r.Parameters, r.State);

    private static ParamSet<double> Run(IGradientTransform t)
    {
        var p = Model();
        var state = t.Init(p);
        for (var i = 0; i < 5; i++)
        {
            (p, state) = Unpack(Pure.Step(t, Grad(20 + i), state, p));
        }

        return p;
    }
}
