using Regularization.UserTransforms;

namespace Regularization.Tests;

/// <summary>A fused facade step allocates nothing, for both element types, whatever the chain's order.</summary>
public sealed class FacadeAllocationTests
{
    public static TheoryData<string> Optimizers => new()
    {
        "sgd", "sgd-nesterov-excludebiases-prox", "adam-amsgrad", "adamw", "adamw-optax-order", "groups", "user-rms", "zero-policy", "lion", "lamb", "lars",
    };

    private static IGradientTransform Make(string name) => name switch
    {
        "sgd" => Regularization.Optimizers.Sgd(0.1, weightDecay: 1e-4),
        "sgd-nesterov-excludebiases-prox" => Optimizer.Sgd(0.1).Momentum(0.9, nesterov: true).WeightDecay(1e-3).ExcludeBiases().ProximalL1(1e-4).ToTransform(),
        "adam-amsgrad" => Regularization.Optimizers.Adam(1e-3, weightDecay: 1e-2, amsgrad: true),
        "adamw" => Regularization.Optimizers.AdamW(1e-3),
        "adamw-optax-order" => Transforms.Chain(Transforms.ScaleByAdam(), Transforms.AddDecayedWeights(1e-2), Transforms.ScaleByLearningRate(1e-3)),
        "groups" => Regularization.Optimizers.Groups(
        [
            new ParamGroup("weights", Mask.ExcludeVectors, Regularization.Optimizers.AdamW(1e-3)),
            new ParamGroup("rest", Mask.All, Regularization.Optimizers.Sgd(0.5, momentum: 0.5)),
        ]),
        "lion" => Regularization.Optimizers.Lion(1e-4, weightDecay: 0.1),
        "lamb" => Regularization.Optimizers.Lamb(Schedule.Constant(1e-3), weightDecay: Schedule.Constant(0.01), decayMask: Mask.ExcludeVectors, trustRatioMask: Mask.ExcludeVectors),
        "lars" => Regularization.Optimizers.Lars(0.1, weightDecay: 1e-4),
        "user-rms" => Transforms.Chain(new ScaleByRms(), Transforms.ScaleByLearningRate(1e-2)),
        _ => Regularization.Optimizers.WithNonFinitePolicy(Regularization.Optimizers.AdamW(1e-3), NonFinitePolicy.Zero),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void AFusedStepAllocatesNothingInFloat64(string name) => Check<double>(name);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void AFusedStepAllocatesNothingInFloat32(string name) => Check<float>(name);

    private static void Check<T>(string name)
        where T : struct, IEquatable<T>, IFormattable
    {
        var rng = new Random(3);
        T Value() => typeof(T) == typeof(double) ? (T)(object)(rng.NextDouble() - 0.5) : (T)(object)(float)(rng.NextDouble() - 0.5);
        ParamSet<T> Make4() => ParamSet.Of(
            Param.Of("fc1.weight", Matrix<T>.Build.Dense(37, 11, (_, _) => Value())),
            Param.Vector("fc1.bias", Matrix<T>.Build.Dense(37, 1, (_, _) => Value())),
            Param.Of("fc2.weight", Matrix<T>.Build.Dense(3, 37, (_, _) => Value())),
            Param.Vector("fc2.bias", Matrix<T>.Build.Dense(3, 1, (_, _) => Value())));
        var optimizer = Optimizer.Create(Make(name), Make4());
        Assert.True(optimizer.IsFused, $"{name} should run fused");
        var gradients = Make4();
        for (var i = 0; i < 3; i++)
        {
            optimizer.Step(gradients); // JIT, first-use runners
        }

        // A step that allocated would allocate in every window; the runtime can finish tiered compilation inside a
        // window and allocate once there (seen on a loaded machine), so one clean window out of five is required.
        var allocated = new List<long>();
        for (var window = 0; window < 5 && (allocated.Count == 0 || allocated[^1] != 0); window++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10; i++)
            {
                optimizer.Step(gradients);
            }

            allocated.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(allocated[^1] == 0, $"{name}: every window allocated: {string.Join(", ", allocated)} bytes");
    }
}
