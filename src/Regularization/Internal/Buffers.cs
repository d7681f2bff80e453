using MathNet.Numerics.LinearAlgebra;

namespace Regularization.Internal;

/// <summary>Allocation helpers of the pure path: every result is a new dense matrix.</summary>
internal static class Buffers
{
    public static Matrix<double> NewLike(Param p) => Matrix<double>.Build.Dense(p.Rows, p.Columns);

    public static double[] Data(Param p) => p.Value.AsColumnMajorArray();

    public static double[] Data(Matrix<double> m) => m.AsColumnMajorArray();

    /// <summary>A new set named like <paramref name="layout"/> whose values are computed by <paramref name="kernel"/>(i, destination).</summary>
    public static ParamSet Compute(ParamSet layout, Action<int, double[]> kernel)
    {
        var items = layout.Items;
        var values = new Matrix<double>[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var m = NewLike(items[i]);
            kernel(i, m.AsColumnMajorArray());
            values[i] = m;
        }

        return layout.WithValues(values);
    }

    /// <summary>A set of matrices filled with one value, named like <paramref name="layout"/>.</summary>
    public static ParamSet Filled(ParamSet layout, double value) =>
        Compute(layout, (_, d) => Array.Fill(d, value));
}
