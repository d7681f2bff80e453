using System.Buffers;
using MathNet.Numerics.Providers.LinearAlgebra;
using Regularization.Mkl.Native;

namespace Regularization.Mkl;

/// <content>The <see cref="float"/> matrix products, through <c>cblas_sgemm</c>.</content>
public abstract unsafe partial class NativeLinearAlgebraProvider
{
    /// <inheritdoc />
    /// <remarks>
    /// <c>cblas_sgemm(NoTrans, NoTrans, 1, 0)</c>; <paramref name="result"/> may alias an input. Agrees with the managed
    /// provider to float rounding (about <c>k * 6e-8</c> relative to <c>|x|*|y|</c>).
    /// </remarks>
    public void MatrixMultiply(float[] x, int rowsX, int columnsX, float[] y, int rowsY, int columnsY, float[] result)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(result);
        CheckProduct(rowsX, columnsX, x.Length, rowsY, columnsY, y.Length, rowsX, columnsY, result.Length);
        Sgemm(false, false, 1f, x, rowsX, columnsX, y, rowsY, columnsY, 0f, result);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>c = alpha * op(a) * op(b) + beta * c</c> with <c>cblas_sgemm</c>; the same conventions as the
    /// <see cref="double"/> overload.
    /// </remarks>
    public void MatrixMultiplyWithUpdate(
        Transpose transposeA, Transpose transposeB, float alpha, float[] a, int rowsA, int columnsA, float[] b, int rowsB, int columnsB, float beta, float[] c)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        var ta = transposeA != Transpose.DontTranspose;
        var tb = transposeB != Transpose.DontTranspose;
        var (opRowsA, opColumnsA) = ta ? (columnsA, rowsA) : (rowsA, columnsA);
        var (opRowsB, opColumnsB) = tb ? (columnsB, rowsB) : (rowsB, columnsB);
        CheckProduct(opRowsA, opColumnsA, a.Length, opRowsB, opColumnsB, b.Length, opRowsA, opColumnsB, c.Length);
        Sgemm(ta, tb, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
    }

    private void Sgemm(bool ta, bool tb, float alpha, float[] a, int rowsA, int columnsA, float[] b, int rowsB, int columnsB, float beta, float[] c)
    {
        var m = ta ? columnsA : rowsA;
        var k = ta ? rowsA : columnsA;
        var n = tb ? rowsB : columnsB;
        float[]? copyA = null, copyB = null;
        try
        {
            if (ReferenceEquals(a, c))
            {
                copyA = ArrayPool<float>.Shared.Rent(a.Length);
                a.AsSpan().CopyTo(copyA);
            }

            if (ReferenceEquals(b, c))
            {
                copyB = copyA;
                if (copyB is null)
                {
                    copyB = ArrayPool<float>.Shared.Rent(b.Length);
                    b.AsSpan().CopyTo(copyB);
                }
            }

            var inA = copyA ?? a;
            var inB = copyB ?? b;
            if ((long)m * n * k < _cutoffs.Gemm || m == 0 || n == 0 || k == 0 || alpha == 0f)
            {
                Managed.MatrixMultiplyWithUpdate(
                    ta ? Transpose.Transpose : Transpose.DontTranspose, tb ? Transpose.Transpose : Transpose.DontTranspose, alpha,
                    Exact(inA, a.Length), rowsA, columnsA, Exact(inB, b.Length), rowsB, columnsB, beta, c);
                return;
            }

            EnsureStarted();
            fixed (float* pa = inA, pb = inB, pc = c)
            {
                Blas.Sgemm(
                    Cblas.ColMajor, ta ? Cblas.Trans : Cblas.NoTrans, tb ? Cblas.Trans : Cblas.NoTrans, m, n, k,
                    alpha, pa, rowsA, pb, rowsB, beta, pc, m);
            }
        }
        finally
        {
            if (copyA is not null)
            {
                ArrayPool<float>.Shared.Return(copyA);
            }

            if (copyB is not null && !ReferenceEquals(copyB, copyA))
            {
                ArrayPool<float>.Shared.Return(copyB);
            }
        }
    }
}
