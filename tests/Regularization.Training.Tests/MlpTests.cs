using Xunit.Abstractions;

namespace Regularization.Training.Tests;

/// <summary>The model: initialization, names and shapes, the loss, and backpropagation against finite differences.</summary>
public sealed class MlpTests(ITestOutputHelper output)
{
    [Fact]
    public void SimpleNetHasPyTorchNamesShapesAndDefaultInitialization()
    {
        var model = Mlp.Create<double>(Mlp.SimpleNetLayers, seed: 0);
        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"], model.Parameters.Names);
        Assert.Equal(["128x784", "128", "10x128", "10"], model.Parameters.Select(p => p.Shape));
        Assert.Equal([2, 1, 2, 1], model.Parameters.Select(p => p.Rank));
        Assert.Equal(model.Parameters.Names, model.Gradients.Names);
        Assert.True(model.Parameters.HasSameLayout(model.Gradients));
        Assert.Equal(101_770, model.Parameters.ElementCount);

        // Mask.ExcludeVectors keeps exactly the weights.
        Assert.Equal(["fc1.weight", "fc2.weight"], Mask.ExcludeVectors.Select(model.Parameters).Names);

        // nn.Linear's default: weight and bias uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)).
        foreach (var (name, fanIn) in new[] { ("fc1.weight", 784), ("fc1.bias", 784), ("fc2.weight", 128), ("fc2.bias", 128) })
        {
            var bound = 1 / Math.Sqrt(fanIn);
            var values = model.Parameters[name].Value.AsColumnMajorArray();
            Assert.All(values, v => Assert.InRange(v, -bound, bound));
            if (values.Length > 1000)
            {
                // Uniform(-b, b): mean 0, variance b^2/3. With n values the mean's sd is b/sqrt(3n); allow 5 sd, and 3 % on the variance.
                var mean = values.Average();
                var variance = values.Select(v => (v - mean) * (v - mean)).Average();
                Assert.InRange(mean, -5 * bound / Math.Sqrt(3.0 * values.Length), 5 * bound / Math.Sqrt(3.0 * values.Length));
                Assert.InRange(variance / (bound * bound / 3), 0.97, 1.03);
            }
        }

        // The same seed gives the same bits; weights are drawn in PyTorch's row-major order from the seed's stream.
        Assert.True(TestUtil.BitwiseEqual(model.Parameters, Mlp.Create<double>(Mlp.SimpleNetLayers, seed: 0).Parameters));
        var rng = new Xoshiro256StarStar(0);
        var b1 = 1 / Math.Sqrt(784);
        Assert.Equal(rng.NextDouble(-b1, b1), model.Parameters["fc1.weight"].Value[0, 0]);
        Assert.Equal(rng.NextDouble(-b1, b1), model.Parameters["fc1.weight"].Value[0, 1]);
    }

    [Fact]
    public void FromParametersChecksNamesAndShapes()
    {
        var good = Mlp.Create<double>([4, 3, 2], seed: 1).Parameters;
        var model = Mlp.FromParameters(good);
        Assert.Equal([4, 3, 2], model.LayerSizes);
        Assert.NotSame(good["fc1.weight"].Value, model.Parameters["fc1.weight"].Value); // copied

        var renamed = new ParamSet<double>(good.Select(p => p.Name == "fc2.bias" ? p.WithName("fc2.b") : p));
        Assert.Contains("must be fc2.weight and fc2.bias; they are fc2.weight and fc2.b", Assert.Throws<ArgumentException>(() => Mlp.FromParameters(renamed)).Message, StringComparison.Ordinal);
        var badShape = new ParamSet<double>(good.Select(p => p.Name == "fc2.weight" ? p.WithValue(Matrix<double>.Build.Dense(2, 4)) : p));
        Assert.Contains("fc2.weight is 2x4 (rank 2) and fc2.bias is 2 (rank 1); they must be a 2x3 matrix and a vector of 2 (rank 1, stored 2x1)", Assert.Throws<ArgumentException>(() => Mlp.FromParameters(badShape)).Message, StringComparison.Ordinal);
        var matrixBias = new ParamSet<double>(good.Select(p => p.Name == "fc2.bias" ? new Param<double>(p.Name, p.Value, 2) : p));
        Assert.Contains("fc2.bias is 2x1 (rank 2)", Assert.Throws<ArgumentException>(() => Mlp.FromParameters(matrixBias)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Mlp.FromParameters(ParamSet.Of(good[0])));
        var e = Assert.Throws<ArgumentException>(() => model.Evaluate(Matrix<double>.Build.Dense(5, 2), [0, 1]));
        Assert.Contains("dense 4 x batch matrix", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The loss and its gradient against the textbook formulas, computed directly.</summary>
    [Fact]
    public void LossAndGradientMatchADirectComputation()
    {
        var logits = Matrix<double>.Build.Dense(4, 3, [0.5, -1.25, 2.0, 0.0, /**/ 3.0, 3.0, -2.0, 1.0, /**/ -0.3, 0.7, 0.1, 0.6]);
        int[] labels = [2, 0, 0];
        var gradient = Matrix<double>.Build.Dense(4, 3);
        var r = SoftmaxCrossEntropy.Compute(logits, labels, gradient);

        double expectedLoss = 0;
        for (var j = 0; j < 3; j++)
        {
            var denominator = Enumerable.Range(0, 4).Sum(k => Math.Exp(logits[k, j]));
            expectedLoss += -Math.Log(Math.Exp(logits[labels[j], j]) / denominator);
            for (var k = 0; k < 4; k++)
            {
                var p = Math.Exp(logits[k, j]) / denominator;
                Assert.Equal((p - (k == labels[j] ? 1 : 0)) / 3, gradient[k, j], 1e-15);
            }
        }

        Assert.Equal(expectedLoss / 3, r.Loss, 1e-15);
        Assert.Equal(2, r.Correct); // column 0: argmax 2 = label; column 1: the tie 3.0/3.0 goes to the first class, 0 = label; column 2: argmax 1, label 0
        Assert.Equal(3, r.Count);
    }

    [Fact]
    public void LossIsStableForHugeLogits()
    {
        // exp(1000) overflows; the stable form subtracts the maximum. Shifting all logits leaves the loss unchanged.
        var small = Matrix<double>.Build.Dense(3, 1, [1.0, 2.0, 3.0]);
        var huge = Matrix<double>.Build.Dense(3, 1, [1001.0, 1002.0, 1003.0]);
        var l = SoftmaxCrossEntropy.Loss(small, [0]);
        Assert.Equal(l, SoftmaxCrossEntropy.Loss(huge, [0]), 1e-12);
        Assert.Equal(Math.Log(1 + Math.Exp(1) + Math.Exp(2)), l, 1e-15);
        var certain = Matrix<double>.Build.Dense(2, 1, [-800.0, 800.0]);
        Assert.Equal(0.0, SoftmaxCrossEntropy.Loss(certain, [1]));
        Assert.Equal(1600.0, SoftmaxCrossEntropy.Loss(certain, [0]));
    }

    /// <summary>
    /// Backpropagation of a 5-4-3-3 network (two hidden ReLU layers) on a batch of 6, with both loss terms, against
    /// central finite differences <c>(L(w + h) - L(w - h)) / 2h</c> with <c>h = 1e-6</c> for every parameter entry.
    /// </summary>
    /// <remarks>
    /// Tolerance: <c>|analytic - numeric| &lt;= 1e-7 * max(1, |numeric|)</c>. The central difference has truncation
    /// error about <c>h^2 * |L'''| / 6</c> (below 1e-12 here) and rounding error about <c>eps * |L| / h</c> (about 1e-10);
    /// the largest difference seen is printed (1.7e-10 in development). A pre-activation within h of the ReLU's kink
    /// would make the quotient disagree and fail the test; none is for this seed. Weights within 10h of 0 (the L1
    /// kink) are checked for and absent.
    /// </remarks>
    [Fact]
    public void BackpropagationMatchesCentralFiniteDifferences()
    {
        const double H = 1e-6;
        const double L1 = 0.003;
        const double L2 = 0.01;
        var model = Mlp.Create<double>([5, 4, 3, 3], seed: 11);
        var rng = new Xoshiro256StarStar(12);
        var inputs = Matrix<double>.Build.Dense(5, 6, (_, _) => rng.NextDouble(-1, 1));
        int[] labels = [0, 1, 2, 2, 1, 0];

        double Loss()
        {
            var ce = model.Evaluate(inputs, labels).Loss;
            var sq = model.Parameters.Sum(p => p.Value.AsColumnMajorArray().Sum(x => x * x));
            var abs = model.Parameters.Sum(p => p.Value.AsColumnMajorArray().Sum(Math.Abs));
            return ce + (L2 * sq) + (L1 * abs);
        }

        model.ForwardBackward(inputs, labels);
        model.AddPenalties(L1, L2);
        var analytic = model.Gradients.Copy();

        var worst = 0.0;
        foreach (var p in model.Parameters)
        {
            var w = p.Value.AsColumnMajorArray();
            for (var k = 0; k < w.Length; k++)
            {
                var saved = w[k];
                Assert.True(Math.Abs(saved) > 10 * H, "an L1 kink lies within the difference step");
                w[k] = saved + H;
                var up = Loss();
                w[k] = saved - H;
                var down = Loss();
                w[k] = saved;
                var numeric = (up - down) / (2 * H);
                var a = analytic[p.Name].Value.AsColumnMajorArray()[k];
                var error = Math.Abs(a - numeric) / Math.Max(1, Math.Abs(numeric));
                worst = Math.Max(worst, error);
                Assert.True(error <= 1e-7, $"{p.Name}[{k}]: analytic {a}, numeric {numeric}");
            }
        }

        output.WriteLine($"largest scaled difference {worst:E2} over {model.Parameters.ElementCount} entries");
    }

    [Fact]
    public void PenaltiesAddTheSeedTermsInPlaceAndRespectTheMask()
    {
        var model = Mlp.Create<double>([3, 2, 2], seed: 5);
        var inputs = Matrix<double>.Build.Dense(3, 2, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
        model.ForwardBackward(inputs, [0, 1]);
        var before = model.Gradients.Copy();
        var value = model.AddPenalties(0.01, 0.02, Mask.ExcludeVectors);

        var weights = Mask.ExcludeVectors.Select(model.Parameters);
        var expected = (0.02 * weights.Sum(p => p.Value.AsColumnMajorArray().Sum(x => x * x))) + (0.01 * weights.Sum(p => p.Value.AsColumnMajorArray().Sum(Math.Abs)));
        Assert.Equal(expected, value, 1e-15);
        foreach (var p in model.Parameters)
        {
            var g0 = before[p.Name].Value;
            var g1 = model.Gradients[p.Name].Value;
            if (p.IsVector)
            {
                Assert.Equal(g0, g1); // biases untouched
            }
            else
            {
                var w = p.Value;
                Assert.True(TestUtil.MaxAbsDifference(
                    ParamSet.Of(new Param<double>("x", g1)),
                    ParamSet.Of(new Param<double>("x", g0 + (0.04 * w) + w.Map(x => 0.01 * Math.Sign(x))))) < 1e-16);
            }
        }

        Assert.Equal(0, model.AddPenalties(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.AddPenalties(-1, 0));
    }
}
