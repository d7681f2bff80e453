namespace Regularization.Tests;

/// <summary>
/// Lion, LAMB and LARS: laws from their papers, hand-derived steps, the trust ratio over parameters longer than one block,
/// masks, decay plans, argument rules and checkpoints. Their trajectories against the reference code are in
/// <see cref="Reference.PaperReferenceTests"/>.
/// </summary>
public sealed class PaperOptimizerTests
{
    private static ParamSet<double> Model(int seed, int rows = 5, int cols = 3) => Layer(seed, rows, cols);

    private static ParamSet<double> Layer(int seed, int rows, int cols)
    {
        var rng = new Random(seed);
        return ParamSet.Of(
            Param.Of("fc.weight", Matrix<double>.Build.Dense(rows, cols, (_, _) => rng.NextDouble() - 0.5)),
            Param.Vector("fc.bias", Matrix<double>.Build.Dense(rows, 1, (_, _) => rng.NextDouble() - 0.5)));
    }

    private static ParamSet<float> Single(ParamSet<double> set) => new(set.Select(q => new Param<float>(q.Name, q.Value.Map(v => (float)v), q.Rank)));

    private static ParamSet<double> Vec(string name, params double[] values) => ParamSet.Of(Param.Vector(name, Matrix<double>.Build.Dense(values.Length, 1, values)));

    [Fact]
    public void LionsUpdateIsExactlyPlusOrMinusTheLearningRateOrZeroWithoutDecay()
    {
        const double lr = 3e-3;
        var t = Optimizers.Lion(lr);
        var p = Model(1);
        var state = t.Init(p);
        var sawZero = false;
        for (var s = 0; s < 6; s++)
        {
            var g = Model(100 + s);
            g["fc.weight"].Value[0, 0] = 0; // with a zero moment at step 1, c = 0 there: sign 0
            var r = t.Update(g, state, p);
            foreach (var q in r.Updates)
            {
                Assert.All(q.Value.AsColumnMajorArray(), u => Assert.True(u == lr || u == -lr || u == 0, $"step {s + 1}: {u:R}"));
                sawZero |= q.Value.AsColumnMajorArray().Contains(0);
            }

            (p, state) = (Updates.Apply(p, r.Updates), r.State);
        }

        Assert.True(sawZero);
    }

    [Fact]
    public void LionsDecoupledDecayIsMinusLrTimesDecayTimesTheParameterOnTopOfTheSignStep()
    {
        const double lr = 1e-2, wd = 0.3;
        var p = Model(2);
        var g = Model(3);
        var plain = Optimizers.Lion(lr).Update(g, Optimizers.Lion(lr).Init(p), p).Updates;
        var decayed = Optimizers.Lion(lr, weightDecay: wd).Update(g, Optimizers.Lion(lr, weightDecay: wd).Init(p), p).Updates;
        foreach (var q in p)
        {
            var a = q.Value.AsColumnMajorArray();
            var u0 = plain[q.Name].Value.AsColumnMajorArray();
            var u1 = decayed[q.Name].Value.AsColumnMajorArray();
            for (var i = 0; i < a.Length; i++)
            {
                Assert.Equal(Math.FusedMultiplyAdd(-(lr * wd), a[i], u0[i]), u1[i]);
            }
        }
    }

    [Fact]
    public void LionHandDerivedTwoSteps()
    {
        // p = (1, -2), lr 0.1, betas (0.9, 0.99). Step 1: m = 0, c = 0.1*g1 = (0.05, -0.1): p = (0.9, -1.9); m = 0.01*g1.
        // Step 2: c = 0.9*(0.005, -0.01) + 0.1*(-3, 0.1) = (-0.2955, 0.001): p = (1.0, -2.0); m = 0.99*m + 0.01*g2.
        var t = Optimizers.Lion(0.1);
        var p = Vec("w", 1, -2);
        var s1 = Pure.Step(t, Vec("w", 0.5, -1), t.Init(p), p);
        Assert.Equal([0.9, -1.9], s1.Parameters["w"].Value.AsColumnMajorArray());
        var s2 = Pure.Step(t, Vec("w", -3, 0.1), s1.State, s1.Parameters);
        Assert.Equal(1.0, s2.Parameters["w"].Value[0, 0], 15);
        Assert.Equal(-2.0, s2.Parameters["w"].Value[1, 0], 15);
        var m = Reference.ReferenceTrajectoryTests.Buffer<double>(s2.State, "w", "exp_avg").Value.AsColumnMajorArray();
        Assert.Equal((0.99 * 0.005) + (0.01 * -3), m[0], 15);
        Assert.Equal((0.99 * -0.01) + (0.01 * 0.1), m[1], 15);
    }

    [Fact]
    public void LambHandDerivedFirstStepWithBiasCorrection()
    {
        // Step 1 with bias correction: m^ = g, v^ = g^2, so the Adam direction is g/(|g| + eps); plus wd*p; the trust
        // ratio is ||p|| / ||r||; p' = p - lr*ratio*r. p = (3, 4) (norm 5), g = (1, -2).
        const double lr = 0.01, wd = 0.1, eps = 1e-6;
        var t = Optimizers.Lamb(lr, epsilon: eps, weightDecay: wd);
        var p = Vec("w", 3, 4);
        var next = Pure.Step(t, Vec("w", 1, -2), t.Init(p), p).Parameters["w"].Value.AsColumnMajorArray();
        double r0 = (1 / (1 + eps)) + (wd * 3), r1 = (-2 / (2 + eps)) + (wd * 4);
        var ratio = 5 / Math.Sqrt((r0 * r0) + (r1 * r1));
        Assert.Equal(3 - (lr * ratio * r0), next[0], 14);
        Assert.Equal(4 - (lr * ratio * r1), next[1], 14);
    }

    [Fact]
    public void LambWithTheTrustRatioOffAndNoDecayIsAdamBitForBit()
    {
        var lamb = Optimizers.Lamb(Schedule.Constant(1e-3), trustRatioMask: Mask.None);
        var adam = Optimizers.Adam(1e-3, epsilon: 1e-6);
        var (p, q) = (Model(4), Model(4));
        var (sl, sa) = (lamb.Init(p), adam.Init(q));
        for (var s = 0; s < 5; s++)
        {
            (p, sl) = (Pure.Step(lamb, Model(10 + s), sl, p).Parameters, Pure.Step(lamb, Model(10 + s), sl, p).State);
            (q, sa) = (Pure.Step(adam, Model(10 + s), sa, q).Parameters, Pure.Step(adam, Model(10 + s), sa, q).State);
            Assert.True(p.BitwiseEquals(q), $"step {s + 1}");
        }
    }

    [Fact]
    public void LambsTrustRatioMakesTheUpdateNormLrTimesTheWeightNorm()
    {
        // ||lr * ratio * r|| = lr * ||p|| for every parameter the ratio applies to (neither norm zero, no clip).
        const double lr = 0.01;
        var t = Optimizers.Lamb(lr, weightDecay: 0.05);
        var p = Model(5, 40, 30);
        var u = t.Update(Model(6, 40, 30), t.Init(p), p).Updates;
        foreach (var q in p)
        {
            var expected = lr * q.Value.FrobeniusNorm();
            Assert.Equal(expected, u[q.Name].Value.FrobeniusNorm(), expected * 1e-15 * 4);
        }
    }

    [Theory]
    [InlineData(1.0, 0.0, double.PositiveInfinity)]
    [InlineData(0.02, 1e-3, double.PositiveInfinity)]
    [InlineData(1.0, 0.0, 5.0)]
    public void TheTrustRatioOverParametersOfManyBlocksIsOneFactorPerParameterFusedOrNot(double coefficient, double epsilon, double clip)
    {
        // 1501 x 23 and 1501 elements: the weight is several 64 KiB blocks and a tail in both element types (4 in float64, 2 in float32).
        var trust = Transforms.ScaleByTrustRatio(coefficient, epsilon, clip);
        var p = Model(7, 1501, 23);
        var g = Model(8, 1501, 23);
        var u = trust.Update(g, trust.Init(p), p).Updates;
        foreach (var q in p)
        {
            var w = Math.Min(q.Value.FrobeniusNorm(), clip);
            var factor = coefficient * w / (g[q.Name].Value.FrobeniusNorm() + epsilon);
            var expected = g[q.Name].Value.AsColumnMajorArray().Select(x => x * factor).ToArray();
            var actual = u[q.Name].Value.AsColumnMajorArray();
            for (var i = 0; i < actual.Length; i++)
            {
                Assert.Equal(expected[i], actual[i], Math.Abs(expected[i]) * 1e-14);
            }
        }

        foreach (var t in new[] { Optimizers.Lamb(1e-3, weightDecay: 0.01), Optimizers.Lars(0.1, weightDecay: 1e-3, nesterov: true) })
        {
            var fused = Optimizer.Create(t, Model(7, 1501, 23));
            var fused32 = Optimizer.Create(t, Single(Model(7, 1501, 23)));
            Assert.True(fused.IsFused && fused32.IsFused);
            var (pure, state) = (Model(7, 1501, 23), t.Init(Model(7, 1501, 23)));
            var (pure32, state32) = (Single(Model(7, 1501, 23)), t.Init(Single(Model(7, 1501, 23))));
            for (var s = 0; s < 3; s++)
            {
                var step = Pure.Step(t, Model(20 + s, 1501, 23), state, pure);
                (pure, state) = (step.Parameters, step.State);
                fused.Step(Model(20 + s, 1501, 23));
                var r32 = t.Update(Single(Model(20 + s, 1501, 23)), state32, pure32);
                (pure32, state32) = (Updates.Apply(pure32, r32.Updates), r32.State);
                fused32.Step(Single(Model(20 + s, 1501, 23)));
            }

            Assert.True(pure.BitwiseEquals(fused.Parameters), $"{t}");
            Assert.True(pure32.BitwiseEquals(fused32.Parameters), $"{t}");
            Assert.Equal(state, fused.State);
        }
    }

    [Fact]
    public void TheTrustRatioIsOneWhereTheWeightOrTheUpdateIsZero()
    {
        var trust = Transforms.ScaleByTrustRatio(0.5);
        var p = ParamSet.Of(Param.Vector("zero", Matrix<double>.Build.Dense(3, 1)), Param.Vector("w", Matrix<double>.Build.Dense(3, 1, [1.0, 2, 3])));
        var g = ParamSet.Of(Param.Vector("zero", Matrix<double>.Build.Dense(3, 1, [1.0, -1, 2])), Param.Vector("w", Matrix<double>.Build.Dense(3, 1)));
        var u = trust.Update(g, trust.Init(p), p).Updates;
        Assert.True(u.BitwiseEquals(g));
    }

    [Fact]
    public void LarsMasksExcludeExactly()
    {
        // Biases excluded from decay and adaptation step as SGD with momentum; weights get the ratio.
        var lars = Optimizers.Lars(Schedule.Constant(0.1), weightDecay: Schedule.Constant(0.01), decayMask: Mask.ExcludeVectors, trustRatioMask: Mask.ExcludeVectors);
        var sgd = Optimizers.Sgd(0.1, momentum: 0.9);
        var (p, q) = (Model(9), Model(9));
        var (sl, ss) = (lars.Init(p), sgd.Init(q));
        for (var s = 0; s < 4; s++)
        {
            var a = Pure.Step(lars, Model(30 + s), sl, p);
            var b = Pure.Step(sgd, Model(30 + s), ss, q);
            (p, sl, q, ss) = (a.Parameters, a.State, b.Parameters, b.State);
            Assert.True(p["fc.bias"].Value.AsColumnMajorArray().SequenceEqual(q["fc.bias"].Value.AsColumnMajorArray()), $"step {s + 1}");
            Assert.False(p["fc.weight"].Value.Equals(q["fc.weight"].Value));
        }

        var plan = DecayPlan.Of(lars, Model(9));
        Assert.Equal(DecayKind.None, Assert.Single(plan.For("fc.bias")).Kind);
        var w = Assert.Single(plan.For("fc.weight"));
        Assert.Equal(DecayKind.Coupled, w.Kind);
        Assert.True(double.IsNaN(w.Shrink));
        Assert.Contains("trust ratio", w.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void DecayPlans()
    {
        var lion = DecayPlan.Of(Optimizers.Lion(Schedule.Constant(1e-3), weightDecay: Schedule.Constant(0.1), decayMask: Mask.ExcludeVectors), Model(1));
        Assert.Equal((DecayKind.Decoupled, 1 - (1e-3 * 0.1)), (Assert.Single(lion.For("fc.weight")).Kind, lion.For("fc.weight").Single().Shrink));
        Assert.Equal(DecayKind.None, Assert.Single(lion.For("fc.bias")).Kind);
        var lamb = DecayPlan.Of(Optimizers.Lamb(1e-3, weightDecay: 0.01), Model(1));
        Assert.All(lamb.Entries, e =>
        {
            Assert.Equal(DecayKind.Decoupled, e.Kind);
            Assert.True(double.IsNaN(e.Shrink));
            Assert.Contains("trust ratio", e.Description, StringComparison.Ordinal);
        });
        Assert.Equal(2, lamb.Entries.Count);
        var masked = DecayPlan.Of(Optimizers.Lamb(Schedule.Constant(1e-3), weightDecay: Schedule.Constant(0.01), trustRatioMask: Mask.ExcludeVectors), Model(1));
        Assert.True(double.IsNaN(Assert.Single(masked.For("fc.weight")).Shrink));
        Assert.Equal((DecayKind.Decoupled, 1 - (1e-3 * 0.01)), (Assert.Single(masked.For("fc.bias")).Kind, masked.For("fc.bias").Single().Shrink));
    }

    [Fact]
    public void ArgumentsAreCheckedAndNamed()
    {
        Assert.Equal("beta1", Assert.ThrowsAny<ArgumentException>(() => Optimizers.Lion(beta1: 1)).ParamName);
        Assert.Equal("learningRate", Assert.ThrowsAny<ArgumentException>(() => Optimizers.Lion(learningRate: 0)).ParamName);
        Assert.Equal("weightDecay", Assert.ThrowsAny<ArgumentException>(() => Optimizers.Lion(weightDecay: -1)).ParamName);
        Assert.Equal("epsilon", Assert.ThrowsAny<ArgumentException>(() => Optimizers.Lamb(epsilon: 0)).ParamName);
        Assert.Equal("maxWeightNorm", Assert.ThrowsAny<ArgumentException>(() => Optimizers.Lamb(maxWeightNorm: 0)).ParamName);
        Assert.Equal("trustCoefficient", Assert.ThrowsAny<ArgumentException>(() => Optimizers.Lars(0.1, trustCoefficient: 0)).ParamName);
        Assert.Equal("epsilon", Assert.ThrowsAny<ArgumentException>(() => Optimizers.Lars(0.1, epsilon: double.NaN)).ParamName);
        Assert.Equal("momentum", Assert.ThrowsAny<ArgumentException>(() => Optimizers.Lars(0.1, momentum: -0.5)).ParamName);
    }

    [Theory]
    [InlineData("lion")]
    [InlineData("lamb")]
    [InlineData("lars")]
    public void CheckpointsRoundTripAndTheRestoredFacadeContinuesBitForBit(string name)
    {
        var t = name switch
        {
            "lion" => Optimizers.Lion(1e-3, weightDecay: 0.1),
            "lamb" => Optimizers.Lamb(1e-3, weightDecay: 0.01, biasCorrection: false, maxWeightNorm: 10),
            _ => Optimizers.Lars(0.1, weightDecay: 1e-3),
        };
        var p = Model(11);
        var state = t.Init(p);
        for (var s = 0; s < 3; s++)
        {
            (p, state) = (Pure.Step(t, Model(40 + s), state, p).Parameters, Pure.Step(t, Model(40 + s), state, p).State);
        }

        var decoded = StateCodec.Decode(t, StateCodec.Encode(t, state, p), p);
        Assert.Equal(state, decoded);
        var restored = Optimizer.Create(t, p.Map(q => q.Value.Clone()), decoded);
        restored.Step(Model(50));
        Assert.True(Pure.Step(t, Model(50), state, p).Parameters.BitwiseEquals(restored.Parameters));
        var p32 = Single(p);
        var state32 = t.Update(Single(Model(40)), t.Init(p32), p32).State;
        Assert.Equal(state32, StateCodec.Decode(t, StateCodec.Encode(t, state32, p32), p32));
    }
}
