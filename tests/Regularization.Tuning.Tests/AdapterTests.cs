using Regularization.Linear;
using Regularization.Training;
using Regularization.Tuning;

namespace Regularization.Tuning.Tests;

public class AdapterTests
{
    private static readonly Lazy<MnistDataset> Mnist = new(MnistDataset.LoadDefault);

    [Fact]
    public void An_mlp_session_trained_on_equals_a_fresh_one()
    {
        var train = Mnist.Value.Train.Take(600);
        var options = new TrainingOptions(epochs: 2, evaluateTrainingSet: false);
        var split = Folds.KFold(train.Count, 3, 1)[0];
        var sessions = MlpTuning.Sessions(options, train);
        var parameters = new Dictionary<string, double> { [MlpTuning.WeightDecay] = 1e-3 };
        var context = new TrialContext(0, 0, parameters, split, CancellationToken.None);
        var continued = sessions(context);
        var first = continued.TrainTo(1);
        var second = continued.TrainTo(2);
        Assert.Equal(second, sessions(context).TrainTo(2));
        Assert.Equal(second, MlpTuning.Objective(options, train)(parameters, split.Train, split.Validation, 2));
        Assert.NotEqual(first, second);

        // The validation fold's accuracy in percent, as the trainer counts it (k correct of 200 images).
        Assert.Equal(0, (second * split.Validation.Count / 100) % 1, 1e-9);
    }

    [Fact]
    public void The_test_set_is_read_once_after_the_search_and_never_during_it()
    {
        var train = Mnist.Value.Train.Take(600);
        var reads = new List<string>();
        var searching = true;
        var readDuringSearch = false;
        var test = Mnist.Value.Test.Take(300).ObserveReads(member =>
        {
            reads.Add(member);
            readDuringSearch |= searching;
        });
        var options = new TrainingOptions(epochs: 1, evaluateTrainingSet: false);
        var result = Tuner.Run(
            [new ParameterRange(MlpTuning.WeightDecay, 1e-5, 1e-2)],
            new SearchStrategy.Grid(2),
            Folds.StratifiedKFold(MlpTuning.Labels(train), 2, 0),
            MlpTuning.Sessions(options, train),
            new TuningOptions { MaxBudget = 1, MaxDegreeOfParallelism = 2 });
        searching = false;
        Assert.Empty(reads);
        var final = MlpTuning.Retrain(options, result.Best.Parameters, train, test);
        Assert.False(readDuringSearch);

        // One evaluation pass over 300 images in batches of 1000: one read.
        Assert.Equal(["GatherRange"], reads);
        Assert.Equal(300, final.TestImages);
        Assert.InRange(final.TestAccuracyPercent, 10, 100);
    }

    [Fact]
    public void Unknown_mlp_parameters_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() => MlpTuning.Apply(new TrainingOptions(), new Dictionary<string, double> { ["momentum"] = 0.9 }));
        Assert.StartsWith("Unknown MLP parameter 'momentum'; the tunable ones are weight-decay, l2, l1, proximal-l1, lr.", e.Message, StringComparison.Ordinal);
        var o = MlpTuning.Apply(new TrainingOptions(), new Dictionary<string, double> { [MlpTuning.L2] = 0.5, [MlpTuning.LearningRate] = 0.2, [MlpTuning.ProximalL1] = 0.1, [MlpTuning.L1] = 0.3 });
        Assert.Equal((0.5, 0.2, 0.1, 0.3), (o.L2, o.LearningRate, o.ProximalL1, o.L1));
    }

    [Fact]
    public void The_linear_objective_agrees_with_cv_glmnet_style_cross_validation()
    {
        var x = Matrix<double>.Build.Random(100, 5, 42);
        var y = (x * Vector<double>.Build.Dense([1.0, -2.0, 0.0, 0.5, 0.0])) + Vector<double>.Build.Random(100, 7);
        var ids = Folds.RowModulo(100, 5);
        var cv = CrossValidation.Run(x, y, new ElasticNetOptions { Thresh = 1e-12 }, ids);
        var objective = LinearTuning.Objective(x, y, new ElasticNetOptions { Thresh = 1e-12 });
        var splits = Folds.FromIds(ids);
        var worst = 0.0;
        foreach (var k in new[] { 5, 20, 40, cv.Path.Lambdas.Count - 1 })
        {
            var p = new Dictionary<string, double> { [LinearTuning.Lambda] = cv.Path.Lambdas[k] };
            var mean = splits.Average(s => objective(p, s.Train, s.Validation, 1));
            worst = Math.Max(worst, Math.Abs(mean + cv.CvMean[k]) / cv.CvMean[k]);
        }

        // A path with warm starts and a fit of one lambda from zero stop at the same minimum up to the threshold:
        // observed relative difference 1.1e-9.
        Assert.True(worst < 3e-9, $"relative difference {worst}");
    }
}
