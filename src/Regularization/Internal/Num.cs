using System.Numerics;
using System.Runtime.CompilerServices;

namespace Regularization.Internal;

/// <summary>
/// Element-type plumbing for the two supported element types, <see cref="float"/> and <see cref="double"/>. The
/// <c>typeof(T)</c> tests are constants for the JIT, so every branch folds away in each instantiation.
/// </summary>
internal static class Num<T>
    where T : struct, IEquatable<T>, IFormattable
{
    public static readonly bool IsDouble = typeof(T) == typeof(double);

    public static readonly bool IsSingle = typeof(T) == typeof(float);

    public static string Name => IsDouble ? "double" : IsSingle ? "float" : typeof(T).Name;

    /// <summary>Throws <see cref="NotSupportedException"/> unless <typeparamref name="T"/> is float or double.</summary>
    public static void Check()
    {
        if (!IsDouble && !IsSingle)
        {
            throw new NotSupportedException($"Element type {typeof(T).Name} is not supported: use double (float64) or float (float32).");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T From(double x)
    {
        if (typeof(T) == typeof(double))
        {
            return Unsafe.As<double, T>(ref x);
        }

        var f = (float)x;
        return Unsafe.As<float, T>(ref f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToDouble(T x)
    {
        if (typeof(T) == typeof(double))
        {
            return Unsafe.As<T, double>(ref x);
        }

        return Unsafe.As<T, float>(ref x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Splat(double x) => new(From(x));

    public static MathNet.Numerics.LinearAlgebra.Matrix<T> Dense(int rows, int columns) => MathNet.Numerics.LinearAlgebra.Matrix<T>.Build.Dense(rows, columns);

    /// <summary>A dense matrix with every element <paramref name="fill"/>, bit for bit (MathNet's own fill treats -0.0 as 0).</summary>
    public static MathNet.Numerics.LinearAlgebra.Matrix<T> Dense(int rows, int columns, double fill)
    {
        var data = new T[rows * columns];
        Array.Fill(data, From(fill));
        return MathNet.Numerics.LinearAlgebra.Matrix<T>.Build.Dense(rows, columns, data);
    }

    public static T[] Data(MathNet.Numerics.LinearAlgebra.Matrix<T> m) => m.AsColumnMajorArray();
}
