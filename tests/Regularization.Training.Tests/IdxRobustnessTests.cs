using System.Buffers.Binary;
using System.Diagnostics;
using Regularization.Training.Tests.Fuzz;

namespace Regularization.Training.Tests;

/// <summary>
/// The IDX reader under hostile input: memory bounded by the declared sizes (never by the gzip trailer), gzip bombs
/// stopped early, dimension products that overflow, empty sets, and paths that are not regular files.
/// </summary>
public sealed class IdxRobustnessTests : IDisposable
{
    private readonly string _dir = TestUtil.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_gzip_trailer_claiming_a_gigabyte_allocates_nothing_of_the_kind()
    {
        // A valid gzip of 5 labels whose trailer (length mod 2^32) says 1 GiB: the old reader sized its buffer from it.
        var gz = IdxBytes.Gzip(IdxBytes.Labels(1, 2, 3, 4, 5));
        BinaryPrimitives.WriteUInt32LittleEndian(gz.AsSpan(gz.Length - 4), 1u << 30);
        var path = Write("liar.gz", gz);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(path, e.FilePath);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated to read a {gz.Length}-byte file");
    }

    [Fact]
    public void A_gzip_bomb_is_rejected_after_the_bytes_its_header_declares()
    {
        // 10 labels declared, then 64 MiB of zeros: about 64 KB compressed.
        var raw = new byte[8 + (64 << 20)];
        IdxBytes.Labels(new byte[10]).CopyTo(raw, 0);
        BinaryPrimitives.WriteInt32BigEndian(raw.AsSpan(4), 10);
        var path = Write("bomb-labels.gz", IdxBytes.Gzip(raw));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(path, e.FilePath);
        Assert.Equal(
            "unexpected bytes follow the data: the header declares 10 labels (10 bytes after the header), but the gzip stream holds more (decompression stopped there).",
            e.Problem);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated");
    }

    [Fact]
    public void A_header_declaring_more_than_deflate_can_expand_to_is_rejected_before_allocating()
    {
        // 100 million images of 28x28 declared in a file of a few dozen bytes.
        var path = Write("huge.gz", IdxBytes.Gzip(IdxBytes.Images(100_000_000, 28, 28, [])));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(
            $"the header declares 100000000 images of 28x28 (78400000000 bytes after the header), more than the {Array.MaxLength} bytes an array can hold.",
            e.Problem);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated");

        // 50 million labels declared in a few dozen bytes: possible for an array, impossible for deflate.
        var declared = IdxBytes.Labels([]);
        BinaryPrimitives.WriteInt32BigEndian(declared.AsSpan(4), 50_000_000);
        var liar = Write("liar-labels.gz", IdxBytes.Gzip(declared));
        var size = new FileInfo(liar).Length;
        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(liar));
        Assert.Equal(
            $"the header declares 50000000 labels (50000000 bytes after the header), but a gzip file of {size} bytes decompresses to at most {size * IdxReader.MaxDeflateRatio} bytes (deflate expands at most 1032:1): the file is truncated or its header is wrong.",
            ex.Problem);
    }

    [Fact]
    public void A_truncated_stream_behind_a_header_claiming_much_more_costs_what_it_holds()
    {
        // 50 MB of labels declared; the stream holds 60 KB of noise (so deflate's 1032:1 limit allows the claim) and
        // 5 MB of zeros, then ends. The reader must not allocate the 50 MB the header claims.
        var noise = new byte[60_000];
        new Random(3).NextBytes(noise);
        var content = new byte[8 + noise.Length + (5 << 20)];
        IdxBytes.Labels([]).CopyTo(content, 0);
        BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(4), 50_000_000);
        noise.CopyTo(content, 8);
        var path = Write("truncated-liar.gz", IdxBytes.Gzip(content));
        Assert.True(50_000_008 <= new FileInfo(path).Length * IdxReader.MaxDeflateRatio, "the claim must pass the deflate-ratio check");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(
            $"the gzip file is truncated or corrupt: it decompresses to {content.Length} bytes, fewer than the 50000008 its IDX header declares (50000000 labels).",
            e.Problem);
        Assert.True(allocated < 12 << 20, $"{allocated} bytes allocated for a stream of {content.Length} bytes claiming 50 MB");
    }

    [Fact]
    public void Highly_compressible_data_that_is_complete_is_read_exactly()
    {
        // 4 MB of zeros in a few KB: read through the chunked path, and accepted.
        var raw = IdxBytes.Images(4096, 32, 32, new byte[4096 * 1024]);
        var path = Write("zeros.gz", IdxBytes.Gzip(raw));
        var images = IdxReader.ReadImages(path);
        Assert.Equal((4096, 32, 32, 4096 * 1024), (images.Count, images.Rows, images.Columns, images.Pixels.Length));
        Assert.True(images.Pixels.All(p => p == 0));
    }

    [Theory]
    [InlineData(0, 1 << 30, 1 << 30)]
    [InlineData(1, 46341, 46341)]
    [InlineData(0, int.MaxValue, 2)]
    public void Images_whose_pixel_count_overflows_are_a_format_error(int count, int rows, int columns)
    {
        var path = Write($"overflow-{rows}x{columns}", IdxBytes.Images(count, rows, columns, []));
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal(path, e.FilePath);
        Assert.Equal(
            $"the header declares images of {rows}x{columns} = {(long)rows * columns} pixels; an image may have at most {int.MaxValue} pixels.", e.Problem);
    }

    [Fact]
    public void A_data_set_without_images_is_a_format_error_naming_the_file()
    {
        WriteMnist(IdxBytes.Images(0, 28, 28, []), IdxBytes.Labels(), IdxBytes.Images(1, 28, 28, new byte[784]), IdxBytes.Labels(3));
        var e = Assert.Throws<IdxFormatException>(() => MnistDataset.Load(_dir));
        Assert.Equal(Path.Combine(_dir, MnistDataset.TrainImagesFile), e.FilePath);
        Assert.Equal("it holds no images; a data set needs at least one.", e.Problem);
    }

    [Fact]
    public void A_file_given_as_the_data_folder_is_called_a_file()
    {
        var file = Write("not-a-folder", [1, 2, 3]);
        var e = Assert.Throws<DirectoryNotFoundException>(() => MnistDataset.Load(file));
        Assert.Equal($"{file}: it is a file, not a folder; give the folder that holds the four MNIST IDX files.", e.Message);
    }

    [Fact]
    public async Task Devices_fifos_and_folders_are_refused_without_opening_them()
    {
        // Linux (statx); elsewhere the kind of path is not checked.
        var zero = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages("/dev/zero"));
        Assert.Equal("it is a character device, not a regular file; IDX data is read from regular files only.", zero.Problem);

        var fifo = Path.Combine(_dir, "fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Opening a FIFO for reading blocks until a writer appears: the reader must not open it at all.
        var read = Task.Run(() => Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(fifo)));
        var finished = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(finished == read, "reading a FIFO hung");
        Assert.Equal("it is a FIFO (named pipe), not a regular file; IDX data is read from regular files only.", (await read).Problem);

        var folder = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(_dir));
        Assert.Equal("it is a folder, not an IDX file.", folder.Problem);

        // A symbolic link to a regular file is followed.
        var target = Write("labels", IdxBytes.Labels(1, 2));
        var link = Path.Combine(_dir, "link");
        File.CreateSymbolicLink(link, target);
        Assert.Equal([1, 2], IdxReader.ReadLabels(link));
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private void WriteMnist(byte[] trainImages, byte[] trainLabels, byte[] testImages, byte[] testLabels)
    {
        Write(MnistDataset.TrainImagesFile, trainImages);
        Write(MnistDataset.TrainLabelsFile, trainLabels);
        Write(MnistDataset.TestImagesFile, testImages);
        Write(MnistDataset.TestLabelsFile, testLabels);
    }
}
