using static Regularization.Tests.TestUtil;

namespace Regularization.Tests;

public sealed class PenaltyAndConventionTests
{
    private static readonly ParamSet<double> P = Set(("w", M(2, 2, 1, -2, 0, 3)), ("b", M(2, 1, -1, 0.5)));

    [Fact]
    public void PenaltyValuesFollowTheirConventions()
    {
        Assert.Equal(0.1 * (1 + 2 + 0 + 3 + 1 + 0.5), Penalties.L1(0.1).Value(P), 15);
        Assert.Equal(0.1 * (1 + 4 + 0 + 9 + 1 + 0.25), Penalties.L2(0.1).Value(P), 15);
        var net = Penalties.ElasticNet(0.1, 0.25);
        Assert.Equal((0.1 * 0.25 * 7.5) + (0.1 * 0.75 * 15.25), net.Value(P), 14);
        Assert.Equal("0.1 * sum(w^2)", Penalties.L2(0.1).Convention);
    }

    [Fact]
    public void GradientsFollowTheirConventions()
    {
        Assert.Equal([2 * 0.1 * 1, 2 * 0.1 * -2, 0.0, 2 * 0.1 * 3], Penalties.L2(0.1).Gradient(P)["w"].Value.AsColumnMajorArray());
        Assert.Equal([0.1, -0.1, 0.0, 0.1], Penalties.L1(0.1).Gradient(P)["w"].Value.AsColumnMajorArray());
    }

    [Fact]
    public void MaskedPenaltiesIgnoreExcludedParameters()
    {
        var l2 = Penalties.L2(1).WithMask(Mask.ExcludeVectors);
        Assert.Equal(14, l2.Value(P));
        Assert.Equal([0.0, 0.0], l2.Gradient(P)["b"].Value.AsColumnMajorArray());
        Assert.Contains("matrices only", l2.Convention);
        var prox = Penalties.L1(1).WithMask(Mask.ExcludeVectors).Proximal(P, 1.5);
        Assert.Equal(P["b"].Value, prox["b"].Value);
        Assert.Equal([0.0, -0.5, 0.0, 1.5], prox["w"].Value.AsColumnMajorArray());
    }

    [Fact]
    public void ProximalOperatorsAreTheClosedForms()
    {
        Assert.Equal([0.0, -1.0, 0.0, 2.0], Penalties.L1(1).Proximal(P, 1)["w"].Value.AsColumnMajorArray());
        Assert.Equal([1 / 1.2, -2 / 1.2, 0, 3 / 1.2], Penalties.L2(1).Proximal(P, 0.1)["w"].Value.AsColumnMajorArray());
        Assert.Equal(Penalties.L1(0.3).Proximal(P, 0.5), Penalties.ElasticNet(0.3, 1).Proximal(P, 0.5));
        Assert.Equal(Penalties.L2(0.3).Proximal(P, 0.5), Penalties.ElasticNet(0.3, 0).Proximal(P, 0.5));
        Assert.Equal(Penalties.L1(1).Proximal(P, 1), Proximal.SoftThreshold(P, 1));
    }

    [Fact]
    public void SoftThresholdKeepsNaNAndZeroesExactly()
    {
        var x = Proximal.SoftThreshold(M(1, 4, double.NaN, 0.5, -0.5, 0.50000000000000011), 0.5).AsColumnMajorArray();
        Assert.True(double.IsNaN(x[0]));
        Assert.Equal(0.0, x[1]);
        Assert.Equal(0.0, x[2]);
        Assert.True(x[3] > 0);
    }

    [Fact]
    public void ConvertersMatchTheTable()
    {
        Assert.Equal(0.002, Conventions.TorchWeightDecayFromL2(0.001));
        Assert.Equal(0.0005, Conventions.L2FromTorchWeightDecay(0.001));
        Assert.Equal(0.01, Conventions.L2FromKeras(0.01));
        Assert.Equal(0.005, Conventions.L2FromOptax(0.01));
        Assert.Equal(0.00005, Conventions.L2FromSklearnSgd(0.0001));
        Assert.Equal(0.01, Conventions.L2FromSklearnRidge(1.0, 100));
        Assert.Equal(100, Conventions.SklearnRidgeFromL2(1, 100));
        Assert.Equal(0.0001 / 400, Conventions.L2FromSklearnMlp(0.0001, 200));
        Assert.Equal(new ElasticNetStrengths(0.5, 0.25), Conventions.FromSklearnElasticNet(1, 0.5));
        Assert.Equal(0.05 / 0.001, Conventions.TorchAdamWFromPaper(0.05, 0.001));
        Assert.Equal(0.01 / 0.1, Conventions.TorchAdamWFromTfa(0.01, 0.1));
    }

    [Fact]
    public void KerasL2EqualsTorchWeightDecayTwiceForPlainSgd()
    {
        // Keras L2(a) is a * sum(w^2): SGD on it equals PyTorch SGD(weight_decay = 2a), up to rounding.
        var a = 0.003;
        var p = Random(21, ("w", 3, 3));
        var g = Random(22, ("w", 3, 3));
        var keras = Pure.Step(Optimizers.Sgd(0.1), g.Zip(Penalties.L2(Conventions.L2FromKeras(a)).Gradient(p), (x, y) => x.Value + y.Value), Optimizers.Sgd(0.1).Init(p), p);
        var torch = Pure.Step(Optimizers.Sgd(0.1, weightDecay: 2 * a), g, Optimizers.Sgd(0.1, weightDecay: 2 * a).Init(p), p);
        Assert.True(keras.Parameters["w"].Value.Subtract(torch.Parameters["w"].Value).InfinityNorm() < 1e-15);
    }
}
