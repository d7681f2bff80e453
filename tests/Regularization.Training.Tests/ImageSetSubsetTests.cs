using Regularization.Training;

namespace Regularization.Training.Tests;

public class ImageSetSubsetTests
{
    private static ImageSet Set()
    {
        // 5 images of 1x2 pixels: image i has pixels (10i, 10i + 1) and label i % 3.
        var pixels = Enumerable.Range(0, 5).SelectMany(i => new[] { (byte)(10 * i), (byte)((10 * i) + 1) }).ToArray();
        return new ImageSet(pixels, [0, 1, 2, 0, 1], 1, 2, 3);
    }

    [Fact]
    public void Subset_copies_the_images_in_the_given_order()
    {
        var s = Set().Subset([4, 0, 4, 2]);
        Assert.Equal(4, s.Count);
        Assert.Equal(new byte[] { 40, 41, 0, 1, 40, 41, 20, 21 }, s.Pixels.ToArray());
        Assert.Equal(new byte[] { 1, 0, 1, 2 }, s.Labels.ToArray());
        Assert.Equal((1, 2, 3), (s.Rows, s.Columns, s.ClassCount));
        Assert.Equal(0, Set().Subset([]).Count);
        Assert.Equal(Set().Slice(1, 3).Fingerprint, Set().Subset([1, 2, 3]).Fingerprint);
    }

    [Fact]
    public void Subset_names_an_index_outside_the_set()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Set().Subset([1, 5]));
        Assert.StartsWith("Index 5 at position 1 is outside the set of 5 images.", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Set().Subset([-1]));
    }

    [Fact]
    public void Gather_names_a_bad_index_and_writes_nothing()
    {
        // The indices are checked before any image is copied, so a refused batch leaves the buffers as they were.
        var destination = MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(2, 3, 7f);
        var labels = new[] { 9, 9, 9 };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Set().Gather<float>([4, 0, 5], destination, labels));
        Assert.StartsWith("Index 5 at position 2 is outside the set of 5 images.", e.Message, StringComparison.Ordinal);
        Assert.All(destination.AsColumnMajorArray(), x => Assert.Equal(7f, x));
        Assert.Equal([9, 9, 9], labels);

        Set().Gather<float>([4, 0, 2], destination, labels);
        Assert.Equal(new[] { 40f / 255, 41f / 255, 0f, 1f / 255, 20f / 255, 21f / 255 }, destination.AsColumnMajorArray());
        Assert.Equal([1, 0, 2], labels);
    }

    [Fact]
    public void A_read_observer_sees_every_read()
    {
        var reads = new List<string>();
        var observed = Set().ObserveReads(reads.Add);
        Assert.Equal(5, observed.Count);
        Assert.Empty(reads);
        _ = observed.Subset([0]);
        _ = observed.ToMatrix<double>();
        _ = observed.Take(2);
        _ = observed.Label(0);
        Assert.Equal(["Subset", "ToMatrix", "Slice", "Label"], reads);
    }
}
