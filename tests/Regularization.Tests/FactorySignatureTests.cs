using System.Reflection;

namespace Regularization.Tests;

/// <summary>
/// The positional-order trap (issue 16) cannot come back: every overload of every factory of <see cref="Optimizers"/>
/// and <see cref="Optimizer"/> puts its positional parameters in one order, so that a positional argument means the
/// same thing whichever overload the compiler picks (before, <c>AdamW(lrSchedule, 0.9)</c> set the weight decay to 0.9,
/// because the schedule overload took the decay second and <see cref="Schedule"/> converts from double). And that order
/// is PyTorch's (or the paper's reference code's).
/// </summary>
public sealed class FactorySignatureTests
{
    private static readonly Type[] Factories = [typeof(Optimizers), typeof(Optimizer)];

    public static TheoryData<string> FactoryNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Factories.SelectMany(Overloads).Select(g => g.Key).Distinct())
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FactoryNames))]
    public void OverloadsShareTheOrderOfTheParameterNamesTheyHaveInCommon(string name)
    {
        foreach (var overloads in Factories.SelectMany(Overloads).Where(g => g.Key == name))
        {
            var lists = overloads.Select(m => m.GetParameters().Select(p => p.Name!).ToArray()).ToArray();
            foreach (var a in lists)
            {
                foreach (var b in lists)
                {
                    var common = a.Intersect(b).ToArray();
                    Assert.True(
                        a.Where(common.Contains).SequenceEqual(b.Where(common.Contains)),
                        $"{overloads.First().DeclaringType!.Name}.{name}({string.Join(", ", a)}) and ({string.Join(", ", b)}) order their common parameters differently");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(FactoryNames))]
    public void APositionalArgumentMeansTheSameParameterInEveryOverload(string name)
    {
        // Stronger than a shared order: position i is the same parameter in every overload that has one, with the same
        // type, except that a Schedule stands where a number overload has the learning rate or the weight decay.
        foreach (var overloads in Factories.SelectMany(Overloads).Where(g => g.Key == name))
        {
            var lists = overloads.Select(m => m.GetParameters()).ToArray();
            foreach (var a in lists)
            {
                foreach (var b in lists)
                {
                    for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
                    {
                        Assert.True(a[i].Name == b[i].Name, $"{name}: position {i} is '{a[i].Name}' in one overload and '{b[i].Name}' in another");
                        Assert.True(
                            SameKind(a[i].ParameterType, b[i].ParameterType, a[i].Name!),
                            $"{name}: '{a[i].Name}' is {a[i].ParameterType.Name} in one overload and {b[i].ParameterType.Name} in another");
                    }
                }
            }
        }
    }

    /// <summary>
    /// PyTorch 1.13's signatures (<c>inspect.signature(torch.optim.X.__init__)</c>, without <c>params</c>,
    /// <c>foreach</c>, <c>capturable</c>, <c>differentiable</c> and <c>fused</c>; tuples spelled out as this library
    /// does) and the reference code of the papers' optimizers, against each factory's number overload: the same names
    /// in the same order, then only what PyTorch does not have.
    /// </summary>
    [Theory]
    [InlineData("Sgd", "lr momentum dampening weight_decay nesterov maximize")]
    [InlineData("Adam", "lr betas eps weight_decay amsgrad maximize")]
    [InlineData("AdamW", "lr betas eps weight_decay amsgrad maximize")]
    [InlineData("RmsProp", "lr alpha eps weight_decay momentum centered maximize")]
    [InlineData("Adagrad", "lr lr_decay weight_decay initial_accumulator_value eps maximize")]
    [InlineData("Adadelta", "lr rho eps weight_decay maximize")]
    [InlineData("Adamax", "lr betas eps weight_decay maximize")]
    [InlineData("NAdam", "lr betas eps weight_decay momentum_decay")]
    [InlineData("RAdam", "lr betas eps weight_decay")]
    [InlineData("Asgd", "lr lambd alpha t0 weight_decay maximize")]
    [InlineData("Rprop", "lr etas step_sizes maximize")]
    [InlineData("NAdamW", "lr betas eps weight_decay momentum_decay")] // PyTorch 2.x NAdam(decoupled_weight_decay=True)
    [InlineData("RAdamW", "lr betas eps weight_decay")] // PyTorch 2.x RAdam(decoupled_weight_decay=True)
    [InlineData("Lion", "lr betas weight_decay")] // google/automl lion_pytorch.py
    [InlineData("Lamb", "lr betas eps weight_decay")] // cybertronai/pytorch-lamb (then adam=, here biasCorrection and maxWeightNorm)
    [InlineData("Lars", "lr weight_decay momentum eta")] // facebookresearch/barlowtwins main.py LARS (then its filters, here masks)
    public void TheNumberOverloadTakesPyTorchsOrder(string name, string pytorch)
    {
        var expected = pytorch.Split(' ').SelectMany(Camel).ToArray();
        var number = typeof(Optimizers).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == name && m.GetParameters()[0].ParameterType == typeof(double));
        var names = number.GetParameters().Select(p => p.Name!).ToArray();
        Assert.Equal(expected, names.Take(expected.Length));
    }

    [Fact]
    public void TheOldTrapNowSetsBeta1()
    {
        // AdamW(schedule, 0.9) and AdamW(1e-3, 0.9) are the same optimizer: 0.9 is beta1 in both.
        var schedule = Optimizers.AdamW(Schedule.Constant(1e-3), 0.5);
        Assert.Equal(Optimizers.AdamW(1e-3, 0.5), schedule);
        Assert.NotEqual(Optimizers.AdamW(1e-3, weightDecay: 0.5), schedule);
        Assert.Equal(Optimizers.NAdamW(2e-3, 0.5), Optimizers.NAdamW(Schedule.Constant(2e-3), 0.5));
        Assert.Equal(Optimizers.RAdamW(1e-3, 0.5), Optimizers.RAdamW(Schedule.Constant(1e-3), 0.5));
        Assert.Equal(Optimizers.Lion(1e-4, 0.5), Optimizers.Lion(Schedule.Constant(1e-4), 0.5));
        Assert.Equal(Optimizers.Lars(0.1, 1e-4), Optimizers.Lars(Schedule.Constant(0.1), 1e-4));
        Assert.Equal(Optimizers.Sgd(0.1, 0.9, 0, 1e-4), Optimizers.Sgd(Schedule.Constant(0.1), 0.9, 0, 1e-4));
    }

    [Fact]
    public void AnOmittedDecoupledDecayScheduleIsTheNumberOverloadsDefault()
    {
        Assert.Equal(Optimizers.AdamW(), Optimizers.AdamW(Schedule.Constant(1e-3)));
        Assert.Equal(Optimizers.NAdamW(), Optimizers.NAdamW(Schedule.Constant(2e-3)));
        Assert.Equal(Optimizers.RAdamW(), Optimizers.RAdamW(Schedule.Constant(1e-3)));
        Assert.Equal(Optimizers.Lion(), Optimizers.Lion(Schedule.Constant(1e-4)));
        Assert.NotEqual(Optimizers.AdamW(), Optimizers.AdamW(Schedule.Constant(1e-3), weightDecay: 0));
        Assert.Equal(Optimizers.Adam(), Optimizers.AdamW(Schedule.Constant(1e-3), weightDecay: 0));
    }

    private static IEnumerable<IGrouping<string, MethodInfo>> Overloads(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(IGradientTransform) || m.ReturnType == typeof(OptimizerBuilder))
            .GroupBy(m => m.Name);

    private static bool SameKind(Type a, Type b, string name) =>
        a == b || (name is "learningRate" or "weightDecay" && new[] { a, b }.All(t => t == typeof(double) || t == typeof(Schedule)));

    /// <summary>PyTorch's name in this library's spelling; a pair argument is two parameters.</summary>
    private static IEnumerable<string> Camel(string pytorch) => pytorch switch
    {
        "lr" => ["learningRate"],
        "eps" => ["epsilon"],
        "betas" => ["beta1", "beta2"],
        "etas" => ["etaMinus", "etaPlus"],
        "step_sizes" => ["stepSizeMin", "stepSizeMax"],
        "eta" => ["trustCoefficient"],
        _ => [string.Concat(pytorch.Split('_').Select((w, i) => i == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]))],
    };
}
