using System.Globalization;
using System.Text;

namespace Regularization.Properties;

/// <summary>The names and shapes of a parameter set.</summary>
public sealed record Layout(IReadOnlyList<(string Name, int Rows, int Cols)> Shapes)
{
    public override string ToString() => string.Join(", ", Shapes.Select(s => $"{s.Name} {s.Rows}x{s.Cols}"));

    public Layout Without(int index) => new(Shapes.Where((_, i) => i != index).ToArray());
}

/// <summary>Generators and shrinkers for the laws: parameter sets, hyperparameters, gradient sequences, optimizers.</summary>
internal static class Gens
{
    /// <summary>
    /// Finite doubles <c>sign * (1 + f) * 2^e</c> with <c>e</c> in [<paramref name="minExp"/>, <paramref name="maxExp"/>],
    /// exact zeros (both signs) one time in <c>1 + 10/zeroWeight</c>, and small integers (which make readable counterexamples).
    /// </summary>
    public static Gen<double> Value(int minExp, int maxExp, int zeroWeight = 2) =>
        Gen.Frequency(
            (zeroWeight, Gen.Elements(0.0, -0.0)),
            (2, Gen.Choose(-4, 4).Select(i => (double)i)),
            (8, from sign in Gen.Elements(1.0, -1.0)
                from e in Gen.Choose(minExp, maxExp)
                from f in Gen.Choose(0, int.MaxValue)
                select sign * (1 + (f / (double)int.MaxValue)) * Math.Pow(2, e)));

    /// <summary>Values with |x| in [2^-30, 2^30] or 0: no overflow inside an optimizer step.</summary>
    public static Gen<double> Moderate => Value(-30, 30);

    /// <summary>Moderate values rounded to float32: exactly representable as <c>float</c>, so a float32 copy is exact.</summary>
    public static Gen<double> Single => Moderate.Select(v => (double)(float)v);

    /// <summary>Values with |x| in [2^-200, 2^200] or 0: wide magnitudes that still square without overflow or underflow.</summary>
    public static Gen<double> Wide => Value(-200, 200);

    /// <summary>A double uniform in [lo, hi].</summary>
    public static Gen<double> Uniform(double lo, double hi) =>
        Gen.Choose(0, int.MaxValue).Select(i => lo + ((hi - lo) * (i / (double)int.MaxValue)));

    /// <summary>Shapes from 0x0 to 8x8, vectors (biases) often.</summary>
    public static Gen<(int Rows, int Cols)> Shape =>
        Gen.Frequency(
            (1, Gen.Elements((0, 0), (0, 3), (2, 0))),
            (6, from r in Gen.Choose(1, 8) from c in Gen.Choose(1, 8) select (r, c)),
            (3, from n in Gen.Choose(1, 8) from column in Gen.Elements(true, false) select column ? (n, 1) : (1, n)));

    /// <summary>
    /// 1 to <paramref name="max"/> uniquely named parameters. Most one-row or one-column shapes are biases (rank 1, named
    /// <c>.bias</c>); every third is a weight of that shape (rank 2, such as the 1xN weight of <c>nn.Linear(N, 1)</c>).
    /// </summary>
    public static Gen<Layout> Layout(int max = 4) =>
        from n in Gen.Choose(1, max)
        from shapes in Gen.ListOf(Shape, n)
        select new Layout(shapes.Select((s, i) => ($"layer{i}.{((s.Rows == 1 || s.Cols == 1) && i % 3 != 2 ? "bias" : "weight")}", s.Rows, s.Cols)).ToArray());

    /// <summary>A parameter set of that layout with values from <paramref name="value"/>.</summary>
    public static Gen<ParamSet<double>> Params(Layout layout, Gen<double> value) =>
        Gen.CollectToArray(layout.Shapes, s => Gen.ArrayOf(value, s.Rows * s.Cols)
                .Select(data => new Param<double>(s.Name, Matrix<double>.Build.Dense(s.Rows, s.Cols, data), s.Name.EndsWith(".bias", StringComparison.Ordinal) ? 1 : 2)))
            .Select(ps => new ParamSet<double>(ps));

    /// <summary>Candidates that simplify a set: each nonzero element set to 0, then to a rounded value.</summary>
    public static IEnumerable<ParamSet<double>> ShrinkValues(ParamSet<double> set)
    {
        for (var i = 0; i < set.Count; i++)
        {
            var data = set[i].Value.AsColumnMajorArray();
            for (var k = 0; k < data.Length; k++)
            {
                foreach (var simpler in Simpler(data[k]))
                {
                    yield return Replace(set, i, k, simpler);
                }
            }
        }
    }

    private static IEnumerable<double> Simpler(double x)
    {
        if (x == 0)
        {
            yield break;
        }

        yield return 0;
        var r = Math.Round(x);
        if (r != x && r != 0)
        {
            yield return r;
        }

        if (Math.Abs(x) != 1)
        {
            yield return Math.Sign(x);
        }
    }

    private static ParamSet<double> Replace(ParamSet<double> set, int param, int element, double value) =>
        set.Map(p =>
        {
            var m = p.Value.Clone();
            if (p.Name == set[param].Name)
            {
                m.AsColumnMajorArray()[element] = value;
            }

            return m;
        });

    public static ParamSet<double> Without(ParamSet<double> set, int index) => new(set.Where((_, i) => i != index));

    /// <summary>A readable dump of every value (round-trip format), for counterexamples.</summary>
    public static string Show(ParamSet<double> set)
    {
        var sb = new StringBuilder();
        foreach (var p in set)
        {
            sb.Append(p.Name).Append(' ').Append(p.Shape).Append(" [")
              .Append(string.Join(", ", p.Value.AsColumnMajorArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))))
              .Append("] ");
        }

        return sb.ToString().TrimEnd();
    }
}

/// <summary>One parameter set (wide or moderate values).</summary>
public sealed record ParamCase(ParamSet<double> Parameters)
{
    public override string ToString() => Gens.Show(Parameters);

    public static Arbitrary<ParamCase> Arb(Gen<double> values) =>
        FsCheck.Fluent.Arb.From(
            Gens.Layout().SelectMany(l => Gens.Params(l, values)).Select(p => new ParamCase(p)),
            c => Shrink(c));

    private static IEnumerable<ParamCase> Shrink(ParamCase c)
    {
        for (var i = 0; c.Parameters.Count > 1 && i < c.Parameters.Count; i++)
        {
            yield return new ParamCase(Gens.Without(c.Parameters, i));
        }

        foreach (var p in Gens.ShrinkValues(c.Parameters))
        {
            yield return new ParamCase(p);
        }
    }
}

/// <summary>Parameters and one gradient of the same layout.</summary>
public sealed record StepCase(ParamSet<double> Parameters, ParamSet<double> Gradient)
{
    public override string ToString() => $"parameters: {Gens.Show(Parameters)}; gradient: {Gens.Show(Gradient)}";

    public static Arbitrary<StepCase> Arb(Gen<double> values) =>
        FsCheck.Fluent.Arb.From(
            from layout in Gens.Layout()
            from p in Gens.Params(layout, values)
            from g in Gens.Params(layout, values)
            select new StepCase(p, g),
            Shrink);

    private static IEnumerable<StepCase> Shrink(StepCase c)
    {
        for (var i = 0; c.Parameters.Count > 1 && i < c.Parameters.Count; i++)
        {
            yield return new StepCase(Gens.Without(c.Parameters, i), Gens.Without(c.Gradient, i));
        }

        foreach (var g in Gens.ShrinkValues(c.Gradient))
        {
            yield return c with { Gradient = g };
        }

        foreach (var p in Gens.ShrinkValues(c.Parameters))
        {
            yield return c with { Parameters = p };
        }
    }
}

/// <summary>An optimizer description that builds the pure transform and prints readably.</summary>
public sealed record OptimizerSpec(
    string Kind,
    double LearningRate,
    double Momentum,
    double Dampening,
    bool Nesterov,
    double WeightDecay,
    bool Maximize,
    double Beta1,
    double Beta2,
    double Epsilon,
    bool AmsGrad,
    bool ExcludeBiases,
    string Proximal,
    string LrSchedule,
    NonFinitePolicy? Policy)
{
    public OptimizerBuilder Builder()
    {
        var b = Kind switch
        {
            "sgd" => Optimizer.Sgd(LearningRate),
            "sgdw" => Optimizer.SgdW(LearningRate, WeightDecay),
            "adam" => Optimizer.Adam(LearningRate),
            _ => Optimizer.AdamW(LearningRate),
        };
        if (Kind is "sgd" or "sgdw")
        {
            b = b.Momentum(Momentum, Dampening, Nesterov);
        }
        else
        {
            b = b.Betas(Beta1, Beta2).Epsilon(Epsilon).AmsGrad(AmsGrad);
        }

        b = b.WeightDecay(WeightDecay).Maximize(Maximize);
        b = Policy is { } policy ? b.OnNonFinite(policy) : b.WithoutNonFiniteGuard();
        if (ExcludeBiases)
        {
            b = b.ExcludeBiases();
        }

        b = LrSchedule switch
        {
            "cosine" => b.LearningRate(Schedule.Cosine(LearningRate, 5)),
            "warmup" => b.LearningRate(Schedule.Exponential(LearningRate, 0.9).WithWarmup(2)).DecayScaling(DecayScaling.ScheduleMultiplier),
            _ => b,
        };
        return Proximal switch
        {
            "l1" => b.ProximalL1(0.5),
            "elastic" => b.ProximalElasticNet(0.5, 0.6),
            _ => b,
        };
    }

    public IGradientTransform Build() => Builder().ToTransform();

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Kind}(lr={LearningRate:R}, ") +
        (Kind is "sgd" or "sgdw"
            ? string.Create(CultureInfo.InvariantCulture, $"momentum={Momentum:R}, dampening={Dampening:R}, nesterov={Nesterov}, ")
            : string.Create(CultureInfo.InvariantCulture, $"betas=({Beta1:R}, {Beta2:R}), eps={Epsilon:R}, amsgrad={AmsGrad}, ")) +
        string.Create(CultureInfo.InvariantCulture, $"wd={WeightDecay:R}, maximize={Maximize}, excludeBiases={ExcludeBiases}, proximal={Proximal}, lr schedule={LrSchedule}, nonfinite={Policy?.ToString() ?? "unchecked"})");

    public static Gen<OptimizerSpec> Gen(bool extras = true) =>
        from kind in FsCheck.Fluent.Gen.Elements("sgd", "sgdw", "adam", "adamw")
        from lr in Gens.Uniform(1e-4, 0.5)
        from momentum in FsCheck.Fluent.Gen.Frequency((1, FsCheck.Fluent.Gen.Constant(0.0)), (3, Gens.Uniform(0, 0.99)))
        from nesterov in FsCheck.Fluent.Gen.Elements(false, true)
        from dampening in nesterov ? FsCheck.Fluent.Gen.Constant(0.0) : FsCheck.Fluent.Gen.Frequency((2, FsCheck.Fluent.Gen.Constant(0.0)), (1, Gens.Uniform(0, 1)))
        from wd in FsCheck.Fluent.Gen.Frequency((1, FsCheck.Fluent.Gen.Constant(0.0)), (3, Gens.Uniform(0, 0.2)))
        from maximize in FsCheck.Fluent.Gen.Elements(false, true)
        from b1 in Gens.Uniform(0, 0.99)
        from b2 in Gens.Uniform(0.5, 0.9999)
        from eps in FsCheck.Fluent.Gen.Elements(1e-8, 1e-6, 1e-12)
        from ams in FsCheck.Fluent.Gen.Elements(false, true)
        from exclude in FsCheck.Fluent.Gen.Elements(false, extras)
        from prox in extras ? FsCheck.Fluent.Gen.Elements("none", "none", "l1", "elastic") : FsCheck.Fluent.Gen.Constant("none")
        from schedule in extras ? FsCheck.Fluent.Gen.Elements("constant", "constant", "cosine", "warmup") : FsCheck.Fluent.Gen.Constant("constant")
        from policy in extras
            ? FsCheck.Fluent.Gen.Elements<NonFinitePolicy?>(NonFinitePolicy.Throw, NonFinitePolicy.Skip, NonFinitePolicy.Zero, null)
            : FsCheck.Fluent.Gen.Constant<NonFinitePolicy?>(NonFinitePolicy.Throw)
        select new OptimizerSpec(kind, lr, nesterov && momentum == 0 ? 0.5 : momentum, dampening, nesterov, wd, maximize, b1, b2, eps, ams, exclude, prox, schedule, policy);

    public IEnumerable<OptimizerSpec> Shrinks()
    {
        if (Proximal != "none")
        {
            yield return this with { Proximal = "none" };
        }

        if (LrSchedule != "constant")
        {
            yield return this with { LrSchedule = "constant" };
        }

        if (ExcludeBiases)
        {
            yield return this with { ExcludeBiases = false };
        }

        if (Maximize)
        {
            yield return this with { Maximize = false };
        }

        if (AmsGrad)
        {
            yield return this with { AmsGrad = false };
        }

        if (WeightDecay != 0)
        {
            yield return this with { WeightDecay = 0 };
        }

        if (Momentum != 0 && !Nesterov)
        {
            yield return this with { Momentum = 0, Dampening = 0 };
        }
    }
}

/// <summary>An optimizer, parameters and a sequence of gradients: a short training run.</summary>
public sealed record RunCase(OptimizerSpec Spec, ParamSet<double> Parameters, IReadOnlyList<ParamSet<double>> Gradients)
{
    public override string ToString() =>
        $"{Spec}; parameters: {Gens.Show(Parameters)}; gradients: " + string.Join(" | ", Gradients.Select(Gens.Show));

    public static Arbitrary<RunCase> Arb(bool extras = true, int maxSteps = 6, Gen<double>? values = null, Gen<double>? gradientValues = null) =>
        FsCheck.Fluent.Arb.From(
            from spec in OptimizerSpec.Gen(extras)
            from layout in Gens.Layout()
            from p in Gens.Params(layout, values ?? Gens.Moderate)
            from steps in Gen.Choose(1, maxSteps)
            from grads in Gen.ListOf(Gens.Params(layout, gradientValues ?? values ?? Gens.Moderate), steps)
            select new RunCase(spec, p, grads.ToArray()),
            Shrink);

    private static IEnumerable<RunCase> Shrink(RunCase c)
    {
        if (c.Gradients.Count > 1)
        {
            yield return c with { Gradients = c.Gradients.Take(c.Gradients.Count - 1).ToArray() };
        }

        for (var i = 0; c.Parameters.Count > 1 && i < c.Parameters.Count; i++)
        {
            yield return c with { Parameters = Gens.Without(c.Parameters, i), Gradients = c.Gradients.Select(g => Gens.Without(g, i)).ToArray() };
        }

        foreach (var s in c.Spec.Shrinks())
        {
            yield return c with { Spec = s };
        }

        foreach (var p in Gens.ShrinkValues(c.Parameters))
        {
            yield return c with { Parameters = p };
        }
    }
}
