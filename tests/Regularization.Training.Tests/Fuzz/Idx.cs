using System.Buffers.Binary;
using System.IO.Compression;

namespace Regularization.Training.Tests.Fuzz;

/// <summary>Builds IDX files (raw and gzip) for the robustness and fuzz tests.</summary>
internal static class IdxBytes
{
    public static byte[] Images(int count, int rows, int columns, byte[] pixels)
    {
        var bytes = new byte[16 + pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxReader.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        pixels.CopyTo(bytes.AsSpan(16));
        return bytes;
    }

    public static byte[] Labels(params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxReader.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes.AsSpan(8));
        return bytes;
    }

    public static byte[] Gzip(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Gunzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress))
        {
            gzip.CopyTo(output);
        }

        return output.ToArray();
    }
}
