namespace Regularization.Training;

/// <summary>
/// The MNIST handwritten digits (Yann LeCun, Corinna Cortes and Christopher J.C. Burges; CC BY-SA 3.0): 60,000
/// training and 10,000 test images of 28x28 grey levels with labels 0-9. This library reads the IDX files; the data
/// itself is the package <c>Regularization.Datasets.Mnist</c> (kept apart for its licence and its 11 MB), which copies
/// the four gzip files to <c>Data/mnist</c> under the output folder of every program that references it
/// (<see cref="DefaultDirectory"/>). Without that package, <see cref="Load"/> reads any folder holding the files.
/// </summary>
/// <example>
/// <code>
/// // dotnet add package Regularization.Datasets.Mnist
/// var mnist = MnistDataset.LoadDefault();            // the copy that package put next to the program
/// var small = mnist.Train.Take(2000);                // a slice for a quick run
/// var mine = MnistDataset.Load("/data/mnist");       // or any folder with the four files, raw or .gz
/// </code>
/// </example>
public sealed class MnistDataset
{
    /// <summary>The training images file name, without <c>.gz</c>.</summary>
    public const string TrainImagesFile = "train-images-idx3-ubyte";

    /// <summary>The training labels file name, without <c>.gz</c>.</summary>
    public const string TrainLabelsFile = "train-labels-idx1-ubyte";

    /// <summary>The test images file name, without <c>.gz</c>.</summary>
    public const string TestImagesFile = "t10k-images-idx3-ubyte";

    /// <summary>The test labels file name, without <c>.gz</c>.</summary>
    public const string TestLabelsFile = "t10k-labels-idx1-ubyte";

    private MnistDataset(ImageSet train, ImageSet test, string directory)
    {
        Train = train;
        Test = test;
        Directory = directory;
    }

    /// <summary>The training set (60,000 images for the full MNIST).</summary>
    public ImageSet Train { get; }

    /// <summary>The test set (10,000 images for the full MNIST).</summary>
    public ImageSet Test { get; }

    /// <summary>The folder the files were read from.</summary>
    public string Directory { get; }

    /// <summary>
    /// Where the package <c>Regularization.Datasets.Mnist</c> puts MNIST: <c>Data/mnist</c> under the application's
    /// base directory (<see cref="AppContext.BaseDirectory"/>).
    /// </summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "Data", "mnist");

    /// <summary>
    /// Loads the copy that the package <c>Regularization.Datasets.Mnist</c> put next to the program, from
    /// <see cref="DefaultDirectory"/>.
    /// </summary>
    /// <returns>The dataset.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder is not there (the program does not reference <c>Regularization.Datasets.Mnist</c>); the message says so.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="IdxFormatException">A file is malformed.</exception>
    public static MnistDataset LoadDefault() => LoadDefault(DefaultDirectory);

    /// <summary><see cref="LoadDefault()"/> from a given folder (tests give one that does not exist).</summary>
    internal static MnistDataset LoadDefault(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException(
                $"{directory}: the MNIST folder does not exist; reference the package Regularization.Datasets.Mnist, which copies MNIST there, or read a folder of your own with MnistDataset.Load(directory).");
        }

        return Load(directory);
    }

    /// <summary>
    /// Loads the four MNIST files from a folder; each may be raw (<c>train-images-idx3-ubyte</c>) or gzip
    /// (<c>train-images-idx3-ubyte.gz</c>); the raw file is used when both exist. Checks every file (see
    /// <see cref="IdxReader"/>), that labels and images agree in number, that labels are 0-9 and that both sets have
    /// images of the same size, and that neither set is empty.
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist, or the path is a file.</exception>
    /// <exception cref="FileNotFoundException">A file is missing; the message names it and the folder.</exception>
    /// <exception cref="IdxFormatException">A file is malformed, or a set holds no images; the message names the file and the problem.</exception>
    public static MnistDataset Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (File.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: it is a file, not a folder; give the folder that holds the four MNIST IDX files.");
        }

        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: the MNIST folder does not exist.");
        }

        var train = LoadSet(directory, TrainImagesFile, TrainLabelsFile);
        var test = LoadSet(directory, TestImagesFile, TestLabelsFile);
        if (train.Set.Rows != test.Set.Rows || train.Set.Columns != test.Set.Columns)
        {
            throw new IdxFormatException(
                test.ImagesPath,
                $"its images are {test.Set.Rows}x{test.Set.Columns}, but the training images in {train.ImagesPath} are {train.Set.Rows}x{train.Set.Columns}.");
        }

        return new MnistDataset(train.Set, test.Set, directory);
    }

    /// <summary>The path of a file in a folder: raw if present, else <c>.gz</c>.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="name">The file name without <c>.gz</c>.</param>
    /// <exception cref="FileNotFoundException">Neither exists.</exception>
    public static string Locate(string directory, string name)
    {
        var raw = Path.Combine(directory, name);
        if (File.Exists(raw))
        {
            return raw;
        }

        var gz = raw + ".gz";
        if (File.Exists(gz))
        {
            return gz;
        }

        throw new FileNotFoundException($"{directory}: the MNIST file {name} (or {name}.gz) is not there.", gz);
    }

    private static (ImageSet Set, string ImagesPath) LoadSet(string directory, string imagesName, string labelsName)
    {
        var imagesPath = Locate(directory, imagesName);
        var labelsPath = Locate(directory, labelsName);
        var images = IdxReader.ReadImages(imagesPath);
        if (images.Count == 0)
        {
            throw new IdxFormatException(imagesPath, "it holds no images; a data set needs at least one.");
        }

        var labels = IdxReader.ReadLabels(labelsPath);
        if (labels.Length != images.Count)
        {
            throw new IdxFormatException(
                labelsPath, $"it holds {labels.Length} labels, but {imagesPath} holds {images.Count} images; they must be as many.");
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] > 9)
            {
                throw new IdxFormatException(labelsPath, $"label {i} is {labels[i]}; MNIST labels are digits 0-9.");
            }
        }

        return (ImageSet.Wrap(images.Pixels, labels, images.Rows, images.Columns, 10), imagesPath);
    }
}
