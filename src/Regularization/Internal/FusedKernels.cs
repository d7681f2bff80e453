using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Regularization.Internal;

/// <summary>A compile-time boolean: the JIT removes the branches of the flags that are off.</summary>
internal interface IFlag
{
    static abstract bool On { get; }
}

/// <summary>The flag that is on.</summary>
internal readonly struct Yes : IFlag
{
    public static bool On => true;
}

/// <summary>The flag that is off.</summary>
internal readonly struct No : IFlag
{
    public static bool On => false;
}

/// <summary>Per-step scalars of a fused SGD-family update (plain SGD, momentum, Nesterov, SGDW).</summary>
internal struct SgdScalars
{
    /// <summary>True: write <c>p + u</c> (the facade, in place); false: write the update <c>u</c> (a pure chain).</summary>
    public bool Apply;
    public bool ZeroNonFinite;
    public bool HasScale;
    public double Scale;
    public bool HasDecay;
    public double Decay;
    public bool HasMomentum;
    public bool FirstStep;
    public bool Nesterov;
    public double Momentum;
    public double OneMinusDampening;
    public double NegLearningRate;
    public bool HasDecoupled;
    public double NegDecoupled;
    public bool HasProximal;
    public double Threshold;
    public double Divisor;
}

/// <summary>Per-step scalars of a fused Adam-family update (Adam, AdamW, AMSGrad).</summary>
internal struct AdamFusedScalars
{
    /// <summary>True: write <c>p + u</c> (the facade, in place); false: write the update <c>u</c> (a pure chain).</summary>
    public bool Apply;
    public bool ZeroNonFinite;
    public bool HasScale;
    public double Scale;
    public bool HasDecay;
    public double Decay;
    public AdamScalars Adam;
    public double NegLearningRate;
    public bool HasDecoupled;
    public double NegDecoupled;
    public bool HasProximal;
    public double Threshold;
    public double Divisor;
}

/// <summary>
/// One-pass, in-place update kernels for the facade. Each performs, element by element, exactly the IEEE operations
/// of the pure chain it replaces (<see cref="Kernels"/>), in the same order, so results are identical bit for bit:
/// <c>[zero non-finite] [u*scale] [fma(decay, p, u)] [momentum | Adam] u*(-lr) [fma(-c, p, u)] [soft(p+u)/div - p]; p += u</c>.
/// One read of each of p, g and the state buffers and one write of the destination and the buffers per element. The
/// destination receives <c>p + u</c> (the facade: it is <c>p</c> itself) or the update <c>u</c> (a pure chain: a new
/// array, with the buffers being the new state's).
/// </summary>
internal static class FusedKernels
{
    private static readonly int W = Vector256<double>.Count;

    public static void Sgd(ReadOnlySpan<double> p, ReadOnlySpan<double> g, Span<double> buffer, Span<double> destination, in SgdScalars s)
    {
        if (p.Length != g.Length || destination.Length != p.Length || (s.HasMomentum && buffer.Length != p.Length))
        {
            throw new ArgumentException("Fused kernel spans differ in length.");
        }

        if (s.Apply)
        {
            Sgd0<Yes>(p, g, buffer, destination, s);
        }
        else
        {
            Sgd0<No>(p, g, buffer, destination, s);
        }
    }

    private static void Sgd0<TA>(ReadOnlySpan<double> p, ReadOnlySpan<double> g, Span<double> b, Span<double> d, in SgdScalars s)
        where TA : struct, IFlag
    {
        if (s.ZeroNonFinite)
        {
            Sgd1<TA, Yes>(p, g, b, d, s);
        }
        else
        {
            Sgd1<TA, No>(p, g, b, d, s);
        }
    }

    private static void Sgd1<TA, TZ>(ReadOnlySpan<double> p, ReadOnlySpan<double> g, Span<double> b, Span<double> d, in SgdScalars s)
        where TA : struct, IFlag
        where TZ : struct, IFlag
    {
        if (s.HasScale)
        {
            Sgd2<TA, TZ, Yes>(p, g, b, d, s);
        }
        else
        {
            Sgd2<TA, TZ, No>(p, g, b, d, s);
        }
    }

    private static void Sgd2<TA, TZ, TS>(ReadOnlySpan<double> p, ReadOnlySpan<double> g, Span<double> b, Span<double> d, in SgdScalars s)
        where TA : struct, IFlag
        where TZ : struct, IFlag
        where TS : struct, IFlag
    {
        if (s.HasDecay)
        {
            Sgd3<TA, TZ, TS, Yes>(p, g, b, d, s);
        }
        else
        {
            Sgd3<TA, TZ, TS, No>(p, g, b, d, s);
        }
    }

    private static void Sgd3<TA, TZ, TS, TD>(ReadOnlySpan<double> p, ReadOnlySpan<double> g, Span<double> b, Span<double> d, in SgdScalars s)
        where TA : struct, IFlag
        where TZ : struct, IFlag
        where TS : struct, IFlag
        where TD : struct, IFlag
    {
        if (!s.HasMomentum)
        {
            Sgd4<TA, TZ, TS, TD, No, No, No>(p, g, b, d, s);
        }
        else if (s.FirstStep)
        {
            if (s.Nesterov)
            {
                Sgd4<TA, TZ, TS, TD, Yes, Yes, Yes>(p, g, b, d, s);
            }
            else
            {
                Sgd4<TA, TZ, TS, TD, Yes, Yes, No>(p, g, b, d, s);
            }
        }
        else if (s.Nesterov)
        {
            Sgd4<TA, TZ, TS, TD, Yes, No, Yes>(p, g, b, d, s);
        }
        else
        {
            Sgd4<TA, TZ, TS, TD, Yes, No, No>(p, g, b, d, s);
        }
    }

    private static void Sgd4<TA, TZ, TS, TD, TM, TF, TN>(ReadOnlySpan<double> p, ReadOnlySpan<double> g, Span<double> b, Span<double> d, in SgdScalars s)
        where TA : struct, IFlag
        where TZ : struct, IFlag
        where TS : struct, IFlag
        where TD : struct, IFlag
        where TM : struct, IFlag
        where TF : struct, IFlag
        where TN : struct, IFlag
    {
        if (s.HasDecoupled)
        {
            if (s.HasProximal)
            {
                SgdLoop<TA, TZ, TS, TD, TM, TF, TN, Yes, Yes>(p, g, b, d, s);
            }
            else
            {
                SgdLoop<TA, TZ, TS, TD, TM, TF, TN, Yes, No>(p, g, b, d, s);
            }
        }
        else if (s.HasProximal)
        {
            SgdLoop<TA, TZ, TS, TD, TM, TF, TN, No, Yes>(p, g, b, d, s);
        }
        else
        {
            SgdLoop<TA, TZ, TS, TD, TM, TF, TN, No, No>(p, g, b, d, s);
        }
    }

    private static void SgdLoop<TA, TZ, TS, TD, TM, TF, TN, TC, TP>(
        ReadOnlySpan<double> p, ReadOnlySpan<double> g, Span<double> b, Span<double> d, in SgdScalars s)
        where TA : struct, IFlag
        where TZ : struct, IFlag
        where TS : struct, IFlag
        where TD : struct, IFlag
        where TM : struct, IFlag
        where TF : struct, IFlag
        where TN : struct, IFlag
        where TC : struct, IFlag
        where TP : struct, IFlag
    {
        ref var rp = ref MemoryMarshal.GetReference(p);
        ref var rg = ref MemoryMarshal.GetReference(g);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rd = ref MemoryMarshal.GetReference(d);
        var head = new Head(s.Scale, s.Decay);
        var tail = new Tail(s.NegLearningRate, s.NegDecoupled, s.Threshold, s.Divisor);
        var n = (nuint)p.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vhead = new VectorHead(head);
            var vtail = new VectorTail(tail);
            var mu = Vector256.Create(s.Momentum);
            var omd = Vector256.Create(s.OneMinusDampening);
            for (; i + (nuint)W <= n; i += (nuint)W)
            {
                var vp = Vector256.LoadUnsafe(ref rp, i);
                var u = Start<TZ, TS, TD>(Vector256.LoadUnsafe(ref rg, i), vp, vhead);
                if (TM.On)
                {
                    var buf = TF.On ? u : ElementMath.Momentum(omd, u, Vector256.LoadUnsafe(ref rb, i), mu);
                    buf.StoreUnsafe(ref rb, i);
                    u = TN.On ? ElementMath.MultiplyAdd(mu, buf, u) : buf;
                }

                Finish<TA, TC, TP>(vp, u, vtail).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            var vp = Unsafe.Add(ref rp, i);
            var u = Start<TZ, TS, TD>(Unsafe.Add(ref rg, i), vp, head);
            if (TM.On)
            {
                var buf = TF.On ? u : ElementMath.Momentum(s.OneMinusDampening, u, Unsafe.Add(ref rb, i), s.Momentum);
                Unsafe.Add(ref rb, i) = buf;
                u = TN.On ? ElementMath.MultiplyAdd(s.Momentum, buf, u) : buf;
            }

            Unsafe.Add(ref rd, i) = Finish<TA, TC, TP>(vp, u, tail);
        }
    }

    public static void Adam(
        ReadOnlySpan<double> p, ReadOnlySpan<double> g, Span<double> m, Span<double> v, Span<double> vmax, Span<double> destination, in AdamFusedScalars s)
    {
        if (p.Length != g.Length || destination.Length != p.Length || m.Length != p.Length || v.Length != p.Length
            || (s.Adam.AmsGrad && vmax.Length != p.Length))
        {
            throw new ArgumentException("Fused kernel spans differ in length.");
        }

        if (s.Apply)
        {
            Adam0<Yes>(p, g, m, v, vmax, destination, s);
        }
        else
        {
            Adam0<No>(p, g, m, v, vmax, destination, s);
        }
    }

    private static void Adam0<TA>(ReadOnlySpan<double> p, ReadOnlySpan<double> g, Span<double> m, Span<double> v, Span<double> x, Span<double> d, in AdamFusedScalars s)
        where TA : struct, IFlag
    {
        if (s.ZeroNonFinite)
        {
            Adam1<TA, Yes>(p, g, m, v, x, d, s);
        }
        else
        {
            Adam1<TA, No>(p, g, m, v, x, d, s);
        }
    }

    private static void Adam1<TA, TZ>(ReadOnlySpan<double> p, ReadOnlySpan<double> g, Span<double> m, Span<double> v, Span<double> x, Span<double> d, in AdamFusedScalars s)
        where TA : struct, IFlag
        where TZ : struct, IFlag
    {
        if (s.HasScale)
        {
            Adam2<TA, TZ, Yes>(p, g, m, v, x, d, s);
        }
        else
        {
            Adam2<TA, TZ, No>(p, g, m, v, x, d, s);
        }
    }

    private static void Adam2<TA, TZ, TS>(ReadOnlySpan<double> p, ReadOnlySpan<double> g, Span<double> m, Span<double> v, Span<double> x, Span<double> d, in AdamFusedScalars s)
        where TA : struct, IFlag
        where TZ : struct, IFlag
        where TS : struct, IFlag
    {
        if (s.HasDecay)
        {
            Adam3<TA, TZ, TS, Yes>(p, g, m, v, x, d, s);
        }
        else
        {
            Adam3<TA, TZ, TS, No>(p, g, m, v, x, d, s);
        }
    }

    private static void Adam3<TA, TZ, TS, TD>(ReadOnlySpan<double> p, ReadOnlySpan<double> g, Span<double> m, Span<double> v, Span<double> x, Span<double> d, in AdamFusedScalars s)
        where TA : struct, IFlag
        where TZ : struct, IFlag
        where TS : struct, IFlag
        where TD : struct, IFlag
    {
        if (s.Adam.AmsGrad)
        {
            Adam4<TA, TZ, TS, TD, Yes>(p, g, m, v, x, d, s);
        }
        else
        {
            Adam4<TA, TZ, TS, TD, No>(p, g, m, v, x, d, s);
        }
    }

    private static void Adam4<TA, TZ, TS, TD, TM>(ReadOnlySpan<double> p, ReadOnlySpan<double> g, Span<double> m, Span<double> v, Span<double> x, Span<double> d, in AdamFusedScalars s)
        where TA : struct, IFlag
        where TZ : struct, IFlag
        where TS : struct, IFlag
        where TD : struct, IFlag
        where TM : struct, IFlag
    {
        if (s.HasDecoupled)
        {
            if (s.HasProximal)
            {
                AdamLoop<TA, TZ, TS, TD, TM, Yes, Yes>(p, g, m, v, x, d, s);
            }
            else
            {
                AdamLoop<TA, TZ, TS, TD, TM, Yes, No>(p, g, m, v, x, d, s);
            }
        }
        else if (s.HasProximal)
        {
            AdamLoop<TA, TZ, TS, TD, TM, No, Yes>(p, g, m, v, x, d, s);
        }
        else
        {
            AdamLoop<TA, TZ, TS, TD, TM, No, No>(p, g, m, v, x, d, s);
        }
    }

    private static void AdamLoop<TA, TZ, TS, TD, TM, TC, TP>(
        ReadOnlySpan<double> p, ReadOnlySpan<double> g, Span<double> m, Span<double> v, Span<double> x, Span<double> d, in AdamFusedScalars s)
        where TA : struct, IFlag
        where TZ : struct, IFlag
        where TS : struct, IFlag
        where TD : struct, IFlag
        where TM : struct, IFlag
        where TC : struct, IFlag
        where TP : struct, IFlag
    {
        ref var rp = ref MemoryMarshal.GetReference(p);
        ref var rg = ref MemoryMarshal.GetReference(g);
        ref var rd = ref MemoryMarshal.GetReference(d);
        ref var rm = ref MemoryMarshal.GetReference(m);
        ref var rv = ref MemoryMarshal.GetReference(v);
        ref var rx = ref MemoryMarshal.GetReference(x);
        var a = s.Adam;
        var head = new Head(s.Scale, s.Decay);
        var tail = new Tail(s.NegLearningRate, s.NegDecoupled, s.Threshold, s.Divisor);
        var n = (nuint)p.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vhead = new VectorHead(head);
            var vtail = new VectorTail(tail);
            var b1 = Vector256.Create(a.Beta1);
            var omb1 = Vector256.Create(a.OneMinusBeta1);
            var b2 = Vector256.Create(a.Beta2);
            var omb2 = Vector256.Create(a.OneMinusBeta2);
            var ibc1 = Vector256.Create(a.InverseBiasCorrection1);
            var bc2s = Vector256.Create(a.BiasCorrection2Sqrt);
            var eps = Vector256.Create(a.Epsilon);
            for (; i + (nuint)W <= n; i += (nuint)W)
            {
                var vp = Vector256.LoadUnsafe(ref rp, i);
                var u = Start<TZ, TS, TD>(Vector256.LoadUnsafe(ref rg, i), vp, vhead);
                var mm = ElementMath.FirstMoment(omb1, u, Vector256.LoadUnsafe(ref rm, i), b1);
                var vv = ElementMath.SecondMoment(omb2, u, Vector256.LoadUnsafe(ref rv, i), b2);
                mm.StoreUnsafe(ref rm, i);
                vv.StoreUnsafe(ref rv, i);
                if (TM.On)
                {
                    vv = ElementMath.RunningMax(Vector256.LoadUnsafe(ref rx, i), vv);
                    vv.StoreUnsafe(ref rx, i);
                }

                Finish<TA, TC, TP>(vp, ElementMath.AdamDirection(mm, vv, ibc1, bc2s, eps), vtail).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            var vp = Unsafe.Add(ref rp, i);
            var u = Start<TZ, TS, TD>(Unsafe.Add(ref rg, i), vp, head);
            var mm = ElementMath.FirstMoment(a.OneMinusBeta1, u, Unsafe.Add(ref rm, i), a.Beta1);
            var vv = ElementMath.SecondMoment(a.OneMinusBeta2, u, Unsafe.Add(ref rv, i), a.Beta2);
            Unsafe.Add(ref rm, i) = mm;
            Unsafe.Add(ref rv, i) = vv;
            if (TM.On)
            {
                vv = ElementMath.RunningMax(Unsafe.Add(ref rx, i), vv);
                Unsafe.Add(ref rx, i) = vv;
            }

            Unsafe.Add(ref rd, i) = Finish<TA, TC, TP>(vp, ElementMath.AdamDirection(mm, vv, a.InverseBiasCorrection1, a.BiasCorrection2Sqrt, a.Epsilon), tail);
        }
    }

    /// <summary>The first primitives of every chain: <c>[zero non-finite] [u * scale] [fma(decay, p, u)]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Start<TZ, TS, TD>(double g, double p, in Head h)
        where TZ : struct, IFlag
        where TS : struct, IFlag
        where TD : struct, IFlag
    {
        var u = TZ.On ? ElementMath.ZeroIfNonFinite(g) : g;
        u = TS.On ? u * h.Scale : u;
        return TD.On ? ElementMath.MultiplyAdd(h.Decay, p, u) : u;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Start<TZ, TS, TD>(Vector256<double> g, Vector256<double> p, in VectorHead h)
        where TZ : struct, IFlag
        where TS : struct, IFlag
        where TD : struct, IFlag
    {
        var u = TZ.On ? ElementMath.ZeroIfNonFinite(g) : g;
        u = TS.On ? u * h.Scale : u;
        return TD.On ? ElementMath.MultiplyAdd(h.Decay, p, u) : u;
    }

    /// <summary>
    /// The last primitives of every chain: <c>u * (-lr)</c>, <c>[fma(-c, p, u)]</c>, <c>[soft(p + u) / div - p]</c>, then
    /// <c>p + u</c> (the facade) or <c>u</c> (a pure chain).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Finish<TA, TC, TP>(double p, double u, in Tail t)
        where TA : struct, IFlag
        where TC : struct, IFlag
        where TP : struct, IFlag
    {
        u *= t.NegLearningRate;
        u = TC.On ? ElementMath.MultiplyAdd(t.NegDecoupled, p, u) : u;
        u = TP.On ? ElementMath.ProximalUpdate(p, u, t.Threshold, t.Divisor) : u;
        return TA.On ? p + u : u;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Finish<TA, TC, TP>(Vector256<double> p, Vector256<double> u, in VectorTail t)
        where TA : struct, IFlag
        where TC : struct, IFlag
        where TP : struct, IFlag
    {
        u *= t.NegLearningRate;
        u = TC.On ? ElementMath.MultiplyAdd(t.NegDecoupled, p, u) : u;
        u = TP.On ? ElementMath.ProximalUpdate(p, u, t.Threshold, t.Divisor) : u;
        return TA.On ? p + u : u;
    }

    private readonly record struct Head(double Scale, double Decay);

    private readonly record struct Tail(double NegLearningRate, double NegDecoupled, double Threshold, double Divisor);

    private readonly struct VectorHead(Head h)
    {
        public readonly Vector256<double> Scale = Vector256.Create(h.Scale);
        public readonly Vector256<double> Decay = Vector256.Create(h.Decay);
    }

    private readonly struct VectorTail(Tail t)
    {
        public readonly Vector256<double> NegLearningRate = Vector256.Create(t.NegLearningRate);
        public readonly Vector256<double> NegDecoupled = Vector256.Create(t.NegDecoupled);
        public readonly Vector256<double> Threshold = Vector256.Create(t.Threshold);
        public readonly Vector256<double> Divisor = Vector256.Create(t.Divisor);
    }
}
