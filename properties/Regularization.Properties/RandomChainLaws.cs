using Regularization.UserTransforms;

namespace Regularization.Properties;

/// <summary>
/// Random chains of random primitives in random order fuse bit for bit, and the user-defined transforms of
/// tests/Regularization.UserTransforms (ScaleByRms, element-wise; ClipByGlobalNorm, not) obey the purity and
/// checkpoint laws.
/// </summary>
public sealed class RandomChainLaws
{
    /// <summary>
    /// Fused (the chain as built, which the engine runs in one block loop, pure path and facade) against the same tree
    /// with every chain run one primitive after another (<see cref="SequentialChain.Unfuse"/>): the same parameters and
    /// state bits after every step, and the facade reports <c>IsFused</c>.
    /// </summary>
    private static Property FusesBitForBit<T>(ChainRun c, Func<ParamSet<double>, ParamSet<T>> convert)
        where T : struct, IEquatable<T>, IFormattable
    {
        var fused = c.Chain.Build();
        var sequential = SequentialChain.Unfuse(fused);
        var p0 = convert(c.Parameters);
        var facade = Optimizer.Create(fused, p0.Copy());
        var (p, s) = (p0, fused.Init(p0));
        var (q, r) = (p0, sequential.Init(p0));
        if (!facade.IsFused)
        {
            return false.Label("the facade is not fused");
        }

        for (var k = 0; k < c.Gradients.Count; k++)
        {
            var g = convert(c.Gradients[k]);
            (p, s) = Generic.Step(fused, g, s, p);
            (q, r) = Generic.Step(sequential, g, r, q);
            facade.Step(g);
            if (!p.BitwiseEquals(q) || !Generic.SameBits(s, r))
            {
                return false.Label($"pure fused path differs from the unfused chain at step {k + 1}");
            }

            if (!facade.Parameters.BitwiseEquals(q) || !Generic.SameBits(facade.State, r))
            {
                return false.Label($"facade differs from the unfused chain at step {k + 1}");
            }
        }

        return true.ToProperty();
    }

    /// <summary>
    /// Random chains of 1 to 6 primitives (Scale, AddDecayedWeights, AddDecoupledWeightDecay, Trace with momentum,
    /// dampening or Nesterov, ScaleByAdam with or without AMSGrad, ScaleByLearningRate with constant or cosine rates,
    /// ProximalL1, ProximalElasticNet, the user's ScaleByRms), in random order, each maybe masked (vectors excluded or a
    /// name mask), maybe in a two-group partition, maybe under the non-finite guard (any policy): fused equals unfused
    /// bit for bit over 1 to 5 steps, pure path and facade (which is fused), in float64.
    /// </summary>
    [Law]
    public Property RandomChainsFuseBitForBitInFloat64() => Prop.ForAll(ChainRun.Arb(), c => FusesBitForBit(c, p => p));

    /// <summary>The same law in float32 (the same values, exactly representable in float32).</summary>
    [Law]
    public Property RandomChainsFuseBitForBitInFloat32() => Prop.ForAll(ChainRun.Arb(), c => FusesBitForBit(c, Generic.ToSingle));

    /// <summary>
    /// A chain holding the user's ScaleByRms (at a random place) and the user's ClipByGlobalNorm (first or last): the
    /// fused chain without the clip and the unfused chain with it.
    /// </summary>
    private static IGradientTransform[] UserTransforms(ChainRun c, double maxNorm, bool clipFirst)
    {
        var chain = c.Chain.Build();
        var clip = new ClipByGlobalNorm(maxNorm);
        return [chain, clipFirst ? Transforms.Chain(clip, chain) : Transforms.Chain(chain, clip)];
    }

    private static Arbitrary<(double MaxNorm, bool ClipFirst)> Clip =>
        Arb.From(from m in Gen.Frequency((1, Gens.Uniform(1e-3, 1)), (1, Gens.Uniform(1, 1e6))) from first in Gen.Elements(true, false) select (m, first));

    private static ParamSet<T>[] Snapshot<T>(IEnumerable<ParamSet<T>> sets)
        where T : struct, IEquatable<T>, IFormattable => sets.Select(s => s.Copy()).ToArray();

    private static bool Unchanged<T>(IEnumerable<ParamSet<T>> sets, ParamSet<T>[] before)
        where T : struct, IEquatable<T>, IFormattable => sets.Zip(before).All(z => z.First.BitwiseEquals(z.Second));

    private static bool NoArgumentChanged<T>(IGradientTransform t, ChainRun c, Func<ParamSet<double>, ParamSet<T>> convert)
        where T : struct, IEquatable<T>, IFormattable
    {
        var p = convert(c.Parameters);
        var state = t.Init(p);
        foreach (var g in c.Gradients.Select(convert))
        {
            var inputs = new[] { p, g }.Concat(Generic.Buffers<T>(state)).ToArray();
            var before = Snapshot(inputs);
            var step = t.Update(g, state, p);
            var next = Updates.Apply(p, step.Updates);
            _ = t.Init(p);
            _ = StateCodec.Decode(t, StateCodec.Encode(t, state, p), p);
            if (!Unchanged(inputs, before))
            {
                return false;
            }

            (p, state) = (next, step.State);
        }

        return true;
    }

    /// <summary>
    /// User transforms are pure: Init, Update, Apply and the codec leave every element of the parameters, gradients
    /// and state buffers with the same bits, for ScaleByRms inside random chains (fused) and with ClipByGlobalNorm
    /// (unfused), in float64 and float32.
    /// </summary>
    [Law]
    public Property UserTransformsChangeNoArgument() => Prop.ForAll(
        ChainRun.Arb(withRms: true), Clip, (c, clip) =>
            UserTransforms(c, clip.MaxNorm, clip.ClipFirst).All(t => NoArgumentChanged(t, c, p => p) && NoArgumentChanged(t, c, Generic.ToSingle)));

    private static bool SameBitsFromManyThreads<T>(IGradientTransform t, ChainRun c, Func<ParamSet<double>, ParamSet<T>> convert)
        where T : struct, IEquatable<T>, IFormattable
    {
        var p = convert(c.Parameters);
        var state = t.Init(p);
        foreach (var g in c.Gradients.Take(c.Gradients.Count - 1).Select(convert))
        {
            state = t.Update(g, state, p).State;
        }

        var last = convert(c.Gradients[^1]);
        var reference = t.Update(last, state, p);
        var results = new StepResult<T>[8];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = t.Update(last, state, p));
        return results.All(r => r.Updates.BitwiseEquals(reference.Updates) && Generic.SameBits(r.State, reference.State));
    }

    /// <summary>User transforms give the same bits from 8 threads updating from the same inputs at once (float64 and float32).</summary>
    [Law]
    public Property UserTransformsGiveTheSameBitsFromManyThreads() => Prop.ForAll(
        ChainRun.Arb(withRms: true, maxSteps: 3), Clip, (c, clip) =>
            UserTransforms(c, clip.MaxNorm, clip.ClipFirst).All(t => SameBitsFromManyThreads(t, c, p => p) && SameBitsFromManyThreads(t, c, Generic.ToSingle)));

    private static Property Checkpoints<T>(IGradientTransform t, ChainRun c, int split, Func<ParamSet<double>, ParamSet<T>> convert)
        where T : struct, IEquatable<T>, IFormattable
    {
        var p0 = convert(c.Parameters);
        var gradients = c.Gradients.Select(convert).ToArray();
        var whole = Optimizer.Create(t, p0.Copy());
        var first = Optimizer.Create(t, p0.Copy());
        var k = Math.Min(split, gradients.Length);
        for (var i = 0; i < k; i++)
        {
            whole.Step(gradients[i]);
            first.Step(gradients[i]);
        }

        var bytes = StateCodec.Encode(t, first.State, first.Parameters);
        var decoded = StateCodec.Decode(t, bytes, first.Parameters);
        if (!Generic.SameBits(decoded, first.State) || !StateCodec.Encode(t, decoded, first.Parameters).AsSpan().SequenceEqual(bytes))
        {
            return false.Label($"{typeof(T).Name}: the decoded state after {k} steps is not the encoded one");
        }

        var resumed = Optimizer.Create(t, first.Parameters.Copy(), decoded);
        for (var i = k; i < gradients.Length; i++)
        {
            whole.Step(gradients[i]);
            resumed.Step(gradients[i]);
        }

        return (whole.Parameters.BitwiseEquals(resumed.Parameters) && Generic.SameBits(whole.State, resumed.State) && whole.IsFused == resumed.IsFused)
            .Label($"{typeof(T).Name}: resumed after {k} steps");
    }

    /// <summary>
    /// User transforms checkpoint: after any number of steps, <c>StateCodec.Decode(Encode(state))</c> has the state's
    /// bits (and encodes to the same bytes), and a facade resumed from the decoded state continues bit for bit like the
    /// uninterrupted one, for ScaleByRms inside random chains (fused) and with ClipByGlobalNorm (unfused), in float64
    /// and float32.
    /// </summary>
    [Law]
    public Property UserTransformsRoundTripThroughTheCodecAndResumeBitForBit() => Prop.ForAll(
        ChainRun.Arb(withRms: true), Clip, Arb.From(Gen.Choose(0, 5)), (c, clip, split) =>
            UserTransforms(c, clip.MaxNorm, clip.ClipFirst)
                .Select(t => Checkpoints(t, c, split, p => p).And(Checkpoints(t, c, split, Generic.ToSingle)))
                .Aggregate((a, b) => a.And(b)));
}
