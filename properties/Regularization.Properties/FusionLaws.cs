namespace Regularization.Properties;

/// <summary>
/// A chain that runs its transforms one after another, never fused: the reference for what a fused chain must
/// compute. Its state is an ordinary <see cref="ChainState"/>.
/// </summary>
internal sealed class SequentialChain(IReadOnlyList<IGradientTransform> transforms) : IGradientTransform
{
    public TransformState Init<T>(ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable => new ChainState(transforms.Select(t => t.Init(parameters)).ToArray());

    public StepResult<T> Update<T>(ParamSet<T> updates, TransformState state, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        var chain = (ChainState)state;
        var states = new TransformState[transforms.Count];
        for (var i = 0; i < transforms.Count; i++)
        {
            var step = transforms[i].Update(updates, chain.Inner[i], parameters);
            (updates, states[i]) = (step.Updates, step.State);
        }

        return new StepResult<T>(updates, new ChainState(states));
    }

    public void WriteState(TransformState state, StateWriter writer) => throw new NotSupportedException("The reference chain is not checkpointed.");

    public TransformState ReadState<T>(StateReader reader, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable => throw new NotSupportedException("The reference chain is not checkpointed.");

    /// <summary>The same transform tree with every chain replaced by a sequential one.</summary>
    public static IGradientTransform Unfuse(IGradientTransform t) => t switch
    {
        ChainTransform c => new SequentialChain(c.Items.Select(Unfuse).ToArray()),
        MaskedTransform m => new MaskedTransform(Unfuse(m.Inner), m.Mask),
        PartitionTransform p => new PartitionTransform(p.Items.Select(g => new ParamGroup(g.Name, g.Selector, Unfuse(g.Transform))).ToArray()),
        NonFiniteGuardTransform g => new NonFiniteGuardTransform(Unfuse(g.Inner), g.Policy),
        _ => t,
    };
}

/// <summary>Fusion changes nothing: fused chains and facades compute exactly the primitives' composition.</summary>
public sealed class FusionLaws
{
    /// <summary>
    /// A fused chain (the pure path of every optimizer) gives the same updates and states, bit for bit, as running its
    /// primitives one after another, over random multi-step runs of every optimizer configuration.
    /// </summary>
    [Law]
    public Property FusedChainsEqualTheirPrimitivesOneAfterAnother() => Prop.ForAll(
        RunCase.Arb(), c =>
        {
            var fused = c.Spec.Build();
            var sequential = SequentialChain.Unfuse(fused);
            var (p, s) = (c.Parameters, fused.Init(c.Parameters));
            var (q, r) = (c.Parameters, sequential.Init(c.Parameters));
            foreach (var g in c.Gradients)
            {
                var a = Pure.Step(fused, g, s, p);
                var b = Pure.Step(sequential, g, r, q);
                (p, s, q, r) = (a.Parameters, a.State, b.Parameters, b.State);
                if (!Fp.BitwiseEqual(p, q) || !s.Equals(r))
                {
                    return false;
                }
            }

            return true;
        });

    /// <summary>The facade equals the primitives one after another, bit for bit (parameters and state).</summary>
    [Law]
    public Property TheFacadeEqualsThePrimitivesOneAfterAnother() => Prop.ForAll(
        RunCase.Arb(), c =>
        {
            var t = c.Spec.Build();
            var sequential = SequentialChain.Unfuse(t);
            var facade = Optimizer.Create(t, c.Parameters.Copy());
            var (q, r) = (c.Parameters, sequential.Init(c.Parameters));
            foreach (var g in c.Gradients)
            {
                var b = Pure.Step(sequential, g, r, q);
                (q, r) = (b.Parameters, b.State);
                facade.Step(g);
            }

            return Fp.BitwiseEqual(q, facade.Parameters) && r.Equals(facade.State);
        });
}
