using System.Collections.ObjectModel;
using Regularization.Tuning;

namespace Regularization.Training;

/// <summary>The model trained with the chosen configuration on the whole training set, and its one test evaluation.</summary>
/// <param name="Options">The options it was trained with (the chosen values applied).</param>
/// <param name="TrainImages">Training images.</param>
/// <param name="TestImages">Test images.</param>
/// <param name="AverageLoss">The last epoch's average loss.</param>
/// <param name="TrainAccuracyPercent">The last epoch's running training accuracy (predictions made before each step).</param>
/// <param name="TestAccuracyPercent">Accuracy on the test set: the only time the test set is read.</param>
/// <param name="TestLoss">Mean cross-entropy on the test set.</param>
/// <param name="TrainingSeconds">Training time (evaluation excluded).</param>
public sealed record MlpFinalResult(
    TrainingOptions Options,
    int TrainImages,
    int TestImages,
    double AverageLoss,
    double TrainAccuracyPercent,
    double TestAccuracyPercent,
    double TestLoss,
    double TrainingSeconds);

/// <summary>
/// The seeds' MLP as an objective for <see cref="Tuner"/>: a trial trains <see cref="Trainer"/>'s model with the trial's
/// hyperparameters on the training fold and scores the validation accuracy in percent after <c>budget</c> epochs.
/// Sessions continue training, so successive halving trains a promoted trial on instead of from scratch.
/// </summary>
/// <remarks>
/// <para>
/// Tunable parameters (by name): <see cref="WeightDecay"/>, <see cref="L2"/>, <see cref="L1"/>, <see cref="ProximalL1"/>
/// (all regularize: larger is simpler) and <see cref="LearningRate"/>. Every trial starts from the same initial
/// weights and shuffles (<see cref="TrainingOptions.Seed"/>), so configurations are compared on common random numbers.
/// A trial whose gradient becomes NaN or infinite (a learning rate too large) scores 0 % from then on.
/// </para>
/// <para>
/// Only the training set goes in: the objective cannot read the test set. After the search, <see cref="Retrain"/>
/// trains on the whole training set with the chosen values and evaluates the test set exactly once. Each trial runs on
/// one thread; set the linear-algebra provider to one thread when trials run in parallel.
/// </para>
/// <example>
/// <code>
/// var mnist = MnistDataset.LoadDefault();
/// var train = mnist.Train.Take(10_000);
/// var options = new TrainingOptions(epochs: 2);
/// var result = Tuner.Run(
///     [new ParameterRange(MlpTuning.WeightDecay, 1e-5, 1e-2)],
///     new SearchStrategy.Bayesian(8),
///     Folds.StratifiedKFold(MlpTuning.Labels(train), 3, seed: 0),
///     MlpTuning.Sessions(options, train),
///     new TuningOptions { MaxBudget = 2, MaxDegreeOfParallelism = Environment.ProcessorCount });
/// MlpFinalResult final = MlpTuning.Retrain(options, result.Best.Parameters, train, mnist.Test);
/// </code>
/// </example>
/// </remarks>
public static class MlpTuning
{
    /// <summary><see cref="TrainingOptions.WeightDecay"/>.</summary>
    public const string WeightDecay = "weight-decay";

    /// <summary><see cref="TrainingOptions.L2"/>.</summary>
    public const string L2 = "l2";

    /// <summary><see cref="TrainingOptions.L1"/>.</summary>
    public const string L1 = "l1";

    /// <summary><see cref="TrainingOptions.ProximalL1"/>.</summary>
    public const string ProximalL1 = "proximal-l1";

    /// <summary><see cref="TrainingOptions.LearningRate"/>.</summary>
    public const string LearningRate = "lr";

    /// <summary>The tunable parameters' names.</summary>
    public static IReadOnlyList<string> ParameterNames { get; } = new ReadOnlyCollection<string>([WeightDecay, L2, L1, ProximalL1, LearningRate]);

    /// <summary>True for the parameters where a larger value is a more regularized model (all but <see cref="LearningRate"/>).</summary>
    /// <param name="name">A parameter name.</param>
    /// <returns>Whether it regularizes.</returns>
    public static bool Regularizes(string name) => name != LearningRate;

    /// <summary>The labels of a set, for <see cref="Folds.StratifiedKFold"/>.</summary>
    /// <param name="data">The set.</param>
    /// <returns>One label per image.</returns>
    public static IReadOnlyList<int> Labels(ImageSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var labels = data.Labels.Span;
        var result = new int[labels.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = labels[i];
        }

        return result;
    }

    /// <summary>The options with a configuration's values in place.</summary>
    /// <param name="options">The other options.</param>
    /// <param name="parameters">Values by name (<see cref="ParameterNames"/>).</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static TrainingOptions Apply(TrainingOptions options, IReadOnlyDictionary<string, double> parameters)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(parameters);
        var o = options;
        foreach (var (name, value) in parameters)
        {
            o = name switch
            {
                WeightDecay => o with { WeightDecay = value },
                L2 => o with { L2 = value },
                L1 => o with { L1 = value },
                ProximalL1 => o with { ProximalL1 = value },
                LearningRate => o with { LearningRate = value },
                _ => throw new ArgumentException($"Unknown MLP parameter '{name}'; the tunable ones are {string.Join(", ", ParameterNames)}.", nameof(parameters)),
            };
        }

        return o;
    }

    /// <summary>Sessions that train on a trial's training fold and score its validation fold (accuracy in percent), continuing epoch by epoch.</summary>
    /// <param name="options">The options; the trial's values replace theirs.</param>
    /// <param name="train">The training set the splits index (never the test set).</param>
    /// <param name="onEpoch">Called after each epoch of a trial (on the trial's thread).</param>
    /// <returns>The session factory for <see cref="Tuner.Run(IReadOnlyList{ParameterRange}, SearchStrategy, IReadOnlyList{Split}, Func{TrialContext, ITrialSession}, TuningOptions?)"/>.</returns>
    public static Func<TrialContext, ITrialSession> Sessions(TrainingOptions options, ImageSet train, Action<TrialContext, EpochReport>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        return context => new Session(Apply(options, context.Parameters), train, context, onEpoch);
    }

    /// <summary>The objective as a plain function (each call trains from scratch for <c>budget</c> epochs).</summary>
    /// <param name="options">The options; the trial's values replace theirs.</param>
    /// <param name="train">The training set the rows index.</param>
    /// <returns>The objective.</returns>
    public static TrialFunction Objective(TrainingOptions options, ImageSet train)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        return (parameters, trainRows, validationRows, budget) =>
        {
            var context = new TrialContext(0, 0, parameters, new Split(trainRows, validationRows), CancellationToken.None);
            return new Session(Apply(options, parameters), train, context, null).TrainTo(budget);
        };
    }

    /// <summary>
    /// Trains on the whole training set with the chosen values for <see cref="TrainingOptions.Epochs"/> epochs, then
    /// evaluates the test set once (during training the trainer evaluates an empty set, never the test set).
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="parameters">The chosen values.</param>
    /// <param name="train">The whole training set.</param>
    /// <param name="test">The test set.</param>
    /// <param name="onBatch">Called after each batch.</param>
    /// <param name="cancellationToken">Checked before each batch.</param>
    /// <returns>The final model's numbers.</returns>
    public static MlpFinalResult Retrain(
        TrainingOptions options,
        IReadOnlyDictionary<string, double> parameters,
        ImageSet train,
        ImageSet test,
        Action<BatchProgress>? onBatch = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        var chosen = Apply(options, parameters);
        var run = new TrainerRun(chosen, train, train.Slice(0, 0));
        EpochReport? last = null;
        for (var e = 0; e < chosen.Epochs; e++)
        {
            last = run.Epoch(onBatch, cancellationToken);
        }

        var evaluation = run.Evaluate(test);
        return new MlpFinalResult(
            chosen, train.Count, test.Count, last?.AverageLoss ?? double.NaN, last?.TrainAccuracyPercent ?? double.NaN, evaluation.AccuracyPercent, evaluation.Loss, run.TrainingSeconds);
    }

    private sealed class Session(TrainingOptions options, ImageSet data, TrialContext context, Action<TrialContext, EpochReport>? onEpoch) : ITrialSession
    {
        private TrainerRun? _run;
        private double _score = double.NaN;
        private bool _diverged;

        public double TrainTo(int budget)
        {
            _run ??= new TrainerRun(options, data.Subset(context.Split.Train), data.Subset(context.Split.Validation));
            if (budget < _run.CompletedEpochs)
            {
                throw new ArgumentOutOfRangeException(nameof(budget), budget, $"The session has trained {_run.CompletedEpochs} epochs already.");
            }

            while (!_diverged && _run.CompletedEpochs < budget)
            {
                try
                {
                    var report = _run.Epoch(null, context.CancellationToken);
                    _score = report.TestAccuracyPercent;
                    onEpoch?.Invoke(context, report);
                }
                catch (NonFiniteGradientException)
                {
                    // A diverged configuration is the worst possible: 0 % validation accuracy, at this and every later budget.
                    (_diverged, _score) = (true, 0);
                }
            }

            return _score;
        }
    }

    /// <summary>
    /// The one place that constructs and drives the <see cref="Trainer"/>: a run that trains on <c>train</c> and
    /// evaluates <c>evaluation</c> after each epoch (the validation fold, or an empty set for the final model).
    /// </summary>
    private sealed class TrainerRun(TrainingOptions options, ImageSet train, ImageSet evaluation)
    {
        private readonly Trainer _trainer = Trainer.Create(options, train, evaluation);

        public int CompletedEpochs => _trainer.CompletedEpochs;

        public double TrainingSeconds => _trainer.TrainingSeconds;

        public EpochReport Epoch(Action<BatchProgress>? onBatch, CancellationToken token) => _trainer.RunEpoch(onBatch, token);

        public Evaluation Evaluate(ImageSet data) => _trainer.Evaluate(data);
    }
}
