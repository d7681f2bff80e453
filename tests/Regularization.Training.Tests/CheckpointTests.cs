using System.Buffers.Binary;

namespace Regularization.Training.Tests;

/// <summary>
/// Checkpoints: a resumed run is bit-identical to an uninterrupted one; damaged, foreign or mismatched checkpoints
/// give clear errors; failed saves and loads change nothing.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = TestUtil.TempDirectory();
    private readonly ImageSet _train;
    private readonly ImageSet _test;

    public CheckpointTests()
    {
        (_train, _test) = TestUtil.Slice(600, 100); // 10 batches per epoch: 9 of 64 and one of 24
    }

    public static TheoryData<string> Configurations => new(Configs.Keys);

    private static Dictionary<string, TrainingOptions> Configs { get; } = new()
    {
        ["sgd nesterov decay l2"] = new(epochs: 2, learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3, l2: 1e-4, evaluateTrainingSet: false),
        ["sgdw momentum proximal"] = new(epochs: 2, optimizer: OptimizerKind.SgdW, learningRate: 0.05, momentum: 0.5, dampening: 0.1, weightDecay: 0.01, proximalL1: 1e-3, evaluateTrainingSet: false),
        ["adam decay l1 exclude biases"] = new(epochs: 2, optimizer: OptimizerKind.Adam, learningRate: 1e-3, weightDecay: 1e-3, l1: 1e-5, excludeBiases: true, evaluateTrainingSet: false),
        ["adamw proximal exclude biases"] = new(epochs: 2, optimizer: OptimizerKind.AdamW, learningRate: 1e-3, weightDecay: 0.05, proximalL1: 1e-2, excludeBiases: true, seed: 9, evaluateTrainingSet: false),
        ["float64 sgd nesterov decay l2"] = new(epochs: 2, learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3, l2: 1e-4, evaluateTrainingSet: false, elementType: ElementType.Float64),
        ["float64 adamw proximal exclude biases"] = new(epochs: 2, optimizer: OptimizerKind.AdamW, learningRate: 1e-3, weightDecay: 0.05, proximalL1: 1e-2, excludeBiases: true, seed: 9, evaluateTrainingSet: false, elementType: ElementType.Float64),
    };

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Widening a float32 checkpoint's parameters to float64 keeps names, ranks and every value exactly, and
    /// hands out a copy (writing to it leaves the checkpoint alone).</summary>
    [Fact]
    public void CopyParametersAsDoubleWidensEveryValueExactlyIntoACopy()
    {
        var trainer = (Trainer<float>)Trainer.Create(new TrainingOptions(epochs: 1, evaluateTrainingSet: false), _train, _test);
        trainer.RunEpoch();
        var checkpoint = trainer.CreateCheckpoint();
        var widened = checkpoint.CopyParametersAsDouble();
        Assert.Equal(checkpoint.Parameters.Select(p => (p.Name, p.Rank)), widened.Select(p => (p.Name, p.Rank)));
        foreach (var p in checkpoint.Parameters)
        {
            var floats = p.Value.AsColumnMajorArray();
            var doubles = widened[p.Name].Value.AsColumnMajorArray();
            Assert.Equal(floats.Length, doubles.Length);
            Assert.All(Enumerable.Range(0, floats.Length), k => Assert.Equal((double)floats[k], doubles[k]));
            Assert.Contains(doubles, d => d != 0);
        }

        var first = checkpoint.Parameters.First();
        var before = first.Value[0, 0];
        widened[first.Name].Value[0, 0] = 12345;
        Assert.Equal(before, first.Value[0, 0]);
        Assert.True(TestUtil.BitwiseEqual(trainer.CopyParametersAsDouble(), checkpoint.CopyParametersAsDouble()), "trainer and checkpoint disagree");
    }

    /// <summary>2 epochs uninterrupted against 1 epoch, save, load, 1 epoch: the same bits everywhere.</summary>
    [Theory]
    [MemberData(nameof(Configurations))]
    public void ResumingAfterAnEpochIsBitIdentical(string name)
    {
        var options = Configs[name];
        var straight = Trainer.Create(options, _train, _test);
        straight.Run();

        var first = Trainer.Create(options, _train, _test);
        first.RunEpoch();
        var path = Path.Combine(_dir, "epoch1.ckpt");
        first.SaveCheckpoint(path);
        var resumed = Trainer.Resume(Checkpoint.Load(path), _train, _test);
        Assert.Equal(1, resumed.CompletedEpochs);
        resumed.Run();

        AssertSameRun(straight, resumed);
    }

    /// <summary>A checkpoint in the middle of an epoch (taken from the batch callback) resumes bit for bit too.</summary>
    [Theory]
    [MemberData(nameof(Configurations))]
    public void ResumingInTheMiddleOfAnEpochIsBitIdentical(string name)
    {
        var options = Configs[name];
        var straight = Trainer.Create(options, _train, _test);
        straight.Run();

        var path = Path.Combine(_dir, "mid.ckpt");
        var interrupted = Trainer.Create(options, _train, _test);
        using var cts = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => interrupted.Run(
            onBatch: b =>
            {
                if (b.Epoch == 2 && b.Batch == 3)
                {
                    interrupted.SaveCheckpoint(path);
                    cts.Cancel();
                }
            },
            cancellationToken: cts.Token));

        var checkpoint = Checkpoint.Load(path);
        Assert.Equal((1, 3, 13L), (checkpoint.CompletedEpochs, checkpoint.BatchInEpoch, checkpoint.Step));
        var resumed = Trainer.Resume(checkpoint, _train, _test);
        resumed.Run();

        AssertSameRun(straight, resumed);
    }

    [Fact]
    public void SaveAndLoadRoundTripEveryField()
    {
        var trainer = new Trainer<float>(Configs["adam decay l1 exclude biases"], _train, _test);
        trainer.RunEpoch();
        for (var i = 0; i < 4; i++)
        {
            trainer.TrainBatch();
        }

        var saved = trainer.CreateCheckpoint();
        var path = Path.Combine(_dir, "round.ckpt");
        saved.Save(path);
        var loaded = Assert.IsType<Checkpoint<float>>(Checkpoint.Load(path));

        Assert.Equal(saved.Options, loaded.Options);
        Assert.True(TestUtil.BitwiseEqual(saved.Parameters, loaded.Parameters));
        Assert.Equal(saved.OptimizerState, loaded.OptimizerState);
        Assert.IsType<NonFiniteState>(loaded.OptimizerState);
        Assert.Equal(saved.History, loaded.History);
        Assert.Equal(
            (saved.CompletedEpochs, saved.BatchInEpoch, saved.Step, saved.EpochStartRng, saved.EpochLossSum, saved.EpochCorrect, saved.EpochSeen, saved.TrainingSeconds, saved.EpochTrainingSeconds, saved.TrainCount, saved.TrainFingerprint),
            (loaded.CompletedEpochs, loaded.BatchInEpoch, loaded.Step, loaded.EpochStartRng, loaded.EpochLossSum, loaded.EpochCorrect, loaded.EpochSeen, loaded.TrainingSeconds, loaded.EpochTrainingSeconds, loaded.TrainCount, loaded.TrainFingerprint));
        Assert.Equal((1, 4, 14L), (loaded.CompletedEpochs, loaded.BatchInEpoch, loaded.Step));
    }

    [Fact]
    public void TheStateIsWrittenThroughTheOptionsOptimizer()
    {
        // The optimizer state is written by the transforms of the options' optimizer and read back through them, so a
        // state that belongs to another optimizer cannot be saved (and no file is left behind).
        var adam = new Trainer<double>(new TrainingOptions(elementType: ElementType.Float64, layerSizes: [784, 2, 10], epochs: 0, optimizer: OptimizerKind.Adam), _train, _test).CreateCheckpoint();
        var path = Path.Combine(_dir, "states.ckpt");
        adam.Save(path);
        Assert.Equal(adam.OptimizerState, Checkpoint.Load(path).OptimizerState);
        var sgd = new Trainer<double>(new TrainingOptions(elementType: ElementType.Float64, layerSizes: [784, 2, 10], epochs: 0, momentum: 0.9), _train, _test).CreateCheckpoint();
        var mixed = adam with { OptimizerState = sgd.OptimizerState };
        var other = Path.Combine(_dir, "mixed.ckpt");
        Assert.ThrowsAny<ArgumentException>(() => mixed.Save(other));
        Assert.False(File.Exists(other));
    }

    [Fact]
    public void AFlippedByteIsAChecksumError()
    {
        var path = SaveOne();
        var bytes = File.ReadAllBytes(path);
        bytes[Checkpoint.HeaderLength + (bytes.Length - Checkpoint.HeaderLength) / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        AssertProblem(path, CheckpointProblem.ChecksumMismatch, "the SHA-256 of the payload does not match the one in the header: the file is corrupt.");
    }

    [Fact]
    public void TruncatedFiles()
    {
        var path = SaveOne();
        var bytes = File.ReadAllBytes(path);
        var payload = bytes.Length - Checkpoint.HeaderLength;
        File.WriteAllBytes(path, bytes[..^100]);
        AssertProblem(path, CheckpointProblem.Truncated, $"the file is truncated: the header declares {payload} payload bytes, but only {payload - 100} follow it.");
        File.WriteAllBytes(path, bytes[..20]);
        AssertProblem(path, CheckpointProblem.Truncated, "the file is truncated: 20 bytes, less than the 56-byte header.");
        File.WriteAllBytes(path, bytes[..3]);
        AssertProblem(path, CheckpointProblem.Truncated, "the file is truncated: 3 bytes, less than the 56-byte header.");
        File.WriteAllBytes(path, []);
        AssertProblem(path, CheckpointProblem.Truncated, "the file is truncated: 0 bytes, less than the 56-byte header.");
        File.WriteAllBytes(path, [.. bytes, 0]);
        AssertProblem(path, CheckpointProblem.Malformed, $"1 unexpected bytes follow the {payload}-byte payload the header declares.");
    }

    [Fact]
    public void WrongVersionAndForeignFiles()
    {
        var path = SaveOne();
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 1);
        File.WriteAllBytes(path, bytes);
        AssertProblem(path, CheckpointProblem.UnsupportedVersion, "the checkpoint has format version 1; this library reads version 3.");

        File.WriteAllText(path, "{\"not\": \"a checkpoint\"}");
        AssertProblem(path, CheckpointProblem.NotACheckpoint, "the file is not a training checkpoint (it does not start with the signature RGTRCKPT).");

        Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(Path.Combine(_dir, "absent.ckpt")));
    }

    [Fact]
    public void ParametersThatContradictTheOptionsAreMalformed()
    {
        var checkpoint = new Trainer<double>(new TrainingOptions(elementType: ElementType.Float64, epochs: 1), _train, _test).CreateCheckpoint();
        var other = Mlp.Create<double>([784, 64, 10], seed: 0).Parameters;
        var path = Path.Combine(_dir, "contradiction.ckpt");
        (checkpoint with { Parameters = other }).Save(path);
        AssertProblem(path, CheckpointProblem.Malformed, "the payload is not a valid checkpoint: the parameters describe a 784-64-10 network, but the options say 784-128-10.");
    }

    [Fact]
    public void MismatchedLayerSizesOptimizerOrDataAreRefused()
    {
        var checkpoint = Checkpoint.Load(SaveOne());
        var options = checkpoint.Options;

        var layers = Assert.Throws<CheckpointException>(() => Trainer.Resume(checkpoint, _train, _test, options with { LayerSizes = [784, 64, 10] }));
        Assert.Equal(CheckpointProblem.Mismatch, layers.Problem);
        Assert.Equal(
            "Checkpoint: the checkpoint was saved with other options (LayerSizes: 784-128-10 -> 784-64-10); only Epochs, EvaluationBatchSize and EvaluateTrainingSet may change on resume.",
            layers.Message);

        var optimizer = Assert.Throws<CheckpointException>(() => Trainer.Resume(checkpoint, _train, _test, options with { Optimizer = OptimizerKind.Adam, Momentum = 0, Nesterov = false }));
        Assert.Equal(
            "the checkpoint was saved with other options (Optimizer: Sgd -> Adam; Momentum: 0.9 -> 0; Nesterov: true -> false); only Epochs, EvaluationBatchSize and EvaluateTrainingSet may change on resume.",
            optimizer.Detail);

        var data = Assert.Throws<CheckpointException>(() => Trainer.Resume(checkpoint, _train.Take(599), _test));
        Assert.StartsWith("the checkpoint's run trained on 600 images (fingerprint ", data.Detail, StringComparison.Ordinal);

        var shuffledData = new ImageSet(_train.Pixels.ToArray(), [.. _train.Labels.ToArray().Reverse()], 28, 28);
        Assert.Equal(CheckpointProblem.Mismatch, Assert.Throws<CheckpointException>(() => Trainer.Resume(checkpoint, shuffledData, _test)).Problem);

        // A state of another optimizer family (plain SGD, no momentum buffer) under the checkpoint's own options.
        var plain = new Trainer<double>(options with { Momentum = 0, Nesterov = false }, _train, _test).Optimizer.State;
        var state = Assert.Throws<CheckpointException>(() => Trainer.Resume(checkpoint with { OptimizerState = plain }, _train, _test));
        Assert.Equal(CheckpointProblem.Mismatch, state.Problem);
        Assert.StartsWith("the checkpoint's optimizer state does not fit the Sgd optimizer of the options: ", state.Detail, StringComparison.Ordinal);

        // Training longer is allowed.
        var longer = Trainer.Resume(checkpoint, _train, _test, options with { Epochs = options.Epochs + 1, EvaluationBatchSize = 7 });
        Assert.Equal(options.Epochs + 1, longer.Options.Epochs);
    }

    [Fact]
    public void AFailedSaveLeavesThePreviousFileAndNoTemporaryFile()
    {
        var path = SaveOne();
        var before = File.ReadAllBytes(path);
        var trainer = new Trainer<double>(new TrainingOptions(elementType: ElementType.Float64, epochs: 2, momentum: 0.9, nesterov: true), _train, _test);
        trainer.RunEpoch();
        trainer.RunEpoch();
        var newer = trainer.CreateCheckpoint();

        string? temporary = null;
        var e = Assert.Throws<CheckpointException>(() => newer.SaveCore(path, beforeCommit: t =>
        {
            temporary = t;
            Assert.True(File.Exists(t)); // the new checkpoint was written and flushed...
            throw new IOException("simulated failure before the rename"); // ...and then the process "fails"
        }));
        Assert.Equal(CheckpointProblem.WriteFailed, e.Problem);
        Assert.Equal($"{path}: writing the checkpoint failed (simulated failure before the rename); any previous file at this path is unchanged.", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.NotNull(temporary);
        Assert.False(File.Exists(temporary));
        Assert.Equal([path], Directory.GetFiles(_dir));

        var nowhere = Path.Combine(_dir, "no-such-folder", "x.ckpt");
        Assert.Equal(CheckpointProblem.WriteFailed, Assert.Throws<CheckpointException>(() => newer.Save(nowhere)).Problem);
        Assert.False(Directory.Exists(Path.GetDirectoryName(nowhere)));

        // Success replaces the file.
        newer.Save(path);
        Assert.Equal(2, Checkpoint.Load(path).CompletedEpochs);
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void AFailedLoadOrResumeChangesNothing()
    {
        var path = SaveOne();
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Equal(bytes, File.ReadAllBytes(path));

        var good = new Trainer<double>(new TrainingOptions(elementType: ElementType.Float64, epochs: 1), _train, _test).CreateCheckpoint();
        var copy = good.Parameters.Copy();
        Assert.Throws<CheckpointException>(() => Trainer.Resume(good, _train, _test, good.Options with { L2 = 1 }));
        Assert.True(TestUtil.BitwiseEqual(copy, good.Parameters));
    }

    private static void AssertSameRun(Trainer expected, Trainer actual)
    {
        Assert.True(TestUtil.BitwiseEqual(expected.CopyParametersAsDouble(), actual.CopyParametersAsDouble()), "parameters differ");
        var a = expected.CreateCheckpoint();
        var b = actual.CreateCheckpoint();
        Assert.Equal(a.OptimizerState, b.OptimizerState);
        Assert.Equal(a.EpochStartRng, b.EpochStartRng);
        Assert.Equal(a.Step, b.Step);
        Assert.Equal(a.CompletedEpochs, b.CompletedEpochs);

        // Epoch reports agree exactly, except their (measured) training times.
        Assert.Equal(a.History.Select(h => h with { TrainingSeconds = 0 }), b.History.Select(h => h with { TrainingSeconds = 0 }));
    }

    private void AssertProblem(string path, CheckpointProblem problem, string detail)
    {
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.Equal(problem, e.Problem);
        Assert.Equal(detail, e.Detail);
        Assert.Equal($"{path}: {detail}", e.Message);
        Assert.Equal(path, e.FilePath);
    }

    private string SaveOne()
    {
        var trainer = new Trainer<double>(new TrainingOptions(elementType: ElementType.Float64, epochs: 2, momentum: 0.9, nesterov: true), _train, _test);
        trainer.RunEpoch();
        var path = Path.Combine(_dir, "one.ckpt");
        trainer.SaveCheckpoint(path);
        return path;
    }
}
