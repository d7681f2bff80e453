using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Providers.LinearAlgebra;
using Complex = System.Numerics.Complex;

namespace Regularization.Mkl;

/// <content>The <see cref="float"/> methods: matrix products through <c>cblas_sgemm</c>, the rest forwarded to the managed provider.</content>
public abstract partial class NativeLinearAlgebraProvider
{
    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void AddVectorToScaledVector(float[] y, float alpha, float[] x, float[] result) => Managed.AddVectorToScaledVector(y, alpha, x, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void ScaleArray(float alpha, float[] x, float[] result) => Managed.ScaleArray(alpha, x, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void ConjugateArray(float[] x, float[] result) => Managed.ConjugateArray(x, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public float DotProduct(float[] x, float[] y) => Managed.DotProduct(x, y);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void AddArrays(float[] x, float[] y, float[] result) => Managed.AddArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void SubtractArrays(float[] x, float[] y, float[] result) => Managed.SubtractArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void PointWiseMultiplyArrays(float[] x, float[] y, float[] result) => Managed.PointWiseMultiplyArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void PointWiseDivideArrays(float[] x, float[] y, float[] result) => Managed.PointWiseDivideArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void PointWisePowerArrays(float[] x, float[] y, float[] result) => Managed.PointWisePowerArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public double MatrixNorm(Norm norm, int rows, int columns, float[] matrix) => Managed.MatrixNorm(norm, rows, columns, matrix);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUFactor(float[] data, int order, int[] ipiv) => Managed.LUFactor(data, order, ipiv);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUInverse(float[] a, int order) => Managed.LUInverse(a, order);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUInverseFactored(float[] a, int order, int[] ipiv) => Managed.LUInverseFactored(a, order, ipiv);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUSolve(int columnsOfB, float[] a, int order, float[] b) => Managed.LUSolve(columnsOfB, a, order, b);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUSolveFactored(int columnsOfB, float[] a, int order, int[] ipiv, float[] b) => Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void CholeskyFactor(float[] a, int order) => Managed.CholeskyFactor(a, order);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void CholeskySolve(float[] a, int orderA, float[] b, int columnsB) => Managed.CholeskySolve(a, orderA, b, columnsB);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void CholeskySolveFactored(float[] a, int orderA, float[] b, int columnsB) => Managed.CholeskySolveFactored(a, orderA, b, columnsB);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void QRFactor(float[] r, int rowsR, int columnsR, float[] q, float[] tau) => Managed.QRFactor(r, rowsR, columnsR, q, tau);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void ThinQRFactor(float[] a, int rowsA, int columnsA, float[] r, float[] tau) => Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void QRSolve(float[] a, int rows, int columns, float[] b, int columnsB, float[] x, QRMethod method = QRMethod.Full) => Managed.QRSolve(a, rows, columns, b, columnsB, x, method);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void QRSolveFactored(float[] q, float[] r, int rowsA, int columnsA, float[] tau, float[] b, int columnsB, float[] x, QRMethod method = QRMethod.Full) => Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void SingularValueDecomposition(bool computeVectors, float[] a, int rowsA, int columnsA, float[] s, float[] u, float[] vt) => Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void SvdSolve(float[] a, int rowsA, int columnsA, float[] b, int columnsB, float[] x) => Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void SvdSolveFactored(int rowsA, int columnsA, float[] s, float[] u, float[] vt, float[] b, int columnsB, float[] x) => Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void EigenDecomp(bool isSymmetric, int order, float[] matrix, float[] matrixEv, Complex[] vectorEv, float[] matrixD) => Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);
}
