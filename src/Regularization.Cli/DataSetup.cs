using Regularization.Training;

namespace Regularization.Cli;

/// <summary>The training and test images a command runs on.</summary>
internal sealed record DataSets(ImageSet Train, ImageSet Test, string Directory, int FullTrainCount, int FullTestCount)
{
    /// <summary>For example <c>MNIST (2000 of 60000 training, 500 of 10000 test images) from Data/mnist</c>.</summary>
    public string Describe()
    {
        static string Part(int used, int full, string what) => used == full ? $"{used} {what}" : $"{used} of {full} {what}";
        return $"{Part(Train.Count, FullTrainCount, "training")}, {Part(Test.Count, FullTestCount, "test")} images of {Train.Rows}x{Train.Columns} from {Directory}";
    }
}

/// <summary>Loads the data for a command; every problem becomes a data error (<see cref="ExitCodes.Data"/>).</summary>
internal static class DataSetup
{
    /// <summary>
    /// Loads the data and takes the first <paramref name="trainLimit"/> and <paramref name="testLimit"/> images. A limit
    /// above the set's size uses the whole set and says so on standard error (one line naming the option and the size;
    /// it is not a failure, the run goes on), unless the limit was not the user's (<paramref name="trainLimitGiven"/>:
    /// a resumed run takes the checkpoint's training-set size).
    /// </summary>
    public static DataSets Load(CliHost host, string? directory, int? trainLimit, int? testLimit, bool trainLimitGiven = true)
    {
        var folder = directory ?? MnistDataset.DefaultDirectory;
        MnistDataset mnist;
        try
        {
            mnist = MnistDataset.Load(folder);
        }
        catch (Exception e) when (e is IdxFormatException or FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            var hint = directory is null ? " (the MNIST shipped with the program is missing; give a folder with --data)" : string.Empty;
            throw new CliException(ExitCodes.Data, $"data: {e.Message.TrimEnd('.')}{hint}.", e);
        }

        var train = Limit(host, mnist.Train, trainLimit, trainLimitGiven, "--train-limit", "training", folder);
        var test = Limit(host, mnist.Test, testLimit, true, "--test-limit", "test", folder);
        return new DataSets(train, test, folder, mnist.Train.Count, mnist.Test.Count);
    }

    private static ImageSet Limit(CliHost host, ImageSet set, int? limit, bool given, string option, string what, string folder)
    {
        if (limit is not { } n)
        {
            return set;
        }

        if (n > set.Count && given)
        {
            host.Err.WriteLine($"warning: {option} {n} is more than the {set.Count} {what} images in {folder}; using all {set.Count}.");
            host.Err.Flush();
        }

        return set.Take(n);
    }
}
