using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Regularization.Bench;

/// <summary>
/// STREAM's triad, <c>a[i] = b[i] + s * c[i]</c>: 24 bytes moved per element (two reads, one write). The
/// memory-bandwidth baseline every element-wise benchmark is compared with in the same run.
/// </summary>
public static class Triad
{
    public const int BytesPerElement = 24;

    public static void Run(double[] a, double[] b, double[] c, double s)
    {
        ref var ra = ref MemoryMarshal.GetArrayDataReference(a);
        ref var rb = ref MemoryMarshal.GetArrayDataReference(b);
        ref var rc = ref MemoryMarshal.GetArrayDataReference(c);
        var n = (nuint)a.Length;
        var vs = Vector256.Create(s);
        nuint i = 0;
        for (; i + 4 <= n; i += 4)
        {
            (Vector256.LoadUnsafe(ref rb, i) + (vs * Vector256.LoadUnsafe(ref rc, i))).StoreUnsafe(ref ra, i);
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref ra, i) = Unsafe.Add(ref rb, i) + (s * Unsafe.Add(ref rc, i));
        }
    }

    /// <summary>The float32 triad: 12 bytes moved per element.</summary>
    public static void Run(float[] a, float[] b, float[] c, float s)
    {
        ref var ra = ref MemoryMarshal.GetArrayDataReference(a);
        ref var rb = ref MemoryMarshal.GetArrayDataReference(b);
        ref var rc = ref MemoryMarshal.GetArrayDataReference(c);
        var n = (nuint)a.Length;
        var vs = Vector256.Create(s);
        nuint i = 0;
        for (; i + 8 <= n; i += 8)
        {
            (Vector256.LoadUnsafe(ref rb, i) + (vs * Vector256.LoadUnsafe(ref rc, i))).StoreUnsafe(ref ra, i);
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref ra, i) = Unsafe.Add(ref rb, i) + (s * Unsafe.Add(ref rc, i));
        }
    }
}
