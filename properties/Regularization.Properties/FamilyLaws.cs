using System.Globalization;

namespace Regularization.Properties;

/// <summary>One optimizer of the family beyond SGD and Adam (issue 12), with random hyperparameters.</summary>
public sealed record FamilySpec(string Kind, double LearningRate, double WeightDecay, double Beta1, double Beta2, double Epsilon, double Momentum, bool Flag, bool ExcludeVectors)
{
    /// <summary>Every member: PyTorch's (coupled decay), the decoupled variants, and the papers'.</summary>
    public static readonly string[] Kinds = ["rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam", "asgd", "rprop", "nadamw", "radamw", "lion", "lamb", "lars"];

    /// <summary>The members whose decay is coupled and comes first: decay <c>wd</c> equals the gradient <c>g + wd*p</c>.</summary>
    public static readonly string[] Coupled = ["rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam", "asgd", "lars"];

    /// <summary>The members whose decay is decoupled (outside every state slot).</summary>
    public static readonly string[] Decoupled = ["nadamw", "radamw", "lion"];

    /// <summary>The members with a decay mask overload.</summary>
    public static readonly string[] Masked = ["rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam", "asgd", "nadamw", "radamw", "lion", "lamb", "lars"];

    public IGradientTransform Build() => Build(WeightDecay);

    /// <summary>This optimizer with weight decay <paramref name="wd"/> (its mask, if any, kept).</summary>
    public IGradientTransform Build(double wd)
    {
        var lr = Schedule.Constant(LearningRate);
        var decay = Schedule.Constant(wd);
        var mask = ExcludeVectors ? Mask.ExcludeVectors : null;
        return Kind switch
        {
            "rmsprop" => Optimizers.RmsProp(lr, Beta2, Epsilon, decay, Momentum, centered: Flag, decayMask: mask),
            "adagrad" => Optimizers.Adagrad(lr, lrDecay: Momentum, weightDecay: decay, initialAccumulatorValue: Beta1, epsilon: Epsilon, maximize: false, decayMask: mask),
            "adadelta" => Optimizers.Adadelta(lr, Beta2, Epsilon, decay, decayMask: mask),
            "adamax" => Optimizers.Adamax(lr, Beta1, Beta2, Epsilon, decay, decayMask: mask),
            "nadam" => Optimizers.NAdam(lr, Beta1, Beta2, Epsilon, decay, Momentum / 10, decayMask: mask),
            "radam" => Optimizers.RAdam(lr, Beta1, Beta2, Epsilon, decay, decayMask: mask),
            "asgd" => Optimizers.Asgd(lr, Epsilon * 1e4, Beta1, Flag ? 2 : 1e6, decay, decayMask: mask),
            "rprop" => Optimizers.Rprop(lr, maximize: Flag),
            "nadamw" => Optimizers.NAdamW(lr, Beta1, Beta2, Epsilon, decay, Momentum / 10, decayMask: mask),
            "radamw" => Optimizers.RAdamW(lr, Beta1, Beta2, Epsilon, decay, decayMask: mask),
            "lion" => Optimizers.Lion(lr, Beta1, Beta2, decay, decayMask: mask),
            "lamb" => Optimizers.Lamb(lr, Beta1, Beta2, Epsilon, decay, biasCorrection: Flag, maxWeightNorm: Flag ? double.PositiveInfinity : 2, decayMask: mask, trustRatioMask: mask),
            _ => Optimizers.Lars(lr, decay, Momentum, trustCoefficient: 0.02, epsilon: Flag ? 0 : Epsilon, nesterov: Flag && Momentum > 0, decayMask: mask, trustRatioMask: mask),
        };
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Kind}(lr={LearningRate:R}, wd={WeightDecay:R}, b1={Beta1:R}, b2={Beta2:R}, eps={Epsilon:R}, momentum={Momentum:R}, flag={Flag}, excludeVectors={ExcludeVectors})");

    public static Gen<FamilySpec> Gen(IReadOnlyList<string> kinds) =>
        from kind in FsCheck.Fluent.Gen.Elements(kinds.ToArray())
        from lr in Gens.Uniform(1e-4, 0.5)
        from wd in FsCheck.Fluent.Gen.Frequency((1, FsCheck.Fluent.Gen.Constant(0.0)), (4, Gens.Uniform(1e-3, 0.2)))
        from b1 in Gens.Uniform(0, 0.99)
        from b2 in Gens.Uniform(0.5, 0.9999)
        from eps in FsCheck.Fluent.Gen.Elements(1e-8, 1e-6, 1e-10)
        from momentum in FsCheck.Fluent.Gen.Frequency((1, FsCheck.Fluent.Gen.Constant(0.0)), (2, Gens.Uniform(0.1, 0.95)))
        from flag in FsCheck.Fluent.Gen.Elements(false, true)
        from exclude in FsCheck.Fluent.Gen.Elements(false, true)
        select new FamilySpec(kind, lr, kind == "rprop" ? 0 : wd, b1, b2, eps, momentum, flag, exclude && kind != "rprop");
}

/// <summary>A family optimizer, parameters and 1 to 6 gradients.</summary>
public sealed record FamilyRun(FamilySpec Spec, ParamSet<double> Parameters, IReadOnlyList<ParamSet<double>> Gradients)
{
    public override string ToString() => $"{Spec}; parameters: {Gens.Show(Parameters)}; gradients: " + string.Join(" | ", Gradients.Select(Gens.Show));

    public static Arbitrary<FamilyRun> Arb(IReadOnlyList<string> kinds, Gen<double> values) =>
        FsCheck.Fluent.Arb.From(
            from spec in FamilySpec.Gen(kinds)
            from layout in Gens.Layout()
            from p in Gens.Params(layout, values)
            from steps in FsCheck.Fluent.Gen.Choose(1, 6)
            from grads in FsCheck.Fluent.Gen.ListOf(Gens.Params(layout, values), steps)
            select new FamilyRun(spec, p, grads.ToArray()),
            Shrink);

    private static IEnumerable<FamilyRun> Shrink(FamilyRun c)
    {
        if (c.Gradients.Count > 1)
        {
            yield return c with { Gradients = c.Gradients.Take(c.Gradients.Count - 1).ToArray() };
        }

        for (var i = 0; c.Parameters.Count > 1 && i < c.Parameters.Count; i++)
        {
            yield return c with { Parameters = Gens.Without(c.Parameters, i), Gradients = c.Gradients.Select(g => Gens.Without(g, i)).ToArray() };
        }

        if (c.Spec.ExcludeVectors)
        {
            yield return c with { Spec = c.Spec with { ExcludeVectors = false } };
        }
    }
}

/// <summary>
/// Laws of the optimizer family (RMSprop ... Rprop, NAdamW, RAdamW, Lion, LAMB, LARS): the fused in-place step is the
/// pure update bit for bit in both element types, fusion changes nothing, coupled decay is the gradient
/// <c>g + wd*p</c>, decoupled decay stays out of the state, decay masks exclude exactly, checkpoints round-trip, and
/// the papers' laws of Lion's and LAMB's update norms.
/// </summary>
public sealed class FamilyLaws
{
    private static (ParamSet<T> P, TransformState S) Run<T>(IGradientTransform t, IEnumerable<ParamSet<T>> gradients, ParamSet<T> p)
        where T : struct, IEquatable<T>, IFormattable
    {
        var s = t.Init(p);
        foreach (var g in gradients)
        {
            (p, s) = Generic.Step(t, g, s, p);
        }

        return (p, s);
    }

    private static bool FacadeEqualsPure<T>(IGradientTransform t, ParamSet<T> p, IEnumerable<ParamSet<T>> gradients)
        where T : struct, IEquatable<T>, IFormattable
    {
        var facade = Optimizer.Create(t, p.Copy());
        var (q, s) = (p, t.Init(p));
        foreach (var g in gradients)
        {
            (q, s) = Generic.Step(t, g, s, q);
            facade.Step(g);
            if (!q.BitwiseEquals(facade.Parameters) || !Generic.SameBits(s, facade.State))
            {
                return false;
            }
        }

        return facade.IsFused;
    }

    /// <summary>For every family member and configuration, the fused in-place facade step equals the pure update and <c>Updates.Apply</c> bit for bit, parameters and state, in float64 and float32.</summary>
    [Law]
    public Property TheFusedStepEqualsThePureUpdateBitForBitInBothTypes() => Prop.ForAll(
        FamilyRun.Arb(FamilySpec.Kinds, Gens.Single), c =>
        {
            var t = c.Spec.Build();
            return FacadeEqualsPure(t, c.Parameters, c.Gradients) && FacadeEqualsPure(t, Generic.ToSingle(c.Parameters), c.Gradients.Select(Generic.ToSingle));
        });

    /// <summary>A family chain (trust-ratio barrier included) gives the bits of its primitives run one after another.</summary>
    [Law]
    public Property FusedFamilyChainsEqualTheirPrimitivesOneAfterAnother() => Prop.ForAll(
        FamilyRun.Arb(FamilySpec.Kinds, Gens.Moderate), c =>
        {
            var fused = c.Spec.Build();
            var (p, s) = Run(fused, c.Gradients, c.Parameters);
            var (q, r) = Run(SequentialChain.Unfuse(fused), c.Gradients, c.Parameters);
            return p.BitwiseEquals(q) && Generic.SameBits(s, r);
        });

    /// <summary>
    /// Coupled decay is the gradient plus <c>wd*p</c>: the optimizer with decay <c>wd</c> on gradients <c>g</c> equals,
    /// bit for bit, the optimizer without decay on gradients <c>fma(wd, p, g)</c> (the decay's one rounding), step after
    /// step (RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam, ASGD, LARS; masked parameters get <c>g</c>).
    /// </summary>
    [Law]
    public Property CoupledDecayIsTheGradientPlusDecayTimesTheParameter() => Prop.ForAll(
        FamilyRun.Arb(FamilySpec.Coupled, Gens.Moderate), c =>
        {
            var spec = c.Spec;
            var decayed = spec.Build();
            var plain = spec.Build(0);
            var (p, s) = (c.Parameters, decayed.Init(c.Parameters));
            var (q, r) = (c.Parameters, plain.Init(c.Parameters));
            foreach (var g in c.Gradients)
            {
                var shifted = q.Map(x =>
                {
                    var gv = g[x.Name].Value;
                    var decays = !spec.ExcludeVectors || !x.IsVector;
                    return decays ? Matrix<double>.Build.Dense(x.Rows, x.Columns, (i, j) => Math.FusedMultiplyAdd(spec.WeightDecay, x.Value[i, j], gv[i, j])) : gv.Clone();
                });
                (p, s) = Generic.Step(decayed, g, s, p);
                (q, r) = Generic.Step(plain, shifted, r, q);
                if (!p.BitwiseEquals(q))
                {
                    return false;
                }
            }

            return true;
        });

    /// <summary>Decoupled decay stays out of the state: NAdamW, RAdamW and Lion with decay hold, bit for bit, the moments of the same optimizer without decay on the same gradients.</summary>
    [Law]
    public Property DecoupledDecayLeavesTheMomentsAlone() => Prop.ForAll(
        FamilyRun.Arb(FamilySpec.Decoupled, Gens.Moderate), c =>
        {
            var (_, s) = Run(c.Spec.Build(), c.Gradients, c.Parameters);
            var (_, r) = Run(c.Spec.Build(0), c.Gradients, c.Parameters);
            var a = Generic.Buffers<double>(s).ToArray();
            var b = Generic.Buffers<double>(r).ToArray();
            return a.Length > 0 && a.Length == b.Length && a.Zip(b).All(z => z.First.BitwiseEquals(z.Second));
        });

    /// <summary>A decay mask excludes exactly: with vectors excluded, every vector parameter follows the optimizer without decay bit for bit (every member with a mask overload; LAMB's and LARS' trust ratios masked alike).</summary>
    [Law]
    public Property DecayMasksLeaveExcludedParametersUndecayed() => Prop.ForAll(
        FamilyRun.Arb(FamilySpec.Masked, Gens.Moderate), c =>
        {
            var spec = c.Spec with { ExcludeVectors = true };
            var (p, _) = Run(spec.Build(), c.Gradients, c.Parameters);
            var (q, _) = Run(spec.Build(0), c.Gradients, c.Parameters);
            var vectors = c.Parameters.Where(x => x.IsVector).Select(x => x.Name).ToArray();
            return vectors.All(n => p[n].Value.AsColumnMajorArray().Select(BitConverter.DoubleToInt64Bits).SequenceEqual(q[n].Value.AsColumnMajorArray().Select(BitConverter.DoubleToInt64Bits)))
                .Label($"{vectors.Length} vectors");
        });

    /// <summary>Checkpoints round-trip every family member's state in both types, and a facade restored from one continues bit for bit.</summary>
    [Law]
    public Property CheckpointsRoundTripAndContinueBitForBit() => Prop.ForAll(
        FamilyRun.Arb(FamilySpec.Kinds, Gens.Single), c =>
        {
            var t = c.Spec.Build();
            var (p, s) = Run(t, c.Gradients.Skip(1), c.Parameters);
            var decoded = StateCodec.Decode(t, StateCodec.Encode(t, s, p), p);
            var facade = Optimizer.Create(t, p.Copy(), decoded);
            facade.Step(c.Gradients[0]);
            var (p32, s32) = Run(t, c.Gradients.Skip(1).Select(Generic.ToSingle), Generic.ToSingle(c.Parameters));
            return Generic.SameBits(s, decoded)
                && Generic.Step(t, c.Gradients[0], s, p).Parameters.BitwiseEquals(facade.Parameters)
                && Generic.SameBits(s32, StateCodec.Decode(t, StateCodec.Encode(t, s32, p32), p32));
        });

    /// <summary>
    /// Lion's update is the sign times the learning rate, plus the decoupled decay: every element is exactly
    /// <c>fma(-lr*wd, p, s*lr)</c> with <c>s</c> in {-1, 0, 1} (the decay plan's <c>c = lr*wd</c>), so before decay its
    /// infinity norm is exactly <c>lr</c> (or 0).
    /// </summary>
    [Law]
    public Property LionsUpdateIsPlusOrMinusTheLearningRatePlusTheDecay() => Prop.ForAll(
        FamilyRun.Arb(["lion"], Gens.Moderate), c =>
        {
            var spec = c.Spec with { ExcludeVectors = false };
            var t = spec.Build();
            var (p, s) = Run(t, c.Gradients.Skip(1), c.Parameters);
            var u = t.Update(c.Gradients[0], s, p).Updates;
            var lr = spec.LearningRate;
            var decay = -(lr * spec.WeightDecay);
            return p.All(x =>
            {
                var pv = x.Value.AsColumnMajorArray();
                var uv = u[x.Name].Value.AsColumnMajorArray();
                return pv.Select((pi, i) => new[] { -1.0, -0.0, 1.0 }.Any(sign => Fp.SameBits(uv[i], decay == 0 ? sign * lr : Math.FusedMultiplyAdd(decay, pi, sign * lr)))).All(ok => ok);
            });
        });

    /// <summary>
    /// The trust ratio sets LAMB's and LARS' step norms: without momentum and clip, each parameter's update has norm
    /// <c>lr * eta * ||p||</c> (LAMB: eta 1; LARS: 0.02, no epsilon) wherever <c>||p||</c> and the direction are nonzero,
    /// to <c>(n + 8)u</c> relative (n elements: the sums of squares and the scaling).
    /// </summary>
    [Law]
    public Property TheTrustRatioMakesTheUpdateNormLrTimesEtaTimesTheWeightNorm() => Prop.ForAll(
        FamilyRun.Arb(["lamb", "lars"], Gens.Value(-20, 20)), c =>
        {
            var spec = c.Spec with { Flag = true, Momentum = 0, ExcludeVectors = false };
            var t = spec.Build();
            var eta = spec.Kind == "lamb" ? 1 : 0.02;
            var (p, s) = Run(t, c.Gradients.Skip(1), c.Parameters);
            var u = t.Update(c.Gradients[0], s, p).Updates;
            var compared = 0;
            foreach (var x in p)
            {
                var wn = x.Value.FrobeniusNorm();
                var un = u[x.Name].Value.FrobeniusNorm();
                if (wn == 0 || un == 0)
                {
                    continue;
                }

                compared++;
                var expected = spec.LearningRate * eta * wn;
                if (!(Math.Abs(un - expected) <= (x.Count + 8) * 2 * Fp.U * expected))
                {
                    return false.Label($"{x.Name}: norm {un:R}, expected {expected:R}");
                }
            }

            return Prop.When(compared > 0, () => true).Label($"{compared} parameters compared");
        });

    /// <summary>LAMB with the trust ratio off (a mask that excludes every parameter), bias correction and no decay is Adam with the same betas and epsilon, bit for bit.</summary>
    [Law]
    public Property LambWithoutTheTrustRatioIsAdam() => Prop.ForAll(
        FamilyRun.Arb(["lamb"], Gens.Moderate), c =>
        {
            var s = c.Spec;
            var lamb = Optimizers.Lamb(Schedule.Constant(s.LearningRate), s.Beta1, s.Beta2, s.Epsilon, trustRatioMask: Mask.None);
            var adam = Optimizers.Adam(s.LearningRate, s.Beta1, s.Beta2, s.Epsilon);
            return Run(lamb, c.Gradients, c.Parameters).P.BitwiseEquals(Run(adam, c.Gradients, c.Parameters).P);
        });
}
