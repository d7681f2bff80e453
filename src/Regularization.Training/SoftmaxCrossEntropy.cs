using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Regularization.Training;

/// <summary>The loss and the number of correct predictions of a batch.</summary>
/// <param name="Loss">Mean softmax cross-entropy over the batch (PyTorch <c>CrossEntropyLoss()</c>, reduction <c>mean</c>).</param>
/// <param name="Correct">Samples whose largest logit is at their label (ties go to the first class).</param>
/// <param name="Count">Samples in the batch.</param>
public readonly record struct BatchResult(double Loss, int Correct, int Count)
{
    /// <summary>Share of correct predictions, in [0, 1] (0 for an empty batch).</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}

/// <summary>
/// Softmax cross-entropy over logits laid out <c>classes x batch</c> (one sample per column), numerically stable and
/// arranged as PyTorch computes it: <c>log_softmax(z) = (z - max z) - log(sum exp(z - max z))</c>, loss = mean of
/// <c>-log_softmax(z)[label]</c>, and the gradient of the mean loss
/// <c>d/dz_k = exp(log_softmax(z)_k) / B - [k = label] / B</c>.
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>
    /// The mean loss and the number of correct predictions; when <paramref name="gradient"/> is given, writes the
    /// gradient of the mean loss with respect to the logits into it. Allocates nothing.
    /// </summary>
    /// <param name="logits">Dense <c>classes x batch</c> logits.</param>
    /// <param name="labels">One label per column, each in [0, classes).</param>
    /// <param name="gradient">Null, or a dense matrix of the logits' shape that receives the gradient (it may not be <paramref name="logits"/>).</param>
    /// <typeparam name="T">The element type (float or double): every value is computed in it, as PyTorch computes a loss in the logits' dtype.</typeparam>
    /// <returns>Mean loss, correct predictions, batch size.</returns>
    /// <exception cref="ArgumentException">Shapes or labels do not fit.</exception>
    public static BatchResult Compute<T>(Matrix<T> logits, ReadOnlySpan<int> labels, Matrix<T>? gradient = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(logits);
        var z = logits.AsColumnMajorArray() ?? throw new ArgumentException("The logits must be a dense matrix.", nameof(logits));
        var classes = logits.RowCount;
        var batch = logits.ColumnCount;
        if (labels.Length != batch)
        {
            throw new ArgumentException($"There are {labels.Length} labels for a batch of {batch} samples.", nameof(labels));
        }

        T[]? g = null;
        if (gradient is not null)
        {
            g = gradient.AsColumnMajorArray() ?? throw new ArgumentException("The gradient must be a dense matrix.", nameof(gradient));
            if (gradient.RowCount != classes || gradient.ColumnCount != batch || ReferenceEquals(g, z))
            {
                throw new ArgumentException(
                    $"The gradient must be a separate {classes}x{batch} matrix; it is {gradient.RowCount}x{gradient.ColumnCount}.", nameof(gradient));
            }
        }

        var invBatch = T.One / T.CreateTruncating(batch);
        var total = T.Zero;
        var correct = 0;
        for (var j = 0; j < batch; j++)
        {
            var label = labels[j];
            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentException($"Label {label} of sample {j} is outside [0, {classes}).", nameof(labels));
            }

            var column = z.AsSpan(j * classes, classes);
            var max = column[0];
            var argmax = 0;
            for (var k = 1; k < classes; k++)
            {
                if (column[k] > max)
                {
                    max = column[k];
                    argmax = k;
                }
            }

            var sum = T.Zero;
            for (var k = 0; k < classes; k++)
            {
                sum += T.Exp(column[k] - max);
            }

            var logSum = T.Log(sum);
            total -= (column[label] - max) - logSum;
            if (argmax == label)
            {
                correct++;
            }

            if (g is not null)
            {
                var d = g.AsSpan(j * classes, classes);
                for (var k = 0; k < classes; k++)
                {
                    d[k] = T.Exp((column[k] - max) - logSum) * invBatch;
                }

                d[label] -= invBatch;
            }
        }

        return new BatchResult(batch == 0 ? 0 : double.CreateTruncating(total / T.CreateTruncating(batch)), correct, batch);
    }

    /// <summary>The mean loss only (see <see cref="Compute"/>).</summary>
    /// <param name="logits">Dense <c>classes x batch</c> logits.</param>
    /// <param name="labels">One label per column.</param>
    /// <typeparam name="T">The element type (float or double).</typeparam>
    /// <returns>The mean softmax cross-entropy.</returns>
    public static double Loss<T>(Matrix<T> logits, ReadOnlySpan<int> labels)
        where T : unmanaged, IFloatingPointIeee754<T> => Compute(logits, labels).Loss;
}
