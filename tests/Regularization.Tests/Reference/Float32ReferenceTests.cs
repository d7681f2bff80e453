using Xunit.Abstractions;

namespace Regularization.Tests.Reference;

/// <summary>
/// Replays PyTorch's float32 trajectories (optimizers_float32.json: the configurations of optimizers.json with
/// parameters and gradients rounded to float32 and PyTorch 1.13's float32 arithmetic) through the float32 pure path and
/// the float32 facade, with the same optimizer values that serve float64.
/// </summary>
/// <remarks>
/// Bound: after step <c>s</c> every parameter element is within <c>UlpsPerStep * s</c> float32 ulps of PyTorch's, in ulps
/// of the tensor's largest element (a norm-wise bound: an element near zero after cancellation carries the absolute
/// rounding of the larger terms it came from). The rounding order differs from PyTorch's in the last operations of a
/// step (PyTorch fuses the step into one <c>add_(alpha=-lr)</c> or <c>addcdiv_</c>, the chain rounds the update
/// <c>-lr*u</c> first and then adds it), so an ulp or so per step accumulates; the test output reports the largest error.
/// </remarks>
public sealed class Float32ReferenceTests(ITestOutputHelper output)
{
    private const double UlpsPerStep = 1;

    public static IEnumerable<object[]> Configs() => PyTorchReference.Optimizers32.Select(c => new object[] { c.Name });

    private static RefConfig Get(string name) => PyTorchReference.Optimizers32.Single(c => c.Name == name);

    private static ParamSet<float> Single(ParamSet<double> set) =>
        new(set.Select(q => new Param<float>(q.Name, q.Value.Map(v => (float)v), q.Rank)));

    [Fact]
    public void TheFloat32FileHasEveryConfiguration()
    {
        Assert.Equal(PyTorchReference.Optimizers.Select(c => c.Name), PyTorchReference.Optimizers32.Select(c => c.Name));
        Assert.All(PyTorchReference.Optimizers32.SelectMany(c => c.Params).SelectMany(p => p.Value.Data), v => Assert.Equal(v, (double)(float)v));
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void PurePathAndFacadeReplayPyTorchFloat32(string name)
    {
        var (ulps, where) = Replay(Get(name));
        output.WriteLine($"{name}: largest error {ulps} float32 ulps ({where})");
    }

    /// <summary>
    /// Replays one float32 configuration through the pure path and the facade (asserting they agree bit for bit and stay
    /// within <see cref="UlpsPerStep"/> ulps per step of PyTorch); returns the largest error seen, in ulps, and where.
    /// </summary>
    internal static (double Ulps, string Where) Replay(RefConfig config)
    {
        var name = config.Name;
        var transform = config.Transform();
        var pure = Single(config.InitialParameters());
        var state = transform.Init(pure);
        var facade = Optimizer.Create(transform, Single(config.InitialParameters()));
        Assert.True(facade.IsFused);
        var worst = 0.0;
        var where = "-";
        for (var s = 0; s < config.Steps.Length; s++)
        {
            var g = Single(config.Gradients(s));
            var r = transform.Update(g, state, pure);
            (pure, state) = (Updates.Apply(pure, r.Updates), r.State);
            facade.Step(g);
            Assert.True(pure.BitwiseEquals(facade.Parameters), $"{name}: facade and pure path differ at step {s + 1}");
            foreach (var (pname, _) in config.Params)
            {
                var expected = config.Steps[s].Params[pname].Data;
                var actual = pure[pname].Value.AsColumnMajorArray();
                var scale = (float)expected.Max(Math.Abs);
                var ulp = (double)MathF.BitIncrement(scale) - scale;
                for (var i = 0; i < expected.Length; i++)
                {
                    var ulps = Math.Abs(actual[i] - expected[i]) / ulp;
                    if (ulps > worst)
                    {
                        (worst, where) = (ulps, $"step {s + 1} {pname}[{i}]: torch {expected[i]:R}, ours {actual[i]:R}");
                    }

                    Assert.True(ulps <= UlpsPerStep * (s + 1), $"{name}: {ulps} ulps at step {s + 1} {pname}[{i}] (torch {expected[i]:R}, ours {actual[i]:R})");
                }
            }
        }

        return (worst, where);
    }
}
