using System.Buffers.Binary;
using System.IO.Compression;

namespace Regularization.Training;

/// <summary>
/// An IDX file (or its gzip) is malformed: wrong magic number, impossible dimensions, truncated or trailing data, a
/// corrupt gzip stream, or labels that do not match their images. The message names the file and the problem.
/// </summary>
public sealed class IdxFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file at fault.</param>
    /// <param name="problem">What is wrong with it, in one sentence.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public IdxFormatException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The file at fault.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with the file (the message without the path).</summary>
    public string Problem { get; }
}

/// <summary>The images of an IDX file: <paramref name="Count"/> images of <paramref name="Rows"/> x <paramref name="Columns"/> unsigned bytes.</summary>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Rows per image.</param>
/// <param name="Columns">Columns per image.</param>
/// <param name="Pixels">The pixels, image after image, each row after row (<c>Count * Rows * Columns</c> bytes).</param>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels);

/// <summary>
/// Reads IDX files of unsigned bytes (the MNIST format), raw or gzip-compressed, and checks them: the magic number
/// (<see cref="ImagesMagic"/> or <see cref="LabelsMagic"/>), the dimensions, that the data is exactly as long as the
/// header declares, and, for gzip, the CRC-32 and length in the gzip trailer (a truncated gzip is otherwise
/// silently decompressed to fewer bytes). Every problem is an <see cref="IdxFormatException"/> naming the file.
/// </summary>
/// <remarks>
/// Compression is recognized by the gzip signature (<c>1F 8B</c>), whatever the file name; a file named <c>.gz</c>
/// without that signature is an error. Only single-member gzip files are supported (the MNIST files are).
/// </remarks>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned bytes with 3 dimensions (images): <c>0x00000803</c>.</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned bytes with 1 dimension (labels): <c>0x00000801</c>.</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an images file (magic <c>0x00000803</c>: count, rows, columns, then the pixels).</summary>
    /// <param name="path">The file, raw or gzip.</param>
    /// <returns>The images.</returns>
    /// <exception cref="IdxFormatException">The file is malformed; the message says how.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxImages ReadImages(string path)
    {
        var bytes = ReadAllBytes(path);
        var dims = ReadHeader(path, bytes, ImagesMagic, "an images file", 3);
        var (count, rows, columns) = (dims[0], dims[1], dims[2]);
        if (rows == 0 || columns == 0)
        {
            throw new IdxFormatException(path, $"the header declares images of {rows}x{columns} pixels; rows and columns must be at least 1.");
        }

        var pixels = CheckLength(path, bytes, 16, (long)count * rows * columns, $"{count} images of {rows}x{columns}");
        return new IdxImages(count, rows, columns, pixels);
    }

    /// <summary>Reads a labels file (magic <c>0x00000801</c>: count, then one byte per label).</summary>
    /// <param name="path">The file, raw or gzip.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="IdxFormatException">The file is malformed; the message says how.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static byte[] ReadLabels(string path)
    {
        var bytes = ReadAllBytes(path);
        var dims = ReadHeader(path, bytes, LabelsMagic, "a labels file", 1);
        return CheckLength(path, bytes, 8, dims[0], $"{dims[0]} labels");
    }

    /// <summary>The file's bytes, decompressed when it is gzip (checked against the gzip trailer).</summary>
    /// <param name="path">The file.</param>
    internal static byte[] ReadAllBytes(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: the file does not exist.", path);
        }

        var raw = File.ReadAllBytes(path);
        var isGzip = raw.Length >= 2 && raw[0] == 0x1F && raw[1] == 0x8B;
        if (!isGzip)
        {
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                throw new IdxFormatException(path, "the name ends in .gz but the file does not start with the gzip signature 1F 8B.");
            }

            return raw;
        }

        // A gzip member is at least 18 bytes: a 10-byte header and an 8-byte trailer (CRC-32 and length mod 2^32).
        if (raw.Length < 18)
        {
            throw new IdxFormatException(path, $"the gzip file is truncated: {raw.Length} bytes, fewer than the 18 of an empty gzip member.");
        }

        var expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 8));
        var expectedSize = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 4));
        byte[] data;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw, writable: false), CompressionMode.Decompress);
            using var output = new MemoryStream(expectedSize <= 1u << 30 ? (int)expectedSize : 0);
            gzip.CopyTo(output);
            data = output.Length == output.Capacity ? output.GetBuffer() : output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new IdxFormatException(path, $"the gzip data is corrupt ({e.Message}).", e);
        }

        if ((uint)data.Length != expectedSize || Crc32.Compute(data) != expectedCrc)
        {
            throw new IdxFormatException(
                path,
                $"the gzip file is truncated or corrupt: it decompresses to {data.Length} bytes, which do not match the " +
                $"length ({expectedSize} mod 2^32) and CRC-32 recorded in its last 8 bytes.");
        }

        return data;
    }

    private static int[] ReadHeader(string path, byte[] bytes, int magic, string kind, int dimensions)
    {
        if (bytes.Length < 4)
        {
            throw new IdxFormatException(path, $"the file has {bytes.Length} bytes, too few for the 4-byte IDX magic number.");
        }

        var actual = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (actual != magic)
        {
            var what = actual switch
            {
                ImagesMagic => " (the magic of an images file)",
                LabelsMagic => " (the magic of a labels file)",
                _ => string.Empty,
            };
            throw new IdxFormatException(
                path,
                $"bad magic number 0x{actual:X8}{what}; {kind} starts with 0x{magic:X8} (unsigned bytes, {dimensions} dimension{(dimensions == 1 ? string.Empty : "s")}).");
        }

        var headerLength = 4 + (4 * dimensions);
        if (bytes.Length < headerLength)
        {
            throw new IdxFormatException(path, $"the header is truncated: {dimensions} dimensions need {headerLength} bytes, the file has {bytes.Length}.");
        }

        var dims = new int[dimensions];
        for (var d = 0; d < dimensions; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + (4 * d)));
            if (dims[d] < 0)
            {
                throw new IdxFormatException(path, $"dimension {d} of the header is negative ({dims[d]}).");
            }
        }

        return dims;
    }

    private static byte[] CheckLength(string path, byte[] bytes, int headerLength, long expected, string declared)
    {
        var available = (long)bytes.Length - headerLength;
        if (available < expected)
        {
            throw new IdxFormatException(
                path, $"the data is truncated: the header declares {declared} ({expected} bytes after the header), but only {available} bytes follow.");
        }

        if (available > expected)
        {
            throw new IdxFormatException(
                path, $"{available - expected} unexpected bytes follow the data: the header declares {declared} ({expected} bytes after the header).");
        }

        return bytes.AsSpan(headerLength, (int)expected).ToArray();
    }
}

/// <summary>CRC-32 (IEEE 802.3, the gzip checksum), table-driven.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
