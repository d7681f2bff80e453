namespace Regularization.Training;

/// <summary>
/// The meaning checks <see cref="Checkpoint.Load"/> runs once the SHA-256 has passed and the payload has been decoded:
/// a checksum only proves the file is what some writer wrote, not that a writer of this library wrote it from a real
/// run. Every failure is a <see cref="CheckpointException"/> (<see cref="CheckpointProblem.Malformed"/>) naming the file
/// and the first value at fault.
/// </summary>
/// <remarks>
/// <para>The checks, all derived from how <see cref="Trainer"/> writes a checkpoint:</para>
/// <list type="bullet">
/// <item>Counters: <c>Step = CompletedEpochs * BatchesPerEpoch + BatchInEpoch</c> with
/// <c>BatchesPerEpoch = ceil(TrainCount / BatchSize)</c>; <c>BatchInEpoch &lt;= BatchesPerEpoch</c> (equal after the
/// last batch of an epoch, before its evaluation);
/// <c>CompletedEpochs &lt;= Epochs</c> (and no epoch in progress once all are done); the epoch's running sums are
/// zero between epochs and, within one, count exactly the samples of the batches done.</item>
/// <item>History: one entry per completed epoch, numbered 1, 2, ...; each entry's step count is the end of its epoch;
/// losses finite and &gt;= 0, accuracies in [0, 100], times finite and &gt;= 0.</item>
/// <item>Parameters: every entry finite (a run that produced a NaN would have stopped).</item>
/// <item>Optimizer state (<see cref="ValidateOptimizerState"/>): every buffer finite, Adam's second moments (and their
/// running maximum) &gt;= 0 (both checked as the core decodes the state), every step counter in [0, Step] (so none can
/// overflow on the next step).</item>
/// </list>
/// </remarks>
internal static class CheckpointValidation
{
    /// <summary>Runs every check; throws at the first failure.</summary>
    /// <param name="c">The decoded checkpoint.</param>
    /// <param name="path">The file, for the message.</param>
    /// <exception cref="CheckpointException">A value is impossible (<see cref="CheckpointProblem.Malformed"/>).</exception>
    public static void Validate(Checkpoint c, string path)
    {
        ValidateCounters(c, path);
        ValidateHistory(c, path);
        c.CheckParameters(path);

        ValidateOptimizerState(c.OptimizerState, c.Step, path);
    }

    /// <summary>
    /// The optimizer-state checks beyond what decoding already checks (the core's <see cref="StateCodec"/> refuses a
    /// state that does not fit the options' optimizer and the parameters, non-finite buffers, and negative second
    /// moments): every step counter (<see cref="SlotState{T}.Count"/>, the guard's <see cref="NonFiniteState"/> counts
    /// of steps) in [0, <paramref name="step"/>], since a transform counts at most one per optimizer step.
    /// </summary>
    /// <param name="state">The state tree.</param>
    /// <param name="step">The trainer's step count.</param>
    /// <param name="path">The file, for the message.</param>
    public static void ValidateOptimizerState(TransformState state, long step, string path)
    {
        switch (state)
        {
            case EmptyState:
                break;
            case SlotState<double> s:
                RequireCounter(s.Count, step, s.SlotNames.Count == 0 ? "a step counter of the optimizer state" : $"the step counter of the optimizer's {string.Join(", ", s.SlotNames)}", path);
                break;
            case SlotState<float> s:
                // The buffers' values were checked as the core decoded them (finite; second moments >= 0).
                RequireCounter(s.Count, step, s.SlotNames.Count == 0 ? "a step counter of the optimizer state" : $"the step counter of the optimizer's {string.Join(", ", s.SlotNames)}", path);
                break;
            case ChainState ch:
                foreach (var s in ch.Inner)
                {
                    ValidateOptimizerState(s, step, path);
                }

                break;
            case PartitionState p:
                foreach (var s in p.Groups)
                {
                    ValidateOptimizerState(s, step, path);
                }

                break;
            case NonFiniteState g:
                RequireCounter(g.SkippedSteps, step, "the gradient guard's count of skipped steps", path);
                RequireCounter(g.ZeroedSteps, step, "the gradient guard's count of steps with zeroed entries", path);
                if (g.SkippedSteps + g.ZeroedSteps > step)
                {
                    throw Fail(path, $"the gradient guard counts {g.SkippedSteps} skipped and {g.ZeroedSteps} zeroed steps, more than the {step} steps of the run.");
                }

                if (g.ZeroedEntries < g.ZeroedSteps)
                {
                    throw Fail(path, $"the gradient guard counts {g.ZeroedEntries} zeroed entries in {g.ZeroedSteps} steps; each such step zeroes at least one.");
                }

                ValidateOptimizerState(g.Inner, step, path);
                break;
            default:
                // Decoding only makes the types above for the trainer's optimizers.
                break;
        }
    }

    private static void ValidateCounters(Checkpoint c, string path)
    {
        var options = c.Options;
        var batchesPerEpoch = (c.TrainCount + (long)options.BatchSize - 1) / options.BatchSize;
        if (c.CompletedEpochs > options.Epochs)
        {
            throw Fail(path, $"it records {c.CompletedEpochs} completed epochs, more than the {options.Epochs} its options ask for.");
        }

        // BatchInEpoch == BatchesPerEpoch: every batch of the epoch is done but it is not evaluated yet (a checkpoint
        // taken in the batch callback after the last batch).
        if (c.BatchInEpoch > batchesPerEpoch)
        {
            throw Fail(path, $"it is at batch {c.BatchInEpoch} of an epoch, but an epoch of {c.TrainCount} images in batches of {options.BatchSize} has {batchesPerEpoch}.");
        }

        if (c.BatchInEpoch > 0 && c.CompletedEpochs == options.Epochs)
        {
            throw Fail(path, $"all {options.Epochs} epochs are done, yet it records batch {c.BatchInEpoch} of another.");
        }

        var expectedStep = (c.CompletedEpochs * batchesPerEpoch) + c.BatchInEpoch;
        if (c.Step != expectedStep)
        {
            throw Fail(
                path,
                $"its step count {c.Step} does not match {c.CompletedEpochs} epochs of {batchesPerEpoch} batches and {c.BatchInEpoch} more ({expectedStep} steps).");
        }

        var seen = Math.Min((long)c.BatchInEpoch * options.BatchSize, c.TrainCount);
        if (c.EpochSeen != seen || c.EpochCorrect > c.EpochSeen)
        {
            throw Fail(
                path,
                $"the current epoch counts {c.EpochCorrect} correct of {c.EpochSeen} samples, but {c.BatchInEpoch} batches of {options.BatchSize} from {c.TrainCount} images are {seen} samples.");
        }

        RequireFiniteNonNegative(c.EpochLossSum, "the current epoch's loss sum", path);
        if (c.BatchInEpoch == 0 && c.EpochLossSum != 0)
        {
            throw Fail(path, $"no batch of the current epoch is done, yet its loss sum is {Num(c.EpochLossSum)}.");
        }

        RequireFiniteNonNegative(c.TrainingSeconds, "the training time", path);
        RequireFiniteNonNegative(c.EpochTrainingSeconds, "the current epoch's training time", path);
        if (c.EpochTrainingSeconds > c.TrainingSeconds)
        {
            throw Fail(path, $"the current epoch's training time ({Num(c.EpochTrainingSeconds)} s) exceeds the run's ({Num(c.TrainingSeconds)} s).");
        }
    }

    private static void ValidateHistory(Checkpoint c, string path)
    {
        if (c.History.Count != c.CompletedEpochs)
        {
            throw Fail(path, $"it records {c.CompletedEpochs} completed epochs but {c.History.Count} epoch reports.");
        }

        var batchesPerEpoch = (c.TrainCount + (long)c.Options.BatchSize - 1) / c.Options.BatchSize;
        for (var i = 0; i < c.History.Count; i++)
        {
            var e = c.History[i];
            var what = $"the report of epoch {i + 1}";
            if (e is null)
            {
                throw Fail(path, $"{what} is missing.");
            }

            if (e.Epoch != i + 1)
            {
                throw Fail(path, $"{what} is numbered {e.Epoch}.");
            }

            if (e.Steps != (i + 1) * batchesPerEpoch)
            {
                throw Fail(path, $"{what} ends at step {e.Steps}, not at {(i + 1) * batchesPerEpoch} ({batchesPerEpoch} batches per epoch).");
            }

            RequireFiniteNonNegative(e.AverageLoss, $"the average loss in {what}", path);
            RequireFiniteNonNegative(e.TestLoss, $"the test loss in {what}", path);
            RequirePercent(e.TrainAccuracyPercent, $"the training accuracy in {what}", path);
            RequirePercent(e.TestAccuracyPercent, $"the test accuracy in {what}", path);
            RequireFiniteNonNegative(e.TrainingSeconds, $"the training time in {what}", path);
        }
    }

    private static void RequireCounter(long count, long step, string what, string path)
    {
        if (count < 0 || count > step)
        {
            throw Fail(path, $"{what} is {count}, outside [0, {step}] (the run's {step} steps).");
        }
    }

    private static void RequirePercent(double value, string what, string path)
    {
        if (!(value is >= 0 and <= 100))
        {
            throw Fail(path, $"{what} is {Num(value)}, outside [0, 100].");
        }
    }

    private static void RequireFiniteNonNegative(double value, string what, string path)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw Fail(path, $"{what} is {Num(value)}; it must be finite and >= 0.");
        }
    }

    public static void RequireFinite<T>(Param<T> p, string what, string path)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var data = p.Value.AsColumnMajorArray();
        for (var k = 0; k < data.Length; k++)
        {
            if (!T.IsFinite(data[k]))
            {
                throw Fail(path, $"{what} holds {Num(double.CreateTruncating(data[k]))} at entry {k} (row {k % p.Rows}, column {k / p.Rows}); a saved run has finite values only.");
            }
        }
    }

    private static string Num(double value) => value switch
    {
        double.PositiveInfinity => "Infinity",
        double.NegativeInfinity => "-Infinity",
        _ => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static CheckpointException Fail(string path, string detail) =>
        new(path, CheckpointProblem.Malformed, $"the checkpoint's content is impossible: {detail}");
}
