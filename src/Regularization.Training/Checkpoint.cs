using System.Numerics;
using System.Security.Cryptography;
using Regularization.Training.Internal;

namespace Regularization.Training;

/// <summary>What is wrong with a checkpoint (see <see cref="CheckpointException.Problem"/>).</summary>
public enum CheckpointProblem
{
    /// <summary>The file does not start with the checkpoint signature.</summary>
    NotACheckpoint = 0,

    /// <summary>The file was written in a format version this library does not read.</summary>
    UnsupportedVersion = 1,

    /// <summary>The file is shorter than its header declares.</summary>
    Truncated = 2,

    /// <summary>The SHA-256 of the payload does not match the header: the file is corrupt.</summary>
    ChecksumMismatch = 3,

    /// <summary>The payload's checksum is right but its content is not a valid checkpoint (or trailing bytes follow it).</summary>
    Malformed = 4,

    /// <summary>The checkpoint is valid but does not fit the options, the model or the data it is resumed with.</summary>
    Mismatch = 5,

    /// <summary>Writing the checkpoint failed; any previous file at the path is unchanged.</summary>
    WriteFailed = 6,

    /// <summary>The checkpoint holds something this format cannot store.</summary>
    Unsupported = 7,
}

/// <summary>A checkpoint cannot be read, written or resumed. The message names the file (when there is one) and the problem.</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file, or null when no file is involved (resuming from a checkpoint in memory).</param>
    /// <param name="problem">The kind of problem.</param>
    /// <param name="detail">What is wrong, in one sentence.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public CheckpointException(string? filePath, CheckpointProblem problem, string detail, Exception? inner = null)
        : base(filePath is null ? $"Checkpoint: {detail}" : $"{filePath}: {detail}", inner)
    {
        FilePath = filePath;
        Problem = problem;
        Detail = detail;
    }

    /// <summary>The file, or null.</summary>
    public string? FilePath { get; }

    /// <summary>The kind of problem.</summary>
    public CheckpointProblem Problem { get; }

    /// <summary>What is wrong (the message without the path).</summary>
    public string Detail { get; }
}

/// <summary>
/// A saved training run: everything <see cref="Trainer.Resume"/> needs to continue it bit for bit. The parameters
/// are in <see cref="Checkpoint{T}"/>, of the run's element type.
/// </summary>
/// <remarks>
/// <para>
/// File format (version <see cref="FormatVersion"/>, little-endian): a 56-byte header, the 8-byte signature
/// <c>RGTRCKPT</c>, the format version (uint32), a reserved uint32 (0), the payload length (int64) and the SHA-256 of
/// the payload (32 bytes); then the payload: the options as JSON, the training-set size and fingerprint, epoch,
/// batch and step counters, the generator state at the start of the current epoch, the epoch's running sums, the
/// training time, the epoch history, the parameters (name, rank, rows, columns, column-major values of the options'
/// <see cref="TrainingOptions.ElementType"/>: 4-byte floats or 8-byte doubles) and the optimizer state as
/// <see cref="StateCodec"/> writes it (each transform of the options' optimizer writes its own state, and reading
/// checks it against that optimizer and the parameters). Values are stored as their exact bits. Version 3 added the
/// element type; files of version 2 (float64 only) are refused with <see cref="CheckpointProblem.UnsupportedVersion"/>.
/// </para>
/// <para>
/// <see cref="Save"/> writes to a temporary file in the same folder, flushes it to disk and renames it over the
/// target (atomic on POSIX file systems and NTFS), then flushes the folder (<c>fsync</c>) so the rename survives a
/// power loss: a failed save leaves the previous file as it was and removes the temporary file, and the temporary
/// files of saves that were killed (<c>kill -9</c>, power loss) are removed by the next save to the same path. <see cref="Load"/> checks the signature, version, length and checksum before reading anything.
/// </para>
/// </remarks>
/// <seealso cref="Checkpoint{T}"/>
public abstract record Checkpoint
{
    /// <summary>The run's state apart from the parameters (see <see cref="Checkpoint{T}"/>).</summary>
    private protected Checkpoint(
        TrainingOptions options,
        TransformState optimizerState,
        int completedEpochs,
        int batchInEpoch,
        long step,
        RngState epochStartRng,
        double epochLossSum,
        long epochCorrect,
        long epochSeen,
        double trainingSeconds,
        double epochTrainingSeconds,
        IReadOnlyList<EpochReport> history,
        int trainCount,
        ulong trainFingerprint)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(optimizerState);
        ArgumentNullException.ThrowIfNull(history);
        Options = options;
        OptimizerState = optimizerState;
        CompletedEpochs = completedEpochs;
        BatchInEpoch = batchInEpoch;
        Step = step;
        EpochStartRng = epochStartRng;
        EpochLossSum = epochLossSum;
        EpochCorrect = epochCorrect;
        EpochSeen = epochSeen;
        TrainingSeconds = trainingSeconds;
        EpochTrainingSeconds = epochTrainingSeconds;
        History = history;
        TrainCount = trainCount;
        TrainFingerprint = trainFingerprint;
    }

    /// <summary>The run's options; <see cref="TrainingOptions.ElementType"/> is the type of the parameters and state.</summary>
    public TrainingOptions Options { get; init; }

    /// <summary>The optimizer's state (<see cref="Optimizer{T}.State"/>), of the element type of <see cref="Options"/>.</summary>
    public TransformState OptimizerState { get; init; }

    /// <summary>Epochs completed.</summary>
    public int CompletedEpochs { get; init; }

    /// <summary>Batches done in the current epoch (0 between epochs).</summary>
    public int BatchInEpoch { get; init; }

    /// <summary>Optimizer steps since the start of the run.</summary>
    public long Step { get; init; }

    /// <summary>The generator's state at the start of the current epoch (before its shuffle); between epochs, its current state.</summary>
    public RngState EpochStartRng { get; init; }

    /// <summary>Sum of the current epoch's batch losses so far.</summary>
    public double EpochLossSum { get; init; }

    /// <summary>Correct training predictions in the current epoch so far.</summary>
    public long EpochCorrect { get; init; }

    /// <summary>Training samples seen in the current epoch so far.</summary>
    public long EpochSeen { get; init; }

    /// <summary>Training time of the run so far, in seconds.</summary>
    public double TrainingSeconds { get; init; }

    /// <summary>Training time of the current epoch so far, in seconds.</summary>
    public double EpochTrainingSeconds { get; init; }

    /// <summary>Reports of the completed epochs.</summary>
    public IReadOnlyList<EpochReport> History { get; init; }

    /// <summary>Size of the training set.</summary>
    public int TrainCount { get; init; }

    /// <summary>The training set's <see cref="ImageSet.Fingerprint"/>.</summary>
    public ulong TrainFingerprint { get; init; }

    /// <summary>The element type of the parameters and the optimizer state (that of <see cref="Options"/>).</summary>
    public ElementType ElementType => Options.ElementType;

    /// <summary>Checks that every parameter is finite (the message names the file, parameter and entry).</summary>
    /// <summary>A copy of the saved parameters widened to float64 (exact for float32: every float is a double), for
    /// code that compares or reports checkpoints of either element type.</summary>
    /// <returns>The parameters as <c>ParamSet&lt;double&gt;</c>, a fresh copy.</returns>
    /// <example><code>ParamSet&lt;double&gt; weights = Checkpoint.Load("run.ckpt").CopyParametersAsDouble();</code></example>
    public abstract ParamSet<double> CopyParametersAsDouble();

    private protected abstract void ValidateParameters(string path);

    /// <summary>Writes the parameters and the optimizer state, the tail of the payload.</summary>
    private protected abstract void WriteModel(CheckpointCodec.Writer writer);

    internal void CheckParameters(string path) => ValidateParameters(path);

    internal void WriteModelTo(CheckpointCodec.Writer writer) => WriteModel(writer);

    /// <summary>The format version this library writes and reads.</summary>
    public const int FormatVersion = 3;

    /// <summary>Length of the file header in bytes.</summary>
    public const int HeaderLength = 56;

    /// <summary>The file signature, <c>RGTRCKPT</c> in ASCII.</summary>
    public static ReadOnlySpan<byte> Signature => "RGTRCKPT"u8;

    /// <summary>
    /// Writes the checkpoint to <paramref name="path"/> atomically: a temporary file in the same folder, flushed to
    /// disk, then renamed over the target. If anything fails, the previous file (if any) is unchanged and the
    /// temporary file is removed.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <exception cref="CheckpointException">Writing failed (<see cref="CheckpointProblem.WriteFailed"/>) or the state cannot be stored (<see cref="CheckpointProblem.Unsupported"/>).</exception>
    public void Save(string path) => SaveCore(path, beforeCommit: null);

    /// <summary>
    /// Reads and checks a checkpoint file: signature, version, length and SHA-256 first, then the meaning of every
    /// value (counters consistent with the data, finite weights and moments, non-negative second moments, a history
    /// of real numbers, step counters in range), so that a checkpoint that loads can be resumed.
    /// </summary>
    /// <param name="path">The file (a regular file; folders, devices and FIFOs are refused before they are opened).</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="CheckpointException">The file is not a checkpoint (or not a regular file), is of another version, truncated, corrupt or malformed; the message names the file and says which.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Checkpoint Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        switch (Internal.FileSystem.KindOf(path))
        {
            case null:
                throw new FileNotFoundException($"{path}: the checkpoint file does not exist.", path);
            case Internal.PathKind.RegularFile:
                break;
            case Internal.PathKind.Directory:
                throw new CheckpointException(path, CheckpointProblem.NotACheckpoint, "it is a folder, not a checkpoint file.");
            case var kind:
                throw new CheckpointException(
                    path, CheckpointProblem.NotACheckpoint, $"it is {Internal.FileSystem.Describe(kind.Value)}, not a regular file; checkpoints are read from regular files only.");
        }

        var length = new FileInfo(path).Length;
        if (length > Array.MaxLength)
        {
            throw new CheckpointException(path, CheckpointProblem.Malformed, $"the file is {length} bytes, more than a checkpoint can be ({Array.MaxLength} bytes).");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"{path}: the checkpoint file does not exist.", path, e);
        }

        var checkpoint = CheckpointCodec.Decode(bytes, path);
        CheckpointValidation.Validate(checkpoint, path);
        return checkpoint;
    }

    /// <summary>Save, with a hook run after the temporary file is complete and before it replaces the target (tests use it to fail there).</summary>
    internal void SaveCore(string path, Action<string>? beforeCommit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? throw new CheckpointException(path, CheckpointProblem.WriteFailed, "the path has no folder.");
        var file = CheckpointCodec.Encode(this, path);
        var name = Path.GetFileName(full);
        var temp = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp");
        var committed = false;
        try
        {
            RemoveStaleTemporaries(directory, name);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                stream.Write(file);
                stream.Flush(flushToDisk: true);
            }

            beforeCommit?.Invoke(temp);
            File.Move(temp, full, overwrite: true);
            committed = true;

            // The rename is durable only once the folder's entry is on disk.
            Internal.FileSystem.FlushDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(
                path, CheckpointProblem.WriteFailed, $"writing the checkpoint failed ({e.Message}); any previous file at this path is unchanged.", e);
        }
        finally
        {
            if (!committed)
            {
                try
                {
                    File.Delete(temp);
                }
                catch (IOException)
                {
                    // Best effort: the temporary file's name starts with '.' and ends in '.tmp'.
                }
                catch (UnauthorizedAccessException)
                {
                    // As above.
                }
            }
        }
    }

    /// <summary>
    /// Removes the temporary files of earlier saves to the same target that were killed before they could clean up
    /// (<c>.NAME.&lt;32 hex digits&gt;.tmp</c> beside it). A save in progress holds its temporary file open with
    /// <see cref="FileShare.None"/> (an exclusive lock, also on Unix), so only abandoned files can be opened and removed.
    /// </summary>
    /// <param name="directory">The target's folder.</param>
    /// <param name="name">The target's file name.</param>
    /// <returns>The number of files removed.</returns>
    internal static int RemoveStaleTemporaries(string directory, string name)
    {
        var removed = 0;
        string[] candidates;
        try
        {
            candidates = Directory.GetFiles(directory, $".{name}.*.tmp");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        var prefix = $".{name}.";
        foreach (var candidate in candidates)
        {
            var middle = Path.GetFileName(candidate.AsSpan());
            middle = middle[prefix.Length..^".tmp".Length];
            if (middle.Length != 32 || !IsHex(middle))
            {
                continue;
            }

            try
            {
                using (new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }

                File.Delete(candidate);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // In use by a save in progress, or not ours to remove: leave it.
            }
        }

        return removed;

        static bool IsHex(ReadOnlySpan<char> text)
        {
            foreach (var c in text)
            {
                if (!char.IsAsciiHexDigitLower(c))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>SHA-256 of a payload.</summary>
    internal static byte[] Hash(ReadOnlySpan<byte> payload) => SHA256.HashData(payload);
}

/// <summary>
/// A saved training run whose parameters are of type <typeparamref name="T"/> (see <see cref="Checkpoint"/> for the
/// file format and what is saved).
/// </summary>
/// <typeparam name="T">The element type: <see cref="float"/> or <see cref="double"/>, as <see cref="TrainingOptions.ElementType"/> says.</typeparam>
/// <example>
/// <code>
/// var checkpoint = (Checkpoint&lt;float&gt;)Checkpoint.Load("run.ckpt");
/// ParamSet&lt;float&gt; weights = checkpoint.Parameters;
/// </code>
/// </example>
public sealed record Checkpoint<T> : Checkpoint
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A checkpoint; the trainer makes them (<see cref="Trainer.CreateCheckpoint"/>).</summary>
    /// <param name="Options">The run's options; their <see cref="TrainingOptions.ElementType"/> must be <typeparamref name="T"/>'s.</param>
    /// <param name="Parameters">The model's parameters.</param>
    /// <param name="OptimizerState">The optimizer's state (<see cref="Optimizer{T}.State"/>).</param>
    /// <param name="CompletedEpochs">Epochs completed.</param>
    /// <param name="BatchInEpoch">Batches done in the current epoch (0 between epochs).</param>
    /// <param name="Step">Optimizer steps since the start of the run.</param>
    /// <param name="EpochStartRng">The generator's state at the start of the current epoch (before its shuffle); between epochs, its current state.</param>
    /// <param name="EpochLossSum">Sum of the current epoch's batch losses so far.</param>
    /// <param name="EpochCorrect">Correct training predictions in the current epoch so far.</param>
    /// <param name="EpochSeen">Training samples seen in the current epoch so far.</param>
    /// <param name="TrainingSeconds">Training time of the run so far.</param>
    /// <param name="EpochTrainingSeconds">Training time of the current epoch so far.</param>
    /// <param name="History">Reports of the completed epochs.</param>
    /// <param name="TrainCount">Size of the training set.</param>
    /// <param name="TrainFingerprint">The training set's <see cref="ImageSet.Fingerprint"/>.</param>
    /// <exception cref="ArgumentException">The options' element type is not <typeparamref name="T"/>.</exception>
    public Checkpoint(
        TrainingOptions Options,
        ParamSet<T> Parameters,
        TransformState OptimizerState,
        int CompletedEpochs,
        int BatchInEpoch,
        long Step,
        RngState EpochStartRng,
        double EpochLossSum,
        long EpochCorrect,
        long EpochSeen,
        double TrainingSeconds,
        double EpochTrainingSeconds,
        IReadOnlyList<EpochReport> History,
        int TrainCount,
        ulong TrainFingerprint)
        : base(Options, OptimizerState, CompletedEpochs, BatchInEpoch, Step, EpochStartRng, EpochLossSum, EpochCorrect, EpochSeen, TrainingSeconds, EpochTrainingSeconds, History, TrainCount, TrainFingerprint)
    {
        ArgumentNullException.ThrowIfNull(Parameters);
        if (Options.ElementType != ElementTypes.Of<T>())
        {
            throw new ArgumentException(
                $"The options say {ElementTypes.Name(Options.ElementType)}, but the parameters are {ElementTypes.Name(ElementTypes.Of<T>())}.", nameof(Options));
        }

        this.Parameters = Parameters;
    }

    /// <summary>The model's parameters.</summary>
    public ParamSet<T> Parameters { get; init; }

    /// <inheritdoc />
    public override ParamSet<double> CopyParametersAsDouble() => Widening.ToDouble(Parameters);

    /// <inheritdoc />
    private protected override void ValidateParameters(string path)
    {
        foreach (var p in Parameters)
        {
            CheckpointValidation.RequireFinite(p, $"parameter {p.Name}", path);
        }
    }

    /// <inheritdoc />
    private protected override void WriteModel(CheckpointCodec.Writer writer) => CheckpointCodec.WriteModel(writer, this);
}
