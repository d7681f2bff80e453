using MathNet.Numerics.LinearAlgebra;

namespace Regularization.Properties;

/// <summary>
/// The engine composes consecutive primitives of a chain into one loop while their slots add up to at most four, and
/// starts a new loop after that. The random-chain laws meet those splits by chance; these chains meet them every run:
/// fused (pure path and facade) against the primitives one after another, bit for bit, over sizes with only a tail,
/// one block and several blocks with a tail.
/// </summary>
public sealed class ComposedRuleTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var chain in new[] { "adam3+trace1 | trace1+decay+lr", "trace1+adam3 | trace1+scale", "adam2+adam2 | lr", "four scales" })
        {
            foreach (var n in new[] { 5, 1_000, 70_001 })
            {
                data.Add(chain, n);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ChainsSplitAtFourSlotsStillEqualThePrimitivesOneAfterAnother(string chain, int n)
    {
        var transform = Build(chain);
        var rng = new Random(n);
        var p = Set(n, rng, 1);
        var gradients = Enumerable.Range(0, 4).Select(_ => Set(n, rng, 1e-2)).ToArray();
        Check(transform, p, gradients);
        Check(transform, Generic.ToSingle(p), gradients.Select(Generic.ToSingle).ToArray());
    }

    private static IGradientTransform Build(string chain) => chain switch
    {
        // 3 + 1 slots in one loop, then 1 + 0 + 0.
        "adam3+trace1 | trace1+decay+lr" => Transforms.Chain(
            Transforms.ScaleByAdam(amsGrad: true), Transforms.Trace(0.9), Transforms.Trace(0.5, dampening: 0.1),
            Transforms.AddDecayedWeights(1e-2), Transforms.ScaleByLearningRate(0.1)),

        // 1 + 3, then 1 + 0.
        "trace1+adam3 | trace1+scale" => Transforms.Chain(
            Transforms.Trace(0.9, nesterov: true), Transforms.ScaleByAdam(amsGrad: true), Transforms.Trace(0.8), Transforms.Scale(-0.05)),

        // 2 + 2, then 0.
        "adam2+adam2 | lr" => Transforms.Chain(
            Transforms.ScaleByAdam(), Transforms.ScaleByAdam(0.8, 0.99), Transforms.ScaleByLearningRate(0.01)),

        // No slots: everything in one loop, four rules deep.
        _ => Transforms.Chain(Transforms.Scale(0.5), Transforms.Scale(-3), Transforms.AddDecayedWeights(0.1), Transforms.Scale(0.25)),
    };

    private static void Check<T>(IGradientTransform fused, ParamSet<T> p0, ParamSet<T>[] gradients)
        where T : struct, IEquatable<T>, IFormattable
    {
        var sequential = SequentialChain.Unfuse(fused);
        var facade = Optimizer.Create(fused, p0.Copy());
        Assert.True(facade.IsFused);
        var (p, s) = (p0, fused.Init(p0));
        var (q, r) = (p0, sequential.Init(p0));
        for (var k = 0; k < gradients.Length; k++)
        {
            (p, s) = Generic.Step(fused, gradients[k], s, p);
            (q, r) = Generic.Step(sequential, gradients[k], r, q);
            facade.Step(gradients[k]);
            Assert.True(p.BitwiseEquals(q) && Generic.SameBits(s, r), $"{typeof(T).Name}: the pure fused path differs at step {k + 1}");
            Assert.True(facade.Parameters.BitwiseEquals(q) && Generic.SameBits(facade.State, r), $"{typeof(T).Name}: the facade differs at step {k + 1}");
        }
    }

    /// <summary>A weight of n x 1 and a bias of 3 (the float32 runs round the same values).</summary>
    private static ParamSet<double> Set(int n, Random rng, double scale)
    {
        double Draw() => Math.Round((rng.NextDouble() - 0.5) * (1 << 20)) / (1 << 20) * scale;
        var w = Matrix<double>.Build.Dense(n, 1, (_, _) => Draw());
        var b = Matrix<double>.Build.Dense(3, 1, (_, _) => Draw());
        return ParamSet.Of(Param.Of("w", w), Param.Vector("b", b));
    }
}
