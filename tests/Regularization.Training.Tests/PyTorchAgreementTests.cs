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

    /// <summary>
    /// float32 (Reference/mlp_training_float32.json, PyTorch in torch.float32): the same rule at relative 1e-4. The
    /// largest errors seen in development were 2.2e-6 to 5.2e-5 per configuration (5.2e-5 with dampened momentum,
    /// 1.7e-5 with Adam), always in a gradient entry measured against the floor (1e-3 of its tensor's largest
    /// entry): float32's unit roundoff is 6e-8, and the summation order of the products and bias sums differs from
    /// PyTorch's, so an entry that cancels to 1e-3 of its tensor keeps a relative error of 1e-5 or so.
    /// </summary>
    private const double Float32Tolerance = 1e-4;

    private static readonly Lazy<JsonDocument> Reference = new(() => Load("mlp_training.json"));
    private static readonly Lazy<JsonDocument> Float32Reference = new(() => Load("mlp_training_float32.json"));

    public static IEnumerable<object[]> Configs() =>
        Reference.Value.RootElement.GetProperty("configs").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

    [Fact]
    public void TheFloat32ReferenceIsFloat32AndCoversTheSameConfigurations()
    {
        var meta = Float32Reference.Value.RootElement.GetProperty("meta");
        Assert.Equal("float32", meta.GetProperty("dtype").GetString());
        Assert.Equal(
            Configs().Select(c => (string)c[0]),
            Float32Reference.Value.RootElement.GetProperty("configs").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void ReplaysPyTorchFloat32(string name) => Replay<float>(Float32Reference.Value, name, Float32Tolerance);

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
    public void ReplaysPyTorch(string name) => Replay<double>(Reference.Value, name, Tolerance);

    private static JsonDocument Load(string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", file)));

    private void Replay<T>(JsonDocument reference, string name, double tolerance)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var config = reference.RootElement.GetProperty("configs").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var options = OptionsOf(config);
        var model = Mlp.FromParameters(ReadSet<T>(config.GetProperty("params")));
        Assert.Equal([6, 5, 4, 3], model.LayerSizes);
        var optimizer = Optimizer.Create(options.CreateTransform(), model.Parameters);
        Assert.True(optimizer.IsFused);

        var worst = new Worst();
        var step = 0;
        foreach (var s in config.GetProperty("steps").EnumerateArray())
        {
            var inputs = ReadMatrix<T>(s.GetProperty("x")).Transpose(); // PyTorch's batch x features -> features x batch
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

        output.WriteLine($"{name} ({typeof(T).Name}): {step} steps, largest relative error {worst.Error:E2} ({worst.Where})");
        Assert.True(worst.Error <= tolerance, $"{name}: {worst.Error:E3} at {worst.Where}");
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

    /// <summary>A matrix of the JSON's doubles; for float32 each is a float32 value written exactly, so the conversion is exact.</summary>
    private static Matrix<T> ReadMatrix<T>(JsonElement e)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Matrix<T>.Build.Dense(
            e.GetProperty("rows").GetInt32(), e.GetProperty("cols").GetInt32(), e.GetProperty("data").EnumerateArray().Select(x => T.CreateTruncating(x.GetDouble())).ToArray());

    private static ParamSet<T> ReadSet<T>(JsonElement array)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        new(array.EnumerateArray().Select(p => p.GetProperty("name").GetString()! is var name && name.EndsWith("bias", StringComparison.Ordinal)
            ? Param.Vector(name, ReadMatrix<T>(p))
            : new Param<T>(name, ReadMatrix<T>(p))));

    /// <summary>Keeps the largest scaled error seen.</summary>
    private sealed class Worst
    {
        public double Error { get; private set; }

        public string Where { get; private set; } = "nowhere";

        public void Scalar(string where, double ours, double torch) => Note(where, Math.Abs(ours - torch) / Math.Max(Math.Abs(torch), 1e-300));

        public void Set<T>(string where, ParamSet<T> ours, JsonElement torch)
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            foreach (var p in ours)
            {
                var expected = ReadMatrix<double>(torch.GetProperty(p.Name)).AsColumnMajorArray();
                var actual = p.Value.AsColumnMajorArray().Select(v => double.CreateTruncating(v)).ToArray();
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
