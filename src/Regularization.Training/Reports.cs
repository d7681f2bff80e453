using System.Globalization;
using System.Text.Json;

namespace Regularization.Training;

/// <summary>Progress after one training batch, for progress bars (a struct: reporting allocates nothing).</summary>
/// <param name="Epoch">The epoch, 1-based.</param>
/// <param name="Batch">The batch within the epoch, 1-based.</param>
/// <param name="BatchesPerEpoch">Batches per epoch (the last one may be partial).</param>
/// <param name="Step">Optimizer steps done since the start of the run, this one included.</param>
/// <param name="Loss">The batch's reported loss: mean cross-entropy plus the L1/L2 loss terms.</param>
/// <param name="PenaltyTerm">The L1/L2 loss terms' part of <paramref name="Loss"/> (0 without them).</param>
/// <param name="RunningAverageLoss">Mean of the epoch's batch losses so far.</param>
/// <param name="RunningTrainAccuracyPercent">Accuracy of the epoch's training predictions so far, in percent (made before each step, as the second seed counts them).</param>
public readonly record struct BatchProgress(
    int Epoch,
    int Batch,
    int BatchesPerEpoch,
    long Step,
    double Loss,
    double PenaltyTerm,
    double RunningAverageLoss,
    double RunningTrainAccuracyPercent);

/// <summary>Loss and accuracy of a model over a data set.</summary>
/// <param name="Loss">Mean cross-entropy per sample (no loss terms).</param>
/// <param name="AccuracyPercent">Correct predictions, in percent.</param>
/// <param name="Correct">Correct predictions.</param>
/// <param name="Count">Samples.</param>
public readonly record struct Evaluation(double Loss, double AccuracyPercent, int Correct, int Count);

/// <summary>One epoch's numbers, as the seeds print them and more.</summary>
/// <param name="Epoch">The epoch, 1-based.</param>
/// <param name="AverageLoss">Mean of the batch losses over the number of batches (<c>total_loss / len(train_loader)</c>), loss terms included.</param>
/// <param name="TrainAccuracyPercent">Accuracy of the training predictions made during the epoch, each before its step (the second seed's <c>accu</c>).</param>
/// <param name="TestAccuracyPercent">Accuracy on the test set after the epoch.</param>
/// <param name="TestLoss">Mean cross-entropy on the test set after the epoch.</param>
/// <param name="TrainingSeconds">Training time of this epoch (batches, forward, backward, steps; evaluation excluded).</param>
/// <param name="Steps">Optimizer steps since the start of the run, after this epoch.</param>
public sealed record EpochReport(
    int Epoch,
    double AverageLoss,
    double TrainAccuracyPercent,
    double TestAccuracyPercent,
    double TestLoss,
    double TrainingSeconds,
    long Steps)
{
    /// <summary>The two lines the first seed prints, for example <c>Epoch 1, Average Loss: 0.4125</c> and <c>Test Accuracy: 94.30%</c>.</summary>
    public string SeedLines => string.Create(
        CultureInfo.InvariantCulture, $"Epoch {Epoch}, Average Loss: {AverageLoss:F4}{Environment.NewLine}Test Accuracy: {TestAccuracyPercent:F2}%");

    /// <summary>The line the second seed prints, for example <c>Train Loss: 0.412 | Accuracy: 88.102</c>.</summary>
    public string SecondSeedLine => string.Create(
        CultureInfo.InvariantCulture, $"Train Loss: {AverageLoss:F3} | Accuracy: {TrainAccuracyPercent:F3}");
}

/// <summary>Statistics of one parameter matrix after training.</summary>
/// <param name="Name">The parameter (for example <c>fc1.weight</c>).</param>
/// <param name="Rows">Rows.</param>
/// <param name="Columns">Columns.</param>
/// <param name="SumOfSquares">Sum of squared entries.</param>
/// <param name="FrobeniusNorm">Square root of <paramref name="SumOfSquares"/>.</param>
/// <param name="Zeros">Entries exactly 0 (proximal L1 makes them).</param>
/// <param name="ZeroShare">Share of exact zeros, in [0, 1].</param>
public sealed record ParameterReport(string Name, int Rows, int Columns, double SumOfSquares, double FrobeniusNorm, long Zeros, double ZeroShare)
{
    /// <summary>The statistics of one parameter.</summary>
    /// <param name="parameter">The parameter.</param>
    /// <typeparam name="T">The element type (float or double); the sum of squares is accumulated in double.</typeparam>
    /// <returns>Its report.</returns>
    public static ParameterReport Of<T>(Param<T> parameter)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameter);
        double sum = 0;
        long zeros = 0;
        foreach (var v in parameter.Value.AsColumnMajorArray())
        {
            var x = double.CreateTruncating(v);
            sum += x * x;
            if (x == 0)
            {
                zeros++;
            }
        }

        var count = parameter.Count;
        return new ParameterReport(parameter.Name, parameter.Rows, parameter.Columns, sum, Math.Sqrt(sum), zeros, count == 0 ? 0 : (double)zeros / count);
    }
}

/// <summary>The result of a training run, ready for JSON (<see cref="ToJson"/>).</summary>
/// <param name="Options">The options of the run.</param>
/// <param name="Epochs">One report per epoch, in order.</param>
/// <param name="TrainAccuracyPercent">Accuracy of the final model on the training set (see <paramref name="TrainAccuracyIsFinalEvaluation"/>).</param>
/// <param name="TrainAccuracyIsFinalEvaluation">True when <paramref name="TrainAccuracyPercent"/> evaluates the final model on the whole training set; false when it is the last epoch's running accuracy.</param>
/// <param name="TrainLoss">Mean cross-entropy of the final model on the training set (the last epoch's average loss when not evaluated).</param>
/// <param name="TestAccuracyPercent">Accuracy of the final model on the test set.</param>
/// <param name="TestLoss">Mean cross-entropy of the final model on the test set.</param>
/// <param name="GapPercentagePoints">Train minus test accuracy, in percentage points (the generalization gap).</param>
/// <param name="SumOfSquares">Sum of squares of all parameters, biases included (the seeds' <c>l2_norm</c>).</param>
/// <param name="ParameterCount">Number of parameter entries.</param>
/// <param name="Zeros">Entries exactly 0.</param>
/// <param name="ZeroShare">Share of exact zeros over all parameters, in [0, 1].</param>
/// <param name="Parameters">Per-parameter statistics (Frobenius norms, zeros).</param>
/// <param name="TrainingSeconds">Training time of the whole run (resumed runs included): batches, forward, backward and steps; evaluation and data loading excluded.</param>
/// <param name="SecondsPerEpoch">Mean training time per epoch.</param>
/// <param name="Provider">The MathNet linear-algebra provider the run used (for example <c>Managed</c>).</param>
public sealed record TrainingResult(
    TrainingOptions Options,
    IReadOnlyList<EpochReport> Epochs,
    double TrainAccuracyPercent,
    bool TrainAccuracyIsFinalEvaluation,
    double TrainLoss,
    double TestAccuracyPercent,
    double TestLoss,
    double GapPercentagePoints,
    double SumOfSquares,
    long ParameterCount,
    long Zeros,
    double ZeroShare,
    IReadOnlyList<ParameterReport> Parameters,
    double TrainingSeconds,
    double SecondsPerEpoch,
    string Provider)
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },

        // A diverged or unusual run may report NaN or infinite losses: written as "NaN", "Infinity", "-Infinity".
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The result as indented JSON; a NaN or infinite number is written as the string <c>"NaN"</c>, <c>"Infinity"</c> or <c>"-Infinity"</c>.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, Indented);
}
