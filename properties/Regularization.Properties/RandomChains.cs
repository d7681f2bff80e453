using System.Globalization;
using Regularization.UserTransforms;

namespace Regularization.Properties;

/// <summary>One primitive of a random chain: what it is, printably, and the transform it builds.</summary>
public sealed record PrimitiveSpec(string Description, Func<IGradientTransform> Make, bool IsUserDefined)
{
    public override string ToString() => Description;

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A learning rate: a constant or, one time in three, a cosine schedule (the step count matters).</summary>
    private static Gen<(string Text, Schedule Value)> LearningRate =>
        from lr in Gens.Uniform(1e-4, 0.5)
        from cosine in Gen.Elements(false, false, true)
        select cosine ? ($"cosine({F(lr)}, 5)", Schedule.Cosine(lr, 5)) : (F(lr), Schedule.Constant(lr));

    /// <summary>
    /// Scale, AddDecayedWeights, AddDecoupledWeightDecay, Trace (momentum, dampening, Nesterov), ScaleByAdam (AMSGrad or
    /// not), ScaleByLearningRate, ProximalL1, ProximalElasticNet and the user-defined ScaleByRms, equally often.
    /// </summary>
    public static Gen<PrimitiveSpec> Any =>
        Gen.OneOf(
            Gens.Uniform(-2, 2).Select(f => new PrimitiveSpec($"Scale({F(f)})", () => Transforms.Scale(f), false)),
            Gens.Uniform(0, 0.2).Select(wd => new PrimitiveSpec($"AddDecayedWeights({F(wd)})", () => Transforms.AddDecayedWeights(wd), false)),
            from wd in Gens.Uniform(0, 0.2)
            from lr in LearningRate
            select new PrimitiveSpec($"AddDecoupledWeightDecay({F(wd)}, lr {lr.Text})", () => Transforms.AddDecoupledWeightDecay(wd, lr.Value), false),
            from mu in Gens.Uniform(0.05, 0.99)
            from nesterov in Gen.Elements(false, true)
            from dampening in nesterov ? Gen.Constant(0.0) : Gen.Frequency((2, Gen.Constant(0.0)), (1, Gens.Uniform(0, 1)))
            select new PrimitiveSpec($"Trace({F(mu)}, dampening {F(dampening)}, nesterov {nesterov})", () => Transforms.Trace(mu, dampening, nesterov), false),
            from b1 in Gens.Uniform(0, 0.99)
            from b2 in Gens.Uniform(0.5, 0.9999)
            from eps in Gen.Elements(1e-8, 1e-6, 1e-12)
            from ams in Gen.Elements(false, true)
            select new PrimitiveSpec($"ScaleByAdam({F(b1)}, {F(b2)}, {F(eps)}, amsgrad {ams})", () => Transforms.ScaleByAdam(b1, b2, eps, ams), false),
            LearningRate.Select(lr => new PrimitiveSpec($"ScaleByLearningRate({lr.Text})", () => Transforms.ScaleByLearningRate(lr.Value), false)),
            from l1 in Gens.Uniform(0, 0.5)
            from lr in LearningRate
            select new PrimitiveSpec($"ProximalL1({F(l1)}, lr {lr.Text})", () => Transforms.ProximalL1(l1, lr.Value), false),
            from lambda in Gens.Uniform(0, 0.5)
            from ratio in Gens.Uniform(0, 1)
            from lr in LearningRate
            select new PrimitiveSpec($"ProximalElasticNet({F(lambda)}, {F(ratio)}, lr {lr.Text})", () => Transforms.ProximalElasticNet(lambda, ratio, lr.Value), false),
            Rms);

    /// <summary>The user-defined element-wise primitive (tests/Regularization.UserTransforms).</summary>
    public static Gen<PrimitiveSpec> Rms =>
        from rho in Gens.Uniform(0, 0.999)
        from eps in Gen.Elements(1e-8, 1e-6, 1e-3)
        select new PrimitiveSpec($"ScaleByRms({F(rho)}, {F(eps)})", () => new ScaleByRms(rho, eps), true);

    /// <summary>The primitive, or one time in three the primitive inside <c>Masked</c> (vectors excluded, or a name mask).</summary>
    public static Gen<PrimitiveSpec> MaybeMasked(Gen<PrimitiveSpec> primitive) =>
        from p in primitive
        from mask in Gen.Elements("none", "none", "none", "none", "vectors", "names")
        select mask switch
        {
            "vectors" => new PrimitiveSpec($"Masked({p}, ExcludeVectors)", () => Transforms.Masked(p.Make(), Mask.ExcludeVectors), p.IsUserDefined),
            "names" => new PrimitiveSpec($"Masked({p}, Names(^layer[02]))", () => Transforms.Masked(p.Make(), Mask.Names("^layer[02]")), p.IsUserDefined),
            _ => p,
        };
}

/// <summary>
/// A random chain of 1 to 6 element-wise primitives in random order, each maybe masked, the chain maybe split into two
/// parameter groups (a partition whose groups run the chain and its reverse) and maybe guarded against non-finite
/// gradients (any policy).
/// </summary>
public sealed record ChainSpec(IReadOnlyList<PrimitiveSpec> Primitives, bool Partitioned, NonFinitePolicy? Guard)
{
    public override string ToString() =>
        $"{(Guard is { } g ? $"Guard({g}) " : "")}{(Partitioned ? "Partition(weights: chain, rest: reversed) " : "")}Chain({string.Join(", ", Primitives)})";

    public IGradientTransform Build()
    {
        IGradientTransform Chain(IEnumerable<PrimitiveSpec> ps) => Transforms.Chain(ps.Select(p => p.Make()).ToArray());
        var t = Partitioned
            ? Transforms.Partition(
                new ParamGroup("weights", Mask.Names("weight"), Chain(Primitives)),
                new ParamGroup("rest", Mask.All, Chain(Primitives.Reverse())))
            : Chain(Primitives);
        return Guard is { } policy ? Transforms.GuardNonFinite(t, policy) : t;
    }

    /// <summary>Random chains; with <paramref name="withRms"/> each holds at least one <c>ScaleByRms</c> at a random place.</summary>
    public static Gen<ChainSpec> Gen(bool withRms = false) =>
        from n in FsCheck.Fluent.Gen.Choose(1, 6)
        from ps in FsCheck.Fluent.Gen.ListOf(PrimitiveSpec.MaybeMasked(PrimitiveSpec.Any), n)
        from rms in PrimitiveSpec.MaybeMasked(PrimitiveSpec.Rms)
        from at in FsCheck.Fluent.Gen.Choose(0, n - 1)
        from partitioned in FsCheck.Fluent.Gen.Elements(false, false, true)
        from guard in FsCheck.Fluent.Gen.Elements<NonFinitePolicy?>(null, null, NonFinitePolicy.Throw, NonFinitePolicy.Skip, NonFinitePolicy.Zero)
        select new ChainSpec(withRms ? ps.Select((p, i) => i == at ? rms : p).ToArray() : ps.ToArray(), partitioned, guard);

    public IEnumerable<ChainSpec> Shrinks()
    {
        if (Guard is not null)
        {
            yield return this with { Guard = null };
        }

        if (Partitioned)
        {
            yield return this with { Partitioned = false };
        }

        for (var i = 0; Primitives.Count > 1 && i < Primitives.Count; i++)
        {
            yield return this with { Primitives = Primitives.Where((_, k) => k != i).ToArray() };
        }
    }
}

/// <summary>A random chain, parameters and a sequence of gradients.</summary>
public sealed record ChainRun(ChainSpec Chain, ParamSet<double> Parameters, IReadOnlyList<ParamSet<double>> Gradients)
{
    public override string ToString() =>
        $"{Chain}; parameters: {Gens.Show(Parameters)}; gradients: " + string.Join(" | ", Gradients.Select(Gens.Show));

    /// <summary>Runs of 1 to <paramref name="maxSteps"/> steps, values moderate and exactly representable in float32.</summary>
    public static Arbitrary<ChainRun> Arb(bool withRms = false, int maxSteps = 5) =>
        FsCheck.Fluent.Arb.From(
            from chain in ChainSpec.Gen(withRms)
            from layout in Gens.Layout()
            from p in Gens.Params(layout, Gens.Single)
            from steps in Gen.Choose(1, maxSteps)
            from grads in Gen.ListOf(Gens.Params(layout, Gens.Single), steps)
            select new ChainRun(chain, p, grads.ToArray()),
            Shrink);

    private static IEnumerable<ChainRun> Shrink(ChainRun c)
    {
        if (c.Gradients.Count > 1)
        {
            yield return c with { Gradients = c.Gradients.Take(c.Gradients.Count - 1).ToArray() };
        }

        foreach (var s in c.Chain.Shrinks())
        {
            yield return c with { Chain = s };
        }

        for (var i = 0; c.Parameters.Count > 1 && i < c.Parameters.Count; i++)
        {
            yield return c with { Parameters = Gens.Without(c.Parameters, i), Gradients = c.Gradients.Select(g => Gens.Without(g, i)).ToArray() };
        }

        foreach (var p in Gens.ShrinkValues(c.Parameters))
        {
            yield return c with { Parameters = p };
        }
    }
}

/// <summary>Element-type generic helpers: pure steps, float32 copies, bitwise state equality and snapshots.</summary>
internal static class Generic
{
    public static (ParamSet<T> Parameters, TransformState State) Step<T>(IGradientTransform t, ParamSet<T> g, TransformState s, ParamSet<T> p)
        where T : struct, IEquatable<T>, IFormattable
    {
        var r = t.Update(g, s, p);
        return (Updates.Apply(p, r.Updates), r.State);
    }

    /// <summary>The float32 copy of a set whose values are float32 values (exact).</summary>
    public static ParamSet<float> ToSingle(ParamSet<double> set) =>
        new(set.Select(p => new Param<float>(p.Name, p.Value.Map(v => (float)v), p.Rank)));

    /// <summary>Same structure and the same bits in every slot (stronger than value equality: -0 differs from +0).</summary>
    public static bool SameBits(TransformState a, TransformState b) => (a, b) switch
    {
        (SlotState<double> x, SlotState<double> y) => x.Count == y.Count && x.SlotNames.SequenceEqual(y.SlotNames) && x.Slots.Zip(y.Slots).All(z => z.First.BitwiseEquals(z.Second)),
        (SlotState<float> x, SlotState<float> y) => x.Count == y.Count && x.SlotNames.SequenceEqual(y.SlotNames) && x.Slots.Zip(y.Slots).All(z => z.First.BitwiseEquals(z.Second)),
        (ChainState x, ChainState y) => x.Inner.Count == y.Inner.Count && x.Inner.Zip(y.Inner).All(z => SameBits(z.First, z.Second)),
        (PartitionState x, PartitionState y) => x.Groups.Count == y.Groups.Count && x.Groups.Zip(y.Groups).All(z => SameBits(z.First, z.Second)),
        (NonFiniteState x, NonFiniteState y) => x.SkippedSteps == y.SkippedSteps && x.ZeroedEntries == y.ZeroedEntries && x.ZeroedSteps == y.ZeroedSteps && SameBits(x.Inner, y.Inner),
        _ => a.GetType() == b.GetType() && a.Equals(b),
    };

    /// <summary>Every matrix reachable from a state (its buffers), for snapshots.</summary>
    public static IEnumerable<ParamSet<T>> Buffers<T>(TransformState s)
        where T : struct, IEquatable<T>, IFormattable => s switch
        {
            SlotState<T> slots => slots.Slots,
            ChainState c => c.Inner.SelectMany(Buffers<T>),
            PartitionState p => p.Groups.SelectMany(Buffers<T>),
            NonFiniteState g => Buffers<T>(g.Inner),
            _ => [],
        };
}
