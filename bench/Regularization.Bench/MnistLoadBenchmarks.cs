using System.Buffers.Binary;
using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Regularization.Training;

namespace Regularization.Bench;

/// <summary>
/// Reading the four shipped MNIST gzip IDX files (images and labels, training and test): the reader as it was before
/// the robustness work (baseline: a buffer sized from the gzip trailer, a byte-at-a-time table CRC-32 over the
/// decompressed 55 MB, two copies) against today's <see cref="IdxReader"/> (GZipStream's own CRC check, one buffer of
/// exactly the declared size). The baseline is kept here, and only here, to measure the change.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
[MemoryDiagnoser]
public class MnistLoadBenchmarks
{
    private static readonly string[] Files =
        [MnistDataset.TrainImagesFile, MnistDataset.TrainLabelsFile, MnistDataset.TestImagesFile, MnistDataset.TestLabelsFile];

    private string[] _paths = null!;

    [GlobalSetup]
    public void Setup() => _paths = Files.Select(f => Path.Combine(MnistDataset.DefaultDirectory, f + ".gz")).ToArray();

    [Benchmark(Baseline = true, Description = "before: trailer-sized buffer + table CRC-32")]
    public long Before()
    {
        long total = 0;
        foreach (var path in _paths)
        {
            total += LegacyRead(path).Length;
        }

        return total;
    }

    [Benchmark(Description = "now: IdxReader (GZipStream's CRC check only)")]
    public long Now()
    {
        long total = 0;
        total += IdxReader.ReadImages(_paths[0]).Pixels.Length;
        total += IdxReader.ReadLabels(_paths[1]).Length;
        total += IdxReader.ReadImages(_paths[2]).Pixels.Length;
        total += IdxReader.ReadLabels(_paths[3]).Length;
        return total;
    }

    /// <summary>The decompression and checks of Idx.cs at commit 1fde2bf (header parsing left out: it costs nothing).</summary>
    private static byte[] LegacyRead(string path)
    {
        var raw = File.ReadAllBytes(path);
        var expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 8));
        var expectedSize = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 4));
        byte[] data;
        using (var gzip = new GZipStream(new MemoryStream(raw, writable: false), CompressionMode.Decompress))
        using (var output = new MemoryStream(expectedSize <= 1u << 30 ? (int)expectedSize : 0))
        {
            gzip.CopyTo(output);
            data = output.Length == output.Capacity ? output.GetBuffer() : output.ToArray();
        }

        if ((uint)data.Length != expectedSize || TableCrc32(data) != expectedCrc)
        {
            throw new InvalidDataException(path);
        }

        var header = BinaryPrimitives.ReadInt32BigEndian(data) == IdxReader.ImagesMagic ? 16 : 8;
        return data.AsSpan(header).ToArray();
    }

    private static readonly uint[] Table = BuildTable();

    private static uint TableCrc32(ReadOnlySpan<byte> data)
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
