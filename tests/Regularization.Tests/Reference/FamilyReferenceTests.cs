using Xunit.Abstractions;

namespace Regularization.Tests.Reference;

/// <summary>
/// Replays PyTorch 1.13's trajectories of RMSprop, Adagrad, Adamax, NAdam, RAdam, Adadelta, ASGD and Rprop (and of NAdamW and
/// RAdamW, emulated as PyTorch 2.x's decoupled_weight_decay: the parameter multiplied by 1 - lr*wd before each step)
/// (family.json and family_float32.json, written by generate_pytorch.py: every flag of each, a 4x3 weight and a
/// length-3 bias, 12 steps of fixed random gradients) through the pure path and the facade, comparing the parameters,
/// every state buffer and the step count after every step; and the same members under PyTorch's <c>LambdaLR</c>
/// through the schedule overloads (family_schedules.json).
/// </summary>
/// <remarks>
/// Float64 bound: element-wise relative error <c>|ours - torch| &lt;= Tolerance * |torch|</c> (exact where PyTorch has
/// 0). The largest error seen is 5.0e-15 (nadam_weight_decay; 2026-12-02, this machine), so the bound, 1e-14, is 2x
/// what is reached and 100x tighter than issue 12's target of 1e-12; Adagrad, Adadelta, RAdam, Rprop and most
/// configurations of the others agree bit for bit, and the test output reports the largest error. Under the scheduler the
/// largest error seen is 2.2e-15 (rmsprop_step_schedule; ASGD and Adagrad bit for bit), within the same bound. The buffers use PyTorch's operation order and fused
/// multiply-adds; the remaining differences are in the last operations of a step, where PyTorch folds the learning rate
/// into one <c>addcdiv_</c> and the chain scales the update by the learning rate first. Float32: the bound of
/// <see cref="Float32ReferenceTests"/> (1 ulp of the tensor's largest element per step).
/// </remarks>
public sealed class FamilyReferenceTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-14;

    private static readonly string[] Kinds = ["rmsprop", "adagrad", "adamax", "nadam", "radam", "adadelta", "asgd", "rprop", "nadamw", "radamw"];

    public static IEnumerable<object[]> Configs() => PyTorchReference.Family.Select(c => new object[] { c.Name });

    [Fact]
    public void EveryOptimizerAndFlagHasATrajectoryInBothPrecisions()
    {
        var configs = PyTorchReference.Family;
        Assert.Equal(configs.Select(c => c.Name), PyTorchReference.Family32.Select(c => c.Name));
        Assert.All(configs, c => Assert.True(c.Steps.Length >= 12, c.Name));
        Assert.All(Kinds, k => Assert.Contains(configs, c => c.Optimizer == k));
        foreach (var flag in new[] { "momentum", "centered", "lr_decay", "initial_accumulator_value", "maximize", "weight_decay" })
        {
            Assert.Contains(configs, c => c.Hyper.TryGetProperty(flag, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void PurePathReplaysPyTorch(string name)
    {
        Replay.Within(Get(name), facade: false, Tolerance, output);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void FacadeReplaysPyTorchAndEqualsThePurePathBitForBit(string name)
    {
        Replay.Within(Get(name), facade: true, Tolerance, output);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Float32PurePathAndFacadeReplayPyTorch(string name)
    {
        var (ulps, where) = Float32ReferenceTests.Replay(PyTorchReference.Family32.Single(c => c.Name == name));
        output.WriteLine($"{name}: largest error {ulps} float32 ulps ({where})");
    }

    public static IEnumerable<object[]> ScheduleConfigs() => PyTorchReference.FamilySchedules.Select(c => new object[] { c.Name });

    [Fact]
    public void EveryMemberThatReadsItsLearningRateHasATrajectoryUnderAScheduler()
    {
        var configs = PyTorchReference.FamilySchedules;
        Assert.All(configs, c => Assert.NotNull(c.StepSchedule));
        Assert.All(Kinds.Except(["rprop", "nadamw", "radamw"]), k => Assert.Contains(configs, c => c.Optimizer == k));
    }

    /// <summary>
    /// The schedule overloads under PyTorch's <c>LambdaLR(lr * 0.5^(t // 3))</c>, stepped after every <c>step()</c>:
    /// <c>Schedule.Step(lr, 3, 0.5)</c> gives the same rates, so the trajectories are PyTorch's within the float64 bound,
    /// ASGD's step size lagging the schedule by one step as PyTorch's does (see
    /// <see cref="Optimizers.Asgd(Schedule, double, double, double, Schedule?, bool, Mask?)"/>).
    /// </summary>
    [Theory]
    [MemberData(nameof(ScheduleConfigs))]
    public void ScheduleOverloadsReplayPyTorchsLrScheduler(string name)
    {
        Replay.Within(PyTorchReference.FamilySchedules.Single(c => c.Name == name), facade: true, Tolerance, output);
    }

    private static RefConfig Get(string name) => PyTorchReference.Family.Single(c => c.Name == name);
}
