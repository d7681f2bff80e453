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
/// header declares, and, for gzip, the length in the gzip trailer (.NET's <see cref="GZipStream"/> checks the CRC-32
/// but decompresses a truncated stream silently). Every problem is an <see cref="IdxFormatException"/> naming the file.
/// </summary>
/// <remarks>
/// <para>
/// Compression is recognized by the gzip signature (<c>1F 8B</c>), whatever the file name; a file named <c>.gz</c>
/// without that signature is an error. Only single-member gzip files are supported (the MNIST files are).
/// </para>
/// <para>
/// Memory is bounded by what the header declares, never by the gzip trailer or the file: the reader decompresses the
/// header first, checks that the declared data is possible (at most <see cref="Array.MaxLength"/> bytes, images of at
/// most <see cref="int.MaxValue"/> pixels, and for gzip at most <see cref="MaxDeflateRatio"/> times the compressed size,
/// deflate's limit), allocates exactly that (for gzip that claims more than 32 times its size, only once that much has
/// really decompressed, so a truncated stream behind a lying header costs what it holds), and stops at the first byte
/// beyond it, so a gzip bomb is rejected after decompressing no more than its header declares. Paths that are not regular files (folders, <c>/dev/zero</c>,
/// FIFOs, sockets) are rejected before they are opened, so reading never hangs.
/// </para>
/// </remarks>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned bytes with 3 dimensions (images): <c>0x00000803</c>.</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned bytes with 1 dimension (labels): <c>0x00000801</c>.</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>
    /// The most a deflate stream can expand: 1032 output bytes per input byte (a 258-byte match coded in 2 bits). A
    /// gzip file whose header declares more than this times its size is truncated or lies, and is rejected before any
    /// allocation.
    /// </summary>
    public const int MaxDeflateRatio = 1032;

    /// <summary>Reads an images file (magic <c>0x00000803</c>: count, rows, columns, then the pixels).</summary>
    /// <param name="path">The file, raw or gzip.</param>
    /// <returns>The images.</returns>
    /// <exception cref="IdxFormatException">The file is malformed or not a regular file; the message says how.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxImages ReadImages(string path)
    {
        using var source = IdxSource.Open(path);
        var dims = source.ReadHeader(ImagesMagic, "an images file", 3);
        var (count, rows, columns) = (dims[0], dims[1], dims[2]);
        if (rows == 0 || columns == 0)
        {
            throw new IdxFormatException(path, $"the header declares images of {rows}x{columns} pixels; rows and columns must be at least 1.");
        }

        if ((long)rows * columns > int.MaxValue)
        {
            throw new IdxFormatException(
                path, $"the header declares images of {rows}x{columns} = {(long)rows * columns} pixels; an image may have at most {int.MaxValue} pixels.");
        }

        var pixels = source.ReadData((long)count * rows * columns, $"{count} images of {rows}x{columns}");
        return new IdxImages(count, rows, columns, pixels);
    }

    /// <summary>Reads a labels file (magic <c>0x00000801</c>: count, then one byte per label).</summary>
    /// <param name="path">The file, raw or gzip.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="IdxFormatException">The file is malformed or not a regular file; the message says how.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static byte[] ReadLabels(string path)
    {
        using var source = IdxSource.Open(path);
        var dims = source.ReadHeader(LabelsMagic, "a labels file", 1);
        return source.ReadData(dims[0], $"{dims[0]} labels");
    }

    /// <summary>The file's bytes, decompressed when it is gzip (header and data; tests hash them).</summary>
    /// <param name="path">The file.</param>
    internal static byte[] ReadAllBytes(string path)
    {
        using var source = IdxSource.Open(path);
        return source.ReadToEnd();
    }

    /// <summary>One IDX file being read: the raw file, or a gzip stream over it.</summary>
    private sealed class IdxSource : IDisposable
    {
        /// <summary>Expansion real IDX data reaches in gzip (MNIST: about 5:1); up to this the declared size is allocated at once.</summary>
        private const long TrustedRatio = 32;

        private readonly string _path;
        private readonly FileStream _file;
        private readonly GZipStream? _gzip;
        private readonly long _fileLength;
        private readonly uint _trailerLength;
        private int _headerLength;

        private IdxSource(string path, FileStream file, GZipStream? gzip, long fileLength, uint trailerLength)
        {
            _path = path;
            _file = file;
            _gzip = gzip;
            _fileLength = fileLength;
            _trailerLength = trailerLength;
        }

        public static IdxSource Open(string path)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(path);
            switch (Internal.FileSystem.KindOf(path))
            {
                case null:
                    throw new FileNotFoundException($"{path}: the file does not exist.", path);
                case Internal.PathKind.RegularFile:
                    break;
                case Internal.PathKind.Directory:
                    throw new IdxFormatException(path, "it is a folder, not an IDX file.");
                case var kind:
                    throw new IdxFormatException(path, $"it is {Internal.FileSystem.Describe(kind.Value)}, not a regular file; IDX data is read from regular files only.");
            }

            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            try
            {
                var length = file.Length;
                Span<byte> signature = stackalloc byte[2];
                var isGzip = Fill(file, signature) == 2 && signature[0] == 0x1F && signature[1] == 0x8B;
                file.Position = 0;
                if (!isGzip)
                {
                    if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new IdxFormatException(path, "the name ends in .gz but the file does not start with the gzip signature 1F 8B.");
                    }

                    return new IdxSource(path, file, null, length, 0);
                }

                // A gzip member is at least 18 bytes: a 10-byte header and an 8-byte trailer (CRC-32 and length mod 2^32).
                if (length < 18)
                {
                    throw new IdxFormatException(path, $"the gzip file is truncated: {length} bytes, fewer than the 18 of an empty gzip member.");
                }

                Span<byte> trailer = stackalloc byte[4];
                file.Position = length - 4;
                Fill(file, trailer);
                file.Position = 0;
                var gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
                return new IdxSource(path, file, gzip, length, BinaryPrimitives.ReadUInt32LittleEndian(trailer));
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        public int[] ReadHeader(int magic, string kind, int dimensions)
        {
            Span<byte> header = stackalloc byte[4 + (4 * dimensions)];
            var magicBytes = Read(header[..4]);
            if (magicBytes < 4)
            {
                throw new IdxFormatException(_path, $"the file has {magicBytes} bytes, too few for the 4-byte IDX magic number.");
            }

            var actual = BinaryPrimitives.ReadInt32BigEndian(header);
            if (actual != magic)
            {
                var what = actual switch
                {
                    ImagesMagic => " (the magic of an images file)",
                    LabelsMagic => " (the magic of a labels file)",
                    _ => string.Empty,
                };
                throw new IdxFormatException(
                    _path,
                    $"bad magic number 0x{actual:X8}{what}; {kind} starts with 0x{magic:X8} (unsigned bytes, {dimensions} dimension{(dimensions == 1 ? string.Empty : "s")}).");
            }

            var dimensionBytes = Read(header[4..]);
            if (dimensionBytes < header.Length - 4)
            {
                throw new IdxFormatException(
                    _path, $"the header is truncated: {dimensions} dimensions need {header.Length} bytes, the file has {4 + dimensionBytes}.");
            }

            var dims = new int[dimensions];
            for (var d = 0; d < dimensions; d++)
            {
                dims[d] = BinaryPrimitives.ReadInt32BigEndian(header[(4 + (4 * d))..]);
                if (dims[d] < 0)
                {
                    throw new IdxFormatException(_path, $"dimension {d} of the header is negative ({dims[d]}).");
                }
            }

            _headerLength = header.Length;
            return dims;
        }

        /// <summary>Reads exactly <paramref name="expected"/> data bytes after the header, and checks that nothing follows.</summary>
        public byte[] ReadData(long expected, string declared)
        {
            if (_gzip is null)
            {
                var available = _fileLength - _headerLength;
                if (available < expected)
                {
                    throw new IdxFormatException(
                        _path, $"the data is truncated: the header declares {declared} ({expected} bytes after the header), but only {available} bytes follow.");
                }

                if (available > expected)
                {
                    throw new IdxFormatException(
                        _path, $"{available - expected} unexpected bytes follow the data: the header declares {declared} ({expected} bytes after the header).");
                }
            }

            if (expected > Array.MaxLength)
            {
                throw new IdxFormatException(
                    _path, $"the header declares {declared} ({expected} bytes after the header), more than the {Array.MaxLength} bytes an array can hold.");
            }

            var limit = MaxDecompressedLength;
            if (_gzip is not null && _headerLength + expected > limit)
            {
                throw new IdxFormatException(
                    _path,
                    $"the header declares {declared} ({expected} bytes after the header), but a gzip file of {_fileLength} bytes decompresses to at most " +
                    $"{limit} bytes (deflate expands at most {MaxDeflateRatio}:1): the file is truncated or its header is wrong.");
            }

            // Raw data, and gzip that expands no more than real data does, go straight into one array of the declared
            // size. Beyond TrustedRatio (very regular data, or a header that lies about a truncated stream) the data is
            // first read in chunks, so a lie costs what really decompresses, not what the header claims.
            var trusted = _gzip is null || expected <= (TrustedRatio * _fileLength) + (1 << 20);
            byte[] data;
            long got;
            if (trusted)
            {
                data = Allocate(expected, declared);
                got = Read(data);
            }
            else
            {
                got = ReadChunked(expected, declared, out data);
            }

            if (got < expected)
            {
                throw _gzip is null
                    ? new IdxFormatException(
                        _path, $"the data is truncated: the header declares {declared} ({expected} bytes after the header), but only {got} bytes follow.")
                    : new IdxFormatException(
                        _path,
                        $"the gzip file is truncated or corrupt: it decompresses to {_headerLength + got} bytes, fewer than the {_headerLength + expected} its IDX header declares ({declared}).");
            }

            if (_gzip is not null)
            {
                Span<byte> probe = stackalloc byte[1];
                if (Read(probe) != 0)
                {
                    throw new IdxFormatException(
                        _path,
                        $"unexpected bytes follow the data: the header declares {declared} ({expected} bytes after the header), but the gzip stream holds more (decompression stopped there).");
                }

                CheckTrailer(_headerLength + expected);
            }

            return data;
        }

        /// <summary>Up to <paramref name="expected"/> bytes in 1 MiB chunks, then one array of exactly that size if they all came.</summary>
        private long ReadChunked(long expected, string declared, out byte[] data)
        {
            var chunks = new List<byte[]>();
            long got = 0;
            while (got < expected)
            {
                var chunk = GC.AllocateUninitializedArray<byte>((int)Math.Min(1 << 20, expected - got));
                var n = Read(chunk);
                chunks.Add(chunk);
                got += n;
                if (n < chunk.Length)
                {
                    data = [];
                    return got;
                }
            }

            data = Allocate(expected, declared);
            var at = 0;
            foreach (var chunk in chunks)
            {
                chunk.CopyTo(data, at);
                at += chunk.Length;
            }

            return got;
        }

        private byte[] Allocate(long length, string declared)
        {
            try
            {
                return GC.AllocateUninitializedArray<byte>((int)length);
            }
            catch (OutOfMemoryException e)
            {
                throw new IdxFormatException(_path, $"the header declares {declared} ({length} bytes after the header), more than this process can allocate.", e);
            }
        }

        /// <summary>Everything from the current position (raw: the rest of the file; gzip: bounded by <see cref="MaxDeflateRatio"/>).</summary>
        public byte[] ReadToEnd()
        {
            using var output = new MemoryStream();
            var buffer = new byte[1 << 16];
            int n;
            while ((n = Read(buffer)) > 0)
            {
                output.Write(buffer, 0, n);
                if (output.Length > Math.Min(MaxDecompressedLength, Array.MaxLength))
                {
                    throw new IdxFormatException(_path, $"the file decompresses to more than {MaxDecompressedLength} bytes (deflate expands at most {MaxDeflateRatio}:1).");
                }
            }

            if (_gzip is not null)
            {
                CheckTrailer(output.Length);
            }

            return output.ToArray();
        }

        public void Dispose()
        {
            _gzip?.Dispose();
            _file.Dispose();
        }

        private long MaxDecompressedLength => _gzip is null ? _fileLength : _fileLength * MaxDeflateRatio;

        private void CheckTrailer(long decompressed)
        {
            if ((uint)decompressed != _trailerLength)
            {
                throw new IdxFormatException(
                    _path,
                    $"the gzip file is truncated or corrupt: it decompresses to {decompressed} bytes, which do not match the length ({_trailerLength} mod 2^32) recorded in its last 4 bytes.");
            }
        }

        private int Read(Span<byte> destination)
        {
            if (_gzip is null)
            {
                return Fill(_file, destination);
            }

            try
            {
                return Fill(_gzip, destination);
            }
            catch (InvalidDataException e)
            {
                throw new IdxFormatException(_path, $"the gzip data is corrupt ({e.Message.TrimEnd('.')}).", e);
            }
        }

        /// <summary>Reads until <paramref name="destination"/> is full or the stream ends; returns the bytes read.</summary>
        private static int Fill(Stream stream, Span<byte> destination)
        {
            var total = 0;
            while (total < destination.Length)
            {
                var n = stream.Read(destination[total..]);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            return total;
        }
    }
}
