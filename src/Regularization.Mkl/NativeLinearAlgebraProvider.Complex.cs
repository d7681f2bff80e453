using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Providers.LinearAlgebra;
using Complex = System.Numerics.Complex;

namespace Regularization.Mkl;

/// <content>The <see cref="Complex"/> and <see cref="Complex32"/> methods, all forwarded to the managed provider.</content>
public abstract partial class NativeLinearAlgebraProvider
{
    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void AddVectorToScaledVector(Complex[] y, Complex alpha, Complex[] x, Complex[] result) => Managed.AddVectorToScaledVector(y, alpha, x, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void ScaleArray(Complex alpha, Complex[] x, Complex[] result) => Managed.ScaleArray(alpha, x, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void ConjugateArray(Complex[] x, Complex[] result) => Managed.ConjugateArray(x, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public Complex DotProduct(Complex[] x, Complex[] y) => Managed.DotProduct(x, y);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void AddArrays(Complex[] x, Complex[] y, Complex[] result) => Managed.AddArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void SubtractArrays(Complex[] x, Complex[] y, Complex[] result) => Managed.SubtractArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void PointWiseMultiplyArrays(Complex[] x, Complex[] y, Complex[] result) => Managed.PointWiseMultiplyArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void PointWiseDivideArrays(Complex[] x, Complex[] y, Complex[] result) => Managed.PointWiseDivideArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void PointWisePowerArrays(Complex[] x, Complex[] y, Complex[] result) => Managed.PointWisePowerArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public double MatrixNorm(Norm norm, int rows, int columns, Complex[] matrix) => Managed.MatrixNorm(norm, rows, columns, matrix);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void MatrixMultiply(Complex[] x, int rowsX, int columnsX, Complex[] y, int rowsY, int columnsY, Complex[] result) => Managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, Complex alpha, Complex[] a, int rowsA, int columnsA, Complex[] b, int rowsB, int columnsB, Complex beta, Complex[] c) => Managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUFactor(Complex[] data, int order, int[] ipiv) => Managed.LUFactor(data, order, ipiv);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUInverse(Complex[] a, int order) => Managed.LUInverse(a, order);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUInverseFactored(Complex[] a, int order, int[] ipiv) => Managed.LUInverseFactored(a, order, ipiv);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUSolve(int columnsOfB, Complex[] a, int order, Complex[] b) => Managed.LUSolve(columnsOfB, a, order, b);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUSolveFactored(int columnsOfB, Complex[] a, int order, int[] ipiv, Complex[] b) => Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void CholeskyFactor(Complex[] a, int order) => Managed.CholeskyFactor(a, order);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void CholeskySolve(Complex[] a, int orderA, Complex[] b, int columnsB) => Managed.CholeskySolve(a, orderA, b, columnsB);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void CholeskySolveFactored(Complex[] a, int orderA, Complex[] b, int columnsB) => Managed.CholeskySolveFactored(a, orderA, b, columnsB);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void QRFactor(Complex[] r, int rowsR, int columnsR, Complex[] q, Complex[] tau) => Managed.QRFactor(r, rowsR, columnsR, q, tau);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void ThinQRFactor(Complex[] a, int rowsA, int columnsA, Complex[] r, Complex[] tau) => Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void QRSolve(Complex[] a, int rows, int columns, Complex[] b, int columnsB, Complex[] x, QRMethod method = QRMethod.Full) => Managed.QRSolve(a, rows, columns, b, columnsB, x, method);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void QRSolveFactored(Complex[] q, Complex[] r, int rowsA, int columnsA, Complex[] tau, Complex[] b, int columnsB, Complex[] x, QRMethod method = QRMethod.Full) => Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void SingularValueDecomposition(bool computeVectors, Complex[] a, int rowsA, int columnsA, Complex[] s, Complex[] u, Complex[] vt) => Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void SvdSolve(Complex[] a, int rowsA, int columnsA, Complex[] b, int columnsB, Complex[] x) => Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void SvdSolveFactored(int rowsA, int columnsA, Complex[] s, Complex[] u, Complex[] vt, Complex[] b, int columnsB, Complex[] x) => Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void EigenDecomp(bool isSymmetric, int order, Complex[] matrix, Complex[] matrixEv, Complex[] vectorEv, Complex[] matrixD) => Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void AddVectorToScaledVector(Complex32[] y, Complex32 alpha, Complex32[] x, Complex32[] result) => Managed.AddVectorToScaledVector(y, alpha, x, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void ScaleArray(Complex32 alpha, Complex32[] x, Complex32[] result) => Managed.ScaleArray(alpha, x, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void ConjugateArray(Complex32[] x, Complex32[] result) => Managed.ConjugateArray(x, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public Complex32 DotProduct(Complex32[] x, Complex32[] y) => Managed.DotProduct(x, y);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void AddArrays(Complex32[] x, Complex32[] y, Complex32[] result) => Managed.AddArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void SubtractArrays(Complex32[] x, Complex32[] y, Complex32[] result) => Managed.SubtractArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void PointWiseMultiplyArrays(Complex32[] x, Complex32[] y, Complex32[] result) => Managed.PointWiseMultiplyArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void PointWiseDivideArrays(Complex32[] x, Complex32[] y, Complex32[] result) => Managed.PointWiseDivideArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void PointWisePowerArrays(Complex32[] x, Complex32[] y, Complex32[] result) => Managed.PointWisePowerArrays(x, y, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public double MatrixNorm(Norm norm, int rows, int columns, Complex32[] matrix) => Managed.MatrixNorm(norm, rows, columns, matrix);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void MatrixMultiply(Complex32[] x, int rowsX, int columnsX, Complex32[] y, int rowsY, int columnsY, Complex32[] result) => Managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, Complex32 alpha, Complex32[] a, int rowsA, int columnsA, Complex32[] b, int rowsB, int columnsB, Complex32 beta, Complex32[] c) => Managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUFactor(Complex32[] data, int order, int[] ipiv) => Managed.LUFactor(data, order, ipiv);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUInverse(Complex32[] a, int order) => Managed.LUInverse(a, order);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUInverseFactored(Complex32[] a, int order, int[] ipiv) => Managed.LUInverseFactored(a, order, ipiv);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUSolve(int columnsOfB, Complex32[] a, int order, Complex32[] b) => Managed.LUSolve(columnsOfB, a, order, b);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void LUSolveFactored(int columnsOfB, Complex32[] a, int order, int[] ipiv, Complex32[] b) => Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void CholeskyFactor(Complex32[] a, int order) => Managed.CholeskyFactor(a, order);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void CholeskySolve(Complex32[] a, int orderA, Complex32[] b, int columnsB) => Managed.CholeskySolve(a, orderA, b, columnsB);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void CholeskySolveFactored(Complex32[] a, int orderA, Complex32[] b, int columnsB) => Managed.CholeskySolveFactored(a, orderA, b, columnsB);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void QRFactor(Complex32[] r, int rowsR, int columnsR, Complex32[] q, Complex32[] tau) => Managed.QRFactor(r, rowsR, columnsR, q, tau);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void ThinQRFactor(Complex32[] a, int rowsA, int columnsA, Complex32[] r, Complex32[] tau) => Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void QRSolve(Complex32[] a, int rows, int columns, Complex32[] b, int columnsB, Complex32[] x, QRMethod method = QRMethod.Full) => Managed.QRSolve(a, rows, columns, b, columnsB, x, method);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void QRSolveFactored(Complex32[] q, Complex32[] r, int rowsA, int columnsA, Complex32[] tau, Complex32[] b, int columnsB, Complex32[] x, QRMethod method = QRMethod.Full) => Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void SingularValueDecomposition(bool computeVectors, Complex32[] a, int rowsA, int columnsA, Complex32[] s, Complex32[] u, Complex32[] vt) => Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void SvdSolve(Complex32[] a, int rowsA, int columnsA, Complex32[] b, int columnsB, Complex32[] x) => Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void SvdSolveFactored(int rowsA, int columnsA, Complex32[] s, Complex32[] u, Complex32[] vt, Complex32[] b, int columnsB, Complex32[] x) => Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);

    /// <inheritdoc />
    /// <remarks>Forwarded to <see cref="ManagedLinearAlgebraProvider.Instance"/>.</remarks>
    public void EigenDecomp(bool isSymmetric, int order, Complex32[] matrix, Complex32[] matrixEv, Complex[] vectorEv, Complex32[] matrixD) => Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);
}
