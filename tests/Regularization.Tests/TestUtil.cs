using System.Runtime.CompilerServices;

namespace Regularization.Tests;

/// <summary>Helpers shared by the tests.</summary>
internal static class TestUtil
{
    public static Matrix<double> M(int rows, int cols, params double[] columnMajor) =>
        Matrix<double>.Build.Dense(rows, cols, columnMajor);

    public static ParamSet Set(params (string Name, Matrix<double> Value)[] items) =>
        new(items.Select(i => new Param(i.Name, i.Value)));

    public static ParamSet Random(int seed, params (string Name, int Rows, int Cols)[] shapes)
    {
        var rng = new Random(seed);
        return new ParamSet(shapes.Select(s =>
            new Param(s.Name, Matrix<double>.Build.Dense(s.Rows, s.Cols, (_, _) => (rng.NextDouble() * 2) - 1))));
    }

    /// <summary>True when every element has the same bits.</summary>
    public static bool BitwiseEqual(ParamSet a, ParamSet b) => a.BitwiseEquals(b);

    public static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(SourceDirectory());
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Regularization.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Regularization.sln not found above the test sources.");
    }
}
