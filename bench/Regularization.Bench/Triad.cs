using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Regularization.Bench;

/// <summary>
/// STREAM's triad, <c>a[i] = b[i] + s * c[i]</c>: three arrays moved per element (24 bytes in float64, 12 in float32).
/// The memory-bandwidth baseline every element-wise benchmark is compared with in the same run.
/// </summary>
public static class Triad
{
    public const int BytesPerElement = 24;

    /// <summary>The triad over float64 or float32 arrays, with the element type's hardware vectors.</summary>
    public static void Run<T>(T[] a, T[] b, T[] c, T s)
        where T : struct, INumber<T>
    {
        ref var ra = ref MemoryMarshal.GetArrayDataReference(a);
        ref var rb = ref MemoryMarshal.GetArrayDataReference(b);
        ref var rc = ref MemoryMarshal.GetArrayDataReference(c);
        var n = (nuint)a.Length;
        var w = (nuint)Vector<T>.Count;
        var vs = new Vector<T>(s);
        nuint i = 0;
        for (; i + w <= n; i += w)
        {
            (Vector.LoadUnsafe(ref rb, i) + (vs * Vector.LoadUnsafe(ref rc, i))).StoreUnsafe(ref ra, i);
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref ra, i) = Unsafe.Add(ref rb, i) + (s * Unsafe.Add(ref rc, i));
        }
    }
}
