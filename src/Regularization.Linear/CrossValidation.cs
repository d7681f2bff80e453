using System.Diagnostics.Contracts;
using MathNet.Numerics.LinearAlgebra;

namespace Regularization.Linear;

/// <summary>The cross-validated error measure (glmnet's <c>type.measure</c>).</summary>
public enum CvMeasure
{
    /// <summary>Mean squared error for gaussian, deviance for binomial (glmnet's default).</summary>
    Default,

    /// <summary><c>(y - yhat)^2</c>; for binomial glmnet's <c>2 (y - p)^2</c> (both class columns).</summary>
    MeanSquaredError,

    /// <summary><c>|y - yhat|</c>; for binomial <c>2 |y - p|</c>.</summary>
    MeanAbsoluteError,

    /// <summary>Binomial deviance <c>-2 (y log p + (1 - y) log(1 - p))</c>, p clamped to [1e-5, 1 - 1e-5] as glmnet does; MSE for gaussian.</summary>
    Deviance,

    /// <summary>Binomial misclassification: predicted class 1 when <c>p &gt;= 0.5</c>.</summary>
    Misclassification,
}

/// <summary>
/// A cross-validated path: the path refitted on all data, the cross-validated error per lambda with its standard
/// error, and glmnet's two choices.
/// </summary>
/// <remarks>
/// As <c>cv.glmnet</c> (grouped): for each fold k the weighted mean error <c>e_k</c> of its held-out rows and its total
/// weight <c>W_k</c>; <c>CvMean = sum W_k e_k / sum W_k</c> and
/// <c>CvSe = sqrt(sum W_k (e_k - CvMean)^2 / sum W_k / (K - 1))</c>. <see cref="LambdaMin"/> is the largest lambda
/// with the smallest <see cref="CvMean"/>; <see cref="Lambda1Se"/> the largest lambda whose mean is within one
/// standard error of that minimum (<c>CvMean &lt;= CvMean[min] + CvSe[min]</c>).
/// </remarks>
public sealed record CrossValidatedPath
{
    internal CrossValidatedPath(RegularizationPath path, CvMeasure measure, int[] foldIds, int foldCount, double[] mean, double[] se)
    {
        Path = path;
        Measure = measure;
        FoldIds = foldIds;
        FoldCount = foldCount;
        CvMean = mean;
        CvSe = se;
        var best = mean.Min();
        IndexMin = Array.FindIndex(mean, m => m <= best);
        var bound = mean[IndexMin] + se[IndexMin];
        Index1Se = Array.FindIndex(mean, m => m <= bound);
    }

    /// <summary>The path fitted on all rows (the refit).</summary>
    public RegularizationPath Path { get; }

    /// <summary>The measure (never <see cref="CvMeasure.Default"/>: resolved for the family).</summary>
    public CvMeasure Measure { get; }

    /// <summary>The fold of each row.</summary>
    public IReadOnlyList<int> FoldIds { get; }

    /// <summary>The number of folds K.</summary>
    public int FoldCount { get; }

    /// <summary>The cross-validated mean error per lambda (glmnet's <c>cvm</c>).</summary>
    public IReadOnlyList<double> CvMean { get; }

    /// <summary>Its standard error per lambda (glmnet's <c>cvsd</c>).</summary>
    public IReadOnlyList<double> CvSe { get; }

    /// <summary>The index of <see cref="LambdaMin"/> in <see cref="Path"/>.</summary>
    public int IndexMin { get; }

    /// <summary>The index of <see cref="Lambda1Se"/> in <see cref="Path"/>.</summary>
    public int Index1Se { get; }

    /// <summary>glmnet's <c>lambda.min</c>.</summary>
    public double LambdaMin => Path.Lambdas[IndexMin];

    /// <summary>glmnet's <c>lambda.1se</c>: the most penalized model within one standard error of the best.</summary>
    public double Lambda1Se => Path.Lambdas[Index1Se];
}

/// <summary>Cross-validation of elastic-net paths (glmnet's <c>cv.glmnet</c>).</summary>
public static class CrossValidation
{
    /// <summary>
    /// Fits the path on all rows, then on all rows but each fold at the same lambdas, and measures the held-out error.
    /// </summary>
    /// <param name="x">n x p features.</param>
    /// <param name="y">n targets.</param>
    /// <param name="options">What to fit; defaults when null. <see cref="ElasticNetOptions.Weights"/> also weight the errors.</param>
    /// <param name="foldIds">One fold id per row (see <see cref="Folds"/>); at least 2 distinct ids.</param>
    /// <param name="measure">The error measure.</param>
    /// <returns>The cross-validated path.</returns>
    [Pure]
    public static CrossValidatedPath Run(Matrix<double> x, Vector<double> y, ElasticNetOptions? options, IReadOnlyList<int> foldIds, CvMeasure measure = CvMeasure.Default)
    {
        options ??= new ElasticNetOptions();
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(foldIds);
        if (foldIds.Count != x.RowCount)
        {
            throw new ArgumentException($"foldIds has {foldIds.Count} values; x has {x.RowCount} rows.", nameof(foldIds));
        }

        // Split f validates on the rows of the f-th smallest id, in row order (the shared fold code of Regularization.Tuning).
        var splits = Tuning.Folds.FromIds(foldIds);

        measure = Resolve(measure, options.Family);
        var path = ElasticNetPath.Fit(x, y, options);
        var n = x.RowCount;
        var weights = options.Weights?.ToArray() ?? Enumerable.Repeat(1.0, n).ToArray();
        var lambdas = path.Lambdas.ToArray();
        var foldMean = new double[splits.Count, lambdas.Length];
        var foldWeight = new double[splits.Count];
        for (var f = 0; f < splits.Count; f++)
        {
            var test = splits[f].Validation.ToArray();
            var train = splits[f].Train.ToArray();
            var xTrain = Rows(x, train);
            var yTrain = Vector<double>.Build.Dense(train.Length, i => y[train[i]]);
            var foldOptions = options with
            {
                Lambdas = lambdas,
                StopEarly = false,
                Weights = options.Weights is null ? null : train.Select(i => weights[i]).ToArray(),
            };
            var foldPath = ElasticNetPath.Fit(xTrain, yTrain, foldOptions);
            var xTest = Rows(x, test);
            double w = 0;
            foreach (var i in test)
            {
                w += weights[i];
            }

            foldWeight[f] = w;
            for (var k = 0; k < lambdas.Length; k++)
            {
                var prediction = foldPath.Predict(xTest, k);
                double sum = 0;
                for (var t = 0; t < test.Length; t++)
                {
                    sum += weights[test[t]] * Error(measure, options.Family, y[test[t]], prediction[t]);
                }

                foldMean[f, k] = w > 0 ? sum / w : 0;
            }
        }

        var total = foldWeight.Sum();
        var mean = new double[lambdas.Length];
        var se = new double[lambdas.Length];
        for (var k = 0; k < lambdas.Length; k++)
        {
            double m = 0;
            for (var f = 0; f < splits.Count; f++)
            {
                m += foldWeight[f] * foldMean[f, k];
            }

            m /= total;
            double v = 0;
            for (var f = 0; f < splits.Count; f++)
            {
                var d = foldMean[f, k] - m;
                v += foldWeight[f] * d * d;
            }

            mean[k] = m;
            se[k] = Math.Sqrt(v / total / (splits.Count - 1));
        }

        var ids = foldIds.ToArray();
        return new CrossValidatedPath(path, measure, ids, splits.Count, mean, se);
    }

    internal static CvMeasure Resolve(CvMeasure measure, Family family)
    {
        if (measure == CvMeasure.Misclassification && family == Family.Gaussian)
        {
            throw new ArgumentException("Misclassification needs the binomial family.", nameof(measure));
        }

        return measure switch
        {
            CvMeasure.Default => family == Family.Gaussian ? CvMeasure.MeanSquaredError : CvMeasure.Deviance,
            CvMeasure.Deviance when family == Family.Gaussian => CvMeasure.MeanSquaredError,
            _ => measure,
        };
    }

    internal static double Error(CvMeasure measure, Family family, double y, double prediction)
    {
        if (family == Family.Gaussian)
        {
            var d = y - prediction;
            return measure == CvMeasure.MeanAbsoluteError ? Math.Abs(d) : d * d;
        }

        switch (measure)
        {
            case CvMeasure.MeanSquaredError:
                return 2 * (y - prediction) * (y - prediction);
            case CvMeasure.MeanAbsoluteError:
                return 2 * Math.Abs(y - prediction);
            case CvMeasure.Misclassification:
                return (prediction >= 0.5 ? 1 : 0) == y ? 0 : 1;
            default:
                var p = Math.Clamp(prediction, 1e-5, 1 - 1e-5);
                return -2 * ((y * Math.Log(p)) + ((1 - y) * Math.Log(1 - p)));
        }
    }

    internal static Matrix<double> Rows(Matrix<double> x, int[] rows) =>
        Matrix<double>.Build.Dense(rows.Length, x.ColumnCount, (i, j) => x[rows[i], j]);
}
