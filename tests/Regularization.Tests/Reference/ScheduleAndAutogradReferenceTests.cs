using System.Text.Json;
using Xunit.Abstractions;

namespace Regularization.Tests.Reference;

/// <summary>Schedules against PyTorch's closed forms, and the second seed's claim against PyTorch autograd.</summary>
public sealed class ScheduleAndAutogradReferenceTests(ITestOutputHelper output)
{
    private static JsonElement Load(string file) => JsonDocument.Parse(File.ReadAllText(PyTorchReference.PathOf(file))).RootElement;

    public static TheoryData<string> ScheduleNames() => ["step", "multistep", "exponential", "cosine", "linear"];

    [Theory]
    [MemberData(nameof(ScheduleNames))]
    public void SchedulesEqualPyTorchsClosedFormsBitForBit(string name)
    {
        var root = Load("schedules.json");
        var baseLr = root.GetProperty("base").GetDouble();
        var spec = root.GetProperty(name);
        var schedule = name switch
        {
            "step" => Schedule.Step(baseLr, spec.GetProperty("step_size").GetInt64(), spec.GetProperty("gamma").GetDouble()),
            "multistep" => Schedule.MultiStep(baseLr, spec.GetProperty("milestones").EnumerateArray().Select(m => m.GetInt64()), spec.GetProperty("gamma").GetDouble()),
            "exponential" => Schedule.Exponential(baseLr, spec.GetProperty("gamma").GetDouble()),
            "cosine" => Schedule.Cosine(baseLr, spec.GetProperty("t_max").GetInt64(), spec.GetProperty("eta_min").GetDouble()),
            _ => Schedule.Linear(baseLr, spec.GetProperty("start_factor").GetDouble(), spec.GetProperty("end_factor").GetDouble(), spec.GetProperty("total_iters").GetInt64()),
        };
        var expected = spec.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (var t = 0; t < expected.Length; t++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected[t]), BitConverter.DoubleToInt64Bits(schedule.At(t)));
        }
    }

    /// <summary>
    /// The second seed: "SGD's weight_decay corresponds to 2 * lambda". PyTorch autograd ran SGD on
    /// <c>mean((Xw + b - y)^2) + lambda * (sum(w^2) + b^2)</c> and SGD(weight_decay = 2 * lambda) on the plain loss.
    /// Both replay here within 1e-12 relative, and they agree with each other within 1e-14 relative after 12 steps
    /// (they differ only in rounding: the loss term's gradient is rounded before it is added, the coupled decay is a
    /// fused multiply-add).
    /// </summary>
    [Fact]
    public void L2InTheLossEqualsSgdWeightDecayTwiceLambda()
    {
        var root = Load("l2_equivalence.json");
        var x = RefMatrix.Read(root.GetProperty("X")).ToMatrix();
        var y = RefMatrix.Read(root.GetProperty("y")).ToMatrix();
        var lambda = root.GetProperty("lambda").GetDouble();
        var lr = root.GetProperty("lr").GetDouble();
        var start = ParamSet.Of(
            new Param<double>("w", RefMatrix.Read(root.GetProperty("w0")).ToMatrix()),
            new Param<double>("b", RefMatrix.Read(root.GetProperty("b0")).ToMatrix()));
        var ones = Matrix<double>.Build.Dense(x.RowCount, 1, 1.0);

        ParamSet<double> Gradient(ParamSet<double> p)
        {
            var r = (x * p["w"].Value) + (ones * p["b"].Value) - y;
            return ParamSet.Of(
                new Param<double>("w", x.TransposeThisAndMultiply(r) * (2.0 / x.RowCount)),
                new Param<double>("b", ones.TransposeThisAndMultiply(r) * (2.0 / x.RowCount)));
        }

        double Loss(ParamSet<double> p)
        {
            var r = (x * p["w"].Value) + (ones * p["b"].Value) - y;
            return r.PointwisePower(2).ColumnSums()[0] / x.RowCount;
        }

        var penalty = Penalties.L2(lambda);
        var inLoss = Optimizers.Sgd(lr);
        var decay = Optimizers.Sgd(lr, weightDecay: Conventions.TorchWeightDecayFromL2(lambda));
        var (pa, sa) = (start, inLoss.Init(start));
        var (pb, sb) = (start, decay.Init(start));
        var agreementA = new Agreement();
        var agreementB = new Agreement();
        var between = new Agreement();
        var rowsA = root.GetProperty("penalty_in_loss").EnumerateArray().ToArray();
        var rowsB = root.GetProperty("weight_decay").EnumerateArray().ToArray();
        for (var s = 0; s < rowsA.Length; s++)
        {
            var loss = Loss(pa) + penalty.Value(pa);
            Assert.Equal(rowsA[s].GetProperty("loss").GetDouble(), loss, 1e-12);
            var ga = Gradient(pa).Zip(penalty.Gradient(pa), (g, r) => g.Value + r.Value);
            var ra = Pure.Step(inLoss, ga, sa, pa);
            var rb = Pure.Step(decay, Gradient(pb), sb, pb);
            (pa, sa, pb, sb) = (ra.Parameters, ra.State, rb.Parameters, rb.State);
            foreach (var name in new[] { "w", "b" })
            {
                agreementA.Add($"step {s + 1} {name}", RefMatrix.Read(rowsA[s].GetProperty(name)).Data, pa[name].Value.AsColumnMajorArray());
                agreementB.Add($"step {s + 1} {name}", RefMatrix.Read(rowsB[s].GetProperty(name)).Data, pb[name].Value.AsColumnMajorArray());
                between.Add($"step {s + 1} {name}", pb[name].Value.AsColumnMajorArray(), pa[name].Value.AsColumnMajorArray());
            }
        }

        output.WriteLine($"loss + lambda*sum(w^2) vs torch: {agreementA}");
        output.WriteLine($"weight_decay = 2*lambda vs torch: {agreementB}");
        output.WriteLine($"the two against each other: {between}");
        Assert.True(agreementA.MaxRelative <= 1e-12, agreementA.ToString());
        Assert.True(agreementB.MaxRelative <= 1e-12, agreementB.ToString());
        Assert.True(between.MaxRelative <= 1e-14, between.ToString());
    }

    [Fact]
    public void AddPenaltyGradientInTheChainIsTheLossTermBitForBit()
    {
        var start = TestUtil.Random(9, ("w", 4, 3), ("b", 3, 1));
        var g = TestUtil.Random(10, ("w", 4, 3), ("b", 3, 1));
        var penalty = Penalties.L2(0.05);
        var sgd = Optimizers.Sgd(0.1, momentum: 0.9);
        var manual = Pure.Step(sgd, g.Zip(penalty.Gradient(start), (a, b) => a.Value + b.Value), sgd.Init(start), start).Parameters;
        var chained = Transforms.Chain(Transforms.AddPenaltyGradient(penalty), sgd);
        var viaChain = Pure.Step(chained, g, chained.Init(start), start).Parameters;
        Assert.True(TestUtil.BitwiseEqual(manual, viaChain));
    }
}
