using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;

namespace Regularization.Training;

/// <summary>The binary encoding of <see cref="Checkpoint"/> (format version 3). See the remarks of <see cref="Checkpoint"/>.</summary>
internal static class CheckpointCodec
{

    public static byte[] Encode(Checkpoint c, string path)
    {
        var w = new Writer();
        w.String(c.Options.ToJson());
        w.Int32(c.TrainCount);
        w.UInt64(c.TrainFingerprint);
        w.Int32(c.CompletedEpochs);
        w.Int32(c.BatchInEpoch);
        w.Int64(c.Step);
        w.UInt64(c.EpochStartRng.S0);
        w.UInt64(c.EpochStartRng.S1);
        w.UInt64(c.EpochStartRng.S2);
        w.UInt64(c.EpochStartRng.S3);
        w.Double(c.EpochLossSum);
        w.Int64(c.EpochCorrect);
        w.Int64(c.EpochSeen);
        w.Double(c.TrainingSeconds);
        w.Double(c.EpochTrainingSeconds);
        w.Int32(c.History.Count);
        foreach (var e in c.History)
        {
            w.Int32(e.Epoch);
            w.Double(e.AverageLoss);
            w.Double(e.TrainAccuracyPercent);
            w.Double(e.TestAccuracyPercent);
            w.Double(e.TestLoss);
            w.Double(e.TrainingSeconds);
            w.Int64(e.Steps);
        }

        c.WriteModelTo(w);
        var payload = w.ToArray();

        var file = new byte[Checkpoint.HeaderLength + payload.Length];
        Checkpoint.Signature.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), Checkpoint.FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), 0);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(16), payload.Length);
        Checkpoint.Hash(payload).CopyTo(file.AsSpan(24));
        payload.CopyTo(file.AsSpan(Checkpoint.HeaderLength));
        return file;
    }

    public static Checkpoint Decode(byte[] bytes, string path)
    {
        var signature = Checkpoint.Signature;
        if (bytes.Length < signature.Length || !bytes.AsSpan(0, signature.Length).SequenceEqual(signature))
        {
            if (bytes.Length < signature.Length && signature.StartsWith(bytes))
            {
                throw new CheckpointException(path, CheckpointProblem.Truncated, $"the file is truncated: {bytes.Length} bytes, less than the {Checkpoint.HeaderLength}-byte header.");
            }

            throw new CheckpointException(path, CheckpointProblem.NotACheckpoint, "the file is not a training checkpoint (it does not start with the signature RGTRCKPT).");
        }

        if (bytes.Length < Checkpoint.HeaderLength)
        {
            throw new CheckpointException(path, CheckpointProblem.Truncated, $"the file is truncated: {bytes.Length} bytes, less than the {Checkpoint.HeaderLength}-byte header.");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version != Checkpoint.FormatVersion)
        {
            throw new CheckpointException(
                path, CheckpointProblem.UnsupportedVersion, $"the checkpoint has format version {version}; this library reads version {Checkpoint.FormatVersion}.");
        }

        var declared = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16));
        var available = (long)bytes.Length - Checkpoint.HeaderLength;
        if (declared < 0)
        {
            throw new CheckpointException(path, CheckpointProblem.Malformed, $"the header declares a negative payload length ({declared}).");
        }

        if (available < declared)
        {
            throw new CheckpointException(
                path, CheckpointProblem.Truncated, $"the file is truncated: the header declares {declared} payload bytes, but only {available} follow it.");
        }

        if (available > declared)
        {
            throw new CheckpointException(
                path, CheckpointProblem.Malformed, $"{available - declared} unexpected bytes follow the {declared}-byte payload the header declares.");
        }

        var payload = bytes.AsSpan(Checkpoint.HeaderLength);
        if (!Checkpoint.Hash(payload).AsSpan().SequenceEqual(bytes.AsSpan(24, 32)))
        {
            throw new CheckpointException(
                path, CheckpointProblem.ChecksumMismatch, "the SHA-256 of the payload does not match the one in the header: the file is corrupt.");
        }

        try
        {
            return ReadPayload(new Reader(bytes, Checkpoint.HeaderLength), path);
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or NotSupportedException)
        {
            throw new CheckpointException(path, CheckpointProblem.Malformed, $"the payload is not a valid checkpoint: {e.Message}", e);
        }
    }

    private static Checkpoint ReadPayload(Reader r, string path)
    {
        var options = TrainingOptions.FromJson(r.String());
        options.Validate();
        var trainCount = r.Int32();
        var fingerprint = r.UInt64();
        var completed = r.Int32();
        var batchInEpoch = r.Int32();
        var step = r.Int64();
        var rng = new RngState(r.UInt64(), r.UInt64(), r.UInt64(), r.UInt64());
        var lossSum = r.Double();
        var correct = r.Int64();
        var seen = r.Int64();
        var seconds = r.Double();
        var epochSeconds = r.Double();
        if (trainCount < 1 || completed < 0 || batchInEpoch < 0 || step < 0 || correct < 0 || seen < correct || rng.IsZero)
        {
            throw new FormatException(
                $"impossible counters (training set {trainCount}, epochs {completed}, batch {batchInEpoch}, step {step}, correct {correct} of {seen}, generator state {(rng.IsZero ? "all zero" : "set")}).");
        }

        var historyCount = r.Count(8 + (6 * 8));
        var history = new List<EpochReport>(historyCount);
        for (var i = 0; i < historyCount; i++)
        {
            history.Add(new EpochReport(r.Int32(), r.Double(), r.Double(), r.Double(), r.Double(), r.Double(), r.Int64()));
        }

        _ = path;
        return options.ElementType == ElementType.Float32
            ? ReadModel<float>(r, options, trainCount, fingerprint, completed, batchInEpoch, step, rng, lossSum, correct, seen, seconds, epochSeconds, history)
            : ReadModel<double>(r, options, trainCount, fingerprint, completed, batchInEpoch, step, rng, lossSum, correct, seen, seconds, epochSeconds, history);
    }

    private static Checkpoint<T> ReadModel<T>(
        Reader r,
        TrainingOptions options,
        int trainCount,
        ulong fingerprint,
        int completed,
        int batchInEpoch,
        long step,
        RngState rng,
        double lossSum,
        long correct,
        long seen,
        double seconds,
        double epochSeconds,
        List<EpochReport> history)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var parameters = ReadSet<T>(r);
        var sizes = Mlp.InferLayerSizes(parameters);
        if (!sizes.SequenceEqual(options.LayerSizes))
        {
            throw new FormatException(
                $"the parameters describe a {string.Join('-', sizes)} network, but the options say {string.Join('-', options.LayerSizes)}.");
        }

        var state = ReadState(r, options, parameters);
        if (!r.AtEnd)
        {
            throw new FormatException($"{r.Remaining} bytes remain after the optimizer state.");
        }

        return new Checkpoint<T>(
            options, parameters, state, completed, batchInEpoch, step, rng, lossSum, correct, seen, seconds, epochSeconds, history, trainCount, fingerprint);
    }

    /// <summary>The parameters and the optimizer state of a checkpoint, the tail of its payload.</summary>
    internal static void WriteModel<T>(Writer w, Checkpoint<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        WriteSet(w, c.Parameters);
        var bytes = StateCodec.Encode(c.Options.CreateTransform(), c.OptimizerState, c.Parameters);
        w.Int32(bytes.Length);
        w.Bytes(bytes);
    }

    private static void WriteSet<T>(Writer w, ParamSet<T> set)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        w.Int32(set.Count);
        foreach (var p in set)
        {
            w.String(p.Name);
            w.Int32(p.Rank);
            w.Int32(p.Rows);
            w.Int32(p.Columns);
            w.Values(p.Value.AsColumnMajorArray());
        }
    }

    private static ParamSet<T> ReadSet<T>(Reader r)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var size = Unsafe.SizeOf<T>();
        var count = r.Count(12);
        var items = new Param<T>[count];
        for (var i = 0; i < count; i++)
        {
            var name = r.String();
            var rank = r.Int32();
            var rows = r.Int32();
            var columns = r.Int32();
            // rows * columns as a long cannot overflow; times the value size it can (2^31 x 2^31), so compare against Remaining / size.
            if (rows < 0 || columns < 0 || (long)rows * columns > r.Remaining / size)
            {
                throw new FormatException($"parameter '{name}' claims {rows}x{columns} values, more than the payload holds.");
            }

            var data = r.Values<T>((int)((long)rows * columns));
            items[i] = new Param<T>(name, Matrix<T>.Build.Dense(rows, columns, data), rank is >= 0 and <= 2 ? rank : throw new FormatException($"parameter '{name}' has rank {rank}; ranks are 0, 1 or 2."));
        }

        return new ParamSet<T>(items);
    }

    /// <summary>The optimizer state through the core's codec (each transform reads its own state), length-prefixed.</summary>
    private static TransformState ReadState<T>(Reader r, TrainingOptions options, ParamSet<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var length = r.Count(1);
        var bytes = r.Bytes(length);
        try
        {
            return StateCodec.Decode(options.CreateTransform(), bytes, parameters);
        }
        catch (InvalidDataException e)
        {
            throw new FormatException($"the optimizer state is not valid: {e.Message}", e);
        }
    }

    /// <summary>Little-endian writer into a growing buffer.</summary>
    internal sealed class Writer
    {
        private byte[] _buffer = new byte[1 << 16];
        private int _length;

        public void Byte(byte value) => Reserve(1)[0] = value;

        public void Int32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

        public void Int64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

        public void UInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

        public void Double(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);

        public void String(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            Int32(bytes.Length);
            bytes.CopyTo(Reserve(bytes.Length));
        }

        public void Bytes(byte[] values) => values.CopyTo(Reserve(values.Length));

        /// <summary>Floats or doubles, little-endian, exact bits.</summary>
        public void Values<T>(T[] values)
            where T : unmanaged
        {
            var span = Reserve(checked(values.Length * Unsafe.SizeOf<T>()));
            MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(span);
        }

        public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

        private Span<byte> Reserve(int count)
        {
            if (_length + count > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(checked(_length + count), checked(_buffer.Length * 2)));
            }

            var span = _buffer.AsSpan(_length, count);
            _length += count;
            return span;
        }
    }

    /// <summary>Little-endian reader that throws <see cref="FormatException"/> instead of reading past the end.</summary>
    private sealed class Reader(byte[] bytes, int start)
    {
        private int _position = start;

        public bool AtEnd => _position == bytes.Length;

        public long Remaining => bytes.Length - _position;

        public byte Byte() => Take(1)[0];

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

        /// <summary>A non-negative count of items of at least <paramref name="minItemBytes"/> bytes each that fit in the rest of the payload.</summary>
        public int Count(int minItemBytes)
        {
            var n = Int32();
            if (n < 0 || (long)n * minItemBytes > Remaining)
            {
                throw new FormatException($"a count of {n} items does not fit in the {Remaining} bytes that remain.");
            }

            return n;
        }

        public string String()
        {
            var n = Int32();
            if (n < 0 || n > Remaining)
            {
                throw new FormatException($"a string of {n} bytes does not fit in the {Remaining} bytes that remain.");
            }

            return Encoding.UTF8.GetString(Take(n));
        }

        public byte[] Bytes(int count) => Take(count).ToArray();

        /// <summary>Floats or doubles, little-endian, exact bits.</summary>
        public T[] Values<T>(int count)
            where T : unmanaged
        {
            var span = Take(checked(count * Unsafe.SizeOf<T>()));
            var values = new T[count];
            span.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > bytes.Length - _position)
            {
                throw new FormatException($"the payload ends {count - (bytes.Length - _position)} bytes early.");
            }

            var span = bytes.AsSpan(_position, count);
            _position += count;
            return span;
        }
    }
}
