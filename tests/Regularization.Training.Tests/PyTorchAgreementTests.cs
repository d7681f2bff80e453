using System.Text.Json;
using Xunit.Abstractions;

namespace Regularization.Training.Tests;

/// <summary>
/// Replays Reference/mlp_training.json (written by Reference/generate_pytorch.py with PyTorch 1.13, float64): a 6-5-4-3
/// ReLU MLP with given weights, 5 steps on fixed batches of 7, for SGD with weight decay, with the second seed's L2
/// loss term, with an L1 term, with both, with Nesterov momentum plus decay plus L2, with dampened momentum, Adam
/// with coupled decay and AdamW with an L1 term. Each step compares the cross-entropy, the reported loss (with its
/// terms), the correct count, the gradients after backward and the parameters after the step.
/// </summary>
/// <remarks>
/// Tolerance: every element within <c>1e-12 * max(|torch|, 1e-3 * max|tensor|)</c>: relative 1e-12, except that
/// entries far smaller than the rest of their tensor (a gradient summed from terms that cancel) are compared
/// relative to 1e-3 of the tensor's largest entry. The differences come from summation order (our
/// <c>W X</c> against PyTorch's <c>x Wᵀ</c>, bias sums, the penalty sums) and from fused versus separate rounding in
/// the optimizer; the largest error seen is printed for each configuration: at most 1.5e-13 in development, in a
/// gradient entry measured against the floor, and about 1e-14 elsewhere.
/// </remarks>
public sealed class PyTorchAgreementTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-12;
    private static readonly Lazy<JsonDocument> Reference = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "mlp_training.json"))));

    public static IEnumerable<object[]> Configs() =>
        Reference.Value.RootElement.GetProperty("configs").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

    [Fact]
    public void TheReferenceCoversTheSeedsRegularizations()
    {
        var names = Configs().Select(c => (string)c[0]).ToList();
        Assert.True(names.Count >= 8);
        Assert.Contains("sgd_weight_decay", names);
        Assert.Contains("sgd_l2_term", names);
        Assert.Contains("sgd_l1_term", names);
        var meta = Reference.Value.RootElement.GetProperty("meta");
        Assert.StartsWith("1.13", meta.GetProperty("torch").GetString(), StringComparison.Ordinal);
        Assert.Equal("float64", meta.GetProperty("dtype").GetString());
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void ReplaysPyTorch(string name)
    {
        var config = Reference.Value.RootElement.GetProperty("configs").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var options = OptionsOf(config);
        var model = Mlp.FromParameters(ReadSet(config.GetProperty("params")));
        Assert.Equal([6, 5, 4, 3], model.LayerSizes);
        var optimizer = Optimizer.Create(options.CreateTransform(), model.Parameters);
        Assert.True(optimizer.IsFused);

        var worst = new Worst();
        var step = 0;
        foreach (var s in config.GetProperty("steps").EnumerateArray())
        {
            var inputs = ReadMatrix(s.GetProperty("x")).Transpose(); // PyTorch's batch x features -> features x batch
            var labels = s.GetProperty("labels").EnumerateArray().Select(l => l.GetInt32()).ToArray();

            var result = model.ForwardBackward(inputs, labels);
            var penalty = model.AddPenalties(options.L1, options.L2, options.RegularizationMask);
            worst.Scalar($"step {step} cross-entropy", result.Loss, s.GetProperty("cross_entropy").GetDouble());
            worst.Scalar($"step {step} loss", result.Loss + penalty, s.GetProperty("loss").GetDouble());
            Assert.Equal(s.GetProperty("correct").GetInt32(), result.Correct);
            worst.Set($"step {step} gradient", model.Gradients, s.GetProperty("grads"));

            optimizer.Step(model.Gradients);
            worst.Set($"step {step} parameters", model.Parameters, s.GetProperty("params"));
            step++;
        }

        output.WriteLine($"{name}: {step} steps, largest relative error {worst.Error:E2} ({worst.Where})");
        Assert.True(worst.Error <= Tolerance, $"{name}: {worst.Error:E3} at {worst.Where}");
    }

    private static TrainingOptions OptionsOf(JsonElement config)
    {
        var hyper = config.GetProperty("hyper");
        double D(string key, double fallback) => hyper.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;
        var kind = config.GetProperty("optimizer").GetString() switch
        {
            "sgd" => OptimizerKind.Sgd,
            "adam" => OptimizerKind.Adam,
            "adamw" => OptimizerKind.AdamW,
            var other => throw new InvalidOperationException(other),
        };
        return new TrainingOptions(
            layerSizes: [6, 5, 4, 3],
            optimizer: kind,
            learningRate: D("lr", 1e-3),
            momentum: D("momentum", 0),
            dampening: D("dampening", 0),
            nesterov: hyper.TryGetProperty("nesterov", out var n) && n.GetBoolean(),
            weightDecay: D("weight_decay", kind == OptimizerKind.AdamW ? 1e-2 : 0),
            l1: config.GetProperty("l1").GetDouble(),
            l2: config.GetProperty("l2").GetDouble());
    }

    private static Matrix<double> ReadMatrix(JsonElement e) =>
        Matrix<double>.Build.Dense(
            e.GetProperty("rows").GetInt32(), e.GetProperty("cols").GetInt32(), e.GetProperty("data").EnumerateArray().Select(x => x.GetDouble()).ToArray());

    private static ParamSet<double> ReadSet(JsonElement array) =>
        new(array.EnumerateArray().Select(p => p.GetProperty("name").GetString()! is var name && name.EndsWith("bias", StringComparison.Ordinal)
            ? Param.Vector(name, ReadMatrix(p))
            : new Param<double>(name, ReadMatrix(p))));

    /// <summary>Keeps the largest scaled error seen.</summary>
    private sealed class Worst
    {
        public double Error { get; private set; }

        public string Where { get; private set; } = "nowhere";

        public void Scalar(string where, double ours, double torch) => Note(where, Math.Abs(ours - torch) / Math.Max(Math.Abs(torch), 1e-300));

        public void Set(string where, ParamSet<double> ours, JsonElement torch)
        {
            foreach (var p in ours)
            {
                var expected = ReadMatrix(torch.GetProperty(p.Name)).AsColumnMajorArray();
                var actual = p.Value.AsColumnMajorArray();
                Assert.Equal(expected.Length, actual.Length);
                var floor = 1e-3 * expected.Max(Math.Abs);
                for (var k = 0; k < actual.Length; k++)
                {
                    var scale = Math.Max(Math.Abs(expected[k]), floor);
                    Note($"{where} {p.Name}[{k}]", scale == 0 ? Math.Abs(actual[k]) : Math.Abs(actual[k] - expected[k]) / scale);
                }
            }
        }

        private void Note(string where, double error)
        {
            if (error > Error || double.IsNaN(error))
            {
                Error = double.IsNaN(error) ? double.PositiveInfinity : error;
                Where = where;
            }
        }
    }
}
