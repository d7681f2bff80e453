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
    public static DataSets Load(string? directory, int? trainLimit, int? testLimit)
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

        var train = trainLimit is { } n ? mnist.Train.Take(n) : mnist.Train;
        var test = testLimit is { } m ? mnist.Test.Take(m) : mnist.Test;
        return new DataSets(train, test, folder, mnist.Train.Count, mnist.Test.Count);
    }
}
