using Xunit.Abstractions;

namespace Regularization.Tests.Reference;

/// <summary>
/// The replay loop of the float64 reference tests (SGD/Adam/AdamW, the PyTorch family, the papers' optimizers, the
/// family under a schedule): a configuration's recorded gradients through the pure path, and optionally through the
/// fused facade beside it, comparing every step with PyTorch's numbers.
/// </summary>
internal static class Replay
{
    /// <summary>
    /// Steps the pure path through <paramref name="config"/>'s gradients and compares parameters, every recorded buffer
    /// and the step count after each step. With <paramref name="facade"/>, a fused <see cref="Optimizer{T}"/> takes the
    /// same steps, and its parameters and state must equal the pure path's bit for bit after every step.
    /// </summary>
    /// <returns>The agreement with PyTorch (largest relative error, where, bit-identical elements).</returns>
    public static Agreement Run(RefConfig config, bool facade)
    {
        var transform = config.Transform();
        var pure = config.InitialParameters();
        var state = transform.Init(pure);
        var optimizer = facade ? Optimizer.Create(transform, config.InitialParameters()) : null;
        Assert.True(optimizer?.IsFused ?? true, $"{config.Name} should run fused");
        var agreement = new Agreement();
        for (var s = 0; s < config.Steps.Length; s++)
        {
            var result = Pure.Step(transform, config.Gradients(s), state, pure);
            (pure, state) = (result.Parameters, result.State);
            if (optimizer is not null)
            {
                optimizer.Step(config.Gradients(s));
                Assert.True(TestUtil.BitwiseEqual(pure, optimizer.Parameters), $"{config.Name}: parameters differ at step {s + 1}");
                Assert.Equal(state, optimizer.State);
            }

            Compare(config, s, pure, state, agreement);
        }

        return agreement;
    }

    /// <summary>
    /// <see cref="Run"/>, then writes the agreement to the test output and asserts the largest relative error is at most
    /// <paramref name="tolerance"/>.
    /// </summary>
    public static void Within(RefConfig config, bool facade, double tolerance, ITestOutputHelper output)
    {
        var agreement = Run(config, facade);
        output.WriteLine($"{config.Name} ({(facade ? "pure and facade" : "pure")}): {agreement}");
        Assert.True(agreement.MaxRelative <= tolerance, $"{config.Name}: {agreement}");
    }

    /// <summary>Adds step <paramref name="s"/>'s parameters and buffers to <paramref name="agreement"/> and checks the step counts.</summary>
    private static void Compare(RefConfig config, int s, ParamSet<double> parameters, TransformState state, Agreement agreement)
    {
        var expected = config.Steps[s];
        foreach (var (name, _) in config.Params)
        {
            agreement.Add($"step {s + 1} {name}", expected.Params[name].Data, parameters[name].Value.AsColumnMajorArray());
            foreach (var (key, value) in expected.State[name])
            {
                agreement.Add($"step {s + 1} {name}.{key}", value.Data, ReferenceTrajectoryTests.Buffer<double>(state, name, key).Value.AsColumnMajorArray());
            }

            // Every state with buffers for this parameter has counted the steps; PyTorch's own count, where it keeps one, agrees.
            var counts = States.Of<SlotState<double>>(state).Where(t => t.SlotNames.Count > 0 && t[t.SlotNames[0]].Contains(name)).Select(t => t.Count).ToArray();
            Assert.All(counts, c => Assert.Equal(s + 1, c));
            if (expected.StepCounts.TryGetValue(name, out var count))
            {
                Assert.NotEmpty(counts);
                Assert.Equal((long)count, counts[0]);
            }
        }
    }
}
