using MathNet.Numerics.LinearAlgebra;
using Regularization.Training;

namespace Regularization.Training.Tests;

/// <summary>
/// Gather, GatherRange and ToMatrix turn each byte into <c>(T)p / (T)255</c> with hardware vectors and the rest through
/// a table: every byte value, in the vector body and in the tail, must give those bits in both element types.
/// </summary>
public class ImageSetConversionTests
{
    // 3 images of 1x331 pixels (331 is prime: no vector width divides it, so each image ends in a tail), every byte
    // value at several positions.
    private static readonly byte[] Pixels = Enumerable.Range(0, 3 * 331).Select(i => (byte)((i * 37) + (i / 256))).ToArray();

    private static ImageSet Set() => new(Pixels, [0, 1, 2], 1, 331, 3);

    private static void Check<T>(Matrix<T> m, int[] images)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var data = m.AsColumnMajorArray();
        for (var j = 0; j < images.Length; j++)
        {
            for (var k = 0; k < 331; k++)
            {
                var p = Pixels[(images[j] * 331) + k];
                var expected = T.CreateTruncating(p) / T.CreateTruncating(255);
                Assert.True(expected.Equals(data[(j * 331) + k]), $"image {images[j]}, pixel {k}: byte {p} gave {data[(j * 331) + k]}, expected {expected}");
            }
        }
    }

    private static void All<T>()
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Assert.Equal(256, Pixels.Distinct().Count());
        var gathered = Matrix<T>.Build.Dense(331, 3);
        Set().Gather([2, 0, 1], gathered, new int[3]);
        Check(gathered, [2, 0, 1]);
        var range = Matrix<T>.Build.Dense(331, 2);
        Set().GatherRange(1, range, new int[2]);
        Check(range, [1, 2]);
        Check(Set().ToMatrix<T>(), [0, 1, 2]);
    }

    [Fact]
    public void Every_byte_value_converts_to_the_exact_quotient_in_float32() => All<float>();

    [Fact]
    public void Every_byte_value_converts_to_the_exact_quotient_in_float64() => All<double>();
}
