namespace Regularization.Properties;

/// <summary>Laws 6 and 7: purity (nothing mutated, same bits, from many threads) and facade = pure path.</summary>
public sealed class PurityAndFacadeLaws
{
    /// <summary>Every matrix reachable from a state (its buffers), for snapshots.</summary>
    private static IEnumerable<ParamSet<double>> Buffers(TransformState s) => s switch
    {
        SlotState<double> slots => slots.Slots,
        ChainState c => c.Inner.SelectMany(Buffers),
        PartitionState p => p.Groups.SelectMany(Buffers),
        NonFiniteState g => Buffers(g.Inner),
        _ => [],
    };

    private static long[][][] Snapshot(IEnumerable<ParamSet<double>> sets) => sets.Select(Fp.Bits).ToArray();

    private static bool Unchanged(IEnumerable<ParamSet<double>> sets, long[][][] before) => sets.Select((s, i) => Fp.Unchanged(s, before[i])).All(x => x);

    /// <summary>
    /// No argument is changed by Init, Update, Apply, penalties, proximal operators or decay plans: every element of
    /// every parameter, gradient and state buffer has the same bits after the call.
    /// </summary>
    [Law]
    public Property NoArgumentIsChanged() => Prop.ForAll(
        RunCase.Arb(), c =>
        {
            var t = c.Spec.Build();
            var p = c.Parameters;
            var state = t.Init(p);
            foreach (var g in c.Gradients)
            {
                var inputs = new[] { p, g }.Concat(Buffers(state)).ToArray();
                var before = Snapshot(inputs);
                var step = t.Update(g, state, p);
                var next = Updates.Apply(p, step.Updates);
                _ = Penalties.ElasticNet(0.1, 0.3).Value(p);
                _ = Penalties.L1(0.1).Gradient(p);
                _ = Penalties.L2(0.1).Proximal(p, 0.5);
                _ = Proximal.SoftThreshold(p, 0.1);
                _ = DecayPlan.Of(t, p);
                _ = t.Init(p);
                if (!Unchanged(inputs, before))
                {
                    return false;
                }

                (p, state) = (next, step.State);
            }

            return true;
        });

    /// <summary>The same inputs give the same bits, also when 8 threads update from the same inputs at once.</summary>
    [Law]
    public Property SameInputsGiveTheSameBitsFromManyThreads() => Prop.ForAll(
        RunCase.Arb(maxSteps: 3), c =>
        {
            var t = c.Spec.Build();
            var state = t.Init(c.Parameters);
            for (var i = 0; i < c.Gradients.Count - 1; i++)
            {
                state = t.Update(c.Gradients[i], state, c.Parameters).State;
            }

            var g = c.Gradients[^1];
            var reference = t.Update(g, state, c.Parameters);
            var results = new StepResult<double>[8];
            Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = t.Update(g, state, c.Parameters));
            return results.All(r => Fp.BitwiseEqual(r.Updates, reference.Updates) && r.State.Equals(reference.State));
        });

    /// <summary>
    /// The facade equals the pure path bit for bit over random multi-step runs of every optimizer (SGD, SGDW, Adam,
    /// AdamW with momentum, Nesterov, AMSGrad, maximize, masks, proximal steps, schedules and non-finite policies),
    /// parameters and state alike. Both sides run the same block loop (pure mode and in-place mode of one plan), so this
    /// law checks the in-place bookkeeping; that the loop computes the primitives' composition is checked against
    /// chains run one primitive after another (<see cref="FusionLaws"/>, <see cref="RandomChainLaws"/>).
    /// </summary>
    [Law]
    public Property FacadeEqualsThePurePathBitForBit() => Prop.ForAll(
        RunCase.Arb(), c =>
        {
            var t = c.Spec.Build();
            var facade = Optimizer.Create(t, c.Parameters.Copy());
            var (p, state) = (c.Parameters, t.Init(c.Parameters));
            foreach (var g in c.Gradients)
            {
                var r = Pure.Step(t, g, state, p);
                (p, state) = (r.Parameters, r.State);
                facade.Step(g);
                if (!Fp.BitwiseEqual(p, facade.Parameters))
                {
                    return false;
                }
            }

            return facade.IsFused && state.Equals(facade.State);
        });

    /// <summary>
    /// Checkpoint round trip: a facade rebuilt from another's <c>State</c> and parameters continues bit for bit like
    /// the uninterrupted one.
    /// </summary>
    [Law]
    public Property RestoredStateContinuesBitForBit() => Prop.ForAll(
        RunCase.Arb(), Arb.From(Gen.Choose(0, 6)), (c, split) =>
        {
            var t = c.Spec.Build();
            var whole = Optimizer.Create(t, c.Parameters.Copy());
            var first = Optimizer.Create(t, c.Parameters.Copy());
            var k = Math.Min(split, c.Gradients.Count);
            for (var i = 0; i < k; i++)
            {
                whole.Step(c.Gradients[i]);
                first.Step(c.Gradients[i]);
            }

            var resumed = Optimizer.Create(t, first.Parameters.Copy(), first.State);
            for (var i = k; i < c.Gradients.Count; i++)
            {
                whole.Step(c.Gradients[i]);
                resumed.Step(c.Gradients[i]);
            }

            return Fp.BitwiseEqual(whole.Parameters, resumed.Parameters) && whole.State.Equals(resumed.State);
        });
}
