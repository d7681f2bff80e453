namespace Regularization.Properties;

/// <summary>Law 3: proximal L1 and elastic net.</summary>
public sealed class ProximalLaws
{
    private static readonly Arbitrary<double> Threshold = Arb.From(Gen.Frequency((1, Gen.Constant(0.0)), (6, Gens.Value(-200, 200).Select(Math.Abs))));

    private static IEnumerable<(double W, double Z)> Pairs(ParamSet<double> w, ParamSet<double> z) =>
        w.SelectMany(p => p.Value.AsColumnMajorArray().Zip(z[p.Name].Value.AsColumnMajorArray()));

    /// <summary>Soft thresholding is exactly zero where <c>|w| &lt;= t</c>, and only there.</summary>
    [Law]
    public Property ProximalL1GivesExactZerosExactlyWhereMagnitudeIsWithinThreshold() => Prop.ForAll(
        ParamCase.Arb(Gens.Wide), Threshold, (c, t) =>
            Pairs(c.Parameters, Proximal.SoftThreshold(c.Parameters, t)).All(x => (x.Z == 0) == (Math.Abs(x.W) <= t)));

    /// <summary>Soft thresholding never flips a sign: the result is 0 or has the sign of the input.</summary>
    [Law]
    public Property ProximalL1NeverFlipsASign() => Prop.ForAll(
        ParamCase.Arb(Gens.Wide), Threshold, (c, t) =>
            Pairs(c.Parameters, Proximal.SoftThreshold(c.Parameters, t)).All(x => x.Z == 0 || Math.Sign(x.Z) == Math.Sign(x.W)));

    /// <summary>
    /// Soft thresholding is non-expansive element-wise up to the rounding of its results:
    /// <c>|prox(a) - prox(b)| &lt;= |a - b| + (ulp(prox(a)) + ulp(prox(b))) / 2</c>, differences taken exactly. (Exact soft
    /// thresholding is 1-Lipschitz; each computed value is the correctly rounded <c>|w| - t</c>, and that rounding alone can
    /// widen the gap: <c>prox(1.73e55) - prox(1)</c> with <c>t = 2.2e14</c> is <c>1.73e55</c>, more than <c>1.73e55 - 1</c>.)
    /// </summary>
    [Law]
    public Property ProximalL1IsNonExpansive() => Prop.ForAll(
        StepCase.Arb(Gens.Wide), Threshold, (c, t) =>
        {
            var pa = Proximal.SoftThreshold(c.Parameters, t);
            var pb = Proximal.SoftThreshold(c.Gradient, t);
            foreach (var p in c.Parameters)
            {
                var a = p.Value.AsColumnMajorArray();
                var b = c.Gradient[p.Name].Value.AsColumnMajorArray();
                var za = pa[p.Name].Value.AsColumnMajorArray();
                var zb = pb[p.Name].Value.AsColumnMajorArray();
                for (var i = 0; i < a.Length; i++)
                {
                    var slack = Dyadic.Of(Fp.Ulp(za[i]) / 2) + Dyadic.Of(Fp.Ulp(zb[i]) / 2);
                    if ((Dyadic.Of(za[i]) - Dyadic.Of(zb[i])).Abs().CompareTo((Dyadic.Of(a[i]) - Dyadic.Of(b[i])).Abs() + slack) > 0)
                    {
                        return false;
                    }
                }
            }

            return true;
        });

    /// <summary>At threshold 0 soft thresholding is the identity (value equality: -0 may become +0).</summary>
    [Law]
    public Property ProximalL1IsTheIdentityAtThresholdZero() => Prop.ForAll(
        ParamCase.Arb(Gens.Wide), c => Proximal.SoftThreshold(c.Parameters, 0).Equals(c.Parameters));

    /// <summary>Two penalties with the same value, gradient and proximal operator, bit for bit.</summary>
    private static bool SamePenalty(Penalty a, Penalty b, ParamSet<double> p, double step) =>
        Fp.SameBits(a.Value(p), b.Value(p))
        && Fp.BitwiseEqual(a.Gradient(p), b.Gradient(p))
        && Fp.BitwiseEqual(a.Proximal(p, step), b.Proximal(p, step));

    /// <summary>Elastic net with ratio 1 is L1: value, gradient and proximal operator, bit for bit.</summary>
    [Law]
    public Property ElasticNetWithRatioOneIsL1() => Prop.ForAll(
        ParamCase.Arb(Gens.Value(-100, 100)), Arb.From(Gens.Uniform(0, 10)), Arb.From(Gens.Uniform(0, 2)), (c, lambda, step) =>
            SamePenalty(Penalties.ElasticNet(lambda, 1), Penalties.L1(lambda), c.Parameters, step));

    /// <summary>Elastic net with ratio 0 is L2: value, gradient and proximal operator, bit for bit.</summary>
    [Law]
    public Property ElasticNetWithRatioZeroIsL2() => Prop.ForAll(
        ParamCase.Arb(Gens.Value(-100, 100)), Arb.From(Gens.Uniform(0, 10)), Arb.From(Gens.Uniform(0, 2)), (c, lambda, step) =>
            SamePenalty(Penalties.ElasticNet(lambda, 0), Penalties.L2(lambda), c.Parameters, step));

    /// <summary>
    /// A proximal step after any optimizer: the new weight is exactly 0 wherever <c>|p + u| &lt;= lr * l1</c> (with the
    /// optimizer's update <c>u</c>), and never has the opposite sign of <c>soft(p + u)</c>.
    /// </summary>
    [Law]
    public Property ProximalStepAfterAnyOptimizerZeroesExactlyAndKeepsSigns() => Prop.ForAll(
        RunCase.Arb(extras: false, maxSteps: 1), Arb.From(Gens.Uniform(0, 5)), (c, l1) =>
        {
            var inner = c.Spec.Build();
            var withProx = Optimizers.WithProximalL1(inner, l1);
            var u = inner.Update(c.Gradients[0], inner.Init(c.Parameters), c.Parameters).Updates;
            var next = Pure.Step(withProx, c.Gradients[0], withProx.Init(c.Parameters), c.Parameters).Parameters;
            var threshold = c.Spec.LearningRate * l1;
            foreach (var p in c.Parameters)
            {
                var pv = p.Value.AsColumnMajorArray();
                var uv = u[p.Name].Value.AsColumnMajorArray();
                var nv = next[p.Name].Value.AsColumnMajorArray();
                for (var i = 0; i < pv.Length; i++)
                {
                    var w = pv[i] + uv[i];
                    if (Math.Abs(w) <= threshold ? nv[i] != 0 : nv[i] != 0 && Math.Sign(nv[i]) != Math.Sign(w))
                    {
                        return false;
                    }
                }
            }

            return true;
        });
}
