using Regularization.Tests.Reference;
using static Regularization.Tests.TestUtil;

namespace Regularization.Tests;

public sealed class CoreTypesTests
{
    [Fact]
    public void ParamRejectsEmptyNamesAndNonDenseMatrices()
    {
        var e = Assert.Throws<ArgumentException>(() => new Param<double>(" ", M(1, 1, 0)));
        Assert.Equal("name", e.ParamName);
        var sparse = Matrix<double>.Build.Sparse(2, 2);
        var s = Assert.Throws<ArgumentException>(() => new Param<double>("w", sparse));
        Assert.Equal("value", s.ParamName);
        Assert.Contains("'w'", s.Message);
        Assert.Throws<ArgumentNullException>(() => new Param<double>(null!, M(1, 1, 0)));
        Assert.Throws<ArgumentNullException>(() => new Param<double>("w", null!));
    }

    [Fact]
    public void ParamEqualityIsByNameShapeAndValues()
    {
        var a = new Param<double>("w", M(2, 1, 1, double.NaN));
        Assert.Equal(a, new Param<double>("w", M(2, 1, 1, double.NaN)));
        Assert.Equal(a.GetHashCode(), new Param<double>("w", M(2, 1, 1, double.NaN)).GetHashCode());
        Assert.NotEqual(a, new Param<double>("v", M(2, 1, 1, double.NaN)));
        Assert.NotEqual(a, new Param<double>("w", M(1, 2, 1, double.NaN)));
        Assert.NotEqual(a, new Param<double>("w", M(2, 1, 1, 2)));
        Assert.Equal(new Param<double>("z", M(1, 1, 0.0)), new Param<double>("z", M(1, 1, -0.0)));
    }

    [Fact]
    public void ParamDescribesItsShape()
    {
        var p = Param.Vector("fc1.bias", M(3, 1, 1, 2, 3));
        Assert.Equal("3", p.Shape);
        Assert.Equal(1, p.Rank);
        Assert.True(p.IsVector);
        Assert.False(new Param<double>("w", Matrix<double>.Build.Dense(2, 2)).IsVector);
        Assert.Equal("3", Param.Of("v", Vector<double>.Build.Dense(3)).Shape);
        Assert.Equal("3", Param.Vector("b", M(1, 3, 1, 2, 3)).Shape);
        Assert.Throws<ArgumentException>(() => Param.Vector("b", M(2, 2, 1, 2, 3, 4)));
        Assert.Contains("fc1.bias", p.ToString());
        Assert.Equal(3, p.Count);
    }

    [Fact]
    public void ParamSetKeepsOrderAndLooksUpByName()
    {
        var set = Set(("b", M(1, 1, 2)), ("a", M(1, 1, 1)));
        Assert.Equal(["b", "a"], set.Names);
        Assert.Equal(1, set["a"].Value[0, 0]);
        Assert.Equal(0, set.IndexOf("b"));
        Assert.Equal(-1, set.IndexOf("c"));
        Assert.True(set.TryGet("a", out var a));
        Assert.Equal("a", a.Name);
        Assert.False(set.TryGet("c", out _));
        var e = Assert.Throws<KeyNotFoundException>(() => set["c"]);
        Assert.Contains("'b'", e.Message);
        Assert.Equal(2, set.ElementCount);
    }

    [Fact]
    public void ParamSetRejectsDuplicateNames()
    {
        var e = Assert.Throws<ArgumentException>(() => Set(("w", M(1, 1, 0)), ("w", M(1, 1, 1))));
        Assert.Contains("'w'", e.Message);
        Assert.Equal("parameters", e.ParamName);
    }

    [Fact]
    public void ParamSetEqualityIsByValue()
    {
        var a = Set(("w", M(1, 2, 1, 2)), ("b", M(1, 1, 3)));
        var b = Set(("w", M(1, 2, 1, 2)), ("b", M(1, 1, 3)));
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Set(("b", M(1, 1, 3)), ("w", M(1, 2, 1, 2))));
        Assert.NotEqual(a, Set(("w", M(1, 2, 1, 2)), ("b", M(1, 1, 4))));
        Assert.True(a != Set(("w", M(1, 2, 1, 2))));
    }

    [Fact]
    public void CopyIsDeepAndMapZipKeepNames()
    {
        var a = Set(("w", M(1, 2, 1, 2)));
        var copy = a.Copy();
        copy["w"].Value[0, 0] = 99;
        Assert.Equal(1, a["w"].Value[0, 0]);
        var doubled = a.Map(p => p.Value * 2);
        Assert.Equal(4, doubled["w"].Value[0, 1]);
        var sum = a.Zip(doubled, (x, y) => x.Value + y.Value);
        Assert.Equal(6, sum["w"].Value[0, 1]);
        Assert.Throws<ArgumentException>(() => a.Zip(Set(("v", M(1, 2, 0, 0))), (x, y) => x.Value));
    }

    [Fact]
    public void ZipAlignsByNameAndRejectsShapeMismatch()
    {
        var a = Set(("w", M(1, 1, 1)), ("b", M(1, 1, 2)));
        var b = Set(("b", M(1, 1, 20)), ("w", M(1, 1, 10)));
        var sum = a.Zip(b, (x, y) => x.Value + y.Value);
        Assert.Equal(["w", "b"], sum.Names);
        Assert.Equal(11, sum["w"].Value[0, 0]);
        var e = Assert.Throws<ArgumentException>(() => a.Zip(Set(("w", M(1, 2, 1, 1)), ("b", M(1, 1, 1))), (x, y) => x.Value));
        Assert.Contains("'w'", e.Message);
        Assert.Contains("1x2", e.Message);
    }

    [Fact]
    public void BitwiseEqualsIsStricterThanEquals()
    {
        var a = Set(("w", M(1, 2, 0.0, double.NaN)));
        var b = Set(("w", M(1, 2, -0.0, double.NaN)));
        Assert.Equal(a, b);
        Assert.False(a.BitwiseEquals(b));
        Assert.True(a.BitwiseEquals(a.Copy()));
        Assert.False(a.BitwiseEquals(Set(("v", M(1, 2, 0.0, double.NaN)))));
        Assert.False(a.BitwiseEquals(Set(("w", M(2, 1, 0.0, double.NaN)))));
    }

    [Fact]
    public void StatesCompareByValue()
    {
        var p = Set(("w", M(1, 1, 1)));
        var sgd = Optimizers.Sgd(0.1, momentum: 0.9);
        var a = sgd.Update(p, sgd.Init(p), p).State;
        var b = sgd.Update(p.Copy(), sgd.Init(p), p.Copy()).State;
        Assert.Equal(a, b);
        Assert.NotEqual(sgd.Init(p), a);
        var trace = (SlotState<double>)Transforms.Trace(0.5).Update(p, Transforms.Trace(0.5).Init(p), p).State;
        Assert.Equal(trace.WithCount(3), trace.WithCount(3));
        Assert.NotEqual(trace.WithCount(3), trace.WithCount(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => trace.WithCount(-1));
    }
}

/// <summary>Rank is PyTorch's <c>ndim</c>, not the stored matrix's shape (issue: a 1xN weight is not a bias).</summary>
public sealed class RankTests
{
    [Fact]
    public void AOneByNWeightIsAMatrixAndGetsDecayWithExcludeBiases()
    {
        // The weight of nn.Linear(128, 1) is 1x128: rank 2. Its bias is rank 1.
        var parameters = ParamSet.Of(
            Param.Of("head.weight", Matrix<double>.Build.Dense(1, 128, 1.0)),
            Param.Of("head.bias", Vector<double>.Build.Dense(1, 1.0)));
        var optimizer = Optimizer.Sgd(0.1).WeightDecay(0.5).ExcludeBiases().Build(parameters);
        optimizer.Step(ParamSet.ZerosLike(parameters));
        Assert.Equal(1 - (0.1 * 0.5), parameters["head.weight"].Value[0, 0], 15);
        Assert.Equal(1.0, parameters["head.bias"].Value[0, 0]);
        var plan = optimizer.DescribeDecay();
        Assert.Equal(DecayKind.Coupled, plan.For("head.weight").Single().Kind);
        Assert.Equal(DecayKind.None, plan.For("head.bias").Single().Kind);
    }

    [Fact]
    public void ADimensionByOneWeightIsAMatrixToo()
    {
        var w = Param.Of("w", Matrix<double>.Build.Dense(5, 1));
        Assert.False(w.IsVector);
        Assert.Equal("5x1", w.Shape);
        Assert.True(Mask.ExcludeVectors.Contains(w));
        Assert.False(Mask.ExcludeVectors.Contains(Param.Vector("b", Matrix<double>.Build.Dense(5, 1))));
    }
}

/// <summary>The state codec: every state round-trips through its transform, and a state of another transform is refused.</summary>
public sealed class StateCodecTests
{
    private static ParamSet<double> Model() =>
        TestUtil.Random(4, ("fc1.weight", 3, 4), ("fc1.bias", 3, 1), ("fc2.weight", 2, 3), ("fc2.bias", 2, 1));

    public static TheoryData<string> Optimizers => new() { "sgd", "adamw-groups", "adam-amsgrad-masked-prox", "zero-guard" };

    private static IGradientTransform Make(string name) => name switch
    {
        "sgd" => Regularization.Optimizers.Sgd(0.1, momentum: 0.9, weightDecay: 1e-3),
        "adamw-groups" => Regularization.Optimizers.Groups(
        [
            new ParamGroup("weights", Mask.ExcludeVectors, Regularization.Optimizers.AdamW(1e-3)),
            new ParamGroup("rest", Mask.All, Regularization.Optimizers.Sgd(0.5, momentum: 0.5)),
        ], NonFinitePolicy.Zero),
        "adam-amsgrad-masked-prox" => Regularization.Optimizers.WithProximalL1(
            Regularization.Optimizers.Adam(Schedule.Constant(1e-2), amsgrad: true, weightDecay: Schedule.Constant(0.1), decayMask: Mask.ExcludeVectors), 1e-3),
        _ => Regularization.Optimizers.WithNonFinitePolicy(Regularization.Optimizers.AdamW(1e-3), NonFinitePolicy.Skip),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void StatesRoundTripAfterSteps(string name)
    {
        var t = Make(name);
        var p = Model();
        var state = t.Init(p);
        for (var i = 0; i < 3; i++)
        {
            var r = Pure.Step(t, TestUtil.Random(10 + i, ("fc1.weight", 3, 4), ("fc1.bias", 3, 1), ("fc2.weight", 2, 3), ("fc2.bias", 2, 1)), state, p);
            (p, state) = (r.Parameters, r.State);
        }

        var bytes = StateCodec.Encode(t, state, p);
        Assert.Equal(state, StateCodec.Decode(t, bytes, p));
    }

    [Fact]
    public void AStateOfAnotherOptimizerOrElementTypeIsRefused()
    {
        var p = Model();
        var sgd = Make("sgd");
        var bytes = StateCodec.Encode(sgd, sgd.Init(p), p);
        Assert.Throws<InvalidDataException>(() => StateCodec.Decode(Make("adam-amsgrad-masked-prox"), bytes, p));
        var single = ParamSet.Of(p.Select(q => new Param<float>(q.Name, q.Value.Map(v => (float)v), q.Rank)).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => StateCodec.Decode(sgd, bytes, single));
        Assert.Contains("float64", e.Message);
        Assert.Throws<InvalidDataException>(() => StateCodec.Decode(sgd, bytes[..^3], p));
    }

    [Fact]
    public void NegativeSecondMomentsAreRefused()
    {
        var p = Model();
        var adam = Regularization.Optimizers.Adam(1e-3);
        var state = Pure.Step(adam, p, adam.Init(p), p).State;
        var slots = States.Of<SlotState<double>>(state).Single(s => s.SlotNames.Contains("exp_avg_sq"));
        slots["exp_avg_sq"]["fc1.weight"].Value[0, 0] = -1;
        var e = Assert.Throws<InvalidDataException>(() => StateCodec.Decode(adam, StateCodec.Encode(adam, state, p), p));
        Assert.Contains("negative second moment", e.Message);
    }
}
