using System.Runtime.CompilerServices;

namespace Regularization.Tests;

/// <summary>Helpers shared by the tests.</summary>
internal static class TestUtil
{
    public static Matrix<double> M(int rows, int cols, params double[] columnMajor) =>
        Matrix<double>.Build.Dense(rows, cols, columnMajor);

    /// <summary>
    /// A parameter set. By this helper's convention a one-column value named <c>b</c> or ending in <c>bias</c> is a
    /// rank-1 parameter (a bias, as PyTorch's <c>nn.Linear</c> has it); everything else is rank 2.
    /// </summary>
    public static ParamSet<double> Set(params (string Name, Matrix<double> Value)[] items) =>
        new(items.Select(i => IsBias(i.Name, i.Value) ? Param.Vector(i.Name, i.Value) : new Param<double>(i.Name, i.Value)));

    private static bool IsBias(string name, Matrix<double> value) =>
        value.ColumnCount == 1 && (name == "b" || name.EndsWith("bias", StringComparison.Ordinal));

    public static ParamSet<double> Random(int seed, params (string Name, int Rows, int Cols)[] shapes)
    {
        var rng = new Random(seed);
        return Set(shapes.Select(s => (s.Name, Matrix<double>.Build.Dense(s.Rows, s.Cols, (_, _) => (rng.NextDouble() * 2) - 1))).ToArray());
    }

    /// <summary>True when every element has the same bits.</summary>
    public static bool BitwiseEqual(ParamSet<double> a, ParamSet<double> b) => a.BitwiseEquals(b);

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

/// <summary>One pure optimization step: the transform's update, applied to the parameters.</summary>
internal static class Pure
{
    public static Stepped Step(IGradientTransform transform, ParamSet<double> gradients, TransformState state, ParamSet<double> parameters)
    {
        var result = transform.Update(gradients, state, parameters);
        return new Stepped(Updates.Apply(parameters, result.Updates), result.State);
    }
}

/// <summary>The parameters and state after a pure step.</summary>
internal sealed record Stepped(ParamSet<double> Parameters, TransformState State);
