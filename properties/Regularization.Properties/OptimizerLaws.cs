namespace Regularization.Properties;

/// <summary>Law 4: coupled versus decoupled decay, and AdamW without decay.</summary>
public sealed class OptimizerLaws
{
    private static Stepped Run(IGradientTransform t, IEnumerable<ParamSet<double>> gradients, ParamSet<double> p)
    {
        var state = t.Init(p);
        foreach (var g in gradients)
        {
            var r = Pure.Step(t, g, state, p);
            (p, state) = (r.Parameters, r.State);
        }

        return new Stepped(p, state);
    }

    private static Arbitrary<double> Lr => Arb.From(Gens.Uniform(1e-3, 0.5));

    private static Arbitrary<double> Wd => Arb.From(Gens.Uniform(0, 0.2));

    /// <summary>
    /// Plain SGD: coupled decay equals decoupled, learning-rate scaled decay (<c>Sgd(lr, wd)</c> vs <c>SgdW(lr, wd)</c>),
    /// to rounding: <c>|p1 - p2| &lt;= 4u * (|p| + lr*|g| + lr*wd*|p|) + u * (|p1| + |p2|)</c>.
    /// </summary>
    [Law]
    public Property SgdWithoutMomentumCoupledDecayEqualsDecoupledDecay() => Prop.ForAll(
        StepCase.Arb(Gens.Moderate), Lr, Wd, (c, lr, wd) =>
        {
            var a = Run(Optimizers.Sgd(lr, weightDecay: wd), [c.Gradient], c.Parameters).Parameters;
            var b = Run(Optimizers.SgdW(lr, wd), [c.Gradient], c.Parameters).Parameters;
            foreach (var p in c.Parameters)
            {
                var pv = p.Value.AsColumnMajorArray();
                var g = c.Gradient[p.Name].Value.AsColumnMajorArray();
                var x = a[p.Name].Value.AsColumnMajorArray();
                var y = b[p.Name].Value.AsColumnMajorArray();
                for (var i = 0; i < pv.Length; i++)
                {
                    var bound = (4 * Fp.U * (Math.Abs(pv[i]) + (lr * Math.Abs(g[i])) + (lr * wd * Math.Abs(pv[i])))) + (Fp.U * (Math.Abs(x[i]) + Math.Abs(y[i])));
                    if (!(Math.Abs(x[i] - y[i]) <= bound))
                    {
                        return false;
                    }
                }
            }

            return true;
        });

    /// <summary>
    /// With momentum they differ: after two steps, coupled minus decoupled is exactly <c>-lr * momentum * wd * p0</c> in
    /// real arithmetic (the decay that entered the momentum buffer at step 1), here to within
    /// <c>16u * (|p2| + |p2'| + lr * (1 + momentum) * (|g1| + |g2| + wd * (|p0| + |p1|)))</c>.
    /// </summary>
    [Law]
    public Property SgdWithMomentumCoupledAndDecoupledDifferByTheDecayInTheBuffer() => Prop.ForAll(
        Arb.From(from c in StepCase.Arb(Gens.Moderate).Generator
                 from g2 in Gens.Params(new Layout(c.Parameters.Select(p => (p.Name, p.Rows, p.Columns)).ToArray()), Gens.Moderate)
                 select (c, g2)),
        Arb.From(from lr in Gens.Uniform(1e-3, 0.5) from wd in Gens.Uniform(0, 0.2) from mu in Gens.Uniform(0.1, 0.99) select (lr, wd, mu)),
        (x, h) =>
        {
            var (lr, wd, mu) = h;
            var (c, g2) = x;
            var coupled = Optimizers.Sgd(lr, momentum: mu, weightDecay: wd);
            var p1 = Run(coupled, [c.Gradient], c.Parameters).Parameters;
            var a = Run(coupled, [c.Gradient, g2], c.Parameters).Parameters;
            var b = Run(Optimizers.SgdW(lr, wd, momentum: mu), [c.Gradient, g2], c.Parameters).Parameters;
            foreach (var p in c.Parameters)
            {
                var p0 = p.Value.AsColumnMajorArray();
                var g1v = c.Gradient[p.Name].Value.AsColumnMajorArray();
                var g2v = g2[p.Name].Value.AsColumnMajorArray();
                var p1v = p1[p.Name].Value.AsColumnMajorArray();
                var av = a[p.Name].Value.AsColumnMajorArray();
                var bv = b[p.Name].Value.AsColumnMajorArray();
                for (var i = 0; i < p0.Length; i++)
                {
                    var expected = -lr * mu * wd * p0[i];
                    var scale = Math.Abs(av[i]) + Math.Abs(bv[i])
                        + (lr * (1 + mu) * (Math.Abs(g1v[i]) + Math.Abs(g2v[i]) + (wd * (Math.Abs(p0[i]) + Math.Abs(p1v[i])))));
                    if (!(Math.Abs(av[i] - bv[i] - expected) <= 16 * Fp.U * scale))
                    {
                        return false;
                    }
                }
            }

            return true;
        });

    /// <summary>
    /// Adam: coupled L2 and decoupled decay differ. After one step, wherever <c>lr*wd*|p|</c> exceeds the rounding
    /// noise <c>64u * (|p| + lr)</c> and the gradient is not tiny against the decay term, the two results differ.
    /// A case in which no element passes that filter compares nothing and is discarded (4.2 % of cases, measured on
    /// 20,000: the layouts whose parameters are all empty, 2.8 %, and those whose every element fails the filter); the
    /// law fails when more than 10 % are, so it cannot pass without comparing.
    /// </summary>
    [Law]
    public Property AdamCoupledAndDecoupledDecayDiffer() => Prop.ForAll(
        StepCase.Arb(Gens.Value(-10, 10)), Lr, Arb.From(Gens.Uniform(1e-3, 0.2)), (c, lr, wd) =>
        {
            var a = Run(Optimizers.Adam(lr, weightDecay: wd), [c.Gradient], c.Parameters).Parameters;
            var b = Run(Optimizers.AdamW(lr, weightDecay: wd), [c.Gradient], c.Parameters).Parameters;
            var compared = 0;
            var differ = true;
            foreach (var p in c.Parameters)
            {
                var pv = p.Value.AsColumnMajorArray();
                var g = c.Gradient[p.Name].Value.AsColumnMajorArray();
                var x = a[p.Name].Value.AsColumnMajorArray();
                var y = b[p.Name].Value.AsColumnMajorArray();
                for (var i = 0; i < pv.Length; i++)
                {
                    // Same sign of g and g + wd*p: Adam-L2 moves by lr, AdamW by lr + lr*wd*|p|.
                    var sameSign = Math.Sign(g[i]) == Math.Sign(g[i] + (wd * pv[i])) && Math.Abs(g[i]) > 1e-3;
                    if (sameSign && lr * wd * Math.Abs(pv[i]) > 64 * Fp.U * (Math.Abs(pv[i]) + lr))
                    {
                        compared++;
                        differ &= x[i] != y[i];
                    }
                }
            }

            return Prop.When(compared > 0, () => differ).Label($"{compared} elements compared");
        });

    /// <summary><c>AdamW(weightDecay: 0)</c> equals <c>Adam(weightDecay: 0)</c>, bit for bit, over several steps.</summary>
    [Law]
    public Property AdamWWithoutDecayEqualsAdamWithoutDecay() => Prop.ForAll(
        RunCase.Arb(extras: false), c =>
        {
            var s = c.Spec;
            var adam = Optimizers.Adam(s.LearningRate, s.Beta1, s.Beta2, s.Epsilon, 0, s.AmsGrad, s.Maximize);
            var adamw = Optimizers.AdamW(s.LearningRate, s.Beta1, s.Beta2, s.Epsilon, 0, s.AmsGrad, s.Maximize);
            return Fp.BitwiseEqual(Run(adam, c.Gradients, c.Parameters).Parameters, Run(adamw, c.Gradients, c.Parameters).Parameters);
        });
}
