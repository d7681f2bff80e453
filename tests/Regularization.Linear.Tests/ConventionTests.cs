using Regularization.Linear;

namespace Regularization.Linear.Tests;

/// <summary>
/// The converters between scikit-learn, glmnet and this library's penalties, and what momentum does to a proximal
/// step: <c>WithProximalL1(Sgd(momentum: m), l1)</c> converges to the lasso with strength <c>l1 * (1 - m)</c>.
/// </summary>
public sealed class ConventionTests
{
    private static readonly ParamSet<double> W = ParamSet.Of(new Param<double>("w", Matrix<double>.Build.DenseOfColumnMajor(5, 1, [0.7, -0.02, 0, 1.5, -0.4])));

    [Theory]
    [InlineData(0.1, 0.5)]
    [InlineData(0.3, 1.0)]
    [InlineData(0.05, 0.0)]
    [InlineData(1.0, 0.2)]
    public void Sklearn_elastic_net_strengths_are_the_sklearn_penalty_as_strength_and_ratio(double alpha, double l1Ratio)
    {
        var s = Conventions.FromSklearnElasticNet(alpha, l1Ratio);
        var w = W[0].Value.Column(0);
        var sklearn = (alpha * l1Ratio * w.L1Norm()) + (alpha * (1 - l1Ratio) / 2 * w.DotProduct(w));
        Assert.Equal(sklearn, s.ToPenalty().Value(W), 14);
        Assert.Equal(sklearn, Penalties.ElasticNet(s.Lambda, s.L1Ratio).Value(W), 14);
        Assert.Equal(sklearn, GlmnetConventions.ToPenalty(alpha, l1Ratio).Value(W), 14);

        // The proximal step of eta * (sklearn's penalty): soft(v, eta*alpha*r) / (1 + eta*alpha*(1 - r)).
        const double eta = 0.3;
        var step = Transforms.ProximalElasticNet(s.Lambda, s.L1Ratio, Schedule.Constant(eta));
        var zero = ParamSet.ZerosLike(W);
        var next = Updates.Apply(W, step.Update(zero, step.Init(W), W).Updates)[0].Value.Column(0);
        for (var j = 0; j < w.Count; j++)
        {
            var soft = Math.Sign(w[j]) * Math.Max(Math.Abs(w[j]) - (eta * alpha * l1Ratio), 0);
            Assert.Equal(soft / (1 + (eta * alpha * (1 - l1Ratio))), next[j], 14);
        }
    }

    [Fact]
    public void Lasso_and_logistic_regression_converters_follow_sklearn_objectives()
    {
        var lasso = Conventions.FromSklearnLasso(0.25);
        Assert.Equal((0.25, 0.0, 0.25, 1.0), (lasso.L1, lasso.L2, lasso.Lambda, lasso.L1Ratio));

        // C * sum(logloss) + ||w||_1  ==  C*n * (mean logloss + ||w||_1 / (C*n)).
        var l1 = Conventions.FromSklearnLogisticRegression(2.0, SklearnLogisticPenalty.L1, 50);
        Assert.Equal((0.01, 0.0), (l1.L1, l1.L2));
        Assert.Equal(GlmnetConventions.LambdaFromSklearnC(2.0, 50), l1.L1);

        // C * sum(logloss) + 1/2 ||w||^2: L2 = 1/(2*C*n) in l2 * sum(w^2), glmnet's lambda = 1/(C*n) with alpha 0.
        var l2 = Conventions.FromSklearnLogisticRegression(2.0, SklearnLogisticPenalty.L2, 50);
        Assert.Equal((0.0, 0.005), (l2.L1, l2.L2));
        Assert.Equal(GlmnetConventions.ToPenalty(0.01, 0).Value(W), l2.ToPenalty().Value(W), 15);
        Assert.Equal(2.0, GlmnetConventions.SklearnCFromLambda(GlmnetConventions.LambdaFromSklearnC(2.0, 50), 50), 14);
        Assert.Throws<ArgumentOutOfRangeException>(() => Conventions.FromSklearnLogisticRegression(0, SklearnLogisticPenalty.L1, 50));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Proximal_L1_after_momentum_SGD_converges_to_the_lasso_with_strength_l1_times_one_minus_m(double momentum)
    {
        // Full-batch gradient of 1/(2n) ||y - Xw||^2 (centered data, no intercept), SGD(lr, momentum) then proximal L1.
        var rng = new System.Random(5);
        const int n = 60, p = 6;
        var x = Matrix<double>.Build.Dense(n, p, (_, _) => (rng.NextDouble() * 2) - 1);
        x = x - Matrix<double>.Build.Dense(n, p, (_, j) => x.Column(j).Average());
        var y = (x * Vector<double>.Build.DenseOfArray([1.5, -1, 0, 0, 0.3, 0])) + Vector<double>.Build.Dense(n, _ => (rng.NextDouble() - 0.5) * 0.5);
        y -= y.Average();
        const double l1 = 0.08, lr = 0.5;
        var optimizer = Optimizers.WithProximalL1(Optimizers.Sgd(lr, momentum: momentum), l1);
        var parameters = ParamSet.Of(new Param<double>("w", Matrix<double>.Build.Dense(p, 1)));
        var state = optimizer.Init(parameters);
        for (var t = 0; t < 5000; t++)
        {
            var w = parameters[0].Value.Column(0);
            var gradient = -(x.TransposeThisAndMultiply(y - (x * w)) / n);
            var step = optimizer.Update(ParamSet.Of(new Param<double>("w", gradient.ToColumnMatrix())), state, parameters);
            parameters = Updates.Apply(parameters, step.Updates);
            state = step.State;
        }

        var options = new ElasticNetOptions { Standardize = false, FitIntercept = false, Thresh = 1e-24 };
        var effective = ElasticNetPath.Fit(x, y, options with { Lambdas = [l1 * (1 - momentum)] }).Coefficients[0];
        var sgd = parameters[0].Value.Column(0).ToArray();
        for (var j = 0; j < p; j++)
        {
            Assert.Equal(effective[j], sgd[j], 10);
            Assert.Equal(effective[j] == 0, sgd[j] == 0);
        }

        if (momentum > 0)
        {
            var nominal = ElasticNetPath.Fit(x, y, options with { Lambdas = [l1] }).Coefficients[0];
            Assert.True(nominal.Zip(sgd, (a, b) => Math.Abs(a - b)).Max() > 1e-3, "with momentum the fixed point is not the lasso at l1");
        }
    }
}
