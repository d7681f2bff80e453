using System.Buffers.Binary;

namespace Regularization.Cli.Tests;

/// <summary>
/// A tiny MNIST-like data set (raw IDX files: 64 training and 16 test images of 8x8 pixels) for runs that must be
/// fast: with batch 64 an epoch is one step, so a child process saves a checkpoint every few milliseconds.
/// </summary>
internal static class TinyData
{
    public static string Write(string folder, int train = 64, int test = 16, int side = 8)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(11);
        Write(Path.Combine(folder, "train-images-idx3-ubyte"), Images(random, train, side));
        Write(Path.Combine(folder, "train-labels-idx1-ubyte"), Labels(train));
        Write(Path.Combine(folder, "t10k-images-idx3-ubyte"), Images(random, test, side));
        Write(Path.Combine(folder, "t10k-labels-idx1-ubyte"), Labels(test));
        return folder;
    }

    public static byte[] Images(Random random, int count, int side)
    {
        var bytes = new byte[16 + (count * side * side)];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), side);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), side);
        random.NextBytes(bytes.AsSpan(16));
        return bytes;
    }

    public static byte[] Labels(int count)
    {
        var bytes = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        for (var i = 0; i < count; i++)
        {
            bytes[8 + i] = (byte)(i % 10);
        }

        return bytes;
    }

    private static void Write(string path, byte[] bytes) => File.WriteAllBytes(path, bytes);
}
