using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MathNet.Numerics.LinearAlgebra;

namespace Regularization.Training;

/// <summary>
/// Labelled grey-level images kept as bytes (MNIST: 60,000 x 784 bytes, 47 MB instead of 376 MB as doubles), turned
/// into model inputs batch by batch: pixel / 255.0, as torchvision's <c>transforms.ToTensor()</c> does (no normalization).
/// </summary>
/// <remarks>
/// Model inputs are <c>features x batch</c> matrices, one sample per column (see <see cref="Mlp"/> for why):
/// <see cref="Gather"/> writes each image's pixels into one contiguous column of a preallocated matrix.
/// Instances are immutable.
/// </remarks>
public sealed class ImageSet
{
    private readonly byte[] _pixels;
    private readonly byte[] _labels;
    private readonly Action<string>? _readObserver;
    private ulong? _fingerprint;

    /// <summary>Creates a set from pixels and labels (the arrays are copied).</summary>
    /// <param name="pixels">The pixels, image after image, each row after row (<c>count * rows * columns</c> bytes).</param>
    /// <param name="labels">One label per image, each below <paramref name="classCount"/>.</param>
    /// <param name="rows">Rows per image, &gt;= 1.</param>
    /// <param name="columns">Columns per image, &gt;= 1.</param>
    /// <param name="classCount">Number of classes, &gt;= 2 (10 for MNIST).</param>
    /// <exception cref="ArgumentException">The lengths do not agree, or a label is out of range.</exception>
    public ImageSet(byte[] pixels, byte[] labels, int rows, int columns, int classCount = 10)
        : this((byte[])Check(pixels, labels, rows, columns, classCount).Clone(), (byte[])labels.Clone(), rows, columns, classCount, owned: true)
    {
    }

    private ImageSet(byte[] pixels, byte[] labels, int rows, int columns, int classCount, bool owned, Action<string>? readObserver = null)
    {
        _ = owned;
        _readObserver = readObserver;
        _pixels = pixels;
        _labels = labels;
        Rows = rows;
        Columns = columns;
        ClassCount = classCount;
    }

    /// <summary>Number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>Rows per image (28 for MNIST).</summary>
    public int Rows { get; }

    /// <summary>Columns per image (28 for MNIST).</summary>
    public int Columns { get; }

    /// <summary>Values per image, <c>Rows * Columns</c>: the model's input size (784 for MNIST).</summary>
    public int FeatureCount => Rows * Columns;

    /// <summary>Number of classes; every label is below it.</summary>
    public int ClassCount { get; }

    /// <summary>The pixels, image after image (read-only view).</summary>
    public ReadOnlyMemory<byte> Pixels
    {
        get
        {
            _readObserver?.Invoke(nameof(Pixels));
            return _pixels;
        }
    }

    /// <summary>The labels (read-only view).</summary>
    public ReadOnlyMemory<byte> Labels
    {
        get
        {
            _readObserver?.Invoke(nameof(Labels));
            return _labels;
        }
    }

    /// <summary>
    /// A 64-bit FNV-1a hash of the shape, the labels and the pixels. Checkpoints record it to refuse resuming a run
    /// on different training data (the shuffles would no longer be the same run).
    /// </summary>
    public ulong Fingerprint
    {
        get
        {
            _readObserver?.Invoke(nameof(Fingerprint));
            return _fingerprint ??= ComputeFingerprint();
        }
    }

    /// <summary>Builds a set in place from arrays this library owns (no copy, no checks beyond the debug ones).</summary>
    internal static ImageSet Wrap(byte[] pixels, byte[] labels, int rows, int columns, int classCount) =>
        new(pixels, labels, rows, columns, classCount, owned: true);

    /// <summary>The label of an image.</summary>
    /// <param name="index">The image, 0 to <see cref="Count"/> - 1.</param>
    public int Label(int index)
    {
        _readObserver?.Invoke(nameof(Label));
        return _labels[index];
    }

    /// <summary>
    /// The images at <paramref name="indices"/>, in that order, as a new set (pixels and labels copied; an index may
    /// repeat). Cross-validation uses it to cut a training fold and a validation fold out of the training set.
    /// </summary>
    /// <param name="indices">Image indices, each in [0, <see cref="Count"/>).</param>
    /// <returns>The subset: image j is image <c>indices[j]</c> of this set.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the set; the message names it and its position.</exception>
    /// <example>
    /// <code>
    /// var evens = mnist.Train.Subset([0, 2, 4, 6]);   // 4 images: 0, 2, 4 and 6
    /// </code>
    /// </example>
    public ImageSet Subset(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        _readObserver?.Invoke(nameof(Subset));
        var n = FeatureCount;
        var pixels = new byte[(long)indices.Count * n];
        var labels = new byte[indices.Count];
        for (var j = 0; j < indices.Count; j++)
        {
            var index = indices[j];
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"Index {index} at position {j} is outside the set of {Count} images.");
            }

            _pixels.AsSpan(index * n, n).CopyTo(pixels.AsSpan(j * n, n));
            labels[j] = _labels[index];
        }

        return new ImageSet(pixels, labels, Rows, Columns, ClassCount, owned: true);
    }

    /// <summary>
    /// This set, sharing its arrays, calling <paramref name="observer"/> with the member's name before every read of its
    /// pixels or labels (tests use it to prove that a set is not read, or read once).
    /// </summary>
    internal ImageSet ObserveReads(Action<string> observer) => new(_pixels, _labels, Rows, Columns, ClassCount, owned: true, observer);

    /// <summary>The images <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1, as a new set.</summary>
    /// <param name="start">First image.</param>
    /// <param name="count">Number of images.</param>
    public ImageSet Slice(int start, int count)
    {
        _readObserver?.Invoke(nameof(Slice));
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (start + (long)count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Images {start} to {start + (long)count - 1} do not exist: the set holds {Count}.");
        }

        return new ImageSet(
            _pixels.AsSpan(start * FeatureCount, count * FeatureCount).ToArray(),
            _labels.AsSpan(start, count).ToArray(),
            Rows,
            Columns,
            ClassCount,
            owned: true);
    }

    /// <summary>The first <paramref name="count"/> images (all of them when <paramref name="count"/> is larger).</summary>
    /// <param name="count">Number of images, &gt;= 0.</param>
    public ImageSet Take(int count) => Slice(0, Math.Min(Validate(count), Count));

    /// <summary>
    /// Writes the images <paramref name="indices"/> into the columns of <paramref name="destination"/> (column j gets
    /// image <c>indices[j]</c>, pixel / 255.0) and their labels into <paramref name="labels"/>. Allocates nothing.
    /// </summary>
    /// <param name="indices">Image indices; their number is the batch size.</param>
    /// <param name="destination">A dense <c>FeatureCount x indices.Length</c> matrix.</param>
    /// <param name="labels">Receives the labels; at least <c>indices.Length</c> long.</param>
    /// <typeparam name="T">The element type (float or double); a pixel is <c>(T)p / (T)255</c>, as torchvision's <c>ToTensor</c> computes it in float32.</typeparam>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the set (the message names it and its position); nothing has been written.</exception>
    public void Gather<T>(ReadOnlySpan<int> indices, Matrix<T> destination, Span<int> labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var data = PrepareGather(indices, destination, labels);
        GatherRows(indices, data, FeatureCount, 0, FeatureCount);
    }

    /// <summary>
    /// The checks of <see cref="Gather"/> (destination shape, label room, every index, before anything is written), then
    /// the labels; returns the destination's storage, for <see cref="GatherRows"/> to fill.
    /// </summary>
    /// <param name="indices">The images.</param>
    /// <param name="destination">The batch matrix.</param>
    /// <param name="labels">Receives the labels.</param>
    /// <param name="reader">The public method this read stands for, as the read observer hears it.</param>
    internal T[] PrepareGather<T>(ReadOnlySpan<int> indices, Matrix<T> destination, Span<int> labels, string reader = nameof(Gather))
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        _readObserver?.Invoke(reader);
        var data = Destination(destination, indices.Length, labels.Length);
        for (var j = 0; j < indices.Length; j++)
        {
            if ((uint)indices[j] >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"Index {indices[j]} at position {j} is outside the set of {Count} images.");
            }
        }

        for (var j = 0; j < indices.Length; j++)
        {
            labels[j] = _labels[indices[j]];
        }

        return data;
    }

    /// <summary>
    /// Pixels [<paramref name="from"/>, <paramref name="to"/>) of the images <paramref name="indices"/> (checked by
    /// <see cref="PrepareGather"/>), image <c>j</c>'s at <c>destination[j * stride ..]</c>: the whole gather (stride
    /// <see cref="FeatureCount"/>, all pixels), or one team member's share into its own buffer (stride
    /// <c>to - from</c>: the rows its columns of the first layer's weight multiply).
    /// </summary>
    internal void GatherRows<T>(ReadOnlySpan<int> indices, Span<T> destination, int stride, int from, int to)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var n = FeatureCount;
        var length = to - from;

        // The images lie at random places in the set, so the hardware prefetchers cannot see the next one coming: each
        // image's cache lines are requested two images ahead (an epoch's float32 gathers on the Zen 2 VM: 25 -> 13 ms
        // in isolation).
        for (var j = 0; j < Math.Min(PrefetchDistance, indices.Length); j++)
        {
            Prefetch((indices[j] * n) + from, length);
        }

        for (var j = 0; j < indices.Length; j++)
        {
            if (j + PrefetchDistance < indices.Length)
            {
                Prefetch((indices[j + PrefetchDistance] * n) + from, length);
            }

            Convert(_pixels.AsSpan((indices[j] * n) + from, length), destination.Slice(j * stride, length));
        }
    }

    /// <summary>Like <see cref="Gather"/> for the consecutive images <paramref name="start"/>, <paramref name="start"/> + 1, ...</summary>
    /// <param name="start">First image.</param>
    /// <param name="destination">A dense <c>FeatureCount x count</c> matrix; its column count is the number of images.</param>
    /// <param name="labels">Receives the labels.</param>
    /// <typeparam name="T">The element type (float or double).</typeparam>
    public void GatherRange<T>(int start, Matrix<T> destination, Span<int> labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        _readObserver?.Invoke(nameof(GatherRange));
        ArgumentNullException.ThrowIfNull(destination);
        var count = destination.ColumnCount;
        if (start < 0 || start + (long)count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Images {start} to {start + (long)count - 1} do not exist: the set holds {Count}.");
        }

        var data = Destination(destination, count, labels.Length);
        Convert(_pixels.AsSpan(start * FeatureCount, count * FeatureCount), data);
        for (var j = 0; j < count; j++)
        {
            labels[j] = _labels[start + j];
        }
    }

    /// <summary>All images as a new <c>FeatureCount x Count</c> matrix (one image per column, pixel / 255).</summary>
    /// <typeparam name="T">The element type (float or double).</typeparam>
    /// <returns>The matrix.</returns>
    public Matrix<T> ToMatrix<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        _readObserver?.Invoke(nameof(ToMatrix));
        var m = Matrix<T>.Build.Dense(FeatureCount, Count);
        Convert(_pixels, m.AsColumnMajorArray());
        return m;
    }

    /// <summary>A short description, for example <c>ImageSet[60000 x 28x28, 10 classes]</c>.</summary>
    public override string ToString() => $"ImageSet[{Count} x {Rows}x{Columns}, {ClassCount} classes]";

    /// <summary>How many images ahead <see cref="Gather"/> asks for the pixels.</summary>
    private const int PrefetchDistance = 2;

    /// <summary>Asks the cache for <paramref name="length"/> pixels from <paramref name="start"/> (a hint; x86 only, nothing elsewhere). Checked by the caller.</summary>
    private unsafe void Prefetch(int start, int length)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported || length <= 0)
        {
            return;
        }

        fixed (byte* p = &_pixels[start])
        {
            for (var offset = 0; offset < length; offset += 64)
            {
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(p + offset);
            }
        }
    }

    private T[] Destination<T>(Matrix<T> destination, int count, int labelCapacity)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(destination);
        var data = destination.AsColumnMajorArray()
            ?? throw new ArgumentException("The destination must be a dense matrix.", nameof(destination));
        if (destination.RowCount != FeatureCount || destination.ColumnCount != count)
        {
            throw new ArgumentException(
                $"The destination is {destination.RowCount}x{destination.ColumnCount}; it must be {FeatureCount}x{count} (features x batch).",
                nameof(destination));
        }

        if (labelCapacity < count)
        {
            throw new ArgumentException($"The label buffer holds {labelCapacity} entries; the batch has {count}.", "labels");
        }

        return data;
    }

    private static void Convert<T>(ReadOnlySpan<byte> source, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is shorter than the pixels.", nameof(destination));
        }

        // float: hardware vectors, bytes widened to integers, converted exactly and divided by 255 (one correctly
        // rounded division, the table's bits), an epoch's gathers in about 29 ms instead of 38 to 48 ms on the Zen 5 VM.
        // double, and the float tail: the table (the 4-wide double division was slower than the lookups there). The
        // table has 256 entries, so no byte indexes past it, and the lengths are checked above: no per-element checks.
        var k = typeof(T) == typeof(float) ? ConvertSingle(source, MemoryMarshal.Cast<T, float>(destination)) : 0;
        ref var table = ref MemoryMarshal.GetArrayDataReference(PixelScale<T>.Table);
        ref var from = ref MemoryMarshal.GetReference(source);
        ref var to = ref MemoryMarshal.GetReference(destination);
        for (; k < source.Length; k++)
        {
            Unsafe.Add(ref to, k) = Unsafe.Add(ref table, Unsafe.Add(ref from, k));
        }
    }

    private static int ConvertSingle(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var w = System.Numerics.Vector<byte>.Count;
        var q = System.Numerics.Vector<float>.Count;
        var d = new System.Numerics.Vector<float>(255f);
        var k = 0;
        for (; k <= source.Length - w; k += w)
        {
            Vector.Widen(Vector.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)k), out var lo, out var hi);
            Vector.Widen(lo, out var a, out var b);
            Vector.Widen(hi, out var c, out var e);
            var at = destination.Slice(k);
            (Vector.ConvertToSingle(a) / d).CopyTo(at);
            (Vector.ConvertToSingle(b) / d).CopyTo(at.Slice(q));
            (Vector.ConvertToSingle(c) / d).CopyTo(at.Slice(2 * q));
            (Vector.ConvertToSingle(e) / d).CopyTo(at.Slice(3 * q));
        }

        return k;
    }

    /// <summary>The 256 pixel values <c>(T)p / (T)255</c>, computed once per element type.</summary>
    private static class PixelScale<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static readonly T[] Table = Build();

        private static T[] Build()
        {
            var table = new T[256];
            for (var i = 0; i < 256; i++)
            {
                table[i] = T.CreateTruncating(i) / T.CreateTruncating(255);
            }

            return table;
        }
    }

    private static int Validate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return count;
    }

    private static byte[] Check(byte[] pixels, byte[] labels, int rows, int columns, int classCount)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if ((long)labels.Length * rows * columns != pixels.Length)
        {
            throw new ArgumentException(
                $"{pixels.Length} pixels do not make {labels.Length} images of {rows}x{columns} ({(long)labels.Length * rows * columns} pixels).",
                nameof(pixels));
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
            {
                throw new ArgumentException($"Label {labels[i]} of image {i} is not below the class count {classCount}.", nameof(labels));
            }
        }

        return pixels;
    }

    private ulong ComputeFingerprint()
    {
        const ulong prime = 1099511628211UL;
        var hash = 14695981039346656037UL;
        void Mix(ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                hash = (hash ^ b) * prime;
            }
        }

        Span<byte> header = stackalloc byte[16];
        BitConverter.TryWriteBytes(header, Count);
        BitConverter.TryWriteBytes(header[4..], Rows);
        BitConverter.TryWriteBytes(header[8..], Columns);
        BitConverter.TryWriteBytes(header[12..], ClassCount);
        Mix(header);
        Mix(_labels);
        Mix(_pixels);
        return hash;
    }
}
