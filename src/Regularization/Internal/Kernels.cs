using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Regularization.Internal;

/// <summary>
/// Element-wise loops of the pure transforms. Each kernel is written once as a scalar formula and once as a
/// <see cref="Vector256{T}"/> loop that performs exactly the same IEEE operations in the same order (fused
/// multiply-add where the formula says <c>fma</c>), so the vector body and the scalar tail agree bit for bit and so do
/// the pure path and the fused in-place kernels of <see cref="FusedKernels"/>.
/// </summary>
/// <remarks>
/// Where PyTorch 1.13's CPU kernels use a fused multiply-add (<c>add(alpha=)</c>, <c>mul_().add_(alpha=)</c>,
/// <c>addcmul</c>) these kernels do too, so optimizer buffers match PyTorch's bits.
/// </remarks>
internal static class Kernels
{
    private static readonly int W = Vector256<double>.Count;

    /// <summary>Element equality with <see cref="double.Equals(double)"/> semantics (NaN equals NaN, 0 equals -0).</summary>
    public static bool ElementsEqual(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!a[i].Equals(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>d[i] = x[i] * a</c>.</summary>
    public static void Scale(ReadOnlySpan<double> x, double a, Span<double> d)
    {
        Check(x.Length, d.Length);
        ref var rx = ref MemoryMarshal.GetReference(x);
        ref var rd = ref MemoryMarshal.GetReference(d);
        var n = (nuint)x.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i + (nuint)W <= n; i += (nuint)W)
            {
                (Vector256.LoadUnsafe(ref rx, i) * va).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = Unsafe.Add(ref rx, i) * a;
        }
    }

    /// <summary><c>d[i] = fma(c, p[i], u[i])</c>, that is <c>u + c * p</c> rounded once.</summary>
    public static void MultiplyAdd(ReadOnlySpan<double> u, double c, ReadOnlySpan<double> p, Span<double> d)
    {
        Check(u.Length, p.Length, d.Length);
        ref var ru = ref MemoryMarshal.GetReference(u);
        ref var rp = ref MemoryMarshal.GetReference(p);
        ref var rd = ref MemoryMarshal.GetReference(d);
        var n = (nuint)u.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vc = Vector256.Create(c);
            for (; i + (nuint)W <= n; i += (nuint)W)
            {
                ElementMath.MultiplyAdd(vc, Vector256.LoadUnsafe(ref rp, i), Vector256.LoadUnsafe(ref ru, i)).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = ElementMath.MultiplyAdd(c, Unsafe.Add(ref rp, i), Unsafe.Add(ref ru, i));
        }
    }

    /// <summary><c>d[i] = x[i] + y[i]</c>.</summary>
    public static void Add(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> d)
    {
        Check(x.Length, y.Length, d.Length);
        ref var rx = ref MemoryMarshal.GetReference(x);
        ref var ry = ref MemoryMarshal.GetReference(y);
        ref var rd = ref MemoryMarshal.GetReference(d);
        var n = (nuint)x.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)W <= n; i += (nuint)W)
            {
                (Vector256.LoadUnsafe(ref rx, i) + Vector256.LoadUnsafe(ref ry, i)).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = Unsafe.Add(ref rx, i) + Unsafe.Add(ref ry, i);
        }
    }

    /// <summary><c>d[i] = x[i] - y[i]</c>.</summary>
    public static void Subtract(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> d)
    {
        Check(x.Length, y.Length, d.Length);
        ref var rx = ref MemoryMarshal.GetReference(x);
        ref var ry = ref MemoryMarshal.GetReference(y);
        ref var rd = ref MemoryMarshal.GetReference(d);
        var n = (nuint)x.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)W <= n; i += (nuint)W)
            {
                (Vector256.LoadUnsafe(ref rx, i) - Vector256.LoadUnsafe(ref ry, i)).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = Unsafe.Add(ref rx, i) - Unsafe.Add(ref ry, i);
        }
    }

    /// <summary>
    /// First momentum step (PyTorch: <c>buf = clone(d_p)</c>): <c>buf[i] = u[i]</c>;
    /// <c>d[i] = nesterov ? fma(mu, buf[i], u[i]) : buf[i]</c>.
    /// </summary>
    public static void TraceFirst(ReadOnlySpan<double> u, double mu, bool nesterov, Span<double> buf, Span<double> d)
    {
        Check(u.Length, buf.Length, d.Length);
        u.CopyTo(buf);
        if (nesterov)
        {
            MultiplyAdd(u, mu, u, d);
        }
        else
        {
            u.CopyTo(d);
        }
    }

    /// <summary>
    /// Momentum step (PyTorch: <c>buf.mul_(mu).add_(d_p, alpha=1-dampening)</c>):
    /// <c>buf'[i] = fma(oneMinusDampening, u[i], buf[i] * mu)</c>; <c>d[i] = nesterov ? fma(mu, buf'[i], u[i]) : buf'[i]</c>.
    /// </summary>
    public static void Trace(
        ReadOnlySpan<double> u, ReadOnlySpan<double> buf, double mu, double oneMinusDampening, bool nesterov, Span<double> bufOut, Span<double> d)
    {
        Check(u.Length, buf.Length, bufOut.Length, d.Length);
        ref var ru = ref MemoryMarshal.GetReference(u);
        ref var rb = ref MemoryMarshal.GetReference(buf);
        ref var rbo = ref MemoryMarshal.GetReference(bufOut);
        ref var rd = ref MemoryMarshal.GetReference(d);
        var n = (nuint)u.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vmu = Vector256.Create(mu);
            var vomd = Vector256.Create(oneMinusDampening);
            for (; i + (nuint)W <= n; i += (nuint)W)
            {
                var vu = Vector256.LoadUnsafe(ref ru, i);
                var b = ElementMath.Momentum(vomd, vu, Vector256.LoadUnsafe(ref rb, i), vmu);
                b.StoreUnsafe(ref rbo, i);
                (nesterov ? ElementMath.MultiplyAdd(vmu, b, vu) : b).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            var uu = Unsafe.Add(ref ru, i);
            var b = ElementMath.Momentum(oneMinusDampening, uu, Unsafe.Add(ref rb, i), mu);
            Unsafe.Add(ref rbo, i) = b;
            Unsafe.Add(ref rd, i) = nesterov ? ElementMath.MultiplyAdd(mu, b, uu) : b;
        }
    }

    /// <summary>
    /// Adam moments and direction (PyTorch 1.13 <c>_single_tensor_adam</c> order):
    /// <c>m' = fma(1-b1, u, m*b1)</c>; <c>v' = fma((1-b2)*u, u, v*b2)</c>; with AMSGrad <c>vmax' = max(vmax, v')</c>;
    /// <c>denom = sqrt(v' or vmax') / sqrt(1-b2^t) + eps</c>; <c>d = (m' * (1 / (1-b1^t))) / denom</c>.
    /// </summary>
    public static void Adam(
        ReadOnlySpan<double> u,
        ReadOnlySpan<double> m,
        ReadOnlySpan<double> v,
        ReadOnlySpan<double> vmax,
        in AdamScalars s,
        Span<double> mOut,
        Span<double> vOut,
        Span<double> vmaxOut,
        Span<double> d)
    {
        Check(u.Length, m.Length, v.Length, mOut.Length, vOut.Length, d.Length);
        if (s.AmsGrad)
        {
            Check(u.Length, vmax.Length, vmaxOut.Length);
        }

        ref var ru = ref MemoryMarshal.GetReference(u);
        ref var rm = ref MemoryMarshal.GetReference(m);
        ref var rv = ref MemoryMarshal.GetReference(v);
        ref var rx = ref MemoryMarshal.GetReference(vmax);
        ref var rmo = ref MemoryMarshal.GetReference(mOut);
        ref var rvo = ref MemoryMarshal.GetReference(vOut);
        ref var rxo = ref MemoryMarshal.GetReference(vmaxOut);
        ref var rd = ref MemoryMarshal.GetReference(d);
        var n = (nuint)u.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var b1 = Vector256.Create(s.Beta1);
            var omb1 = Vector256.Create(s.OneMinusBeta1);
            var b2 = Vector256.Create(s.Beta2);
            var omb2 = Vector256.Create(s.OneMinusBeta2);
            var ibc1 = Vector256.Create(s.InverseBiasCorrection1);
            var bc2s = Vector256.Create(s.BiasCorrection2Sqrt);
            var eps = Vector256.Create(s.Epsilon);
            for (; i + (nuint)W <= n; i += (nuint)W)
            {
                var vu = Vector256.LoadUnsafe(ref ru, i);
                var mm = ElementMath.FirstMoment(omb1, vu, Vector256.LoadUnsafe(ref rm, i), b1);
                var vv = ElementMath.SecondMoment(omb2, vu, Vector256.LoadUnsafe(ref rv, i), b2);
                mm.StoreUnsafe(ref rmo, i);
                vv.StoreUnsafe(ref rvo, i);
                if (s.AmsGrad)
                {
                    vv = ElementMath.RunningMax(Vector256.LoadUnsafe(ref rx, i), vv);
                    vv.StoreUnsafe(ref rxo, i);
                }

                ElementMath.AdamDirection(mm, vv, ibc1, bc2s, eps).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            var uu = Unsafe.Add(ref ru, i);
            var mm = ElementMath.FirstMoment(s.OneMinusBeta1, uu, Unsafe.Add(ref rm, i), s.Beta1);
            var vv = ElementMath.SecondMoment(s.OneMinusBeta2, uu, Unsafe.Add(ref rv, i), s.Beta2);
            Unsafe.Add(ref rmo, i) = mm;
            Unsafe.Add(ref rvo, i) = vv;
            if (s.AmsGrad)
            {
                vv = ElementMath.RunningMax(Unsafe.Add(ref rx, i), vv);
                Unsafe.Add(ref rxo, i) = vv;
            }

            Unsafe.Add(ref rd, i) = ElementMath.AdamDirection(mm, vv, s.InverseBiasCorrection1, s.BiasCorrection2Sqrt, s.Epsilon);
        }
    }

    /// <summary>
    /// Proximal step expressed as an update: <c>w = p + u</c>; <c>z = soft(w, t) / divisor</c> with
    /// <c>soft(w, t) = sign(w) * max(|w| - t, 0)</c> (NaN stays NaN); <c>d = z - p</c>, so that <c>p + d</c> is exactly
    /// zero wherever <c>z</c> is.
    /// </summary>
    public static void ProximalUpdate(ReadOnlySpan<double> p, ReadOnlySpan<double> u, double threshold, double divisor, Span<double> d)
    {
        Check(p.Length, u.Length, d.Length);
        ref var rp = ref MemoryMarshal.GetReference(p);
        ref var ru = ref MemoryMarshal.GetReference(u);
        ref var rd = ref MemoryMarshal.GetReference(d);
        var n = (nuint)p.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vt = Vector256.Create(threshold);
            var vdiv = Vector256.Create(divisor);
            for (; i + (nuint)W <= n; i += (nuint)W)
            {
                ElementMath.ProximalUpdate(Vector256.LoadUnsafe(ref rp, i), Vector256.LoadUnsafe(ref ru, i), vt, vdiv).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = ElementMath.ProximalUpdate(Unsafe.Add(ref rp, i), Unsafe.Add(ref ru, i), threshold, divisor);
        }
    }

    /// <summary><c>d[i] = soft(x[i], t) / divisor</c>: the proximal operator of <c>t*|w| + ((divisor - 1)/2)*w^2</c>.</summary>
    public static void Proximal(ReadOnlySpan<double> x, double threshold, double divisor, Span<double> d)
    {
        Check(x.Length, d.Length);
        ref var rx = ref MemoryMarshal.GetReference(x);
        ref var rd = ref MemoryMarshal.GetReference(d);
        var n = (nuint)x.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vt = Vector256.Create(threshold);
            var vdiv = Vector256.Create(divisor);
            for (; i + (nuint)W <= n; i += (nuint)W)
            {
                (SoftThreshold(Vector256.LoadUnsafe(ref rx, i), vt) / vdiv).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = SoftThreshold(Unsafe.Add(ref rx, i), threshold) / divisor;
        }
    }

    /// <summary><c>sign(w) * max(|w| - t, 0)</c>, exactly +0 where <c>|w| &lt;= t</c>, NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SoftThreshold(double w, double t)
    {
        var a = Math.Abs(w) - t;
        return a <= 0 ? 0.0 : Math.CopySign(a, w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> SoftThreshold(Vector256<double> w, Vector256<double> t)
    {
        var a = Vector256.Abs(w) - t;
        var signed = a | (w & Vector256.Create(-0.0));
        return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(a, Vector256<double>.Zero), Vector256<double>.Zero, signed);
    }

    /// <summary>Element-wise maximum with <see cref="Math.Max(double, double)"/> semantics: NaN wins, +0 beats -0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MaxPropagateNaN(Vector256<double> a, Vector256<double> b)
    {
        // Math.Max(a, b): NaN if either is NaN; otherwise the larger, with +0 > -0.
        var bGreater = Vector256.GreaterThan(b, a)
            | (Vector256.Equals(a, b) & Vector256.Equals(a & Vector256.Create(-0.0), Vector256.Create(-0.0)))
            | ~Vector256.Equals(b, b);
        var aNaN = ~Vector256.Equals(a, a);
        return Vector256.ConditionalSelect(bGreater & ~aNaN, b, a);
    }

    /// <summary>True when every element is finite (no NaN, no infinity).</summary>
    public static bool AllFinite(ReadOnlySpan<double> x)
    {
        ref var rx = ref MemoryMarshal.GetReference(x);
        var n = (nuint)x.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // A double is NaN or infinite exactly when its exponent bits are all ones. Comparing the masked bits and
            // OR-ing the results has no long dependency chain. The array is read as four interleaved streams (its
            // quarters): one sequential stream is latency-bound, several keep more memory requests in flight (about
            // 30% faster on large gradients here).
            var exponent = Vector256.Create(0x7FF0000000000000UL);
            var acc0 = Vector256<ulong>.Zero;
            var acc1 = Vector256<ulong>.Zero;
            var acc2 = Vector256<ulong>.Zero;
            var acc3 = Vector256<ulong>.Zero;
            var quarter = n / 4 / (nuint)W * (nuint)W;
            for (nuint k = 0; k < quarter; k += (nuint)W)
            {
                acc0 |= Vector256.Equals(Vector256.LoadUnsafe(ref rx, k).AsUInt64() & exponent, exponent);
                acc1 |= Vector256.Equals(Vector256.LoadUnsafe(ref rx, quarter + k).AsUInt64() & exponent, exponent);
                acc2 |= Vector256.Equals(Vector256.LoadUnsafe(ref rx, (2 * quarter) + k).AsUInt64() & exponent, exponent);
                acc3 |= Vector256.Equals(Vector256.LoadUnsafe(ref rx, (3 * quarter) + k).AsUInt64() & exponent, exponent);
            }

            if (((acc0 | acc1) | (acc2 | acc3)) != Vector256<ulong>.Zero)
            {
                return false;
            }

            i = 4 * quarter;
        }

        for (; i < n; i++)
        {
            if (!double.IsFinite(Unsafe.Add(ref rx, i)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Number of NaN or infinite elements, and the index of the first.</summary>
    public static int CountNonFinite(ReadOnlySpan<double> x, out int first)
    {
        first = -1;
        var count = 0;
        for (var i = 0; i < x.Length; i++)
        {
            if (!double.IsFinite(x[i]))
            {
                if (count == 0)
                {
                    first = i;
                }

                count++;
            }
        }

        return count;
    }

    /// <summary><c>d[i] = finite(x[i]) ? x[i] : 0</c>.</summary>
    public static void ZeroNonFinite(ReadOnlySpan<double> x, Span<double> d)
    {
        Check(x.Length, d.Length);
        for (var i = 0; i < x.Length; i++)
        {
            d[i] = ElementMath.ZeroIfNonFinite(x[i]);
        }
    }

    /// <summary>Sum of absolute values in a fixed order (four interleaved partial sums, then their sum), the same on every machine.</summary>
    public static double SumAbs(ReadOnlySpan<double> x)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var i = 0;
        for (; i + 4 <= x.Length; i += 4)
        {
            s0 += Math.Abs(x[i]);
            s1 += Math.Abs(x[i + 1]);
            s2 += Math.Abs(x[i + 2]);
            s3 += Math.Abs(x[i + 3]);
        }

        for (; i < x.Length; i++)
        {
            s0 += Math.Abs(x[i]);
        }

        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>Sum of squares in a fixed order (four interleaved partial sums, then their sum), the same on every machine.</summary>
    public static double SumSquares(ReadOnlySpan<double> x)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var i = 0;
        for (; i + 4 <= x.Length; i += 4)
        {
            s0 += x[i] * x[i];
            s1 += x[i + 1] * x[i + 1];
            s2 += x[i + 2] * x[i + 2];
            s3 += x[i + 3] * x[i + 3];
        }

        for (; i < x.Length; i++)
        {
            s0 += x[i] * x[i];
        }

        return (s0 + s1) + (s2 + s3);
    }

    /// <summary><c>d[i] = a * sign(x[i])</c> with <c>sign(0) = 0</c> (the L1 subgradient that is zero at zero); NaN stays NaN.</summary>
    public static void ScaledSign(ReadOnlySpan<double> x, double a, Span<double> d)
    {
        Check(x.Length, d.Length);
        for (var i = 0; i < x.Length; i++)
        {
            var v = x[i];
            d[i] = v > 0 ? a : v < 0 ? -a : v == 0 ? 0.0 : double.NaN;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int a, int b)
    {
        if (a != b)
        {
            ThrowLength();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int a, int b, int c)
    {
        if (a != b || a != c)
        {
            ThrowLength();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int a, int b, int c, int d)
    {
        if (a != b || a != c || a != d)
        {
            ThrowLength();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int a, int b, int c, int d, int e, int f)
    {
        if (a != b || a != c || a != d || a != e || a != f)
        {
            ThrowLength();
        }
    }

    private static void ThrowLength() => throw new ArgumentException("Kernel spans differ in length.");
}

/// <summary>The per-step scalars of an Adam update, computed once per step as PyTorch computes them in Python floats.</summary>
internal readonly struct AdamScalars
{
    public AdamScalars(double beta1, double beta2, double epsilon, bool amsGrad, long step)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        OneMinusBeta1 = 1 - beta1;
        OneMinusBeta2 = 1 - beta2;
        Epsilon = epsilon;
        AmsGrad = amsGrad;

        // PyTorch: bias_correction1 = 1 - beta1 ** step; bias_correction2_sqrt = math.sqrt(1 - beta2 ** step).
        BiasCorrection1 = 1 - Math.Pow(beta1, step);
        InverseBiasCorrection1 = 1 / BiasCorrection1;
        BiasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, step));
    }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double OneMinusBeta1 { get; }

    public double OneMinusBeta2 { get; }

    public double Epsilon { get; }

    public bool AmsGrad { get; }

    public double BiasCorrection1 { get; }

    /// <summary><c>1 / (1 - b1^t)</c>: the first moment is bias-corrected by a multiplication (a division per element costs more).</summary>
    public double InverseBiasCorrection1 { get; }

    public double BiasCorrection2Sqrt { get; }
}
