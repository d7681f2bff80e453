using Xunit.Abstractions;

namespace Regularization.Tests.Reference;

/// <summary>
/// Replays Lion, LAMB and LARS as their papers' reference PyTorch code runs them (papers.json and papers_float32.json,
/// written by generate_papers.py: google/automl's lion_pytorch.py, cybertronai/pytorch-lamb, Barlow Twins' LARS; a 4x3
/// weight and a length-3 bias, 12 steps) through the pure path and the facade: parameters, every buffer and the step
/// count after every step. LAMB is <c>Lamb(biasCorrection: false, maxWeightNorm: 10)</c> (that code's choices, see
/// <see cref="Optimizers.Lamb(double, double, double, double, double, bool, double)"/>), its <c>adam=True</c> is a
/// trust-ratio mask that excludes every parameter; LARS' filters are <c>Mask.ExcludeVectors</c> masks.
/// </summary>
/// <remarks>
/// Float64 bound: element-wise relative error <see cref="Tolerance"/>. The largest seen is 1.75e-14, in an element of
/// 1.2e-5 of LARS' momentum buffer after cancellation (lars_default, 2026-12-02, this machine); parameters agree within
/// 1.2e-15, LAMB within 3.7e-16, and lion_default bit for bit (the output reports each configuration).
/// The references round differently in a few places: Lion multiplies the parameter by <c>1 - lr*wd</c> before adding
/// the step (the chain adds <c>-lr*sign - lr*wd*p</c> in one fused rounding), LAMB and LARS take their norms in
/// PyTorch's reduction order (here: sums of squares in double, in a fixed order) and fold the learning rate into the
/// ratio. Float32: the bound of <see cref="Float32ReferenceTests"/> (1 ulp of the tensor's largest element per step).
/// </remarks>
public sealed class PaperReferenceTests(ITestOutputHelper output)
{
    private const double Tolerance = 2e-14;

    public static IEnumerable<object[]> Configs() => PyTorchReference.Papers.Select(c => new object[] { c.Name });

    [Fact]
    public void EveryPaperOptimizerHasTrajectoriesInBothPrecisions()
    {
        var configs = PyTorchReference.Papers;
        Assert.Equal(configs.Select(c => c.Name), PyTorchReference.Papers32.Select(c => c.Name));
        Assert.All(configs, c => Assert.True(c.Steps.Length >= 12, c.Name));
        Assert.All(new[] { "lion", "lamb", "lars" }, k => Assert.True(configs.Count(c => c.Optimizer == k) >= 3, k));
        foreach (var flag in new[] { "weight_decay", "betas", "adam", "param_scale", "zero_bias", "weight_decay_filter", "lars_adaptation_filter", "momentum", "eta" })
        {
            Assert.Contains(configs, c => c.Hyper.TryGetProperty(flag, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void PurePathAndFacadeReplayTheReferenceCode(string name)
    {
        Replay.Within(PyTorchReference.Papers.Single(c => c.Name == name), facade: true, Tolerance, output);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Float32PurePathAndFacadeReplayTheReferenceCode(string name)
    {
        var (ulps, where) = Float32ReferenceTests.Replay(PyTorchReference.Papers32.Single(c => c.Name == name));
        output.WriteLine($"{name}: largest error {ulps} float32 ulps ({where})");
    }
}
