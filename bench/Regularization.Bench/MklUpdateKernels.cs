using Regularization.Mkl;
using Regularization.Mkl.Native;

namespace Regularization.Bench;

/// <summary>
/// Optimizer steps composed of MKL calls (cblas level 1 and VML), in place over <see cref="double"/> spans with
/// caller-provided scratch: the "MKL-composed" variant that benchmarks set against the library's fused SIMD kernels
/// (one block loop over each primitive's element rule), which read and write each array once per step. It lives in
/// bench/ (and is compiled into the MKL tests that check it): the shipped packages do not carry it.
/// </summary>
/// <remarks>
/// <para>
/// The arithmetic is PyTorch's (as in <see cref="Optimizers.Sgd(double, double, double, double, bool, bool)"/> and
/// <see cref="Optimizers.AdamW(double, double, double, double, double, bool, bool)"/>), but the roundings differ:
/// MKL decides where to fuse multiply-adds (<c>cblas_daxpy</c> fuses on AVX-512, <c>cblas_daxpby</c> does not), the
/// learning rate is folded into the last axpy, and Adam's bias corrections are applied as reciprocals inside
/// <c>vmdLinearFrac</c>. The tests bound the difference from the pure optimizers (relative 1e-12 after several steps);
/// the results are not bit-identical.
/// </para>
/// <para>
/// Each call makes 3 to 6 passes over memory where the fused kernels make one, plus a native-call overhead of roughly
/// 30-100 ns per MKL call; that is the comparison the benchmarks measure. MKL must be started
/// (<see cref="MklControl.TryUse()"/>); these methods start it with the default options otherwise.
/// </para>
/// </remarks>
internal static unsafe class MklUpdateKernels
{
    /// <summary>
    /// One step of SGD with coupled weight decay and optional momentum (PyTorch <c>torch.optim.SGD</c>):
    /// <c>d = g + weightDecay * p</c>; with momentum, <c>buf = d</c> on the first step, else
    /// <c>buf = momentum * buf + (1 - dampening) * d</c>, and <c>d = nesterov ? d + momentum * buf : buf</c>; then
    /// <c>p = p - learningRate * d</c>.
    /// </summary>
    /// <param name="parameters">The weights, updated in place.</param>
    /// <param name="gradient">The loss gradient, same length.</param>
    /// <param name="learningRate">Learning rate.</param>
    /// <param name="weightDecay">Coupled decay (PyTorch <c>weight_decay</c>), 0 for none.</param>
    /// <param name="momentum">Momentum factor, 0 for none (then <paramref name="momentumBuffer"/> is not used and may be empty).</param>
    /// <param name="dampening">Dampening of the momentum.</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    /// <param name="firstStep">True on the first step, when the momentum buffer is initialised to <c>d</c>.</param>
    /// <param name="momentumBuffer">The momentum buffer, same length, updated in place.</param>
    /// <param name="scratch">Scratch space of at least the same length.</param>
    /// <remarks>
    /// MKL calls: <c>cblas_daxpby</c> (<c>d = g + wd*p</c>), <c>cblas_daxpby</c> (the momentum buffer),
    /// <c>cblas_daxpy</c> (Nesterov), <c>cblas_daxpy</c> (<c>p -= lr*d</c>).
    /// </remarks>
    public static void SgdStep(
        Span<double> parameters,
        ReadOnlySpan<double> gradient,
        double learningRate,
        double weightDecay,
        double momentum,
        double dampening,
        bool nesterov,
        bool firstStep,
        Span<double> momentumBuffer,
        Span<double> scratch)
    {
        var n = parameters.Length;
        Check(gradient.Length == n, nameof(gradient));
        Check(scratch.Length >= n, nameof(scratch));
        Check(momentum == 0 || momentumBuffer.Length == n, nameof(momentumBuffer));
        if (n == 0)
        {
            return;
        }

        MklRuntime.EnsureReady();
        fixed (double* p = parameters, g = gradient, d = scratch, buf = momentumBuffer)
        {
            // d = g + weightDecay * p.
            gradient.CopyTo(scratch);
            if (weightDecay != 0)
            {
                MklNative.Daxpby(n, weightDecay, p, 1, 1.0, d, 1);
            }

            var direction = d;
            if (momentum != 0)
            {
                if (firstStep)
                {
                    scratch[..n].CopyTo(momentumBuffer);
                }
                else
                {
                    MklNative.Daxpby(n, 1 - dampening, d, 1, momentum, buf, 1);
                }

                if (nesterov)
                {
                    MklNative.Daxpy(n, momentum, buf, 1, d, 1);
                }
                else
                {
                    direction = buf;
                }
            }

            MklNative.Daxpy(n, -learningRate, direction, 1, p, 1);
        }
    }

    /// <summary>
    /// One step of AdamW (PyTorch <c>torch.optim.AdamW</c>, decay scaled by the learning rate), step <paramref name="step"/>
    /// counted from 1: <c>m = beta1*m + (1-beta1)*g</c>; <c>v = beta2*v + (1-beta2)*g*g</c>;
    /// <c>d = (m / (1-beta1^t)) / (sqrt(v) / sqrt(1-beta2^t) + epsilon)</c>;
    /// <c>p = (1 - learningRate*weightDecay) * p - learningRate * d</c>.
    /// </summary>
    /// <param name="parameters">The weights, updated in place.</param>
    /// <param name="gradient">The loss gradient, same length.</param>
    /// <param name="firstMoment">Adam's <c>m</c>, same length, updated in place (zeros before step 1).</param>
    /// <param name="secondMoment">Adam's <c>v</c>, same length, updated in place (zeros before step 1).</param>
    /// <param name="step">The step number, &gt;= 1.</param>
    /// <param name="learningRate">Learning rate.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="epsilon">Denominator term.</param>
    /// <param name="weightDecay">Decoupled decay <c>lambda</c>; the weights shrink by <c>1 - learningRate*lambda</c>.</param>
    /// <param name="scratch">Scratch space of at least the same length.</param>
    /// <remarks>
    /// MKL calls: <c>cblas_daxpby</c> (<c>m</c>), <c>vmdMul</c> (<c>g*g</c>), <c>cblas_daxpby</c> (<c>v</c>), <c>vmdSqrt</c>,
    /// <c>vmdLinearFrac</c> (the bias-corrected quotient with <c>+epsilon</c>: a scale, an add and a divide in one pass),
    /// <c>cblas_daxpby</c> (decay and step together). AMSGrad is not offered.
    /// </remarks>
    public static void AdamWStep(
        Span<double> parameters,
        ReadOnlySpan<double> gradient,
        Span<double> firstMoment,
        Span<double> secondMoment,
        long step,
        double learningRate,
        double beta1,
        double beta2,
        double epsilon,
        double weightDecay,
        Span<double> scratch)
    {
        var n = parameters.Length;
        Check(gradient.Length == n, nameof(gradient));
        Check(firstMoment.Length == n, nameof(firstMoment));
        Check(secondMoment.Length == n, nameof(secondMoment));
        Check(scratch.Length >= n, nameof(scratch));
        if (step < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "The step counts from 1.");
        }

        if (n == 0)
        {
            return;
        }

        // The same scalars as the pure path (PyTorch's bias_correction1 and bias_correction2_sqrt).
        var scalars = (OneMinusBeta1: 1 - beta1, OneMinusBeta2: 1 - beta2, BiasCorrection1: 1 - Math.Pow(beta1, step), BiasCorrection2Sqrt: Math.Sqrt(1 - Math.Pow(beta2, step)));
        MklRuntime.EnsureReady();
        fixed (double* p = parameters, g = gradient, m = firstMoment, v = secondMoment, t = scratch)
        {
            MklNative.Daxpby(n, scalars.OneMinusBeta1, g, 1, beta1, m, 1);
            MklNative.VmdMul(n, g, g, t, MklNative.VmlMode);
            MklNative.Daxpby(n, scalars.OneMinusBeta2, t, 1, beta2, v, 1);
            MklNative.VmdSqrt(n, v, t, MklNative.VmlMode);
            MklNative.VmdLinearFrac(
                n, m, t, 1.0 / scalars.BiasCorrection1, 0.0, 1.0 / scalars.BiasCorrection2Sqrt, epsilon, t, MklNative.VmlMode);
            MklNative.Daxpby(n, -learningRate, t, 1, 1.0 - (learningRate * weightDecay), p, 1);
        }
    }

    private static void Check(bool condition, string name)
    {
        if (!condition)
        {
            throw new ArgumentException("The spans must have the parameters' length (scratch: at least that).", name);
        }
    }
}
