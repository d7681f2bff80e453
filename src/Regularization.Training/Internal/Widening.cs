using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Regularization.Training.Internal;

/// <summary>Parameters of either element type as float64 (exact from float32), names and ranks kept.</summary>
internal static class Widening
{
    public static ParamSet<double> ToDouble<T>(ParamSet<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new(parameters.Select(p => new Param<double>(p.Name, p.Value.Map(x => double.CreateTruncating(x), Zeros.Include), p.Rank)));
}
