using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Regularization.Linear.Internal;

/// <summary>The few vector loops the solvers need, SIMD through <see cref="Vector{T}"/> with two accumulators.</summary>
internal static class Vec
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Soft(double z, double t) => z > t ? z - t : z < -t ? z + t : 0.0;

    /// <summary><c>sum a_i b_i</c>.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var n = a.Length;
        var va = MemoryMarshal.Cast<double, Vector<double>>(a);
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..n]);
        Vector<double> s0 = Vector<double>.Zero, s1 = Vector<double>.Zero;
        var k = 0;
        for (; k + 1 < va.Length; k += 2)
        {
            s0 += va[k] * vb[k];
            s1 += va[k + 1] * vb[k + 1];
        }

        if (k < va.Length)
        {
            s0 += va[k] * vb[k];
        }

        var sum = Vector.Sum(s0 + s1);
        for (var i = va.Length * Vector<double>.Count; i < n; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary><c>sum a_i b_i c_i</c>.</summary>
    public static double Dot3(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c)
    {
        var n = a.Length;
        var va = MemoryMarshal.Cast<double, Vector<double>>(a);
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..n]);
        var vc = MemoryMarshal.Cast<double, Vector<double>>(c[..n]);
        var s = Vector<double>.Zero;
        for (var k = 0; k < va.Length; k++)
        {
            s += va[k] * vb[k] * vc[k];
        }

        var sum = Vector.Sum(s);
        for (var i = va.Length * Vector<double>.Count; i < n; i++)
        {
            sum += a[i] * b[i] * c[i];
        }

        return sum;
    }

    /// <summary><c>y += alpha * x</c>.</summary>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        var n = x.Length;
        var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
        var vy = MemoryMarshal.Cast<double, Vector<double>>(y[..n]);
        var va = new Vector<double>(alpha);
        for (var k = 0; k < vx.Length; k++)
        {
            vy[k] += va * vx[k];
        }

        for (var i = vx.Length * Vector<double>.Count; i < n; i++)
        {
            y[i] += alpha * x[i];
        }
    }

    /// <summary><c>y += alpha * u .* x</c>.</summary>
    public static void Axpy3(double alpha, ReadOnlySpan<double> u, ReadOnlySpan<double> x, Span<double> y)
    {
        var n = x.Length;
        var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
        var vu = MemoryMarshal.Cast<double, Vector<double>>(u[..n]);
        var vy = MemoryMarshal.Cast<double, Vector<double>>(y[..n]);
        var va = new Vector<double>(alpha);
        for (var k = 0; k < vx.Length; k++)
        {
            vy[k] += va * vu[k] * vx[k];
        }

        for (var i = vx.Length * Vector<double>.Count; i < n; i++)
        {
            y[i] += alpha * u[i] * x[i];
        }
    }

    /// <summary>The logistic function, stable for large |eta|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double eta) => eta >= 0 ? 1 / (1 + Math.Exp(-eta)) : Math.Exp(eta) / (1 + Math.Exp(eta));

    /// <summary><c>log(1 + exp(eta))</c>, stable.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log1pExp(double eta) => eta > 0 ? eta + double.LogP1(Math.Exp(-eta)) : double.LogP1(Math.Exp(eta));
}
