namespace Regularization.Properties;

/// <summary>Law 5: masks and chains.</summary>
public sealed class MaskAndChainLaws
{
    /// <summary>A catalogue of primitives for chain laws.</summary>
    private static readonly Gen<IGradientTransform> Primitive = Gen.Elements<Func<IGradientTransform>>(
            () => Transforms.Scale(-1),
            () => Transforms.Scale(0.5),
            () => Transforms.AddDecayedWeights(0.01),
            () => Transforms.AddDecayedWeights(Schedule.Exponential(0.1, 0.5)),
            () => Transforms.Trace(0.9),
            () => Transforms.Trace(0.5, dampening: 0.3),
            () => Transforms.Trace(0.8, nesterov: true),
            () => Transforms.ScaleByAdam(),
            () => Transforms.ScaleByAdam(0.5, 0.9, 1e-6, amsGrad: true),
            () => Transforms.ScaleByLearningRate(0.1),
            () => Transforms.ScaleByLearningRate(Schedule.Cosine(0.1, 3)),
            () => Transforms.AddDecoupledWeightDecay(0.1, 0.1),
            () => Transforms.ProximalL1(0.5, 0.1),
            () => Transforms.Masked(Transforms.Trace(0.7), Mask.ExcludeVectors),
            () => Transforms.AddPenaltyGradient(Penalties.ElasticNet(0.1, 0.5)))
        .Select(f => f());

    private static IReadOnlyList<ParamSet<double>> Run(IGradientTransform t, RunCase c)
    {
        var (p, state) = (c.Parameters, t.Init(c.Parameters));
        var outputs = new List<ParamSet<double>>();
        foreach (var g in c.Gradients)
        {
            var step = t.Update(g, state, p);
            outputs.Add(step.Updates);
            state = step.State;
            p = Updates.Apply(p, step.Updates);
        }

        return outputs;
    }

    private static bool Same(IReadOnlyList<ParamSet<double>> a, IReadOnlyList<ParamSet<double>> b) => a.Zip(b).All(x => Fp.BitwiseEqual(x.First, x.Second));

    /// <summary>
    /// With decay masked to exclude biases, each excluded parameter follows exactly (bit for bit) the trajectory it has
    /// under the same optimizer without any decay.
    /// </summary>
    [Law]
    public Property ExcludedParametersAreUntouchedByDecay() => Prop.ForAll(
        RunCase.Arb(extras: false), c =>
        {
            var masked = c.Spec with { ExcludeBiases = true, WeightDecay = Math.Max(c.Spec.WeightDecay, 0.05) };
            var none = c.Spec with { WeightDecay = 0 };
            var a = Run(masked.Build(), c);
            var b = Run(none.Build(), c);
            return a.Zip(b).All(x => x.First.Where(p => p.IsVector).All(p => Fp.BitwiseEqual(ParamSet.Of(p), ParamSet.Of(x.Second[p.Name]))));
        });

    /// <summary>A transform masked by a mask that includes nothing is the identity: the updates come back bit for bit.</summary>
    [Law]
    public Property EmptyMaskIsTheIdentity() => Prop.ForAll(
        RunCase.Arb(extras: false), Arb.From(Primitive), (c, t) =>
            Same(Run(Transforms.Masked(t, Mask.None), c), c.Gradients));

    /// <summary>Zero decay, coupled or decoupled, and a zero proximal strength are the identity on updates.</summary>
    [Law]
    public Property ZeroDecayIsTheIdentity() => Prop.ForAll(
        RunCase.Arb(extras: false), c =>
            Same(Run(Transforms.AddDecayedWeights(0), c), c.Gradients)
            && Same(Run(Transforms.AddDecoupledWeightDecay(0, 0.1), c), c.Gradients)
            && Same(Run(Transforms.ProximalL1(0, 0.1), c), c.Gradients)
            && Same(Run(Transforms.ProximalElasticNet(0, 0.5, 0.1), c), c.Gradients));

    /// <summary>Chain identity: <c>Chain(Identity, t)</c>, <c>Chain(t, Identity)</c>, <c>Chain(t)</c> and <c>t</c> give the same updates.</summary>
    [Law]
    public Property ChainWithIdentityIsTheTransform() => Prop.ForAll(
        RunCase.Arb(extras: false), Arb.From(Primitive), (c, t) =>
        {
            var direct = Run(t, c);
            return Same(direct, Run(Transforms.Chain(Transforms.Identity(), t), c))
                && Same(direct, Run(Transforms.Chain(t, Transforms.Identity()), c))
                && Same(direct, Run(Transforms.Chain(t), c));
        });

    /// <summary>Chain associativity: <c>Chain(Chain(a, b), c) = Chain(a, Chain(b, c)) = Chain(a, b, c)</c>, over several steps.</summary>
    [Law]
    public Property ChainIsAssociative() => Prop.ForAll(
        RunCase.Arb(extras: false), Arb.From(Gen.Three(Primitive)), (c, t) =>
        {
            var (a, b, d) = t;
            var flat = Run(Transforms.Chain(a, b, d), c);
            return Same(flat, Run(Transforms.Chain(Transforms.Chain(a, b), d), c))
                && Same(flat, Run(Transforms.Chain(a, Transforms.Chain(b, d)), c));
        });

    /// <summary>A partition equals running each group's transform on its own parameters.</summary>
    [Law]
    public Property PartitionEqualsEachGroupOnItsOwn() => Prop.ForAll(
        RunCase.Arb(extras: false), Arb.From(Gen.Two(Primitive)), (c, t) =>
        {
            var (forMatrices, forVectors) = t;
            var partition = Transforms.Partition(new ParamGroup("m", Mask.ExcludeVectors, forMatrices), new ParamGroup("v", Mask.All, forVectors));
            var together = Run(partition, c);
            var matrices = Run(Transforms.Masked(forMatrices, Mask.ExcludeVectors), c);
            var vectors = Run(Transforms.Masked(forVectors, Mask.ExcludeVectors.Not()), c);
            return together.Select((u, s) => u.All(p => Fp.BitwiseEqual(
                ParamSet.Of(p), ParamSet.Of((p.IsVector ? vectors : matrices)[s][p.Name])))).All(x => x);
        });
}
