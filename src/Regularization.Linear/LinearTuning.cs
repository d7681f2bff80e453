using System.Diagnostics.Contracts;
using MathNet.Numerics.LinearAlgebra;
using Regularization.Tuning;

namespace Regularization.Linear;

/// <summary>
/// The elastic-net and logistic models as objectives for <see cref="Tuner"/>: a trial fits glmnet's objective at one
/// <c>lambda</c> (and, when tuned, one <c>alpha</c>) on the training rows and scores the validation rows.
/// </summary>
/// <remarks>
/// The tuned parameters are named <see cref="Lambda"/> (required) and <see cref="Alpha"/> (optional; else
/// <see cref="ElasticNetOptions.Alpha"/>). The score is minus the mean validation error of the measure
/// (<see cref="CvMeasure"/>, resolved for the family as <see cref="CrossValidation"/> does), so higher is better;
/// for <see cref="CvMeasure.Misclassification"/> it is minus the error rate. The budget is ignored (the fit runs to convergence).
/// <example>
/// <code>
/// var folds = Folds.KFold(x.RowCount, 5, seed: 0);
/// var result = Tuner.Run(
///     [new ParameterRange(LinearTuning.Lambda, 1e-4, 1)],
///     new SearchStrategy.Bayesian(10), folds, LinearTuning.Objective(x, y, new ElasticNetOptions { Alpha = 0.5 }));
/// </code>
/// </example>
/// </remarks>
public static class LinearTuning
{
    /// <summary>The name of the penalty strength parameter.</summary>
    public const string Lambda = "lambda";

    /// <summary>The name of the elastic-net mixing parameter (in [0, 1]; tune it on a linear scale).</summary>
    public const string Alpha = "alpha";

    /// <summary>The objective of an elastic-net (gaussian) or logistic (binomial) model on the rows of <paramref name="x"/>.</summary>
    /// <param name="x">n x p features (the training data only).</param>
    /// <param name="y">n targets.</param>
    /// <param name="options">The model; defaults when null. <see cref="ElasticNetOptions.Lambdas"/> is replaced by the trial's lambda.</param>
    /// <param name="measure">The validation error.</param>
    /// <returns>The objective.</returns>
    [Pure]
    public static TrialFunction Objective(Matrix<double> x, Vector<double> y, ElasticNetOptions? options = null, CvMeasure measure = CvMeasure.Default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (y.Count != x.RowCount)
        {
            throw new ArgumentException($"y has {y.Count} values; x has {x.RowCount} rows.", nameof(y));
        }

        var basis = options ?? new ElasticNetOptions();
        var resolved = CrossValidation.Resolve(measure, basis.Family);
        return (parameters, train, validation, _) =>
        {
            if (!parameters.TryGetValue(Lambda, out var lambda))
            {
                throw new ArgumentException($"The linear objective needs a parameter named {Lambda}.", nameof(parameters));
            }

            var fit = basis with
            {
                Lambdas = [lambda],
                Alpha = parameters.TryGetValue(Alpha, out var alpha) ? alpha : basis.Alpha,
                StopEarly = false,
                Weights = basis.Weights is null ? null : train.Select(i => basis.Weights[i]).ToArray(),
            };
            var rows = train.ToArray();
            var path = ElasticNetPath.Fit(CrossValidation.Rows(x, rows), Vector<double>.Build.Dense(rows.Length, i => y[rows[i]]), fit);
            var held = validation.ToArray();
            var prediction = path.Predict(CrossValidation.Rows(x, held), 0);
            double sum = 0, weight = 0;
            for (var t = 0; t < held.Length; t++)
            {
                var w = basis.Weights?[held[t]] ?? 1.0;
                sum += w * CrossValidation.Error(resolved, basis.Family, y[held[t]], prediction[t]);
                weight += w;
            }

            return weight > 0 ? -sum / weight : 0;
        };
    }
}
