using Regularization.Linear;

namespace Regularization.Linear.Tests;

/// <summary>Cross-validation against cv.glmnet (foldid = row mod 5, the same lambdas, thresh 1e-30) and the fold helpers.</summary>
public sealed class CrossValidationTests
{
    public static TheoryData<string, string> GlmnetCvs()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in Reference.Cvs)
        {
            data.Add(c.Fit, c.Measure);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GlmnetCvs))]
    public void Matches_cv_glmnet(string fitName, string measureName)
    {
        var cv = Reference.Cvs.Single(c => c.Fit == fitName && c.Measure == measureName);
        var fit = Reference.Fit(fitName);
        var data = Reference.Datasets[fit.Dataset];
        var measure = measureName switch
        {
            "mse" => CvMeasure.MeanSquaredError,
            "mae" => CvMeasure.MeanAbsoluteError,
            "class" => CvMeasure.Misclassification,
            _ => CvMeasure.Deviance,
        };
        var result = CrossValidation.Run(data.X, data.Y, Reference.Options(fit, ReferenceTests.Thresh), Folds.RowModulo(data.X.RowCount, cv.Folds), measure);
        Assert.Equal(cv.Lambdas.Length, result.CvMean.Count);
        for (var k = 0; k < cv.Lambdas.Length; k++)
        {
            Assert.InRange(Math.Abs(result.CvMean[k] - cv.Cvm[k]) / cv.Cvm[k], 0, 3e-8); // reached: 1.0e-8 (binomial deviance)
            Assert.InRange(Math.Abs(result.CvSe[k] - cv.Cvsd[k]) / Math.Max(cv.Cvsd[k], 1e-3), 0, 3e-8);
        }

        Assert.Equal(cv.LambdaMin, result.LambdaMin, 1e-12);
        Assert.Equal(cv.Lambda1Se, result.Lambda1Se, 1e-12);
    }

    [Fact]
    public void Row_modulo_folds_are_row_index_mod_k()
    {
        Assert.Equal([0, 1, 2, 0, 1, 2, 0], Folds.RowModulo(7, 3));
    }

    [Fact]
    public void Shuffled_folds_are_balanced_seeded_and_differ_by_seed()
    {
        var a = Folds.Shuffled(103, 10, 7);
        Assert.Equal(a, Folds.Shuffled(103, 10, 7));
        Assert.NotEqual(a, Folds.Shuffled(103, 10, 8));
        var sizes = a.GroupBy(f => f).Select(g => g.Count()).ToArray();
        Assert.Equal(10, sizes.Length);
        Assert.InRange(sizes.Max() - sizes.Min(), 0, 1);
    }

    [Fact]
    public void One_fold_is_rejected_with_a_clear_message()
    {
        var data = Reference.Datasets["gaussian_tall"];
        var e = Assert.Throws<ArgumentException>(() => CrossValidation.Run(data.X, data.Y, null, new int[data.X.RowCount]));
        Assert.Contains("at least 2 folds", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Folds.RowModulo(10, 1));
    }
}
