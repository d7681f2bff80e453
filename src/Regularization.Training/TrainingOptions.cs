using System.Collections.ObjectModel;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Regularization.Training;

/// <summary>
/// Everything that defines a training run. The defaults are the first seed's configuration: SimpleNet (784-128-10),
/// <c>SGD(lr=0.01, weight_decay=1e-4)</c>, float32, batch 64, shuffled every epoch, 5 epochs, seed 0.
/// </summary>
/// <remarks>
/// <para>Regularization, all combinable:</para>
/// <list type="bullet">
/// <item><see cref="WeightDecay"/>: coupled (added to the gradient, PyTorch <c>SGD</c>/<c>Adam</c>) for
/// <see cref="OptimizerKind.Sgd"/> and <see cref="OptimizerKind.Adam"/>; decoupled (a shrink scaled by the learning
/// rate, PyTorch <c>AdamW</c>) for <see cref="OptimizerKind.SgdW"/> and <see cref="OptimizerKind.AdamW"/>.</item>
/// <item><see cref="L2"/> and <see cref="L1"/>: the second seed's terms <c>l2 * sum(w^2)</c> and <c>l1 * sum|w|</c>
/// added to the loss (the reported loss includes them), their gradients added to the loss gradient. With plain SGD,
/// <c>L2 = lambda</c> and no decay equals <c>WeightDecay = 2 * lambda</c>.</item>
/// <item><see cref="ProximalL1"/>: a proximal soft-threshold after each step (<c>|w| &lt;= lr * l1</c> becomes exactly 0).</item>
/// <item><see cref="ExcludeBiases"/>: biases get none of the above (<see cref="Mask.ExcludeVectors"/>).</item>
/// </list>
/// <para>
/// Instances are immutable; use <c>with</c> in C# or the constructor's named arguments in F#.
/// <see cref="Validate"/> checks the values (the <see cref="Trainer"/> calls it).
/// </para>
/// <example>
/// <code>
/// var firstSeed = new TrainingOptions();
/// var secondSeed = new TrainingOptions(weightDecay: 0, l2: 0.001);
/// var sparse = new TrainingOptions(optimizer: OptimizerKind.AdamW, learningRate: 1e-3, weightDecay: 0.01, proximalL1: 1e-4, excludeBiases: true);
/// </code>
/// </example>
/// </remarks>
public sealed record TrainingOptions
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,

        // Options are validated where they are used, not when written: any value round-trips ("NaN", "Infinity").
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly string[] ResumableFields = [nameof(Epochs), nameof(EvaluationBatchSize), nameof(EvaluateTrainingSet)];

    private readonly IReadOnlyList<int> _layerSizes = Mlp.SimpleNetLayers;

    /// <summary>Creates options; every argument has the first seed's value by default.</summary>
    /// <param name="layerSizes">Layer sizes, inputs first, classes last (default 784, 128, 10).</param>
    /// <param name="seed">Seed of the generator that draws the initial weights, then the shuffles.</param>
    /// <param name="epochs">Epochs to train, &gt;= 0.</param>
    /// <param name="batchSize">Batch size, &gt;= 1 (the last batch of an epoch keeps the remainder, as PyTorch's DataLoader).</param>
    /// <param name="shuffle">Shuffle the training set at the start of every epoch.</param>
    /// <param name="optimizer">The optimizer family.</param>
    /// <param name="learningRate">Learning rate, &gt; 0.</param>
    /// <param name="momentum">Momentum (SGD and SGDW only), in [0, 1) (PyTorch accepts any value &gt;= 0; at 1 and above the steps grow without bound, so it is refused).</param>
    /// <param name="dampening">Momentum dampening (SGD and SGDW only), in [0, 1].</param>
    /// <param name="nesterov">Nesterov momentum (SGD and SGDW only; needs momentum and no dampening).</param>
    /// <param name="weightDecay">Weight decay, &gt;= 0: coupled for SGD and Adam, decoupled for SGDW and AdamW.</param>
    /// <param name="beta1">Adam's first-moment decay (Adam and AdamW only).</param>
    /// <param name="beta2">Adam's second-moment decay (Adam and AdamW only).</param>
    /// <param name="epsilon">Adam's epsilon (Adam and AdamW only).</param>
    /// <param name="l1">L1 loss term <c>l1 * sum|w|</c>, &gt;= 0.</param>
    /// <param name="l2">L2 loss term <c>l2 * sum(w^2)</c>, &gt;= 0.</param>
    /// <param name="proximalL1">Proximal L1 strength after each step, &gt;= 0.</param>
    /// <param name="excludeBiases">Exempt biases from weight decay, the loss terms and the proximal step.</param>
    /// <param name="evaluationBatchSize">Batch size for evaluation, &gt;= 1 (does not change any result).</param>
    /// <param name="evaluateTrainingSet">Evaluate the final model on the whole training set for the summary.</param>
    /// <param name="elementType">The element type of the model, gradients and optimizer state (default float32, PyTorch's default dtype).</param>
    public TrainingOptions(
        IReadOnlyList<int>? layerSizes = null,
        ulong seed = 0,
        int epochs = 5,
        int batchSize = 64,
        bool shuffle = true,
        OptimizerKind optimizer = OptimizerKind.Sgd,
        double learningRate = 0.01,
        double momentum = 0,
        double dampening = 0,
        bool nesterov = false,
        double weightDecay = 1e-4,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-8,
        double l1 = 0,
        double l2 = 0,
        double proximalL1 = 0,
        bool excludeBiases = false,
        int evaluationBatchSize = 1000,
        bool evaluateTrainingSet = true,
        ElementType elementType = ElementType.Float32)
    {
        LayerSizes = layerSizes ?? Mlp.SimpleNetLayers;
        Seed = seed;
        Epochs = epochs;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Optimizer = optimizer;
        LearningRate = learningRate;
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        L1 = l1;
        L2 = l2;
        ProximalL1 = proximalL1;
        ExcludeBiases = excludeBiases;
        EvaluationBatchSize = evaluationBatchSize;
        EvaluateTrainingSet = evaluateTrainingSet;
        ElementType = elementType;
    }

    /// <summary>The first seed's configuration (the defaults).</summary>
    public static TrainingOptions FirstSeed { get; } = new();

    /// <summary>Layer sizes, inputs first, classes last (default 784, 128, 10). Stored as a read-only copy.</summary>
    public IReadOnlyList<int> LayerSizes
    {
        get => _layerSizes;
        init => _layerSizes = new ReadOnlyCollection<int>((value ?? throw new ArgumentNullException(nameof(value))).ToArray());
    }

    /// <summary>
    /// The element type the run trains in (<see cref="ElementType.Float32"/> by default, as the seed's PyTorch code
    /// runs): the model, its gradients, the loss and the optimizer state are all of this type.
    /// </summary>
    public ElementType ElementType { get; init; }

    /// <summary>Seed of the generator that draws the initial weights and then the per-epoch shuffles.</summary>
    public ulong Seed { get; init; }

    /// <summary>Epochs to train.</summary>
    public int Epochs { get; init; }

    /// <summary>Batch size; the last batch of an epoch keeps the remainder (<c>drop_last=False</c>).</summary>
    public int BatchSize { get; init; }

    /// <summary>Shuffle the training set at the start of every epoch (<c>shuffle=True</c>).</summary>
    public bool Shuffle { get; init; }

    /// <summary>The optimizer family.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter))]
    public OptimizerKind Optimizer { get; init; }

    /// <summary>Learning rate.</summary>
    public double LearningRate { get; init; }

    /// <summary>Momentum (SGD and SGDW).</summary>
    public double Momentum { get; init; }

    /// <summary>Momentum dampening (SGD and SGDW).</summary>
    public double Dampening { get; init; }

    /// <summary>Nesterov momentum (SGD and SGDW).</summary>
    public bool Nesterov { get; init; }

    /// <summary>Weight decay: coupled for SGD and Adam, decoupled (scaled by the learning rate) for SGDW and AdamW.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Adam's first-moment decay (ignored by SGD and SGDW).</summary>
    public double Beta1 { get; init; }

    /// <summary>Adam's second-moment decay (ignored by SGD and SGDW).</summary>
    public double Beta2 { get; init; }

    /// <summary>Adam's epsilon (ignored by SGD and SGDW).</summary>
    public double Epsilon { get; init; }

    /// <summary>L1 loss term strength: <c>l1 * sum|w|</c> is added to the loss.</summary>
    public double L1 { get; init; }

    /// <summary>L2 loss term strength: <c>l2 * sum(w^2)</c> is added to the loss (the second seed's <c>l2_lambda</c>).</summary>
    public double L2 { get; init; }

    /// <summary>Proximal L1 strength: after each step, <c>w = sign(w) * max(|w| - lr * l1, 0)</c>.</summary>
    public double ProximalL1 { get; init; }

    /// <summary>Exempt biases (vector-shaped parameters) from weight decay, the loss terms and the proximal step.</summary>
    public bool ExcludeBiases { get; init; }

    /// <summary>Batch size for evaluation; it changes speed and memory, never a result.</summary>
    public int EvaluationBatchSize { get; init; }

    /// <summary>Evaluate the final model on the whole training set for <see cref="TrainingResult"/> (else the last epoch's running accuracy is used).</summary>
    public bool EvaluateTrainingSet { get; init; }

    /// <summary>The parameters the regularization covers: <see cref="Mask.ExcludeVectors"/> with <see cref="ExcludeBiases"/>, else all (null).</summary>
    [JsonIgnore]
    public Mask? RegularizationMask => ExcludeBiases ? Mask.ExcludeVectors : null;

    /// <summary>Reads options written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The options.</returns>
    public static TrainingOptions FromJson(string json) =>
        JsonSerializer.Deserialize<TrainingOptions>(json, Json) ?? throw new JsonException("The JSON text holds null, not training options.");

    /// <summary>The options as one line of JSON (enums by name; doubles round-trip exactly).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Checks every value; the message names the option and the rule.</summary>
    /// <exception cref="ArgumentException">A value is out of range or does not apply to the optimizer.</exception>
    public void Validate()
    {
        try
        {
            Mlp.CheckSizes(LayerSizes);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Invalid training option: LayerSizes: {e.Message}", nameof(LayerSizes), e);
        }

        Require(Enum.IsDefined(ElementType), nameof(ElementType), $"ElementType {(int)ElementType} is not an element type (Float32, Float64).");
        Require(Epochs >= 0, nameof(Epochs), $"Epochs must be >= 0 (it is {Epochs}).");
        Require(BatchSize >= 1, nameof(BatchSize), $"BatchSize must be >= 1 (it is {BatchSize}).");
        Require(EvaluationBatchSize >= 1, nameof(EvaluationBatchSize), $"EvaluationBatchSize must be >= 1 (it is {EvaluationBatchSize}).");
        Require(Enum.IsDefined(Optimizer), nameof(Optimizer), $"Optimizer {(int)Optimizer} is not an optimizer kind ({string.Join(", ", Enum.GetNames<OptimizerKind>())}).");
        Require(double.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), $"LearningRate must be finite and > 0 (it is {Show(LearningRate)}).");
        NonNegative(WeightDecay, nameof(WeightDecay));
        NonNegative(L1, nameof(L1));
        NonNegative(L2, nameof(L2));
        NonNegative(ProximalL1, nameof(ProximalL1));
        // PyTorch's SGD accepts any momentum >= 0. With momentum >= 1 the velocity never forgets a gradient (the
        // weights momentum^k of a gradient k steps old do not decay), so the steps grow without bound: refused here.
        Require(Momentum is >= 0 and < 1, nameof(Momentum), $"Momentum must be in [0, 1) (it is {Show(Momentum)}); with momentum >= 1 the velocity never forgets a gradient and the steps grow without bound.");
        Require(Dampening is >= 0 and <= 1, nameof(Dampening), $"Dampening must be in [0, 1] (it is {Show(Dampening)}).");
        if (Optimizer is OptimizerKind.Sgd or OptimizerKind.SgdW)
        {
            Require(!Nesterov || (Momentum > 0 && Dampening == 0), nameof(Nesterov), "Nesterov momentum needs Momentum > 0 and Dampening 0.");
        }
        else if (Optimizer is OptimizerKind.Adam or OptimizerKind.AdamW)
        {
            Require(Momentum == 0 && Dampening == 0 && !Nesterov, nameof(Momentum), $"Momentum, Dampening and Nesterov apply to SGD and SGDW, not {Optimizer}.");
            Require(Beta1 is >= 0 and < 1, nameof(Beta1), $"Beta1 must be in [0, 1) (it is {Show(Beta1)}).");
            Require(Beta2 is >= 0 and < 1, nameof(Beta2), $"Beta2 must be in [0, 1) (it is {Show(Beta2)}).");
            NonNegative(Epsilon, nameof(Epsilon));
        }
        else
        {
            var momentum = Optimizer is OptimizerKind.RmsProp or OptimizerKind.Lars;
            Require(Dampening == 0 && !Nesterov && (momentum || Momentum == 0), nameof(Momentum), momentum
                ? $"Dampening and Nesterov apply to SGD and SGDW, not {Optimizer}."
                : $"Momentum, Dampening and Nesterov apply to SGD, SGDW, RmsProp (Momentum) and Lars (Momentum), not {Optimizer}.");
            Require(Optimizer != OptimizerKind.Rprop || WeightDecay == 0, nameof(WeightDecay), $"Rprop has no weight decay (PyTorch's Rprop); WeightDecay must be 0 (it is {Show(WeightDecay)}).");
            try
            {
                Family();
            }
            catch (ArgumentException e)
            {
                // The factories name their arguments (beta1, epsilon): say which option fed it.
                var property = e.ParamName switch
                {
                    "beta1" => nameof(Beta1),
                    "beta2" or "alpha" or "rho" => nameof(Beta2),
                    "epsilon" => nameof(Epsilon),
                    "momentum" => nameof(Momentum),
                    "weightDecay" => nameof(WeightDecay),
                    "learningRate" => nameof(LearningRate),
                    _ => e.ParamName ?? nameof(Optimizer),
                };
                throw new ArgumentException($"Invalid training option: {property} for {Optimizer}: {e.Message}", property, e);
            }
        }
    }

    /// <summary>
    /// The default options of an optimizer: the first seed's run with that optimizer and its PyTorch (or paper) default
    /// hyperparameters. Sgd, SgdW, Adam and AdamW keep the first seed's learning rate 0.01 and weight decay 1e-4 (as the
    /// command line always had); the others take their factory's defaults (learning rate, weight decay, betas or
    /// <c>alpha</c>/<c>rho</c> in <see cref="Beta2"/>, epsilon, momentum), LARS the seed's learning rate 0.01 (it has no
    /// default).
    /// </summary>
    /// <example><code>var lion = TrainingOptions.ForOptimizer(OptimizerKind.Lion); // lr 1e-4, betas (0.9, 0.99), weight decay 0</code></example>
    /// <param name="kind">The optimizer.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not defined.</exception>
    public static TrainingOptions ForOptimizer(OptimizerKind kind)
    {
        var o = new TrainingOptions(optimizer: kind);
        return kind switch
        {
            OptimizerKind.Sgd or OptimizerKind.SgdW or OptimizerKind.Adam or OptimizerKind.AdamW => o,
            OptimizerKind.RmsProp => o with { LearningRate = 1e-2, WeightDecay = 0, Beta2 = 0.99, Epsilon = 1e-8 },
            OptimizerKind.Adagrad => o with { LearningRate = 1e-2, WeightDecay = 0, Epsilon = 1e-10 },
            OptimizerKind.Adadelta => o with { LearningRate = 1.0, WeightDecay = 0, Beta2 = 0.9, Epsilon = 1e-6 },
            OptimizerKind.Adamax or OptimizerKind.NAdam => o with { LearningRate = 2e-3, WeightDecay = 0 },
            OptimizerKind.NAdamW => o with { LearningRate = 2e-3, WeightDecay = 1e-2 },
            OptimizerKind.RAdam => o with { LearningRate = 1e-3, WeightDecay = 0 },
            OptimizerKind.RAdamW => o with { LearningRate = 1e-3, WeightDecay = 1e-2 },
            OptimizerKind.Asgd or OptimizerKind.Rprop => o with { LearningRate = 1e-2, WeightDecay = 0 },
            OptimizerKind.Lion => o with { LearningRate = 1e-4, WeightDecay = 0, Beta2 = 0.99 },
            OptimizerKind.Lamb => o with { LearningRate = 1e-3, WeightDecay = 0, Epsilon = 1e-6 },
            OptimizerKind.Lars => o with { LearningRate = 1e-2, WeightDecay = 0, Momentum = 0.9, Epsilon = 0 },
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown optimizer kind."),
        };
    }

    /// <summary>The optimizers beyond SGD and Adam, through their <see cref="Optimizers"/> schedule overloads (decay masked by <see cref="RegularizationMask"/>).</summary>
    private IGradientTransform Family()
    {
        var lr = Schedule.Constant(LearningRate);
        var wd = Schedule.Constant(WeightDecay);
        var mask = RegularizationMask;
        return Optimizer switch
        {
            OptimizerKind.RmsProp => Optimizers.RmsProp(lr, Beta2, Epsilon, wd, Momentum, decayMask: mask),
            OptimizerKind.Adagrad => Optimizers.Adagrad(lr, weightDecay: wd, epsilon: Epsilon, decayMask: mask),
            OptimizerKind.Adadelta => Optimizers.Adadelta(lr, Beta2, Epsilon, wd, decayMask: mask),
            OptimizerKind.Adamax => Optimizers.Adamax(lr, Beta1, Beta2, Epsilon, wd, decayMask: mask),
            OptimizerKind.NAdam => Optimizers.NAdam(lr, Beta1, Beta2, Epsilon, wd, decayMask: mask),
            OptimizerKind.NAdamW => Optimizers.NAdamW(lr, Beta1, Beta2, Epsilon, wd, decayMask: mask),
            OptimizerKind.RAdam => Optimizers.RAdam(lr, Beta1, Beta2, Epsilon, wd, decayMask: mask),
            OptimizerKind.RAdamW => Optimizers.RAdamW(lr, Beta1, Beta2, Epsilon, wd, decayMask: mask),
            OptimizerKind.Asgd => Optimizers.Asgd(lr, weightDecay: wd, decayMask: mask),
            OptimizerKind.Rprop => Optimizers.Rprop(lr),
            OptimizerKind.Lion => Optimizers.Lion(lr, Beta1, Beta2, wd, decayMask: mask),
            OptimizerKind.Lamb => Optimizers.Lamb(lr, Beta1, Beta2, Epsilon, wd, decayMask: mask),
            OptimizerKind.Lars => Optimizers.Lars(lr, wd, Momentum, epsilon: Epsilon, decayMask: mask),
            _ => throw new InvalidOperationException($"Unknown optimizer {Optimizer}."),
        };
    }

    /// <summary>
    /// The optimizer these options describe, as a pure transform (the chain <see cref="OptimizerBuilder"/> documents,
    /// plus <see cref="Optimizers.WithProximalL1"/> when <see cref="ProximalL1"/> is set). The loss terms are not part
    /// of it: the trainer adds their gradients to the loss gradient.
    /// </summary>
    /// <returns>The transform.</returns>
    public IGradientTransform CreateTransform()
    {
        Validate();
        if (Optimizer is not (OptimizerKind.Sgd or OptimizerKind.SgdW or OptimizerKind.Adam or OptimizerKind.AdamW))
        {
            return ProximalL1 > 0 ? Optimizers.WithProximalL1(Family(), ProximalL1, Schedule.Constant(LearningRate), mask: RegularizationMask) : Family();
        }

        var builder = Optimizer switch
        {
            OptimizerKind.Sgd => Regularization.Optimizer.Sgd(LearningRate).WeightDecay(WeightDecay),
            OptimizerKind.SgdW => Regularization.Optimizer.SgdW(LearningRate, WeightDecay),
            OptimizerKind.Adam => Regularization.Optimizer.Adam(LearningRate).WeightDecay(WeightDecay),
            OptimizerKind.AdamW => Regularization.Optimizer.AdamW(LearningRate).WeightDecay(WeightDecay),
            _ => throw new InvalidOperationException($"Unknown optimizer {Optimizer}."),
        };
        if (Optimizer is OptimizerKind.Sgd or OptimizerKind.SgdW)
        {
            if (Momentum != 0 || Dampening != 0 || Nesterov)
            {
                builder = builder.Momentum(Momentum, Dampening, Nesterov);
            }
        }
        else
        {
            builder = builder.Betas(Beta1, Beta2).Epsilon(Epsilon);
        }

        if (ExcludeBiases)
        {
            builder = builder.ExcludeBiases();
        }

        return (ProximalL1 > 0 ? builder.ProximalL1(ProximalL1) : builder).ToTransform();
    }

    /// <summary>The options whose values differ from <paramref name="other"/>'s, as <c>Name: this -&gt; other</c> lines.</summary>
    /// <param name="other">The other options.</param>
    /// <returns>One line per differing option; empty when equal.</returns>
    public IReadOnlyList<string> Differences(TrainingOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new List<string>();
        foreach (var property in typeof(TrainingOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
            {
                continue;
            }

            var a = property.GetValue(this);
            var b = property.GetValue(other);
            var same = a is IReadOnlyList<int> x && b is IReadOnlyList<int> y ? x.SequenceEqual(y) : Equals(a, b);
            if (!same)
            {
                result.Add($"{property.Name}: {Show(a)} -> {Show(b)}");
            }
        }

        return result;
    }

    /// <summary>
    /// The differences (see <see cref="Differences"/>) that forbid continuing a run saved with these options under
    /// <paramref name="other"/>: all but <see cref="Epochs"/>, <see cref="EvaluationBatchSize"/> and
    /// <see cref="EvaluateTrainingSet"/>, which may change on resume.
    /// </summary>
    /// <param name="other">The options asked for on resume.</param>
    /// <returns>One line per incompatible option.</returns>
    public IReadOnlyList<string> ResumeConflicts(TrainingOptions other) =>
        Differences(other).Where(d => !ResumableFields.Any(f => d.StartsWith(f + ":", StringComparison.Ordinal))).ToList();

    /// <summary>Value equality over every option (layer sizes element by element).</summary>
    /// <param name="other">The other options.</param>
    public bool Equals(TrainingOptions? other) => other is not null && Differences(other).Count == 0;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(LayerSizes.Count, Seed, Epochs, BatchSize, Optimizer, LearningRate, WeightDecay, L2);

    /// <summary>The options as JSON.</summary>
    public override string ToString() => ToJson();

    private static string Show(object? value) => value switch
    {
        IReadOnlyList<int> sizes => string.Join('-', sizes),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        null => "null",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static void Require(bool condition, string name, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid training option: {message}", name);
        }
    }

    private static void NonNegative(double value, string name) =>
        Require(double.IsFinite(value) && value >= 0, name, $"{name} must be finite and >= 0 (it is {Show(value)}).");
}
