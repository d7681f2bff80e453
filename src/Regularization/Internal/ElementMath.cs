using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Regularization.Internal;

/// <summary>
/// The per-element formulas of the update rules, each written once, for a scalar and for a <see cref="Vector256{T}"/>
/// of four elements. The pure kernels (<see cref="Kernels"/>) and the fused in-place kernels
/// (<see cref="FusedKernels"/>) both call these, which is why they agree bit for bit.
/// </summary>
internal static class ElementMath
{
    /// <summary><c>fma(c, x, y) = y + c * x</c> rounded once: coupled decay (<c>c = lambda</c>), decoupled decay (<c>c = -c(t)</c>), Nesterov (<c>c = momentum</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MultiplyAdd(double c, double x, double y) => Math.FusedMultiplyAdd(c, x, y);

    /// <inheritdoc cref="MultiplyAdd(double, double, double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MultiplyAdd(Vector256<double> c, Vector256<double> x, Vector256<double> y) => Vector256.FusedMultiplyAdd(c, x, y);

    /// <summary>The momentum buffer, PyTorch's <c>buf.mul_(mu).add_(u, alpha=1-dampening)</c>: <c>fma(1-dampening, u, buf*mu)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Momentum(double oneMinusDampening, double u, double buffer, double mu) => Math.FusedMultiplyAdd(oneMinusDampening, u, buffer * mu);

    /// <inheritdoc cref="Momentum(double, double, double, double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Momentum(Vector256<double> oneMinusDampening, Vector256<double> u, Vector256<double> buffer, Vector256<double> mu) =>
        Vector256.FusedMultiplyAdd(oneMinusDampening, u, buffer * mu);

    /// <summary>Adam's first moment, PyTorch's <c>exp_avg.mul_(b1).add_(u, alpha=1-b1)</c>: <c>fma(1-b1, u, m*b1)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double FirstMoment(double oneMinusBeta1, double u, double m, double beta1) => Math.FusedMultiplyAdd(oneMinusBeta1, u, m * beta1);

    /// <inheritdoc cref="FirstMoment(double, double, double, double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> FirstMoment(Vector256<double> oneMinusBeta1, Vector256<double> u, Vector256<double> m, Vector256<double> beta1) =>
        Vector256.FusedMultiplyAdd(oneMinusBeta1, u, m * beta1);

    /// <summary>Adam's second moment, PyTorch's <c>exp_avg_sq.mul_(b2).addcmul_(u, u, value=1-b2)</c>: <c>fma((1-b2)*u, u, v*b2)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SecondMoment(double oneMinusBeta2, double u, double v, double beta2) => Math.FusedMultiplyAdd(oneMinusBeta2 * u, u, v * beta2);

    /// <inheritdoc cref="SecondMoment(double, double, double, double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> SecondMoment(Vector256<double> oneMinusBeta2, Vector256<double> u, Vector256<double> v, Vector256<double> beta2) =>
        Vector256.FusedMultiplyAdd(oneMinusBeta2 * u, u, v * beta2);

    /// <summary>Adam's direction: <c>(m * (1 / (1 - b1^t))) / (sqrt(v) / sqrt(1 - b2^t) + eps)</c>, PyTorch's denominator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AdamDirection(double m, double v, double inverseBiasCorrection1, double biasCorrection2Sqrt, double epsilon) =>
        m * inverseBiasCorrection1 / ((Math.Sqrt(v) / biasCorrection2Sqrt) + epsilon);

    /// <inheritdoc cref="AdamDirection(double, double, double, double, double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> AdamDirection(
        Vector256<double> m, Vector256<double> v, Vector256<double> inverseBiasCorrection1, Vector256<double> biasCorrection2Sqrt, Vector256<double> epsilon) =>
        m * inverseBiasCorrection1 / ((Vector256.Sqrt(v) / biasCorrection2Sqrt) + epsilon);

    /// <summary>AMSGrad's running maximum, <c>max(vmax, v)</c> with <see cref="Math.Max(double, double)"/> semantics (NaN wins, +0 beats -0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double RunningMax(double vmax, double v) => Math.Max(vmax, v);

    /// <inheritdoc cref="RunningMax(double, double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> RunningMax(Vector256<double> vmax, Vector256<double> v) => Kernels.MaxPropagateNaN(vmax, v);

    /// <summary>The proximal step as an update: <c>soft(p + u, t) / divisor - p</c>, so that <c>p + result</c> is exactly 0 where the soft threshold is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ProximalUpdate(double p, double u, double threshold, double divisor) => (Kernels.SoftThreshold(p + u, threshold) / divisor) - p;

    /// <inheritdoc cref="ProximalUpdate(double, double, double, double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ProximalUpdate(Vector256<double> p, Vector256<double> u, Vector256<double> threshold, Vector256<double> divisor) =>
        (Kernels.SoftThreshold(p + u, threshold) / divisor) - p;

    /// <summary>The non-finite policy's zeroing: the value, or +0 when it is NaN or infinite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ZeroIfNonFinite(double x) => double.IsFinite(x) ? x : 0.0;

    /// <inheritdoc cref="ZeroIfNonFinite(double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ZeroIfNonFinite(Vector256<double> x) =>
        Vector256.ConditionalSelect(Vector256.Equals(x - x, Vector256<double>.Zero), x, Vector256<double>.Zero);
}
