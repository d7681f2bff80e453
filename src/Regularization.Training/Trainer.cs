using System.Diagnostics;
using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;
using Regularization.Internal;
using Regularization.Mkl;
using Regularization.Training.Internal;

namespace Regularization.Training;

/// <summary>
/// Trains an <see cref="Mlp{T}"/> on an <see cref="ImageSet"/> as the seeds' PyTorch loops do: every epoch the training
/// set is shuffled (a Fisher-Yates permutation from the run's <see cref="Xoshiro256StarStar"/>), cut into batches of
/// <see cref="TrainingOptions.BatchSize"/> (the last one partial), and for each batch the mean cross-entropy plus the
/// L1/L2 loss terms is computed, backpropagated and stepped with an in-place <see cref="Optimizer{T}"/>. After each epoch
/// the test set is evaluated. Everything is reproducible from <see cref="TrainingOptions.Seed"/> and can be saved
/// and resumed bit for bit (<see cref="CreateCheckpoint"/>, <see cref="Resume"/>).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="EpochReport.AverageLoss"/> is PyTorch's <c>total_loss / len(train_loader)</c>: the mean of the batch
/// losses, the partial batch counting as one. <see cref="EpochReport.TrainAccuracyPercent"/> counts the predictions
/// made on the training batches during the epoch (before each step), as the second seed does.
/// </para>
/// <para>
/// Training time counts the shuffles, batch gathering, forward and backward passes, loss terms and optimizer steps;
/// not the evaluation, not the callbacks, not loading the data. After the first batches a step allocates nothing in
/// this library (MathNet's managed provider copies one operand of each matrix product; a provider that hands the
/// arrays to a native BLAS directly need not).
/// </para>
/// <para>Not thread-safe. The callbacks run on the training thread between steps, where the trainer is consistent:
/// they may read <see cref="Trainer{T}.Model"/> or call <see cref="CreateCheckpoint"/>.</para>
/// </remarks>
/// <example>
/// <code>
/// var mnist = MnistDataset.LoadDefault();
/// Trainer trainer = Trainer.Create(new TrainingOptions(), mnist.Train, mnist.Test);   // float32, as PyTorch
/// TrainingResult result = trainer.Run(onEpoch: e => Console.WriteLine(e.SeedLines));
/// </code>
/// </example>
public abstract class Trainer
{
    /// <summary>
    /// The environment variable that turns the thread team off when it is <c>off</c> (read once per process): then
    /// every product of a batch runs on the BLAS's own threads, as before the team existed.
    /// </summary>
    /// <remarks>
    /// <para>
    /// With a native provider (MKL or OpenBLAS) set to <c>N</c> &gt;= 2 threads, a training batch of a model with a
    /// hidden layer whose first layer carries at least 90 % of the multiply-adds (SimpleNet: 98.7 %) runs on a team of
    /// <c>min(N, processors)</c> threads, the caller and <c>N - 1</c> background workers: member <c>t</c> gathers its
    /// share of each image's pixels and multiplies them by the same columns of <c>fc1.weight</c>; every member then adds
    /// all the partial sums and runs the small layers above and their backward pass itself, computes its columns of
    /// <c>fc1.weight</c>'s gradient and steps them (and its share of every other parameter of at least 16,384
    /// elements). A member reads another core's data once a batch, where the BLAS's own threads hand the matrices back
    /// and forth between cores at every product. During the batch every product runs on its calling thread
    /// (<see cref="Mkl.NativeLinearAlgebraProvider.UseOneThreadPerProduct"/>). Idle workers spin for a quarter of a
    /// millisecond, then sleep: nothing spins once training stops.
    /// </para>
    /// <para>
    /// The first layer's sum over the inputs is split in <c>N</c> parts added in member order, so the bits depend on
    /// the thread count (as they do with the BLAS's threads), never on timing: same seed, same thread count, same
    /// bits. Data-parallel ranks (a trainer with a <see cref="Group"/>) do not use the team.
    /// </para>
    /// </remarks>
    public const string TeamVariable = "REGULARIZATION_TEAM";

    private protected static readonly bool TeamDisabled =
        string.Equals(Environment.GetEnvironmentVariable(TeamVariable), "off", StringComparison.OrdinalIgnoreCase);

    private protected Trainer()
    {
    }

    /// <summary>The options of the run.</summary>
    public abstract TrainingOptions Options { get; }

    /// <summary>The element type the run trains in (that of <see cref="Options"/>).</summary>
    public ElementType ElementType => Options.ElementType;

    /// <summary>Epochs completed (test set evaluated).</summary>
    public abstract int CompletedEpochs { get; }

    /// <summary>Batches done in the current epoch (0 between epochs).</summary>
    public abstract int BatchInEpoch { get; }

    /// <summary>Batches per epoch: <c>ceil(train.Count / BatchSize)</c>.</summary>
    public abstract int BatchesPerEpoch { get; }

    /// <summary>Optimizer steps since the start of the run.</summary>
    public abstract long Step { get; }

    /// <summary>Training time so far, in seconds (see the remarks of <see cref="Trainer"/>).</summary>
    public abstract double TrainingSeconds { get; }

    /// <summary>The reports of the completed epochs.</summary>
    public abstract IReadOnlyList<EpochReport> History { get; }

    /// <summary>True when <see cref="CompletedEpochs"/> has reached <see cref="TrainingOptions.Epochs"/>.</summary>
    public abstract bool IsComplete { get; }

    /// <summary>The training set.</summary>
    public abstract ImageSet TrainSet { get; }

    /// <summary>The test set.</summary>
    public abstract ImageSet TestSet { get; }

    /// <summary>
    /// Starts a new run in the element type of <paramref name="options"/>: a <see cref="Trainer{T}"/> of
    /// <see cref="float"/> for <see cref="ElementType.Float32"/>, of <see cref="double"/> for
    /// <see cref="ElementType.Float64"/>.
    /// </summary>
    /// <param name="options">The options (validated).</param>
    /// <param name="train">The training set; its images must have <c>LayerSizes[0]</c> pixels and its classes fit the last layer.</param>
    /// <param name="test">The test set, evaluated after each epoch.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentException">The options are invalid or do not fit the data.</exception>
    public static Trainer Create(TrainingOptions options, ImageSet train, ImageSet test)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ElementType switch
        {
            ElementType.Float32 => new Trainer<float>(options, train, test),
            ElementType.Float64 => new Trainer<double>(options, train, test),
            _ => throw new ArgumentException($"Invalid training option: ElementType {(int)options.ElementType} is not an element type (Float32, Float64).", nameof(options)),
        };
    }

    /// <summary>
    /// Continues a saved run, in the checkpoint's element type. With <paramref name="options"/>, only
    /// <see cref="TrainingOptions.Epochs"/>, <see cref="TrainingOptions.EvaluationBatchSize"/> and
    /// <see cref="TrainingOptions.EvaluateTrainingSet"/> may differ from the checkpoint's (to train longer, say); the
    /// training set must be the one the run started with. The continued run computes exactly the bits the
    /// uninterrupted run would have (same provider, same machine).
    /// </summary>
    /// <param name="checkpoint">The checkpoint (from <see cref="CreateCheckpoint"/> or <see cref="Checkpoint.Load"/>); it is not changed.</param>
    /// <param name="train">The training set of the run.</param>
    /// <param name="test">The test set.</param>
    /// <param name="options">Options to continue with; the checkpoint's when null.</param>
    /// <returns>The trainer, ready to continue: a <see cref="Trainer{T}"/> of the checkpoint's element type.</returns>
    /// <exception cref="CheckpointException">The checkpoint does not fit the options or the data (<see cref="CheckpointProblem.Mismatch"/>); the message lists what differs.</exception>
    public static Trainer Resume(Checkpoint checkpoint, ImageSet train, ImageSet test, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        var opts = options ?? checkpoint.Options;
        return checkpoint switch
        {
            Checkpoint<float> c => Trainer<float>.ResumeCore(c, train, test, opts),
            Checkpoint<double> c => Trainer<double>.ResumeCore(c, train, test, opts),
            _ => throw new ArgumentException($"A checkpoint of type {checkpoint.GetType().Name} cannot be resumed.", nameof(checkpoint)),
        };
    }

    /// <summary>
    /// The data-parallel group this trainer is one rank of, or null (the default) for a single process. With a group
    /// of N ranks, every rank runs the same trainer (same options, data and seed, so the same shuffles), trains on its
    /// share of each global batch of <see cref="TrainingOptions.BatchSize"/> (<see cref="DataParallel.Share"/>) and
    /// steps with the gradient summed over the ranks: the single-process run, to rounding. Set it before training; a
    /// checkpoint does not depend on it, so a run may resume with another number of ranks.
    /// </summary>
    public IDataParallelGroup? Group { get; set; }

    /// <summary>
    /// Runs the remaining epochs (finishing a resumed epoch first) up to <see cref="TrainingOptions.Epochs"/>, then
    /// summarizes (<see cref="Summarize"/>).
    /// </summary>
    /// <param name="onBatch">Called after every batch (for a progress bar).</param>
    /// <param name="onEpoch">Called after every epoch with its report.</param>
    /// <param name="cancellationToken">Checked before each batch; on cancellation the trainer stays consistent between two steps (checkpoint it) and <see cref="OperationCanceledException"/> is thrown.</param>
    /// <returns>The result.</returns>
    public abstract TrainingResult Run(Action<BatchProgress>? onBatch = null, Action<EpochReport>? onEpoch = null, CancellationToken cancellationToken = default);

    /// <summary>Trains the rest of the current epoch (a whole epoch between epochs), evaluates the test set and returns the epoch's report.</summary>
    /// <param name="onBatch">Called after every batch.</param>
    /// <param name="cancellationToken">Checked before each batch.</param>
    /// <returns>The epoch's report.</returns>
    public abstract EpochReport RunEpoch(Action<BatchProgress>? onBatch = null, CancellationToken cancellationToken = default);

    /// <summary>Evaluates the current model on a data set (batches of <see cref="TrainingOptions.EvaluationBatchSize"/>; not timed).</summary>
    /// <param name="data">The data set (its images must fit the model).</param>
    /// <returns>Mean cross-entropy and accuracy.</returns>
    public abstract Evaluation Evaluate(ImageSet data);

    /// <summary>
    /// The summary of the run so far: final train and test accuracy and their gap, sum of squares, per-parameter
    /// Frobenius norms and exact zeros, training time. Evaluates the test set, and the training set when
    /// <see cref="TrainingOptions.EvaluateTrainingSet"/> is set.
    /// </summary>
    /// <returns>The result.</returns>
    public abstract TrainingResult Summarize();

    /// <summary>
    /// A checkpoint of the run as it stands (between two steps): parameters, optimizer state, epoch, batch, step,
    /// generator state, the epoch's running sums, history and options. Deep copies; training may continue.
    /// </summary>
    /// <returns>The checkpoint; save it with <see cref="Checkpoint.Save"/>.</returns>
    public Checkpoint CreateCheckpoint() => CreateCheckpointCore();

    /// <summary>
    /// A copy of the model's parameters widened to <see cref="double"/> (exact: every float is a double), whatever the
    /// element type of the run; for reports and comparisons. The typed parameters are
    /// <see cref="Trainer{T}.Model"/>'s.
    /// </summary>
    /// <returns>The copy, named and shaped as the model's parameters.</returns>
    public abstract ParamSet<double> CopyParametersAsDouble();

    /// <summary>Writes <see cref="CreateCheckpoint"/> to a file, atomically (see <see cref="Checkpoint.Save"/>).</summary>
    /// <param name="path">The file.</param>
    public void SaveCheckpoint(string path) => CreateCheckpoint().Save(path);

    /// <summary>One training batch: shuffle if an epoch starts, gather, forward, backward, loss terms, step.</summary>
    internal abstract BatchProgress TrainBatch();

    /// <summary>The checkpoint of <see cref="CreateCheckpoint"/>.</summary>
    private protected abstract Checkpoint CreateCheckpointCore();

    /// <summary>Validates the options and checks that they are of element type <typeparamref name="T"/>.</summary>
    private protected static TrainingOptions CheckOptions<T>(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.ElementType != ElementTypes.Of<T>())
        {
            throw new ArgumentException(
                $"Invalid training option: ElementType is {options.ElementType}, but this is a Trainer<{typeof(T).Name}>; use Trainer.Create(options, train, test) to train in the options' type.",
                nameof(options));
        }

        return options;
    }

    private protected static void CheckData(TrainingOptions options, ImageSet data, string name)
    {
        if (data.FeatureCount != options.LayerSizes[0])
        {
            throw new ArgumentException(
                $"The images have {data.FeatureCount} pixels ({data.Rows}x{data.Columns}), but the model's input layer has {options.LayerSizes[0]}.", name);
        }

        if (data.ClassCount > options.LayerSizes[^1])
        {
            throw new ArgumentException($"The data has {data.ClassCount} classes, but the model's output layer has {options.LayerSizes[^1]}.", name);
        }
    }
}

/// <summary>
/// The trainer of a run in element type <typeparamref name="T"/> (see <see cref="Trainer"/>): it adds the typed
/// <see cref="Model"/>, <see cref="Optimizer"/> and <see cref="CreateCheckpoint"/>.
/// </summary>
/// <example>
/// <code>
/// var trainer = new Trainer&lt;double&gt;(new TrainingOptions { ElementType = ElementType.Float64 }, mnist.Train, mnist.Test);
/// Matrix&lt;double&gt; fc1 = trainer.Model.Parameters["fc1.weight"].Value;
/// </code>
/// </example>
/// <typeparam name="T">The element type of the model, gradients and optimizer state: <see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Trainer<T> : Trainer
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ImageSet _train;
    private readonly ImageSet _test;
    private readonly Xoshiro256StarStar _rng;
    private readonly int[] _order;
    private readonly Mask? _mask;
    private readonly Dictionary<int, Batch> _batches = new();
    private readonly List<EpochReport> _history;
    private RngState _epochStartRng;
    private double _lossSum;
    private long _correct;
    private long _seen;
    private long _ticks;
    private long _epochTicks;
    private int _completedEpochs;
    private int _batchInEpoch;
    private long _step;

    /// <summary>Starts a new run: the model is initialized from <see cref="TrainingOptions.Seed"/>.</summary>
    /// <param name="options">The options (validated); their <see cref="TrainingOptions.ElementType"/> must be <typeparamref name="T"/>'s (<see cref="Trainer.Create"/> picks the type from the options).</param>
    /// <param name="train">The training set; its images must have <c>LayerSizes[0]</c> pixels and its classes fit the last layer.</param>
    /// <param name="test">The test set, evaluated after each epoch.</param>
    /// <exception cref="ArgumentException">The options are invalid, of another element type, or do not fit the data.</exception>
    public Trainer(TrainingOptions options, ImageSet train, ImageSet test)
        : this(options, train, test, new Xoshiro256StarStar(CheckOptions<T>(options).Seed), model: null)
    {
    }

    internal Trainer(TrainingOptions options, ImageSet train, ImageSet test, Xoshiro256StarStar rng, Mlp<T>? model)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        CheckData(options, train, nameof(train));
        CheckData(options, test, nameof(test));
        if (train.Count == 0)
        {
            throw new ArgumentException("The training set is empty.", nameof(train));
        }

        Options = options;
        _train = train;
        _test = test;
        _rng = rng;
        Model = model ?? Mlp.Create<T>(options.LayerSizes, rng);
        Optimizer = Regularization.Optimizer.Create(options.CreateTransform(), Model.Parameters);
        _mask = options.RegularizationMask;
        _order = new int[train.Count];
        _history = [];
        _epochStartRng = rng.State;
        BatchesPerEpoch = (int)((train.Count + (long)options.BatchSize - 1) / options.BatchSize);
    }

    /// <inheritdoc />
    public override TrainingOptions Options { get; }

    /// <summary>The model; its parameters change in place at each step.</summary>
    public Mlp<T> Model { get; }

    /// <summary>The in-place optimizer over <see cref="Mlp{T}.Parameters"/>.</summary>
    public Optimizer<T> Optimizer { get; private set; }

    /// <inheritdoc />
    public override int CompletedEpochs => _completedEpochs;

    /// <inheritdoc />
    public override int BatchInEpoch => _batchInEpoch;

    /// <inheritdoc />
    public override int BatchesPerEpoch { get; }

    /// <inheritdoc />
    public override long Step => _step;

    /// <inheritdoc />
    public override double TrainingSeconds => (double)_ticks / Stopwatch.Frequency;

    /// <inheritdoc />
    public override IReadOnlyList<EpochReport> History => _history.AsReadOnly();

    /// <inheritdoc />
    public override bool IsComplete => CompletedEpochs >= Options.Epochs;

    /// <inheritdoc />
    public override ImageSet TrainSet => _train;

    /// <inheritdoc />
    public override ImageSet TestSet => _test;

    /// <summary>Continues a saved run (see <see cref="Trainer.Resume"/>); the checks common to both types are done.</summary>
    internal static Trainer<T> ResumeCore(Checkpoint<T> checkpoint, ImageSet train, ImageSet test, TrainingOptions opts)
    {
        var conflicts = checkpoint.Options.ResumeConflicts(opts);
        if (conflicts.Count > 0)
        {
            throw new CheckpointException(
                null, CheckpointProblem.Mismatch, $"the checkpoint was saved with other options ({string.Join("; ", conflicts)}); only Epochs, EvaluationBatchSize and EvaluateTrainingSet may change on resume.");
        }

        CheckOptions<T>(opts);
        var done = checkpoint.CompletedEpochs + (checkpoint.BatchInEpoch > 0 ? 1 : 0);
        if (opts.Epochs < done)
        {
            var reached = checkpoint.BatchInEpoch > 0
                ? $"{checkpoint.CompletedEpochs} epochs done and epoch {done} begun"
                : $"{checkpoint.CompletedEpochs} epochs done";
            throw new CheckpointException(
                null, CheckpointProblem.Mismatch, $"the options ask for {opts.Epochs} epochs in total, but the checkpoint has {reached}; ask for {done} or more.");
        }

        if (train.Count != checkpoint.TrainCount || train.Fingerprint != checkpoint.TrainFingerprint)
        {
            throw new CheckpointException(
                null,
                CheckpointProblem.Mismatch,
                $"the checkpoint's run trained on {checkpoint.TrainCount} images (fingerprint {checkpoint.TrainFingerprint:X16}); this training set has {train.Count} (fingerprint {train.Fingerprint:X16}).");
        }

        if (checkpoint.BatchInEpoch < 0 || checkpoint.BatchInEpoch > (train.Count + (long)opts.BatchSize - 1) / opts.BatchSize)
        {
            throw new CheckpointException(null, CheckpointProblem.Mismatch, $"the checkpoint is at batch {checkpoint.BatchInEpoch}, beyond an epoch of this training set.");
        }

        Mlp<T> model;
        try
        {
            model = Mlp.FromParameters(checkpoint.Parameters);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException(null, CheckpointProblem.Mismatch, $"the checkpoint's parameters are not an MLP: {e.Message}", e);
        }

        if (!model.LayerSizes.SequenceEqual(opts.LayerSizes))
        {
            throw new CheckpointException(
                null, CheckpointProblem.Mismatch, $"the checkpoint's model is {string.Join('-', model.LayerSizes)}, the options ask for {string.Join('-', opts.LayerSizes)}.");
        }

        var rng = Xoshiro256StarStar.FromState(checkpoint.EpochStartRng);
        var trainer = new Trainer<T>(opts, train, test, rng, model);
        try
        {
            trainer.Optimizer = Regularization.Optimizer.Create(trainer.Optimizer.Transform, model.Parameters, checkpoint.OptimizerState);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException(
                null, CheckpointProblem.Mismatch, $"the checkpoint's optimizer state does not fit the {opts.Optimizer} optimizer of the options: {e.Message}", e);
        }

        trainer._completedEpochs = checkpoint.CompletedEpochs;
        trainer._step = checkpoint.Step;
        trainer._ticks = (long)Math.Round(checkpoint.TrainingSeconds * Stopwatch.Frequency);
        trainer._epochTicks = (long)Math.Round(checkpoint.EpochTrainingSeconds * Stopwatch.Frequency);
        trainer._history.AddRange(checkpoint.History);
        if (checkpoint.BatchInEpoch > 0)
        {
            trainer.StartEpoch();
            trainer._batchInEpoch = checkpoint.BatchInEpoch;
            trainer._lossSum = checkpoint.EpochLossSum;
            trainer._correct = checkpoint.EpochCorrect;
            trainer._seen = checkpoint.EpochSeen;
        }

        return trainer;
    }

    /// <inheritdoc />
    public override TrainingResult Run(Action<BatchProgress>? onBatch = null, Action<EpochReport>? onEpoch = null, CancellationToken cancellationToken = default)
    {
        while (!IsComplete)
        {
            var report = RunEpoch(onBatch, cancellationToken);
            onEpoch?.Invoke(report);
        }

        return Summarize();
    }

    /// <inheritdoc />
    public override EpochReport RunEpoch(Action<BatchProgress>? onBatch = null, CancellationToken cancellationToken = default)
    {
        while (BatchInEpoch < BatchesPerEpoch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var progress = TrainBatch();
            onBatch?.Invoke(progress);
        }

        var test = Evaluate(_test);
        var report = new EpochReport(
            CompletedEpochs + 1,
            _lossSum / BatchesPerEpoch,
            100.0 * _correct / _seen,
            test.AccuracyPercent,
            test.Loss,
            (double)_epochTicks / Stopwatch.Frequency,
            Step);
        _history.Add(report);
        _completedEpochs++;
        _batchInEpoch = 0;
        _lossSum = 0;
        _correct = _seen = 0;
        _epochTicks = 0;
        return report;
    }

    /// <inheritdoc />
    public override Evaluation Evaluate(ImageSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckData(Options, data, nameof(data));
        double lossSum = 0;
        var correct = 0;
        var (team, native) = TeamForBatch();
        using var scope = native?.UseOneThreadPerProduct();
        for (var start = 0; start < data.Count; start += Options.EvaluationBatchSize)
        {
            var size = Math.Min(Options.EvaluationBatchSize, data.Count - start);
            var batch = BatchFor(size);
            BatchResult r;
            if (team is not null)
            {
                // On the team, as a training batch: the same sums whatever other trainers of the process do meanwhile.
                var order = _evaluationOrder.Length >= size ? _evaluationOrder : _evaluationOrder = new int[size];
                for (var j = 0; j < size; j++)
                {
                    order[j] = start + j;
                }

                r = Model.EvaluateOnTeam(data, order, 0, batch.Inputs, batch.Labels, team, native!);
            }
            else
            {
                data.GatherRange(start, batch.Inputs, batch.Labels);
                r = Model.Evaluate(batch.Inputs, batch.Labels);
            }

            lossSum += r.Loss * size;
            correct += r.Correct;
        }

        return data.Count == 0
            ? new Evaluation(0, 0, 0, 0)
            : new Evaluation(lossSum / data.Count, 100.0 * correct / data.Count, correct, data.Count);
    }

    /// <inheritdoc />
    public override TrainingResult Summarize()
    {
        var test = Evaluate(_test);
        double trainAccuracy, trainLoss;
        var evaluated = Options.EvaluateTrainingSet || _history.Count == 0;
        if (evaluated)
        {
            var train = Evaluate(_train);
            (trainAccuracy, trainLoss) = (train.AccuracyPercent, train.Loss);
        }
        else
        {
            (trainAccuracy, trainLoss) = (_history[^1].TrainAccuracyPercent, _history[^1].AverageLoss);
        }

        var parameters = Model.Parameters.Select(ParameterReport.Of<T>).ToList();
        var count = parameters.Sum(p => (long)p.Rows * p.Columns);
        var zeros = parameters.Sum(p => p.Zeros);
        var seconds = TrainingSeconds;
        return new TrainingResult(
            Options,
            _history.ToList(),
            trainAccuracy,
            evaluated,
            trainLoss,
            test.AccuracyPercent,
            test.Loss,
            trainAccuracy - test.AccuracyPercent,
            parameters.Sum(p => p.SumOfSquares),
            count,
            zeros,
            count == 0 ? 0 : (double)zeros / count,
            parameters,
            seconds,
            _history.Count == 0 ? 0 : seconds / _history.Count,
            LinearAlgebraControl.Provider.ToString() ?? "unknown");
    }

    /// <summary>A checkpoint of the run as it stands (see <see cref="Trainer.CreateCheckpoint"/>), with the parameters in <typeparamref name="T"/>.</summary>
    /// <returns>The checkpoint; save it with <see cref="Checkpoint.Save"/>.</returns>
    public new Checkpoint<T> CreateCheckpoint() => new(
        Options,
        Model.Parameters.Copy(),
        Optimizer.State,
        CompletedEpochs,
        BatchInEpoch,
        Step,
        BatchInEpoch == 0 ? _rng.State : _epochStartRng,
        _lossSum,
        _correct,
        _seen,
        TrainingSeconds,
        (double)_epochTicks / Stopwatch.Frequency,
        _history.ToList(),
        _train.Count,
        _train.Fingerprint);

    /// <inheritdoc />
    public override ParamSet<double> CopyParametersAsDouble() => Widening.ToDouble(Model.Parameters);

    /// <inheritdoc />
    private protected override Checkpoint CreateCheckpointCore() => CreateCheckpoint();

    /// <inheritdoc />
    internal override BatchProgress TrainBatch()
    {
        var start = Stopwatch.GetTimestamp();
        if (BatchInEpoch == 0)
        {
            StartEpoch();
        }

        var options = Options;
        var first = BatchInEpoch * options.BatchSize;
        var size = Math.Min(options.BatchSize, _train.Count - first);
        BatchResult result;
        double penalty;
        var stepped = false;
        if (Group is { } group)
        {
            (result, penalty) = DataParallelBackward(group, first, size);
        }
        else if (TeamForBatch() is ({ } team, { } native))
        {
            // The thread team (README, "Threads"): the BLAS runs each product on its calling thread, and the batch's
            // first layer, its gather and the step are split across the team by columns of fc1.weight.
            var batch = BatchFor(size);
            using (native.UseOneThreadPerProduct())
            {
                result = Model.ForwardBackwardOnTeam(_train, _order, first, batch.Inputs, batch.Labels, team, native);
                penalty = Model.AddPenalties(options.L1, options.L2, _mask);
                Optimizer.StepWithTeam(Model.Gradients, team);
            }

            stepped = true;
        }
        else
        {
            var batch = BatchFor(size);
            _train.Gather(_order.AsSpan(first, size), batch.Inputs, batch.Labels);
            result = Model.ForwardBackward(batch.Inputs, batch.Labels);
            penalty = Model.AddPenalties(options.L1, options.L2, _mask);
        }

        if (!stepped)
        {
            Optimizer.Step(Model.Gradients);
        }
        var elapsed = Stopwatch.GetTimestamp() - start;
        _ticks += elapsed;
        _epochTicks += elapsed;

        var loss = result.Loss + penalty;
        _lossSum += loss;
        _correct += result.Correct;
        _seen += size;
        _batchInEpoch++;
        _step++;
        return new BatchProgress(CompletedEpochs + 1, BatchInEpoch, BatchesPerEpoch, Step, loss, penalty, _lossSum / BatchInEpoch, 100.0 * _correct / _seen);
    }

    /// <summary>
    /// This rank's share of the global batch (<see cref="DataParallel.Share"/>): forward and backward on it, the
    /// gradient scaled from its own mean to <c>(1 / global batch) * sum of its losses</c>, the loss terms' gradient
    /// added on rank 0 only, then one sum over the ranks of the gradients and one of the statistics (loss, correct
    /// predictions, loss terms). Every rank then holds the single-process gradient of the global batch, to rounding,
    /// and steps its replicated optimizer: decay and proximal steps run in the optimizer, so once.
    /// </summary>
    private (BatchResult Result, double Penalty) DataParallelBackward(IDataParallelGroup group, int first, int size)
    {
        var share = DataParallel.Share(size, group.Rank, group.Size);
        BatchResult local = default;
        if (share.Count > 0)
        {
            var batch = BatchFor(share.Count);
            _train.Gather(_order.AsSpan(first + share.Start, share.Count), batch.Inputs, batch.Labels);
            local = Model.ForwardBackward(batch.Inputs, batch.Labels);
            if (share.Count != size)
            {
                var scale = T.CreateChecked((double)share.Count / size);
                foreach (var g in Model.Gradients)
                {
                    g.Value.Multiply(scale, g.Value);
                }
            }
        }
        else
        {
            foreach (var g in Model.Gradients)
            {
                g.Value.Clear();
            }
        }

        var penalty = group.Rank == 0 ? Model.AddPenalties(Options.L1, Options.L2, _mask) : 0;
        var stats = _groupStatistics;
        stats[0] = local.Loss * share.Count / size;
        stats[1] = local.Correct;
        stats[2] = penalty;
        group.SumInPlace(Model.Gradients);
        group.SumInPlace(stats);
        return (new BatchResult(stats[0], (int)stats[1], size), stats[2]);
    }

    private readonly double[] _groupStatistics = new double[3];
    private int[] _evaluationOrder = [];

    private void StartEpoch()
    {
        _epochStartRng = _rng.State;
        for (var i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        if (Options.Shuffle)
        {
            _rng.Shuffle(_order);
        }
    }

    /// <summary>
    /// The thread team a training batch runs on, or nulls: a native provider set to two or more threads (capped at the
    /// processor count), a model whose first layer carries the work (<see cref="Mlp{T}.SplitsAcross"/>), and no
    /// <see cref="Trainer.TeamVariable"/> = <c>off</c>, and no data-parallel <see cref="Trainer.Group"/> (a rank's batches
    /// and evaluations run as before).
    /// </summary>
    private (WorkTeam? Team, NativeLinearAlgebraProvider? Native) TeamForBatch()
    {
        if (TeamDisabled || Group is not null || LinearAlgebraControl.Provider is not NativeLinearAlgebraProvider native)
        {
            return default;
        }

        var members = Math.Min(native.Threads, Environment.ProcessorCount);
        return Model.SplitsAcross(members) ? (WorkTeam.For(members), native) : default;
    }

    private Batch BatchFor(int size)
    {
        if (!_batches.TryGetValue(size, out var batch))
        {
            batch = new Batch(Matrix<T>.Build.Dense(_train.FeatureCount, size), new int[size]);
            _batches.Add(size, batch);
        }

        return batch;
    }


    private sealed record Batch(Matrix<T> Inputs, int[] Labels);
}
