using System.Buffers.Binary;
using System.Text;

namespace Regularization.Training.Tests;

/// <summary>
/// Checkpoints whose SHA-256 is right but whose content is impossible (a foreign writer, or a checksum fixed after a
/// change) are refused by <see cref="Checkpoint.Load"/> with <see cref="CheckpointProblem.Malformed"/> naming the file
/// and the value; killed saves leave nothing a later save does not remove.
/// </summary>
public sealed class CheckpointRobustnessTests : IDisposable
{
    private readonly string _dir = TestUtil.TempDirectory();
    private readonly ImageSet _train;
    private readonly ImageSet _test;
    private readonly Checkpoint<double> _adam;

    public CheckpointRobustnessTests()
    {
        (_train, _test) = TestUtil.Slice(600, 100); // 10 batches per epoch
        var trainer = new Trainer<double>(new TrainingOptions(elementType: ElementType.Float64, layerSizes: [784, 3, 10], optimizer: OptimizerKind.Adam, learningRate: 1e-3, epochs: 3, evaluateTrainingSet: false), _train, _test);
        trainer.RunEpoch();
        for (var i = 0; i < 4; i++)
        {
            trainer.TrainBatch();
        }

        _adam = trainer.CreateCheckpoint(); // epoch 2, batch 4, step 14
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_valid_checkpoint_loads()
    {
        var loaded = Checkpoint.Load(Save(_adam));
        Assert.Equal((1, 4, 14L), (loaded.CompletedEpochs, loaded.BatchInEpoch, loaded.Step));
    }

    [Fact]
    public void A_checkpoint_taken_after_the_last_batch_of_an_epoch_before_its_evaluation_loads_and_resumes()
    {
        var options = new TrainingOptions(elementType: ElementType.Float64, layerSizes: [784, 3, 10], epochs: 2, evaluateTrainingSet: false);
        var trainer = new Trainer<double>(options, _train, _test);
        Checkpoint? atEnd = null;
        trainer.RunEpoch(onBatch: b => atEnd = b.Batch == b.BatchesPerEpoch ? trainer.CreateCheckpoint() : atEnd);
        Assert.Equal((0, 10, 10L), (atEnd!.CompletedEpochs, atEnd.BatchInEpoch, atEnd.Step));

        var loaded = Checkpoint.Load(Save(atEnd));
        var resumed = Trainer.Resume(loaded, _train, _test);
        resumed.Run();
        Assert.Equal(20, resumed.Step);
        Assert.Equal(trainer.History[0], resumed.History[0] with { TrainingSeconds = trainer.History[0].TrainingSeconds });
    }

    [Fact]
    public void Non_finite_weights_are_refused()
    {
        foreach (var bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            var parameters = _adam.Parameters.Copy();
            parameters[2].Value[4, 1] = bad;
            var shown = double.IsNaN(bad) ? "NaN" : bad > 0 ? "Infinity" : "-Infinity";
            AssertMalformed(_adam with { Parameters = parameters }, $"parameter fc2.weight holds {shown} at entry 14 (row 4, column 1); a saved run has finite values only.");
        }
    }

    [Fact]
    public void Negative_or_non_finite_adam_second_moments_are_refused()
    {
        var adam = FindAdam(_adam.OptimizerState);
        var nu = adam["exp_avg_sq"].Copy();
        nu[0].Value[0, 0] = -1e-9;
        AssertMalformed(
            _adam with { OptimizerState = Replace(_adam.OptimizerState, new SlotState<double>(adam.Count, [.. adam.SlotNames], [adam["exp_avg"], nu])) },
            "the optimizer state is not valid: ScaleByAdam(beta1 0.9, beta2 0.999, epsilon 1E-08, amsgrad False) slot 'exp_avg_sq' of parameter 'fc1.weight' holds a negative second moment.",
            "the payload is not a valid checkpoint: ");

        var mu = adam["exp_avg"].Copy();
        mu[1].Value[2, 0] = double.NaN;
        AssertMalformed(
            _adam with { OptimizerState = Replace(_adam.OptimizerState, new SlotState<double>(adam.Count, [.. adam.SlotNames], [mu, adam["exp_avg_sq"]])) },
            "the optimizer state is not valid: ScaleByAdam(beta1 0.9, beta2 0.999, epsilon 1E-08, amsgrad False) slot 'exp_avg' of parameter 'fc1.bias' holds NaN or an infinity.",
            "the payload is not a valid checkpoint: ");
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(15L)]
    public void State_counters_beyond_the_step_count_are_refused(long count)
    {
        var adam = FindAdam(_adam.OptimizerState);
        var state = _adam with { OptimizerState = Replace(_adam.OptimizerState, adam.WithCount(count)) };
        if (count > long.MaxValue / 2)
        {
            // The core's state reader refuses a counter that could overflow before the checkpoint's own checks run.
            AssertMalformed(
                state,
                $"the optimizer state is not valid: The state's ScaleByAdam(beta1 0.9, beta2 0.999, epsilon 1E-08, amsgrad False) step count is {count}; it must be between 0 and {long.MaxValue / 2}.",
                "the payload is not a valid checkpoint: ");
        }
        else
        {
            AssertMalformed(state, $"the step counter of the optimizer's exp_avg, exp_avg_sq is {count}, outside [0, 14] (the run's 14 steps).");
        }
    }

    [Fact]
    public void Impossible_history_entries_are_refused()
    {
        var first = _adam.History[0];
        AssertMalformed(_adam with { History = [first with { AverageLoss = double.NaN }] }, "the average loss in the report of epoch 1 is NaN; it must be finite and >= 0.");
        AssertMalformed(_adam with { History = [first with { TestLoss = -0.5 }] }, "the test loss in the report of epoch 1 is -0.5; it must be finite and >= 0.");
        AssertMalformed(_adam with { History = [first with { TestAccuracyPercent = 100.5 }] }, "the test accuracy in the report of epoch 1 is 100.5, outside [0, 100].");
        AssertMalformed(_adam with { History = [first with { Epoch = 2 }] }, "the report of epoch 1 is numbered 2.");
        AssertMalformed(_adam with { History = [] }, "it records 1 completed epochs but 0 epoch reports.");
    }

    [Fact]
    public void Counters_inconsistent_with_the_data_are_refused()
    {
        AssertMalformed(_adam with { Step = 15 }, "its step count 15 does not match 1 epochs of 10 batches and 4 more (14 steps).");
        AssertMalformed(_adam with { BatchInEpoch = 11, Step = 21, EpochSeen = 600 }, "it is at batch 11 of an epoch, but an epoch of 600 images in batches of 64 has 10.");
        AssertMalformed(_adam with { EpochSeen = 255 }, "the current epoch counts " + _adam.EpochCorrect + " correct of 255 samples, but 4 batches of 64 from 600 images are 256 samples.");
        AssertMalformed(_adam with { EpochLossSum = double.PositiveInfinity }, "the current epoch's loss sum is Infinity; it must be finite and >= 0.");
        AssertMalformed(_adam with { CompletedEpochs = 4, Step = 44, History = [.. _adam.History, .. _adam.History] }, "it records 4 completed epochs, more than the 3 its options ask for.");
    }

    [Fact]
    public void A_shape_whose_size_overflows_is_malformed_not_an_overflow_exception()
    {
        // rows 2^31 - 1, columns 2^30: rows * columns * 8 wraps to a negative long, and rows * columns to a negative int.
        var path = Save(_adam);
        var bytes = File.ReadAllBytes(path);
        var name = Encoding.UTF8.GetBytes("fc1.weight");
        var at = bytes.AsSpan().IndexOf(name) + name.Length + 4; // after the name and the rank
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), int.MaxValue);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at + 4), 1 << 30);
        FixChecksum(bytes);
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Equal(CheckpointProblem.Malformed, e.Problem);
        Assert.Equal(path, e.FilePath);
        Assert.Equal("the payload is not a valid checkpoint: parameter 'fc1.weight' claims 2147483647x1073741824 values, more than the payload holds.", e.Detail);
    }

    [Fact]
    public void A_folder_or_device_is_not_a_checkpoint()
    {
        var folder = Assert.Throws<CheckpointException>(() => Checkpoint.Load(_dir));
        Assert.Equal((CheckpointProblem.NotACheckpoint, $"{_dir}: it is a folder, not a checkpoint file."), (folder.Problem, folder.Message));

        var zero = Assert.Throws<CheckpointException>(() => Checkpoint.Load("/dev/zero"));
        Assert.Equal("it is a character device, not a regular file; checkpoints are read from regular files only.", zero.Detail);
    }

    [Fact]
    public void A_later_save_removes_the_temporary_files_of_killed_saves_but_not_one_in_use()
    {
        var path = Path.Combine(_dir, "run.ckpt");
        var stale = Enumerable.Range(0, 3).Select(_ => Path.Combine(_dir, $".run.ckpt.{Guid.NewGuid():N}.tmp")).ToList();
        foreach (var file in stale)
        {
            File.WriteAllBytes(file, new byte[1000]);
        }

        var inUse = Path.Combine(_dir, $".run.ckpt.{Guid.NewGuid():N}.tmp");
        var other = Path.Combine(_dir, $".other.ckpt.{Guid.NewGuid():N}.tmp");
        var notOurs = Path.Combine(_dir, ".run.ckpt.notes.tmp");
        File.WriteAllBytes(other, [1]);
        File.WriteAllBytes(notOurs, [1]);
        using (new FileStream(inUse, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            _adam.Save(path);
        }

        Assert.All(stale, f => Assert.False(File.Exists(f), f));
        Assert.True(File.Exists(inUse), "a temporary file held by a save in progress was removed");
        Assert.True(File.Exists(other) && File.Exists(notOurs));
        Assert.Equal(_adam.Step, Checkpoint.Load(path).Step);
    }

    [Fact]
    public void Resuming_with_fewer_epochs_than_done_is_a_mismatch()
    {
        var e = Assert.Throws<CheckpointException>(() => Trainer.Resume(_adam, _train, _test, _adam.Options with { Epochs = 1 }));
        Assert.Equal(CheckpointProblem.Mismatch, e.Problem);
        Assert.Equal("the options ask for 1 epochs in total, but the checkpoint has 1 epochs done and epoch 2 begun; ask for 2 or more.", e.Detail);
        Assert.Equal(2, Trainer.Resume(_adam, _train, _test, _adam.Options with { Epochs = 2 }).Options.Epochs);
    }

    [Fact]
    public void Momentum_of_one_or_more_is_refused_and_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainingOptions(elementType: ElementType.Float64, momentum: 1.5).Validate());
        Assert.Equal("Momentum", e.ParamName);
        Assert.StartsWith("Invalid training option: Momentum must be in [0, 1) (it is 1.5)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new TrainingOptions(elementType: ElementType.Float64, momentum: 1).Validate());
        Assert.Throws<ArgumentException>(() => new TrainingOptions(elementType: ElementType.Float64, momentum: double.NaN).Validate());
        new TrainingOptions(elementType: ElementType.Float64, momentum: 0.999).Validate();
    }

    [Fact]
    public void Json_of_a_result_with_non_finite_numbers_does_not_throw()
    {
        var result = new Trainer<double>(new TrainingOptions(elementType: ElementType.Float64, layerSizes: [784, 3, 10], epochs: 0), _train, _test).Summarize() with { TrainLoss = double.NaN, TestLoss = double.PositiveInfinity };
        var json = result.ToJson();
        Assert.Contains("\"TrainLoss\": \"NaN\"", json, StringComparison.Ordinal);
        Assert.Contains("\"TestLoss\": \"Infinity\"", json, StringComparison.Ordinal);
    }

    internal static void FixChecksum(byte[] bytes)
    {
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), bytes.Length - Checkpoint.HeaderLength);
        Checkpoint.Hash(bytes.AsSpan(Checkpoint.HeaderLength)).CopyTo(bytes.AsSpan(24));
    }

    private static SlotState<double> FindAdam(TransformState state) => state switch
    {
        SlotState<double> a when a.SlotNames.Contains("exp_avg_sq") => a,
        ChainState c => c.Inner.Select(TryFind).First(a => a is not null)!,
        NonFiniteState g => FindAdam(g.Inner),
        _ => throw new InvalidOperationException($"no Adam state in {state}"),
    };

    private static SlotState<double>? TryFind(TransformState state)
    {
        try
        {
            return FindAdam(state);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static TransformState Replace(TransformState state, SlotState<double> adam) => state switch
    {
        SlotState<double> s when s.SlotNames.Contains("exp_avg_sq") => adam,
        ChainState c => new ChainState(c.Inner.Select(s => TryFind(s) is null ? s : Replace(s, adam)).ToArray()),
        NonFiniteState g => new NonFiniteState(Replace(g.Inner, adam), g.SkippedSteps, g.ZeroedEntries, g.ZeroedSteps),
        _ => state,
    };

    private string Save(Checkpoint checkpoint)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".ckpt");
        checkpoint.Save(path);
        return path;
    }

    private void AssertMalformed(Checkpoint checkpoint, string detail, string prefix = "the checkpoint's content is impossible: ")
    {
        var path = Save(checkpoint);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Equal(CheckpointProblem.Malformed, e.Problem);
        Assert.Equal(path, e.FilePath);
        Assert.Equal(prefix + detail, e.Detail);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
    }
}
