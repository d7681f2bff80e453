using System.Diagnostics.Contracts;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Internal;

namespace Regularization;

/// <summary>Proximal operators on parameters: the steps that give exact zeros.</summary>
/// <remarks>
/// <c>SoftThreshold(w, t) = sign(w) * max(|w| - t, 0)</c> is the proximal operator of <c>t * sum|w|</c>: it is exactly 0
/// where <c>|w| &lt;= t</c>, never flips a sign, is non-expansive and is the identity at <c>t = 0</c>. NaN stays NaN.
/// To use it after every optimizer step, see <see cref="Optimizers.WithProximalL1"/>.
/// <example>
/// <code>
/// ParamSet sparse = Proximal.SoftThreshold(parameters, threshold: 1e-3);
/// </code>
/// </example>
/// </remarks>
public static class Proximal
{
    /// <summary>Soft thresholding of every parameter: <c>sign(w) * max(|w| - threshold, 0)</c>, as new matrices.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="threshold">The threshold, finite and &gt;= 0.</param>
    [Pure]
    public static ParamSet SoftThreshold(ParamSet parameters, double threshold)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Validate.NonNegative(threshold, nameof(threshold));
        var items = parameters.Items;
        return Buffers.Compute(parameters, (i, d) => Kernels.Proximal(Buffers.Data(items[i]), threshold, 1.0, d));
    }

    /// <summary>Soft thresholding of one dense matrix, as a new matrix.</summary>
    /// <param name="value">The matrix (dense).</param>
    /// <param name="threshold">The threshold, finite and &gt;= 0.</param>
    [Pure]
    public static Matrix<double> SoftThreshold(Matrix<double> value, double threshold)
    {
        var p = new Param("value", value);
        return SoftThreshold(ParamSet.Of(p), threshold)[0].Value;
    }

    /// <summary>
    /// The proximal operator of <c>t1 * sum|w| + ((divisor - 1) / 2) * sum(w^2)</c>: <c>soft(w, t1) / divisor</c>.
    /// With <c>t1 = s*lambda*r</c> and <c>divisor = 1 + 2*s*lambda*(1 - r)</c> it is the elastic net's.
    /// </summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="threshold">The L1 threshold <c>t1</c>, &gt;= 0.</param>
    /// <param name="divisor">The L2 divisor, &gt;= 1.</param>
    [Pure]
    public static ParamSet ElasticNet(ParamSet parameters, double threshold, double divisor)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Validate.NonNegative(threshold, nameof(threshold));
        if (!(divisor >= 1) || !double.IsFinite(divisor))
        {
            throw new ArgumentOutOfRangeException(nameof(divisor), divisor, "'divisor' must be a finite number >= 1.");
        }

        var items = parameters.Items;
        return Buffers.Compute(parameters, (i, d) => Kernels.Proximal(Buffers.Data(items[i]), threshold, divisor, d));
    }
}
