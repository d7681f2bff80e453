namespace Regularization.Properties;

/// <summary>Laws 1 and 2: the seeds' equivalence, and that L2 decay never produces exact zeros.</summary>
public sealed class SeedAndDecayLaws
{
    private static ParamSet<double> Sgd1(IGradientTransform t, ParamSet<double> g, ParamSet<double> p) => Pure.Step(t, g, t.Init(p), p).Parameters;

    /// <summary>The gradient of <c>lambda * sum(w^2)</c> is <c>2 * lambda * w</c>, correctly rounded (for wide magnitudes).</summary>
    [Law]
    public Property L2GradientIsTwoLambdaW() => Prop.ForAll(
        ParamCase.Arb(Gens.Value(-150, 150)),
        Arb.From(Gens.Value(-100, 100).Select(Math.Abs)),
        (c, lambda) =>
        {
            var grad = Penalties.L2(lambda).Gradient(c.Parameters);
            foreach (var p in c.Parameters)
            {
                var w = p.Value.AsColumnMajorArray();
                var g = grad[p.Name].Value.AsColumnMajorArray();
                for (var i = 0; i < w.Length; i++)
                {
                    var (hi, _) = Fp.TwoProduct(2 * lambda, w[i]); // 2*lambda is exact; hi is 2*lambda*w correctly rounded
                    if (!Fp.SameBits(hi, g[i]) && !(hi == 0 && g[i] == 0))
                    {
                        return false;
                    }
                }
            }

            return true;
        });

    /// <summary>
    /// One SGD step on <c>loss + lambda * sum(w^2)</c> equals <c>Sgd(weightDecay: 2 * lambda)</c> on <c>loss</c>, to rounding:
    /// per element <c>|p1 - p2| &lt;= u * (lr * (5|g| + 6|2 lambda w|) + |p1| + |p2|)</c>, <c>u = 2^-53</c>
    /// (the loss term's gradient is rounded before the addition; the coupled decay is one fused multiply-add).
    /// </summary>
    [Law]
    public Property SgdOnL2LossEqualsWeightDecayTwiceLambda() => Prop.ForAll(
        StepCase.Arb(Gens.Moderate),
        Arb.From(Gens.Uniform(1e-4, 1)),
        Arb.From(Gens.Uniform(0, 0.5)),
        (c, lr, lambda) =>
        {
            var withTerm = c.Gradient.Zip(Penalties.L2(lambda).Gradient(c.Parameters), (g, r) => g.Value + r.Value);
            var p1 = Sgd1(Optimizers.Sgd(lr), withTerm, c.Parameters);
            var p2 = Sgd1(Optimizers.Sgd(lr, weightDecay: 2 * lambda), c.Gradient, c.Parameters);
            foreach (var p in c.Parameters)
            {
                var w = p.Value.AsColumnMajorArray();
                var g = c.Gradient[p.Name].Value.AsColumnMajorArray();
                var a = p1[p.Name].Value.AsColumnMajorArray();
                var b = p2[p.Name].Value.AsColumnMajorArray();
                for (var i = 0; i < w.Length; i++)
                {
                    var bound = Fp.U * ((lr * ((5 * Math.Abs(g[i])) + (6 * Math.Abs(2 * lambda * w[i])))) + Math.Abs(a[i]) + Math.Abs(b[i]));
                    if (!(Math.Abs(a[i] - b[i]) <= bound))
                    {
                        return false;
                    }
                }
            }

            return true;
        });

    /// <summary>
    /// A pure decay step (zero gradient) with <c>0 &lt; lr*wd &lt; 1</c> (as doubles), coupled (<c>Sgd</c>) or decoupled
    /// (<c>SgdW</c>, <c>AdamW</c>), keeps every nonzero weight nonzero with the same sign, scaled by <c>1 - lr*wd</c>:
    /// within 1 ulp of the exact <c>w * (1 - lr*wd)</c> when <c>lr*wd &lt;= 0.19</c>, and within
    /// <c>1/2 + 2.0001 * c/(1 - c)</c> ulp for any <c>c = lr*wd &lt; 1</c> (the rounding of <c>c*w</c> is amplified by
    /// <c>c/(1-c)</c> in the difference <c>w - c*w</c>; see the closing note of issue 3 for the derivation).
    /// </summary>
    [Law]
    public Property L2NeverProducesExactZeros() => Prop.ForAll(
        ParamCase.Arb(Gens.Value(-200, 200)),
        Arb.From(Gens.Uniform(1e-3, 1)),
        Arb.From(Gen.Frequency((4, Gens.Uniform(1e-8, 0.19)), (1, Gens.Uniform(0.19, 0.999999)))),
        (c, lr, target) =>
        {
            var wd = target / lr;
            var product = lr * wd;

            // Discarded when lr*wd rounds outside (0, 1): 0 of 100,000 sampled (lr*(target/lr) is within an ulp of target, which
            // is at most 0.999999); the law fails above 10 %.
            return Prop.When(product > 0 && product < 1, () =>
            {
                var zero = ParamSet.ZerosLike(c.Parameters);
                foreach (var optimizer in new[] { Optimizers.Sgd(lr, weightDecay: wd), Optimizers.SgdW(lr, wd), Optimizers.AdamW(lr, weightDecay: wd) })
                {
                    var next = Sgd1(optimizer, zero, c.Parameters);
                    foreach (var p in c.Parameters)
                    {
                        var w = p.Value.AsColumnMajorArray();
                        var r = next[p.Name].Value.AsColumnMajorArray();
                        for (var i = 0; i < w.Length; i++)
                        {
                            if (w[i] == 0)
                            {
                                continue;
                            }

                            if (r[i] == 0 || Math.Sign(r[i]) != Math.Sign(w[i]))
                            {
                                return false;
                            }

                            // exact = w - w*lr*wd, as an exact rational; error in ulps of the result.
                            var exact = Dyadic.Of(w[i]) - (Dyadic.Of(w[i]) * Dyadic.Of(lr) * Dyadic.Of(wd));
                            var ulps = (Dyadic.Of(r[i]) - exact).Ratio(Dyadic.Of(Fp.Ulp(r[i])));
                            var allowed = product <= 0.19 ? 1.0 : 0.5 + (2.0001 * product / (1 - product));
                            if (!(ulps <= allowed))
                            {
                                return false;
                            }
                        }
                    }
                }

                return true;
            });
        });
}
