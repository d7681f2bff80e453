using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Internal;

namespace Regularization;

/// <summary>
/// Writes a transform's state for a checkpoint (little-endian, length-prefixed; see <see cref="StateCodec"/>).
/// Transforms write their own state through <see cref="IGradientTransform.WriteState"/>.
/// </summary>
/// <example>
/// <code>
/// public void WriteState(TransformState state, StateWriter writer)
/// {
///     var s = (MyState)state;
///     writer.WriteInt64(s.Count);
///     writer.WriteSet(s.Buffer);
/// }
/// </code>
/// </example>
public sealed class StateWriter
{
    private readonly MemoryStream _stream = new();

    internal StateWriter()
    {
    }

    /// <summary>Writes a 64-bit integer.</summary>
    /// <param name="value">The value.</param>
    public void WriteInt64(long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, value);
        _stream.Write(b);
    }

    /// <summary>Writes a double.</summary>
    /// <param name="value">The value.</param>
    public void WriteDouble(double value) => WriteInt64(BitConverter.DoubleToInt64Bits(value));

    /// <summary>Writes a string (UTF-8, length-prefixed).</summary>
    /// <param name="value">The string.</param>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteInt64(bytes.Length);
        _stream.Write(bytes);
    }

    /// <summary>Writes a parameter set: its count, then each name, rank, shape and the elements.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="set">The set.</param>
    public void WriteSet<T>(ParamSet<T> set)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(set);
        WriteInt64(set.Count);
        foreach (var p in set)
        {
            WriteString(p.Name);
            WriteInt64(p.Rank);
            WriteInt64(p.Rows);
            WriteInt64(p.Columns);
            var bytes = MemoryMarshal.AsBytes(p.Value.AsColumnMajorArray().AsSpan());
            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("Checkpoints are written on little-endian machines only.");
            }

            _stream.Write(bytes);
        }
    }

    /// <summary>Writes a child transform's state (for combinators).</summary>
    /// <param name="transform">The child transform.</param>
    /// <param name="state">Its state.</param>
    public void WriteState(IGradientTransform transform, TransformState state)
    {
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(state);
        transform.WriteState(state, this);
    }

    internal byte[] ToArray() => _stream.ToArray();
}

/// <summary>
/// Reads what a <see cref="StateWriter"/> wrote, with every length and shape checked against the data and the
/// parameters: malformed input gives <see cref="InvalidDataException"/>, never a huge allocation or another exception.
/// </summary>
public sealed class StateReader
{
    private readonly byte[] _data;
    private int _position;

    internal StateReader(byte[] data, int offset)
    {
        _data = data;
        _position = offset;
    }

    internal bool AtEnd => _position == _data.Length;

    internal int Remaining => _data.Length - _position;

    /// <summary>Reads a 64-bit integer.</summary>
    /// <returns>The value.</returns>
    public long ReadInt64()
    {
        Need(8, "an integer");
        var v = BinaryPrimitives.ReadInt64LittleEndian(_data.AsSpan(_position));
        _position += 8;
        return v;
    }

    /// <summary>Reads a counter: an integer in [0, <paramref name="max"/>].</summary>
    /// <param name="what">What it counts, for the error message.</param>
    /// <param name="max">The largest valid value.</param>
    /// <returns>The value.</returns>
    public long ReadCount(string what, long max = long.MaxValue / 2)
    {
        var v = ReadInt64();
        return v >= 0 && v <= max ? v : throw new InvalidDataException($"The state's {what} is {v}; it must be between 0 and {max}.");
    }

    /// <summary>Reads a double.</summary>
    /// <returns>The value.</returns>
    public double ReadDouble() => BitConverter.Int64BitsToDouble(ReadInt64());

    /// <summary>Reads a string.</summary>
    /// <returns>The string.</returns>
    public string ReadString()
    {
        var length = ReadInt64();
        if (length < 0 || length > Remaining)
        {
            throw new InvalidDataException($"A string of {length} bytes is declared, but {Remaining} bytes remain.");
        }

        var s = Encoding.UTF8.GetString(_data, _position, (int)length);
        _position += (int)length;
        return s;
    }

    /// <summary>Reads a parameter set that must have the names, ranks and shapes of <paramref name="like"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="like">The expected layout.</param>
    /// <param name="what">What the set is, for error messages (for example <c>exp_avg_sq</c>).</param>
    /// <returns>The set.</returns>
    public ParamSet<T> ReadSet<T>(ParamSet<T> like, string what)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(like);
        var count = ReadInt64();
        if (count != like.Count)
        {
            throw new InvalidDataException($"Buffer '{what}' holds {count} parameters; {like.Count} are expected ({like.DescribeNames()}).");
        }

        var items = new Param<T>[like.Count];
        var size = Marshal.SizeOf<T>();
        for (var i = 0; i < items.Length; i++)
        {
            var expected = like[i];
            var name = ReadString();
            var rank = ReadInt64();
            var rows = ReadInt64();
            var columns = ReadInt64();
            if (name != expected.Name || rank != expected.Rank || rows != expected.Rows || columns != expected.Columns)
            {
                throw new InvalidDataException(
                    $"Buffer '{what}' entry {i} is '{name}' (rank {rank}, {rows}x{columns}); the parameters expect '{expected.Name}' (rank {expected.Rank}, {expected.Rows}x{expected.Columns}).");
            }

            var bytes = (long)expected.Count * size;
            Need(bytes, $"the elements of '{name}' in '{what}'");
            var data = new T[expected.Count];
            _data.AsSpan(_position, (int)bytes).CopyTo(MemoryMarshal.AsBytes(data.AsSpan()));
            _position += (int)bytes;
            items[i] = new Param<T>(name, Matrix<T>.Build.Dense(expected.Rows, expected.Columns, data), expected.Rank);
        }

        return new ParamSet<T>(items);
    }

    /// <summary>Reads a child transform's state (for combinators).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="transform">The child transform.</param>
    /// <param name="parameters">The parameters the child updates.</param>
    /// <returns>The child's state.</returns>
    public TransformState ReadState<T>(IGradientTransform transform, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(transform);
        return transform.ReadState(this, parameters);
    }

    private void Need(long bytes, string what)
    {
        if (bytes > Remaining)
        {
            throw new InvalidDataException($"The state is truncated: {what} needs {bytes} bytes, {Remaining} remain.");
        }
    }
}

/// <summary>
/// Encodes an optimizer state to bytes and back, through the transforms' own <see cref="IGradientTransform.WriteState"/>
/// and <see cref="IGradientTransform.ReadState{T}"/>. Format: the 8 bytes <c>RGSTATE1</c>, the element type
/// (<c>4</c> float32, <c>8</c> float64, as a 64-bit integer), then the transform's payload.
/// </summary>
/// <example>
/// <code>
/// byte[] bytes = StateCodec.Encode(optimizer.Transform, optimizer.State);
/// TransformState again = StateCodec.Decode(optimizer.Transform, bytes, optimizer.Parameters);
/// </code>
/// </example>
public static class StateCodec
{
    private static readonly byte[] Magic = "RGSTATE1"u8.ToArray();

    /// <summary>Encodes a state of <paramref name="transform"/>.</summary>
    /// <typeparam name="T">The element type of the parameters the state belongs to.</typeparam>
    /// <param name="transform">The transform.</param>
    /// <param name="state">Its state.</param>
    /// <param name="parameters">The parameters (for the element type and layout).</param>
    /// <returns>The bytes.</returns>
    public static byte[] Encode<T>(IGradientTransform transform, TransformState state, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(parameters);
        var w = new StateWriter();
        w.WriteInt64(BitConverter.ToInt64(Magic));
        w.WriteInt64(Marshal.SizeOf<T>());
        transform.WriteState(state, w);
        return w.ToArray();
    }

    /// <summary>Decodes what <see cref="Encode{T}"/> wrote, checking it against the transform and the parameters.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="transform">The transform.</param>
    /// <param name="bytes">The bytes.</param>
    /// <param name="parameters">The parameters the state belongs to.</param>
    /// <returns>The state.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a valid state of this transform for these parameters.</exception>
    public static TransformState Decode<T>(IGradientTransform transform, byte[] bytes, ParamSet<T> parameters)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(parameters);
        var r = new StateReader(bytes, 0);
        if (bytes.Length < 16 || r.ReadInt64() != BitConverter.ToInt64(Magic))
        {
            throw new InvalidDataException("The bytes are not an optimizer state (they do not start with RGSTATE1).");
        }

        var size = r.ReadInt64();
        if (size != Marshal.SizeOf<T>())
        {
            throw new InvalidDataException($"The state holds {(size == 4 ? "float32" : size == 8 ? "float64" : $"{size}-byte")} buffers; the parameters are {Num<T>.Name}.");
        }

        var state = transform.ReadState(r, parameters);
        return r.AtEnd ? state : throw new InvalidDataException($"{r.Remaining} bytes remain after the state.");
    }
}
