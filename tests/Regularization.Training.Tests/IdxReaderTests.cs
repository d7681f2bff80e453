using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Regularization.Training.Tests;

/// <summary>The IDX reader and the MNIST loader: the shipped files, and every kind of damaged file with its message.</summary>
public sealed class IdxReaderTests : IDisposable
{
    private readonly string _dir = TestUtil.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ShippedMnistLoadsWithTheKnownCountsLabelsAndHashes()
    {
        var mnist = TestUtil.FullMnist;
        Assert.Equal(60_000, mnist.Train.Count);
        Assert.Equal(10_000, mnist.Test.Count);
        Assert.Equal((28, 28), (mnist.Train.Rows, mnist.Train.Columns));
        Assert.Equal(784, mnist.Test.FeatureCount);
        Assert.Equal([5, 0, 4, 1, 9, 2, 1, 3, 1, 4], Enumerable.Range(0, 10).Select(mnist.Train.Label)); // MNIST's well-known first labels
        Assert.Equal([7, 2, 1, 0, 4, 1, 4, 9, 5, 9], Enumerable.Range(0, 10).Select(mnist.Test.Label));
        Assert.Equal(MnistDataset.DefaultDirectory, mnist.Directory);

        // The SHA-256 of the uncompressed files, as Data/mnist/README.md lists them.
        var expected = new Dictionary<string, string>
        {
            ["train-images-idx3-ubyte"] = "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            ["train-labels-idx1-ubyte"] = "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            ["t10k-images-idx3-ubyte"] = "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            ["t10k-labels-idx1-ubyte"] = "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        };
        foreach (var (name, hash) in expected)
        {
            var bytes = IdxReader.ReadAllBytes(Path.Combine(MnistDataset.DefaultDirectory, name + ".gz"));
            Assert.Equal(hash, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }

        var readme = File.ReadAllText(Path.Combine(MnistDataset.DefaultDirectory, "README.md"));
        Assert.Contains("CC BY-SA 3.0", readme, StringComparison.Ordinal);
        Assert.Contains("Yann LeCun, Corinna Cortes and Christopher J.C. Burges", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDefaultWithoutTheDataPackageNamesThePackage()
    {
        var missing = Path.Combine(_dir, "no-such-output", "Data", "mnist");

        var e = Assert.Throws<DirectoryNotFoundException>(() => MnistDataset.LoadDefault(missing));

        Assert.StartsWith($"{missing}: the MNIST folder does not exist; reference the package Regularization.Datasets.Mnist", e.Message, StringComparison.Ordinal);
        Assert.Contains("MnistDataset.Load(directory)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PixelsAreScaledAsToTensorDoes()
    {
        var test = TestUtil.FullMnist.Test;
        var m = test.Take(3).ToMatrix<double>();
        Assert.Equal(784, m.RowCount);
        var raw = test.Pixels.Span;
        for (var k = 0; k < 3 * 784; k++)
        {
            Assert.Equal(raw[k] / 255.0, m[k % 784, k / 784]);
        }

        Assert.Equal(1.0, m.Enumerate().Max());
        Assert.Equal(0.0, m.Enumerate().Min());
    }

    [Fact]
    public void RawAndGzipFilesReadTheSame()
    {
        var images = Images(3, 2, 2, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
        File.WriteAllBytes(Path.Combine(_dir, "a"), images);
        File.WriteAllBytes(Path.Combine(_dir, "a.gz"), Gzip(images));
        File.WriteAllBytes(Path.Combine(_dir, "compressed-without-extension"), Gzip(images));
        var raw = IdxReader.ReadImages(Path.Combine(_dir, "a"));
        Assert.Equal((3, 2, 2), (raw.Count, raw.Rows, raw.Columns));
        Assert.Equal(raw.Pixels, IdxReader.ReadImages(Path.Combine(_dir, "a.gz")).Pixels);
        Assert.Equal(raw.Pixels, IdxReader.ReadImages(Path.Combine(_dir, "compressed-without-extension")).Pixels);
        Assert.Equal([1, 2, 3], IdxReader.ReadLabels(Write("l", Labels(1, 2, 3))));
    }

    [Fact]
    public void BadMagicNumbers()
    {
        var labelsAsImages = Write("labels-as-images", Labels(1, 2, 3));
        AssertProblem(
            () => IdxReader.ReadImages(labelsAsImages),
            labelsAsImages,
            "bad magic number 0x00000801 (the magic of a labels file); an images file starts with 0x00000803 (unsigned bytes, 3 dimensions).");

        var imagesAsLabels = Write("images-as-labels", Images(1, 1, 1, [9]));
        AssertProblem(
            () => IdxReader.ReadLabels(imagesAsLabels),
            imagesAsLabels,
            "bad magic number 0x00000803 (the magic of an images file); a labels file starts with 0x00000801 (unsigned bytes, 1 dimension).");

        var floats = Images(1, 1, 1, [0, 0, 0, 0]);
        floats[2] = 0x0D; // IDX type 0x0D: floats
        var path = Write("floats", floats);
        AssertProblem(() => IdxReader.ReadImages(path), path, "bad magic number 0x00000D03; an images file starts with 0x00000803 (unsigned bytes, 3 dimensions).");

        var tiny = Write("tiny", [0, 0]);
        AssertProblem(() => IdxReader.ReadLabels(tiny), tiny, "the file has 2 bytes, too few for the 4-byte IDX magic number.");
    }

    [Fact]
    public void WrongDimensions()
    {
        var zeroRows = Write("zero-rows", Images(2, 0, 28, []));
        AssertProblem(() => IdxReader.ReadImages(zeroRows), zeroRows, "the header declares images of 0x28 pixels; rows and columns must be at least 1.");

        var negative = Images(1, 1, 1, [0]);
        BinaryPrimitives.WriteInt32BigEndian(negative.AsSpan(4), -5);
        var path = Write("negative", negative);
        AssertProblem(() => IdxReader.ReadImages(path), path, "dimension 0 of the header is negative (-5).");

        var shortHeader = Write("short-header", Images(1, 28, 28, new byte[784])[..10]);
        AssertProblem(() => IdxReader.ReadImages(shortHeader), shortHeader, "the header is truncated: 3 dimensions need 16 bytes, the file has 10.");

        // Training and test images of different sizes.
        WriteMnist(trainImages: Images(4, 28, 28, new byte[4 * 784]), testImages: Images(2, 20, 20, new byte[2 * 400]));
        var e = Assert.Throws<IdxFormatException>(() => MnistDataset.Load(_dir));
        Assert.Equal(Path.Combine(_dir, "t10k-images-idx3-ubyte"), e.FilePath);
        Assert.Equal($"its images are 20x20, but the training images in {Path.Combine(_dir, "train-images-idx3-ubyte")} are 28x28.", e.Problem);
    }

    [Fact]
    public void TruncatedAndTrailingData()
    {
        var full = Images(10, 28, 28, new byte[7840]);
        var cut = Write("cut", full[..^10]);
        AssertProblem(
            () => IdxReader.ReadImages(cut),
            cut,
            "the data is truncated: the header declares 10 images of 28x28 (7840 bytes after the header), but only 7830 bytes follow.");

        var labels = Write("labels-cut", Labels(1, 2, 3, 4)[..^1]);
        AssertProblem(() => IdxReader.ReadLabels(labels), labels, "the data is truncated: the header declares 4 labels (4 bytes after the header), but only 3 bytes follow.");

        var longer = Write("longer", [.. full, 1, 2, 3]);
        AssertProblem(() => IdxReader.ReadImages(longer), longer, "3 unexpected bytes follow the data: the header declares 10 images of 28x28 (7840 bytes after the header).");
    }

    [Fact]
    public void TruncatedOrCorruptGzip()
    {
        // The real test labels, gzip-compressed, cut at several places: .NET's GZipStream decompresses a truncated
        // stream without complaint, so the reader checks the data against the IDX header and the gzip trailer's length.
        var gz = File.ReadAllBytes(Path.Combine(MnistDataset.DefaultDirectory, "t10k-labels-idx1-ubyte.gz"));
        var cutTrailer = Write("cut-trailer.gz", gz[..^4]);
        AssertProblem(
            () => IdxReader.ReadLabels(cutTrailer),
            cutTrailer,
            $"the gzip file is truncated or corrupt: it decompresses to 10008 bytes, which do not match the length ({BinaryPrimitives.ReadUInt32LittleEndian(gz.AsSpan(gz.Length - 8))} mod 2^32) recorded in its last 4 bytes.");
        foreach (var keep in new[] { gz.Length - 100, gz.Length / 2 })
        {
            var path = Write($"cut-{keep}.gz", gz[..keep]);
            var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(path));
            Assert.Equal(path, e.FilePath);
            Assert.Matches(@"^the gzip file is truncated or corrupt: it decompresses to \d+ bytes, fewer than the 10008 its IDX header declares \(10000 labels\)\.$", e.Problem);
        }

        // A wrong CRC-32 in the trailer: GZipStream checks it (the reader no longer computes its own).
        var badCrc = (byte[])gz.Clone();
        badCrc[^8] ^= 0x01;
        var crcPath = Write("bad-crc.gz", badCrc);
        var crc = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(crcPath));
        Assert.Equal(crcPath, crc.FilePath);
        Assert.StartsWith("the gzip data is corrupt (", crc.Problem, StringComparison.Ordinal);

        var header = Write("header-only.gz", gz[..12]);
        AssertProblem(() => IdxReader.ReadLabels(header), header, "the gzip file is truncated: 12 bytes, fewer than the 18 of an empty gzip member.");

        var corrupt = (byte[])gz.Clone();
        for (var i = 100; i < 140; i++)
        {
            corrupt[i] ^= 0x5A;
        }

        var bad = Write("corrupt.gz", corrupt);
        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(bad));
        Assert.Equal(bad, ex.FilePath);
        Assert.Contains("gzip", ex.Problem, StringComparison.Ordinal);
        Assert.Contains("corrupt", ex.Problem, StringComparison.Ordinal);

        var notGzip = Write("plain.gz", Labels(1, 2));
        AssertProblem(() => IdxReader.ReadLabels(notGzip), notGzip, "the name ends in .gz but the file does not start with the gzip signature 1F 8B.");
    }

    [Fact]
    public void LabelAndImageCountsMustAgree()
    {
        WriteMnist(trainLabels: Labels([.. Enumerable.Repeat((byte)1, 3)]));
        var e = Assert.Throws<IdxFormatException>(() => MnistDataset.Load(_dir));
        var labels = Path.Combine(_dir, "train-labels-idx1-ubyte");
        Assert.Equal(labels, e.FilePath);
        Assert.Equal($"{labels}: it holds 3 labels, but {Path.Combine(_dir, "train-images-idx3-ubyte")} holds 4 images; they must be as many.", e.Message);
    }

    [Fact]
    public void LabelsMustBeDigitsAndFilesMustExist()
    {
        WriteMnist(testLabels: Labels(0, 12));
        var e = Assert.Throws<IdxFormatException>(() => MnistDataset.Load(_dir));
        Assert.Equal("label 1 is 12; MNIST labels are digits 0-9.", e.Problem);

        File.Delete(Path.Combine(_dir, "t10k-labels-idx1-ubyte"));
        var missing = Assert.Throws<FileNotFoundException>(() => MnistDataset.Load(_dir));
        Assert.Equal($"{_dir}: the MNIST file t10k-labels-idx1-ubyte (or t10k-labels-idx1-ubyte.gz) is not there.", missing.Message);

        WriteMnist();
        var small = MnistDataset.Load(_dir);
        Assert.Equal((4, 2), (small.Train.Count, small.Test.Count));
    }

    private static byte[] Images(int count, int rows, int columns, byte[] pixels)
    {
        var bytes = new byte[16 + pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxReader.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        pixels.CopyTo(bytes, 16);
        return bytes;
    }

    private static byte[] Labels(params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxReader.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static void AssertProblem(Action read, string path, string problem)
    {
        var e = Assert.Throws<IdxFormatException>(read);
        Assert.Equal(path, e.FilePath);
        Assert.Equal(problem, e.Problem);
        Assert.Equal($"{path}: {problem}", e.Message);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A small MNIST folder (4 training and 2 test images of 28x28, raw files), with parts replaceable.</summary>
    private void WriteMnist(byte[]? trainImages = null, byte[]? trainLabels = null, byte[]? testImages = null, byte[]? testLabels = null)
    {
        Write("train-images-idx3-ubyte", trainImages ?? Images(4, 28, 28, new byte[4 * 784]));
        Write("train-labels-idx1-ubyte", trainLabels ?? Labels(0, 1, 2, 3));
        Write("t10k-images-idx3-ubyte", testImages ?? Images(2, 28, 28, new byte[2 * 784]));
        Write("t10k-labels-idx1-ubyte", testLabels ?? Labels(4, 5));
    }
}
