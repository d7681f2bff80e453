namespace Regularization.Properties;

/// <summary>Laws 8 and 9: penalty algebra and finite differences; convention converters.</summary>
public sealed class PenaltyAndConventionLaws
{
    private static readonly Gen<Penalty> AnyPenalty =
        from kind in Gen.Elements("l1", "l2", "elastic")
        from lambda in Gens.Uniform(0, 5)
        from ratio in Gens.Uniform(0, 1)
        select kind switch
        {
            "l1" => Penalties.L1(lambda),
            "l2" => Penalties.L2(lambda),
            _ => Penalties.ElasticNet(lambda, ratio),
        };

    private static ParamSet<double> Scale(ParamSet<double> p, double c) => p.Map(x => x.Value * c);

    /// <summary>Penalties are non-negative.</summary>
    [Law]
    public Property PenaltiesAreNonNegative() => Prop.ForAll(
        ParamCase.Arb(Gens.Value(-150, 150)), Arb.From(AnyPenalty), (c, r) => r.Value(c.Parameters) >= 0);

    /// <summary>
    /// <c>L2(c*w) = c^2 * L2(w)</c>: bit for bit when <c>c</c> is a power of two, within <c>(2n + 6)u</c> relative for any
    /// <c>c</c> (n elements; the sum and products round).
    /// </summary>
    [Law]
    public Property L2IsHomogeneousOfDegreeTwo() => Prop.ForAll(
        ParamCase.Arb(Gens.Value(-100, 100)), Arb.From(Gens.Value(-60, 60)), Arb.From(Gen.Choose(-60, 60)), (x, c, k) =>
        {
            var l2 = Penalties.L2(1.5);
            var two = Math.Pow(2, k);
            if (!Fp.SameBits(l2.Value(Scale(x.Parameters, two)), two * two * l2.Value(x.Parameters)))
            {
                return false;
            }

            var n = x.Parameters.ElementCount;
            var lhs = l2.Value(Scale(x.Parameters, c));
            var rhs = c * c * l2.Value(x.Parameters);
            return Math.Abs(lhs - rhs) <= ((2 * n) + 6) * Fp.U * Math.Abs(rhs);
        });

    /// <summary>
    /// <c>L1(c*w) = |c| * L1(w)</c>: bit for bit when <c>c</c> is a power of two, within <c>(n + 4)u</c> relative for any <c>c</c>.
    /// </summary>
    [Law]
    public Property L1IsAbsolutelyHomogeneous() => Prop.ForAll(
        ParamCase.Arb(Gens.Value(-100, 100)), Arb.From(Gens.Value(-60, 60)), Arb.From(Gen.Choose(-60, 60)), (x, c, k) =>
        {
            var l1 = Penalties.L1(0.7);
            var two = -Math.Pow(2, k);
            if (!Fp.SameBits(l1.Value(Scale(x.Parameters, two)), Math.Abs(two) * l1.Value(x.Parameters)))
            {
                return false;
            }

            var n = x.Parameters.ElementCount;
            var lhs = l1.Value(Scale(x.Parameters, c));
            var rhs = Math.Abs(c) * l1.Value(x.Parameters);
            return Math.Abs(lhs - rhs) <= (n + 4) * Fp.U * Math.Abs(rhs);
        });

    /// <summary>
    /// Penalties are convex along segments: <c>R((1-t)a + t b) &lt;= (1-t) R(a) + t R(b)</c>, up to
    /// <c>(4n + 8)u</c> times the right-hand side for rounding.
    /// </summary>
    [Law]
    public Property PenaltiesAreConvexAlongSegments() => Prop.ForAll(
        StepCase.Arb(Gens.Value(-60, 60)), Arb.From(Gens.Uniform(0, 1)), Arb.From(AnyPenalty), (c, t, r) =>
        {
            var mid = c.Parameters.Zip(c.Gradient, (a, b) => (a.Value * (1 - t)) + (b.Value * t));
            var rhs = ((1 - t) * r.Value(c.Parameters)) + (t * r.Value(c.Gradient));
            return r.Value(mid) <= rhs * (1 + (((4 * c.Parameters.ElementCount) + 8) * Fp.U));
        });

    /// <summary>
    /// Every analytic gradient matches central finite differences <c>(R(w + h e) - R(w - h e)) / 2h</c> with
    /// <c>h = 1e-5 * max(1, |w|)</c>, within <c>1e-6 * (1 + |gradient|)</c>; L1 terms are checked away from their kink at 0.
    /// </summary>
    [Law]
    public Property GradientsMatchCentralFiniteDifferences() => Prop.ForAll(
        ParamCase.Arb(Gens.Value(-4, 4)), Arb.From(AnyPenalty), (c, r) =>
        {
            var grad = r.Gradient(c.Parameters);
            foreach (var p in c.Parameters)
            {
                var data = p.Value.AsColumnMajorArray();
                for (var i = 0; i < data.Length; i++)
                {
                    var h = 1e-5 * Math.Max(1, Math.Abs(data[i]));
                    if (r is not L2Penalty && Math.Abs(data[i]) <= 2 * h)
                    {
                        continue;
                    }

                    double At(double value) => r.Value(c.Parameters.Map(q =>
                    {
                        var m = q.Value.Clone();
                        if (q.Name == p.Name)
                        {
                            m.AsColumnMajorArray()[i] = value;
                        }

                        return m;
                    }));

                    var numeric = (At(data[i] + h) - At(data[i] - h)) / (2 * h);
                    var analytic = grad[p.Name].Value.AsColumnMajorArray()[i];
                    if (!(Math.Abs(numeric - analytic) <= 1e-6 * (1 + Math.Abs(analytic))))
                    {
                        return false;
                    }
                }
            }

            return true;
        });

    /// <summary>
    /// The converters round-trip: exactly for the factor-two and identity conversions (PyTorch, Keras, Optax,
    /// scikit-learn SGD), within 1 ulp for those through a product and a quotient (Ridge with n, the paper and TensorFlow
    /// Addons with a learning rate).
    /// </summary>
    [Law]
    public Property ConventionConvertersRoundTrip() => Prop.ForAll(
        Arb.From(Gens.Value(-300, 300).Select(Math.Abs)),
        Arb.From(Gen.Choose(1, 1_000_000)),
        Arb.From(Gens.Value(-40, 10).Select(Math.Abs).Where(x => x > 0)),
        (lambda, n, lr) =>
        {
            bool Ulp1(double a, double b) => Math.Abs(a - b) <= Fp.Ulp(Math.Max(Math.Abs(a), Math.Abs(b)));
            return Conventions.L2FromTorchWeightDecay(Conventions.TorchWeightDecayFromL2(lambda)) == lambda
                && Conventions.TorchWeightDecayFromL2(Conventions.L2FromTorchWeightDecay(lambda)) == lambda
                && Conventions.L2FromKeras(Conventions.KerasFromL2(lambda)) == lambda
                && Conventions.L2FromOptax(Conventions.OptaxFromL2(lambda)) == lambda
                && Conventions.L2FromSklearnSgd(Conventions.SklearnSgdFromL2(lambda)) == lambda
                && Ulp1(Conventions.L2FromSklearnRidge(Conventions.SklearnRidgeFromL2(lambda, n), n), lambda)
                && Ulp1(Conventions.PaperFromTorchAdamW(Conventions.TorchAdamWFromPaper(lambda, lr), lr), lambda)
                && Ulp1(Conventions.TfaFromTorchAdamW(Conventions.TorchAdamWFromTfa(lambda, lr), lr), lambda);
        });

    /// <summary>
    /// The converters mean what they say: one plain SGD step with Keras' <c>L2(a)</c> in the loss equals
    /// <c>Sgd(weightDecay: TorchWeightDecayFromL2(a))</c>, and scikit-learn SGD's <c>alpha</c> (<c>alpha/2 ||w||^2</c>)
    /// equals <c>Sgd(weightDecay: alpha)</c>, within the seed law's bound <c>u * (lr * (5|g| + 6|wd * w|) + |p1| + |p2|)</c>.
    /// </summary>
    [Law]
    public Property ConvertedCoefficientsGiveTheSameStep() => Prop.ForAll(
        StepCase.Arb(Gens.Moderate), Arb.From(Gens.Uniform(0, 0.2)), (c, a) =>
        {
            const double lr = 0.05;
            ParamSet<double> Step(IGradientTransform t, ParamSet<double> g) => Pure.Step(t, g, t.Init(c.Parameters), c.Parameters).Parameters;
            bool Close(ParamSet<double> x, ParamSet<double> y, double wd) => c.Parameters.All(p =>
            {
                var w = p.Value.AsColumnMajorArray();
                var g = c.Gradient[p.Name].Value.AsColumnMajorArray();
                var xv = x[p.Name].Value.AsColumnMajorArray();
                var yv = y[p.Name].Value.AsColumnMajorArray();
                return Enumerable.Range(0, w.Length).All(i => Math.Abs(xv[i] - yv[i])
                    <= Fp.U * ((lr * ((5 * Math.Abs(g[i])) + (6 * Math.Abs(wd * w[i])))) + Math.Abs(xv[i]) + Math.Abs(yv[i])));
            });
            var kerasWd = Conventions.TorchWeightDecayFromL2(Conventions.L2FromKeras(a));
            var keras = Step(Optimizers.Sgd(lr), c.Gradient.Zip(Penalties.L2(Conventions.L2FromKeras(a)).Gradient(c.Parameters), (g, r) => g.Value + r.Value));
            var torch = Step(Optimizers.Sgd(lr, weightDecay: kerasWd), c.Gradient);
            var sklearn = Step(Optimizers.Sgd(lr), c.Gradient.Zip(Penalties.L2(Conventions.L2FromSklearnSgd(a)).Gradient(c.Parameters), (g, r) => g.Value + r.Value));
            var torchAlpha = Step(Optimizers.Sgd(lr, weightDecay: a), c.Gradient);
            return Close(keras, torch, kerasWd) && Close(sklearn, torchAlpha, a);
        });
}
