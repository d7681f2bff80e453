using System.Buffers.Binary;
using System.Text.Json;

namespace Regularization.Cli.Tests;

/// <summary><c>--data</c> takes any folder of MNIST-style IDX files; the network's input layer follows the image size.</summary>
[Collection("in-process")]
public sealed class DataTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_folder_of_raw_idx_files_with_other_image_sizes_trains()
    {
        // 300 training and 100 test images of 6x5 pixels: class k lights pixel k (plus noise), raw (not gzip) IDX files.
        var random = new Random(1);
        Write("train", 300, random);
        Write("t10k", 100, random);

        var r = CliRunner.Run("train", "--data", _folder.Path, "--epochs", "3", "--lr", "0.5", "--batch-size", "10", "--provider", "managed", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        using var document = JsonDocument.Parse(r.Out);
        var root = document.RootElement;
        Assert.Equal([30, 128, 10], root.GetProperty("Options").GetProperty("LayerSizes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(300, root.GetProperty("TrainImages").GetInt32());
        Assert.Equal(_folder.Path, root.GetProperty("DataDirectory").GetString());
        Assert.True(root.GetProperty("TestAccuracyPercent").GetDouble() > 50, r.Out);
    }

    private void Write(string prefix, int count, Random random)
    {
        const int rows = 6, columns = 5;
        var labels = new byte[count];
        var pixels = new byte[count * rows * columns];
        for (var i = 0; i < count; i++)
        {
            labels[i] = (byte)random.Next(10);
            for (var p = 0; p < rows * columns; p++)
            {
                pixels[(i * rows * columns) + p] = (byte)random.Next(40);
            }

            pixels[(i * rows * columns) + labels[i]] = 255;
        }

        File.WriteAllBytes(_folder.File($"{prefix}-images-idx3-ubyte"), [.. Header(0x803, count, rows, columns), .. pixels]);
        File.WriteAllBytes(_folder.File($"{prefix}-labels-idx1-ubyte"), [.. Header(0x801, count), .. labels]);
    }

    private static byte[] Header(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }
}
