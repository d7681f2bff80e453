using Regularization.Bench;

namespace Regularization.Mkl.Tests;

/// <summary>
/// The MKL-composed optimizer steps against the library's pure optimizers (<c>Optimizers.Sgd</c>,
/// <c>Optimizers.AdamW</c> with <c>Updates.Step</c>). They cannot be bit-identical (the library rounds as PyTorch does,
/// with fused multiply-adds where PyTorch has them; MKL fuses where it likes), so after every one of 6 steps the
/// parameters must agree within <c>1e-12 * max(1, max |p|)</c> (max norm).
/// </summary>
public sealed class MklUpdateKernelsTests
{
    private const int Steps = 6;
    private const double Tolerance = 1e-12;

    public static TheoryData<double, double, double, bool> SgdCases => new()
    {
        { 0.0, 0.0, 0.0, false },
        { 1e-2, 0.0, 0.0, false },
        { 1e-4, 0.9, 0.0, false },
        { 1e-2, 0.9, 0.1, false },
        { 5e-3, 0.8, 0.0, true },
    };

    [MklTheory]
    [MemberData(nameof(SgdCases))]
    public void SgdStep_MatchesOptimizersSgd(double weightDecay, double momentum, double dampening, bool nesterov)
    {
        MklRequirement.Assert();
        const double lr = 0.05;
        var optimizer = Optimizers.Sgd(lr, momentum, dampening, weightDecay, nesterov);
        var (parameters, gradients) = Problem(70);
        var state = optimizer.Init(parameters);
        var raw = parameters.Select(p => p.Value.ToColumnMajorArray()).ToArray();
        var buffers = raw.Select(p => new double[p.Length]).ToArray();
        var scratch = new double[raw.Max(p => p.Length)];

        for (var step = 0; step < Steps; step++)
        {
            var g = gradients(step);
            var next = Pure.Step(optimizer, g, state, parameters);
            (parameters, state) = (next.Parameters, next.State);
            for (var i = 0; i < raw.Length; i++)
            {
                MklUpdateKernels.SgdStep(
                    raw[i], g[i].Value.ToColumnMajorArray(), lr, weightDecay, momentum, dampening, nesterov, step == 0, buffers[i], scratch);
                Check.Close(parameters[i].Value.ToColumnMajorArray(), raw[i], Tolerance, $"SGD step {step + 1}, {parameters[i].Name}");
            }
        }
    }

    public static TheoryData<double, double> AdamWCases => new() { { 1e-3, 1e-2 }, { 1e-2, 0.0 }, { 3e-2, 0.1 } };

    [MklTheory]
    [MemberData(nameof(AdamWCases))]
    public void AdamWStep_MatchesOptimizersAdamW(double lr, double weightDecay)
    {
        MklRequirement.Assert();
        var optimizer = Optimizers.AdamW(lr, weightDecay: weightDecay);
        var (parameters, gradients) = Problem(71);
        var state = optimizer.Init(parameters);
        var raw = parameters.Select(p => p.Value.ToColumnMajorArray()).ToArray();
        var m = raw.Select(p => new double[p.Length]).ToArray();
        var v = raw.Select(p => new double[p.Length]).ToArray();
        var scratch = new double[raw.Max(p => p.Length)];

        for (var step = 0; step < Steps; step++)
        {
            var g = gradients(step);
            var next = Pure.Step(optimizer, g, state, parameters);
            (parameters, state) = (next.Parameters, next.State);
            for (var i = 0; i < raw.Length; i++)
            {
                MklUpdateKernels.AdamWStep(raw[i], g[i].Value.ToColumnMajorArray(), m[i], v[i], step + 1, lr, 0.9, 0.999, 1e-8, weightDecay, scratch);
                Check.Close(parameters[i].Value.ToColumnMajorArray(), raw[i], Tolerance, $"AdamW step {step + 1}, {parameters[i].Name}");
            }
        }
    }

    [MklFact]
    public void Kernels_CheckSpanLengths()
    {
        MklRequirement.Assert();
        Assert.Throws<ArgumentException>(() => MklUpdateKernels.SgdStep(new double[4], new double[3], 0.1, 0, 0, 0, false, true, [], new double[4]));
        Assert.Throws<ArgumentException>(() => MklUpdateKernels.SgdStep(new double[4], new double[4], 0.1, 0, 0.9, 0, false, true, new double[3], new double[4]));
        Assert.Throws<ArgumentException>(() => MklUpdateKernels.AdamWStep(new double[4], new double[4], new double[4], new double[4], 1, 0.1, 0.9, 0.999, 1e-8, 0, new double[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MklUpdateKernels.AdamWStep(new double[4], new double[4], new double[4], new double[4], 0, 0.1, 0.9, 0.999, 1e-8, 0, new double[4]));
    }

    /// <summary>A weight (257x3), a bias (7x1) and a scalar (1x1), with fresh gradients at each step.</summary>
    private static (ParamSet<double> Parameters, Func<int, ParamSet<double>> Gradients) Problem(int seed)
    {
        var parameters = ParamSet.Of(
            new Param<double>("w", M.Of(257, 3, Rand.Array(seed, 257 * 3))),
            new Param<double>("b", M.Of(7, 1, Rand.Array(seed + 1, 7))),
            new Param<double>("s", M.Of(1, 1, [0.5])));
        ParamSet<double> Gradients(int step) => new(parameters.Select((p, i) =>
            new Param<double>(p.Name, M.Of(p.Rows, p.Columns, Rand.Array(1000 + (10 * step) + i, p.Count, 0.1)))));
        return (parameters, Gradients);
    }
}
