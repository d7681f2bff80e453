using System.Runtime.CompilerServices;

// The tests measure allocations and timings and change MathNet's global parallelism in places: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Regularization.Training.Tests;

/// <summary>Helpers shared by the tests.</summary>
internal static class TestUtil
{
    private static readonly Lazy<MnistDataset> Mnist = new(MnistDataset.LoadDefault);

    /// <summary>The full MNIST shipped with the library (loaded once per test run).</summary>
    public static MnistDataset FullMnist => Mnist.Value;

    /// <summary>The first 2,000 training and 500 test images.</summary>
    public static (ImageSet Train, ImageSet Test) Slice(int train = 2000, int test = 500) =>
        (FullMnist.Train.Take(train), FullMnist.Test.Take(test));

    /// <summary>True when every element has the same bits.</summary>
    public static bool BitwiseEqual<T>(ParamSet<T> a, ParamSet<T> b)
        where T : struct, IEquatable<T>, IFormattable => a.BitwiseEquals(b);

    /// <summary>Largest absolute element-wise difference of two sets of the same layout.</summary>
    public static double MaxAbsDifference(ParamSet<double> a, ParamSet<double> b)
    {
        Assert.True(a.HasSameLayout(b));
        var max = 0.0;
        for (var i = 0; i < a.Count; i++)
        {
            var x = a[i].Value.AsColumnMajorArray();
            var y = b[i].Value.AsColumnMajorArray();
            for (var k = 0; k < x.Length; k++)
            {
                max = Math.Max(max, Math.Abs(x[k] - y[k]));
            }
        }

        return max;
    }

    public static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    /// <summary>A fresh empty folder under the system temp folder.</summary>
    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "regularization-training-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
